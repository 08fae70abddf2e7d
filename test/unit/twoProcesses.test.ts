/* eslint-disable @typescript-eslint/no-require-imports -- not shipped: runs in Node, not inside n8n */
/**
 * Two n8n processes (queue-mode workers) using one credential at the same moment. Each process has
 * its own copy of the package's modules, so each is loaded separately here (jest.isolateModules):
 * nothing one remembers is seen by the other, as between real workers. n8n offers no lock across
 * processes; these tests pin what the package guarantees without one.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject } from 'n8n-workflow';

import { RINGCX_ACCOUNTS, createRingCx } from '../providers/ringcx';
import { VIRTUOUS_USERS, createVirtuous } from '../providers/virtuous';
import { credentialCalls } from '../support/credentialCalls';
import { ringCxCredentialData, virtuousCredentialData } from '../support/credentialFixtures';
import { providerFixture } from '../support/providerFixture';

// Loading the modules a second and third time compiles them again: slow on a busy machine.
jest.setTimeout(60_000);

const { provider: ringCx, server: ringCxServer } = providerFixture(createRingCx);
const { provider: virtuous, server: virtuousServer } = providerFixture(createVirtuous);

/** The credential class as a separate process would load it. */
function loadedInAnotherProcess<T>(modulePath: string, className: string): T {
	let loaded: T | undefined;
	jest.isolateModules(() => {
		loaded = new (require(modulePath) as Record<string, new () => T>)[className]();
	});
	return loaded!;
}

/** `credentials` may hold what an earlier preAuthentication returned (an IDataObject), as n8n saves it. */
async function preAuthenticate(type: ICredentialType, credentials: IDataObject) {
	return await credentialCalls(type)
		.preAuthenticate(credentials as ICredentialDataDecryptedObject)
		.then(
			(fields) => ({ fields, error: undefined }),
			(error: Error) => ({ fields: undefined, error }),
		);
}

test('RingCX: two workers that sign in at once may both mint, and one permanent token remains, used by both', async () => {
	const [admin] = RINGCX_ACCOUNTS;
	const workers = [1, 2].map(() =>
		loadedInAnotherProcess<ICredentialType>('../../credentials/RingCxApi.credentials', 'RingCxApi'),
	);
	const credentials = () => ringCxCredentialData(ringCxServer.url, { tokenOwner: '' });
	const tokensBefore = ringCx.apiTokensOf(admin.userId);
	expect(tokensBefore).toEqual([]);
	// Slow enough that both list the (empty) tokens before either mints.
	ringCxServer.setLatency(50);

	const [first, second] = await Promise.all(
		workers.map(async (worker) => await preAuthenticate(worker, credentials())),
	);

	ringCxServer.setLatency(0);
	expect(ringCx.state.mintCount).toBe(2);
	expect(ringCx.apiTokensOf(admin.userId)).toHaveLength(1);
	expect(first.fields?.sessionToken).toBe(ringCx.apiTokensOf(admin.userId)[0]);
	expect(second.fields?.sessionToken).toBe(ringCx.apiTokensOf(admin.userId)[0]);
});

test('Virtuous: two workers trade one rotating refresh token at once: one renews, the other fails that request, no code is texted', async () => {
	const { twoFactor } = VIRTUOUS_USERS;
	const [signer, workerA, workerB] = [1, 2, 3].map(() =>
		loadedInAnotherProcess<ICredentialType>('../../credentials/VirtuousApi.credentials', 'VirtuousApi'),
	);
	const base = virtuousCredentialData(virtuousServer.url, twoFactor, { tokenOwner: '', signInNeedsCode: '' });
	await preAuthenticate(signer, { ...base });
	const signedIn = await preAuthenticate(signer, { ...base, otp: virtuous.latestCode(twoFactor.email)!.code });
	const stored = { ...base, ...signedIn.fields };
	expect(stored.signInNeedsCode).toBe('true');
	virtuous.expireAllTokens();
	const codesBefore = virtuous.state.sentCodes.length;
	virtuousServer.clearLog();

	const outcomes = await Promise.all(
		[workerA, workerB].map(async (worker) => await preAuthenticate(worker, { ...stored })),
	);

	const renewed = outcomes.filter((outcome) => outcome.fields?.accessToken !== undefined);
	const failed = outcomes.filter((outcome) => outcome.error !== undefined);
	expect(renewed).toHaveLength(1);
	expect(failed.map((outcome) => outcome.error?.message)).toEqual(['Virtuous refused the saved refresh token']);
	expect(virtuous.state.sentCodes.length).toBe(codesBefore);
	expect(virtuousServer.requests('POST', '/Token').filter((entry) => entry.form?.grant_type === 'password')).toEqual(
		[],
	);
	// The next run reads what the winner saved and needs nothing more.
	const next = await preAuthenticate(workerB, { ...stored, ...renewed[0].fields });
	expect(next.error).toBeUndefined();
});
