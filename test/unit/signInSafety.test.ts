/**
 * Sign-in safety under n8n's real call patterns (issue: one attempt per refusal, one code per run,
 * no refresh-token races, transient faults survived). Every request gets a fresh copy of the stored
 * credential and the legacy helper calls preAuthentication again after any failure, as in n8n; the
 * provider servers count what really reached them.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { RingCxApi } from '../../credentials/RingCxApi.credentials';
import { ViafouraApi } from '../../credentials/ViafouraApi.credentials';
import { VirtuousApi } from '../../credentials/VirtuousApi.credentials';
import { AFTERMATH_MS } from '../../tokenLifecycle/renewalInFlight';
import type { ProviderServer } from '../providers/providerServer';
import { RINGCX_ACCOUNTS, createRingCx } from '../providers/ringcx';
import { createViafoura } from '../providers/viafoura';
import { VIRTUOUS_ORGANIZATION, VIRTUOUS_USERS, createVirtuous } from '../providers/virtuous';
import { credentialCalls } from '../support/credentialCalls';
import { ringCxCredentialData, viafouraCredentialData, virtuousCredentialData } from '../support/credentialFixtures';
import { httpRequest } from '../support/n8nCore';
import { StoredCredential, items } from '../support/n8nCredentialCalls';
import { providerFixture } from '../support/providerFixture';

const fixtures = {
	ringCx: providerFixture(createRingCx),
	viafoura: providerFixture(createViafoura),
	virtuous: providerFixture(createVirtuous),
};
const { provider: ringCx } = fixtures.ringCx;
const { provider: virtuous } = fixtures.virtuous;
const servers = {
	ringCx: fixtures.ringCx.server,
	viafoura: fixtures.viafoura.server,
	virtuous: fixtures.virtuous.server,
};
const urls = {
	ringCx: fixtures.ringCx.baseUrl,
	viafoura: fixtures.viafoura.baseUrl,
	virtuous: fixtures.virtuous.baseUrl,
};

const [admin] = RINGCX_ACCOUNTS;
const { twoFactor, plain } = VIRTUOUS_USERS;

function ringCxCredential(password: string): StoredCredential {
	return new StoredCredential(new RingCxApi(), ringCxCredentialData(urls.ringCx(), { tokenOwner: '', password }));
}

function virtuousCredential(user: { email: string; password: string }, extra: ICredentialDataDecryptedObject = {}) {
	return new StoredCredential(
		new VirtuousApi(),
		virtuousCredentialData(urls.virtuous(), user, { tokenOwner: '', signInNeedsCode: '', ...extra }),
	);
}

function viafouraCredential(): StoredCredential {
	return new StoredCredential(new ViafouraApi(), viafouraCredentialData(urls.viafoura(), { tokenOwner: '' }));
}

const tokenGrants = (server: ProviderServer, grantType?: string) =>
	server.requests('POST', '/Token').filter((entry) => grantType === undefined || entry.form?.grant_type === grantType);

describe('a refused sign-in is tried once, for every copy of the credential', () => {
	it('RingCX, wrong password, 5 items sent through the HTTP Request node: one login attempt, 5 clear errors', async () => {
		const credential = ringCxCredential('not-the-password');
		const failedBefore = ringCx.state.failedLoginCount;

		const results = await items(
			5,
			'one by one',
			async () =>
				await credential.requestWithAuthentication({
					url: `${urls.ringCx()}/api/v1/admin/users`,
					method: 'GET',
					json: true,
				}),
		);

		expect(ringCx.state.failedLoginCount - failedBefore).toBe(1);
		expect(servers.ringCx.requests('POST', '/api/v1/auth/login')).toHaveLength(1);
		for (const result of results) {
			expect(result.ok).toBe(false);
			if (!result.ok)
				expect(result.error.message).toBe('RingCX rejected the username or password (HTTP 401 invalid_credentials)');
		}
	});

	it('the same for 5 items at once; editing the password ends it at once', async () => {
		const wrong = ringCxCredential('still-not-it');
		await items(
			5,
			'concurrently',
			async () =>
				await wrong.requestWithAuthentication({
					url: `${urls.ringCx()}/api/v1/admin/users`,
					method: 'GET',
					json: true,
				}),
		);
		expect(servers.ringCx.requests('POST', '/api/v1/auth/login')).toHaveLength(1);

		const fixed = ringCxCredential(admin.password);
		const users = await fixed.requestWithAuthentication({
			url: `${urls.ringCx()}/api/v1/admin/users`,
			method: 'GET',
			json: true,
		});
		expect(Array.isArray(users)).toBe(true);
		expect(servers.ringCx.requests('POST', '/api/v1/auth/login')).toHaveLength(2);
	});
});

describe('one texted code per wait', () => {
	it('Virtuous two-factor user, 4 items one by one through the HTTP Request node: one password grant, one code', async () => {
		const credential = virtuousCredential(twoFactor);
		const sentBefore = virtuous.state.sentCodes.length;

		const results = await items(
			4,
			'one by one',
			async () =>
				await credential.requestWithAuthentication({
					url: `${urls.virtuous()}/api/Organization/Current`,
					method: 'GET',
					json: true,
				}),
		);

		expect(virtuous.state.sentCodes.length - sentBefore).toBe(1);
		expect(tokenGrants(servers.virtuous, 'password')).toHaveLength(1);
		// The legacy helper's second call already meets the wait, so every item says when the code was texted.
		for (const result of results) {
			expect(result.ok ? '' : result.error.message).toMatch(/^Virtuous texted a verification code at \d\d:\d\d UTC/);
		}

		// Entering the code ends the wait: the next run signs in with it, and no new code is texted.
		const code = virtuous.latestCode(twoFactor.email)!.code;
		const withCode = virtuousCredential(twoFactor, { otp: code });
		const organization = await withCode.requestWithAuthentication({
			url: `${urls.virtuous()}/api/Organization/Current`,
			method: 'GET',
			json: true,
		});
		expect(organization).toEqual(VIRTUOUS_ORGANIZATION);
		expect(withCode.stored).toMatchObject({ otp: '', signInNeedsCode: 'true' });
		expect(virtuous.state.sentCodes.length - sentBefore).toBe(1);
	});
});

describe('a rotating refresh token is traded once', () => {
	async function signedInTwoFactorUser(): Promise<StoredCredential> {
		const texting = virtuousCredential(twoFactor);
		await texting
			.requestWithAuthentication({ url: `${urls.virtuous()}/api/Organization/Current`, method: 'GET' })
			.catch(() => undefined);
		const credential = virtuousCredential(twoFactor, { otp: virtuous.latestCode(twoFactor.email)!.code });
		await credential.requestWithAuthentication({ url: `${urls.virtuous()}/api/Organization/Current`, method: 'GET' });
		return credential;
	}

	it('Virtuous, 20 items at once meet an expired access token: one refresh grant, no password grant, all succeed', async () => {
		const credential = await signedInTwoFactorUser();
		virtuous.expireAllTokens();
		servers.virtuous.clearLog();
		const sentBefore = virtuous.state.sentCodes.length;

		const results = await items(
			20,
			'concurrently',
			async () =>
				await credential.requestWithAuthentication({
					url: `${urls.virtuous()}/api/Organization/Current`,
					method: 'GET',
					json: true,
				}),
		);

		expect(results.filter((result) => !result.ok)).toEqual([]);
		expect(tokenGrants(servers.virtuous, 'refresh_token')).toHaveLength(1);
		expect(tokenGrants(servers.virtuous, 'password')).toHaveLength(0);
		expect(virtuous.state.sentCodes.length - sentBefore).toBe(0);
		expect(virtuous.refreshTokensOf(twoFactor.email)).toContain(credential.stored.refreshToken);
	});

	it('a copy read before the rotation gets the new tokens, not a 400 and a password grant', async () => {
		const credential = await signedInTwoFactorUser();
		const readBeforeRotation = credential.decrypt();
		virtuous.expireAllTokens();
		await credential.requestWithAuthentication({ url: `${urls.virtuous()}/api/Organization/Current`, method: 'GET' });
		servers.virtuous.clearLog();

		const fields = await credentialCalls(new VirtuousApi()).preAuthenticate(readBeforeRotation);

		expect(fields).toMatchObject({
			accessToken: credential.stored.accessToken,
			refreshToken: credential.stored.refreshToken,
		});
		expect(tokenGrants(servers.virtuous)).toHaveLength(0);
	});
});

describe('transient faults fail only the request that met them', () => {
	it('Viafoura, one 503 from /oauth2/token: the client-credentials grant is asked again and every item goes through', async () => {
		const credential = viafouraCredential();
		servers.viafoura.failNext(1, { status: 503, pathPrefix: '/oauth2/token' });

		const results = await items(
			5,
			'concurrently',
			async (itemIndex) =>
				await credential.httpRequestWithAuthentication({
					url: `${urls.viafoura()}/rest/v1/accounts/login`,
					method: 'POST',
					headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
					body: `id=reader-${itemIndex}&name=Reader`,
					json: true,
				}),
		);

		expect(results.filter((result) => !result.ok)).toEqual([]);
		expect(servers.viafoura.requests('POST', '/oauth2/token').map((entry) => entry.status)).toEqual([503, 200]);
	});

	it('a 503 that lasts fails the items that met it, and the next run signs in without remembering it', async () => {
		const credential = viafouraCredential();
		servers.viafoura.failNext(3, { status: 503, pathPrefix: '/oauth2/token' });
		const failed = await items(
			1,
			'one by one',
			async () =>
				await credential.httpRequestWithAuthentication({
					url: `${urls.viafoura()}/rest/v1/accounts/logout`,
					method: 'POST',
					body: 'session=',
				}),
		);
		expect(failed[0].ok).toBe(false);
		if (!failed[0].ok)
			expect(failed[0].error.message).toBe('Viafoura did not issue an access token (HTTP 503 forced_failure)');

		// The next run, after the failure's aftermath (tokenLifecycle/renewalInFlight.ts), asks again.
		jest.spyOn(Date, 'now').mockReturnValue(Date.now() + AFTERMATH_MS);
		const token = await credentialCalls(new ViafouraApi()).preAuthenticate(credential.decrypt());
		expect(token.accessToken).toEqual(expect.any(String));
		jest.restoreAllMocks();
	});

	it('a cold batch of 100 items through the HTTP Request node makes one token request', async () => {
		const credential = viafouraCredential();
		const results = await items(
			100,
			'concurrently',
			async (itemIndex) =>
				await credential.requestWithAuthentication({
					url: `${urls.viafoura()}/rest/v1/accounts/login`,
					method: 'POST',
					headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
					body: `id=cold-${itemIndex}&name=Reader`,
				}),
		);
		expect(results.filter((result) => !result.ok)).toEqual([]);
		expect(servers.viafoura.requests('POST', '/oauth2/token')).toHaveLength(1);
	});
});

describe('token requests time out', () => {
	// A time-out is never followed by a second request: test/unit/requestEngine/oneRequestPath.test.ts.
	it('every credential token request carries the 20 s timeout', async () => {
		const seen: Array<number | undefined> = [];
		const watching = {
			helpers: {
				httpRequest: async (options: { timeout?: number }) => {
					seen.push(options.timeout);
					return await httpRequest(options as never);
				},
			},
		} as never;
		await new ViafouraApi().preAuthentication!.call(watching, viafouraCredential().decrypt());
		await new RingCxApi().preAuthentication!.call(watching, ringCxCredential(admin.password).decrypt());
		await new VirtuousApi().preAuthentication!.call(watching, virtuousCredential(plain).decrypt());
		// One timeout for each request that reached a provider server (their logs start empty in every test).
		const reached = servers.viafoura.log.length + servers.ringCx.log.length + servers.virtuous.log.length;
		expect(reached).toBeGreaterThanOrEqual(4);
		expect(seen).toHaveLength(reached);
		expect(new Set(seen)).toEqual(new Set([20_000]));
	});
});
