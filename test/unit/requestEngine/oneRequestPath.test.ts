/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
/**
 * The one request engine, seen from the nodes and credentials that use it, against the bundled servers
 * over HTTP: a token request and an API request keep the same rules for timeouts, Stop, retries and
 * 429 pacing, waiters share a token request's outcome, and a one-time secret is never sent twice.
 */
import { SatelliteApi } from '../../../credentials/SatelliteApi.credentials';
import { ViafouraApi } from '../../../credentials/ViafouraApi.credentials';
import { Satellite } from '../../../nodes/Satellite/Satellite.node';
import { Viafoura } from '../../../nodes/Viafoura/Viafoura.node';
import { CODE_MAY_BE_USED } from '../../../providers/satellite/client';
import { createSatellite, SATELLITE_USERS } from '../../providers/satellite';
import { createViafoura } from '../../providers/viafoura';
import { satelliteCredentialData, viafouraCredentialData } from '../../support/credentialFixtures';
import { failureOf } from '../../support/failureOf';
import { CredentialStore, nodeRunner } from '../../support/nodeExecutionContext';
import { providerFixture } from '../../support/providerFixture';

const viafoura = providerFixture(createViafoura);
const satellite = providerFixture(createSatellite);
const runViafoura = nodeRunner({ nodeType: Viafoura, credentialType: ViafouraApi });
const runSatellite = nodeRunner({ nodeType: Satellite, credentialType: SatelliteApi });

const login = (extra: Record<string, unknown> = {}) => ({
	resource: 'session',
	operation: 'login',
	userId: (itemIndex: number) => `reader-${itemIndex}`,
	name: 'Reader',
	...extra,
});
const tokenRequests = () => viafoura.server.requests('POST', '/oauth2/token');
const loginRequests = () => viafoura.server.requests('POST', '/rest/v1/accounts/login');

describe('a token endpoint that stops answering costs one time-out per batch', () => {
	it('every item waits on the one token request and gets its error; later items do not ask again', async () => {
		viafoura.server.setLatency((request) => (request.path === '/oauth2/token' ? 10_000 : 0));
		const { output } = await runViafoura(new CredentialStore(viafouraCredentialData(viafoura.baseUrl())), {
			items: 10,
			continueOnFail: true,
			parameters: login({ concurrency: 3, options: { timeout: 400 } }),
		});
		// The node's Timeout reaches the credential's token request (the server would answer after 10 s), and
		// the batch meets one time-out, not one per wave of items.
		expect(tokenRequests()).toHaveLength(1);
		expect(output.map((item) => item.json.error)).toEqual(
			Array(10).fill(`Viafoura did not answer in time (${viafoura.baseUrl()}, 0.4 s)`),
		);
		expect(loginRequests()).toHaveLength(0);
	});
});

describe('the execution’s Stop', () => {
	it('ends a run waiting on a token request at once, and aborts that request', async () => {
		viafoura.server.setLatency((request) => (request.path === '/oauth2/token' ? 10_000 : 0));
		let stop: AbortController | undefined;
		const run = runViafoura(new CredentialStore(viafouraCredentialData(viafoura.baseUrl())), {
			items: 3,
			parameters: login(),
			onStart: (execution) => (stop = execution.cancel),
		});
		while (tokenRequests().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		const stoppedAt = Date.now();
		stop!.abort();
		await expect(run).rejects.toThrow('The execution was stopped');
		expect(Date.now() - stoppedAt).toBeLessThan(2_000); // the token endpoint would answer after 10 s
		expect(loginRequests()).toHaveLength(0);
	});
});

describe('one pacing rule for a 429, on token requests and API requests alike', () => {
	const gapMs = (later: { at: string }, earlier: { at: string }) => Date.parse(later.at) - Date.parse(earlier.at);

	it('a token request answered 429 waits out Retry-After and is sent again', async () => {
		viafoura.server.failNext(1, { status: 429, retryAfter: 1, pathPrefix: '/oauth2/token' });
		const { output } = await runViafoura(new CredentialStore(viafouraCredentialData(viafoura.baseUrl())), {
			parameters: login(),
		});
		expect(tokenRequests().map((request) => request.status)).toEqual([429, 200]);
		expect(gapMs(tokenRequests()[1], tokenRequests()[0])).toBeGreaterThanOrEqual(950);
		expect(output[0].json.session).toEqual(expect.any(String));
	});

	it('an API request answered 429 holds every request to that host for Retry-After, then is sent again', async () => {
		const store = new CredentialStore(viafouraCredentialData(viafoura.baseUrl()));
		await runViafoura(store, { parameters: login() }); // a token first: the run below is all logins
		viafoura.server.clearLog();
		viafoura.server.failNext(1, { status: 429, retryAfter: 1, pathPrefix: '/rest/v1/accounts/login' });

		const { output } = await runViafoura(store, { items: 6, parameters: login({ concurrency: 2 }) });

		// Besides the one other item already in flight, the limited item and every item not yet sent
		// went out only after the pause.
		const limited = loginRequests().find((request) => request.status === 429)!;
		const sentAfter = loginRequests().filter((request) => Date.parse(request.at) > Date.parse(limited.at));
		expect(sentAfter.filter((request) => gapMs(request, limited) < 950).length).toBeLessThanOrEqual(1);
		expect(sentAfter.filter((request) => gapMs(request, limited) >= 950).length).toBeGreaterThanOrEqual(5);
		expect(loginRequests()).toHaveLength(7);
		expect(output.map((item) => typeof item.json.session)).toEqual(Array(6).fill('string'));
	});
});

describe('a one-time code is never sent twice', () => {
	const [someone] = SATELLITE_USERS;
	const verify = (code: string) => ({
		resource: 'otp',
		operation: 'verify',
		channel: 'email',
		email: someone.email,
		code,
	});
	const codeChecks = () =>
		satellite.server
			.requests('POST', '/oauth/v2/token')
			.filter((request) => (request.json as { grant_type?: string }).grant_type === 'password');

	async function sentCode(): Promise<string> {
		await runSatellite(new CredentialStore(satelliteCredentialData(satellite.baseUrl())), {
			parameters: { resource: 'otp', operation: 'send', channel: 'email', email: someone.email },
		});
		return satellite.provider.lastCodeFor(someone.email)!;
	}

	it.each([
		['the connection is lost after Satellite took the code', { status: 0, dropAnswer: true }, ''],
		['a gateway answers 502', { status: 502 }, ' (HTTP 502)'],
	])('%s: one check, and an error that says the code may be used', async (_case, fault, status) => {
		const code = await sentCode();
		satellite.server.failNext(1, { ...fault, pathPrefix: '/oauth/v2/token' });

		const error = await failureOf(
			runSatellite(new CredentialStore(satelliteCredentialData(satellite.baseUrl())), { parameters: verify(code) }),
		);

		expect(codeChecks()).toHaveLength(1);
		expect(error.message).toBe(`${CODE_MAY_BE_USED.message}${status}`);
		expect(error.description).toBe(CODE_MAY_BE_USED.description);
	});

	it('the code check keeps the node’s Timeout', async () => {
		const code = await sentCode();
		satellite.server.setLatency((request) => (request.path === '/oauth/v2/token' ? 5_000 : 0));
		const error = await failureOf(
			runSatellite(new CredentialStore(satelliteCredentialData(satellite.baseUrl())), {
				parameters: { ...verify(code), options: { timeout: 300 } },
			}),
		);
		expect(error.message).toBe(`Satellite did not answer in time (${satellite.baseUrl()}, 0.3 s)`);
		expect(codeChecks()).toHaveLength(1);
	});
});
