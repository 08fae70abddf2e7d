/**
 * The RingCX credential's RingCentral login (JWT), and the RingCX node on it, against the bundled
 * RingCentral platform and RingCX servers over HTTP, through n8n-core's helpers and n8n's own
 * CredentialsHelper: one sign-in (JWT grant, then RingCX's exchange) kept across runs, renewals by the
 * single-use refresh token (one per batch), the JWT again only when RingCX refuses the refresh token,
 * refusals tried once, RingCentral's 5-per-minute limit respected, and no secret in any output or error.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { RingCxApi } from '../../../credentials/RingCxApi.credentials';
import { RingCx } from '../../../nodes/RingCx/RingCx.node';
import { RINGCENTRAL_APP, RINGCENTRAL_JWTS, createRingCentral } from '../../providers/ringcentral';
import { RINGCX_RINGCENTRAL_USERS, createRingCx } from '../../providers/ringcx';
import { failureOf } from '../../support/failureOf';
import { StoredCredential, items } from '../../support/n8nCredentialCalls';
import { CredentialStore, nodeRunner } from '../../support/nodeExecutionContext';
import { providerFixture } from '../../support/providerFixture';

const platform = providerFixture(createRingCentral);
const ringCx = providerFixture(() => createRingCx({ ringCentral: platform.provider }));
const runRingCx = nodeRunner({ nodeType: RingCx, credentialType: RingCxApi });
beforeEach(() => {
	platform.provider.resetRateLimits();
	ringCx.provider.actions!.resetRateLimits({});
});

function ringCentralLogin(overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return {
		server: 'custom',
		baseUrl: `${ringCx.baseUrl()}/voice/api`,
		authMethod: 'ringCentralJwt',
		ringCentralUrl: platform.baseUrl(),
		clientId: RINGCENTRAL_APP.clientId,
		clientSecret: RINGCENTRAL_APP.clientSecret,
		jwt: RINGCENTRAL_JWTS.admin,
		...overrides,
	};
}
const SECRETS = [RINGCENTRAL_APP.clientSecret, ...Object.values(RINGCENTRAL_JWTS)];
const jwtGrants = () => platform.server.requests('POST', '/restapi/oauth/token');
const exchanges = () => ringCx.server.requests('POST', '/api/auth/login/rc/accesstoken');
const refreshes = () => ringCx.server.requests('POST', '/api/auth/token/refresh');
const listUsers = { resource: 'user', operation: 'getAll', returnAll: true };

/** What a user sees of a run (output items, error text) holds none of the credential's secrets. */
function expectNoSecret(seen: unknown, store?: CredentialStore): void {
	const text = JSON.stringify(seen);
	for (const secret of [...SECRETS, String(store?.data.refreshToken ?? 'no refresh token')]) {
		expect(text).not.toContain(secret);
	}
}

describe('signing in', () => {
	it('gets a RingCentral token by JWT grant, exchanges it at RingCX, and keeps the RingCX tokens', async () => {
		const store = new CredentialStore(ringCentralLogin());
		const { output } = await runRingCx(store, { parameters: listUsers });

		const [grant] = jwtGrants();
		expect(grant.headers.authorization).toBe(
			`Basic ${Buffer.from(`${RINGCENTRAL_APP.clientId}:${RINGCENTRAL_APP.clientSecret}`).toString('base64')}`,
		);
		expect(grant.contentType).toBe('application/x-www-form-urlencoded');
		expect(grant.form).toEqual({
			grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
			assertion: RINGCENTRAL_JWTS.admin,
		});
		const [exchange] = exchanges();
		expect(exchange.query).toEqual({ includeRefresh: 'true' });
		expect(exchange.form).toEqual({ rcAccessToken: expect.any(String), rcTokenType: 'Bearer' });
		const [usersCall] = ringCx.server.requests('GET', '/voice/api/v1/admin/users');
		expect(usersCall.headers.authorization).toBe(`Bearer ${String(store.data.sessionToken)}`);
		expect(store.data.refreshToken).toEqual(ringCx.provider.refreshTokensOf(RINGCX_RINGCENTRAL_USERS.admin.userId)[0]);
		expect(output.map((item) => item.json.userId)).toContain(RINGCX_RINGCENTRAL_USERS.admin.userId);
		expectNoSecret(output, store);
	});

	it('signs in once across runs and the credential test', async () => {
		const store = new CredentialStore(ringCentralLogin());
		await runRingCx(store, { parameters: listUsers });
		await runRingCx(store, { parameters: listUsers });
		const credential = new StoredCredential(new RingCxApi(), store.data);
		await credential.httpRequestWithAuthentication({
			method: 'GET',
			url: `${ringCx.baseUrl()}/voice/api/v1/admin/users`,
		});
		expect([jwtGrants().length, exchanges().length, refreshes().length]).toEqual([1, 1, 0]);
	});

	it('a cold batch of 30 items makes one sign-in, within RingCentral’s 5 per minute', async () => {
		const { output } = await runRingCx(new CredentialStore(ringCentralLogin()), { items: 30, parameters: listUsers });
		expect(output).toHaveLength(30 * Object.keys(RINGCX_RINGCENTRAL_USERS).length);
		expect(jwtGrants().map((request) => request.status)).toEqual([200]);
		expect(exchanges()).toHaveLength(1);
	});

	it('waits out RingCentral’s 429 and its Retry-After', async () => {
		platform.server.failNext(1, { status: 429, retryAfter: 1, pathPrefix: '/restapi/oauth/token' });
		await runRingCx(new CredentialStore(ringCentralLogin()), { parameters: listUsers });
		const [limited, granted] = jwtGrants();
		expect([limited.status, granted.status]).toEqual([429, 200]);
		expect(Date.parse(granted.at) - Date.parse(limited.at)).toBeGreaterThanOrEqual(950);
	});
});

describe('after RingCX’s 5-minute token expires', () => {
	it('20 items at once renew it with one refresh, save the rotated refresh token, and sign in with no new JWT grant', async () => {
		const store = new CredentialStore(ringCentralLogin());
		await runRingCx(store, { parameters: listUsers });
		const firstRefreshToken = store.data.refreshToken;
		ringCx.provider.expireAllTokens();

		const { output } = await runRingCx(store, { items: 20, parameters: listUsers });

		expect(output.every((item) => item.json.error === undefined)).toBe(true);
		expect(refreshes().map((request) => request.form?.refresh_token)).toEqual([firstRefreshToken]);
		expect([jwtGrants().length, exchanges().length]).toEqual([1, 1]);
		expect(store.data.refreshToken).not.toBe(firstRefreshToken);
		const live = ringCx.provider.refreshTokensOf(RINGCX_RINGCENTRAL_USERS.admin.userId);
		expect([live.includes(String(store.data.refreshToken)), live.includes(String(firstRefreshToken))]).toEqual([
			true,
			false,
		]);
	});

	it('fresh copies of the credential share the refresh too: a spent refresh token is never sent again', async () => {
		const store = new CredentialStore(ringCentralLogin());
		await runRingCx(store, { parameters: listUsers });
		ringCx.provider.expireAllTokens();
		const credential = new StoredCredential(new RingCxApi(), store.data);
		const url = `${ringCx.baseUrl()}/voice/api/v1/admin/users`;
		const results = await items(
			10,
			'concurrently',
			async () => await credential.httpRequestWithAuthentication({ method: 'GET', url }),
		);
		expect(results.every((result) => result.ok)).toBe(true);
		expect(refreshes()).toHaveLength(1);
	});

	it('signs in with the JWT again only when RingCX refuses the refresh token', async () => {
		const store = new CredentialStore(ringCentralLogin());
		await runRingCx(store, { parameters: listUsers });
		ringCx.provider.expireAllTokens();
		ringCx.provider.actions!.revokeRefreshTokens({});

		await runRingCx(store, { parameters: listUsers });

		expect(refreshes().map((request) => request.status)).toEqual([401]);
		expect([jwtGrants().length, exchanges().length]).toEqual([2, 2]);
	});
});

describe('refusals: one attempt, an error that says which part was refused', () => {
	it.each([
		['the JWT', { jwt: RINGCENTRAL_JWTS.revoked }, 'RingCentral rejected the JWT (HTTP 400 invalid_grant)'],
		[
			'the client',
			{ clientSecret: 'not the secret' },
			'RingCentral rejected the client ID or client secret (HTTP 400 invalid_client)',
		],
		[
			'a user without RingCX',
			{ jwt: RINGCENTRAL_JWTS.noRingCx },
			'RingCX did not accept the RingCentral sign-in (HTTP 403)',
		],
	])(
		'%s: every item of the batch fails with the same error, and no second attempt is made',
		async (_part, overrides, message) => {
			const store = new CredentialStore(ringCentralLogin(overrides));
			const { output } = await runRingCx(store, { items: 5, continueOnFail: true, parameters: listUsers });
			expect(output.map((item) => item.json.error)).toEqual(Array(5).fill(message));
			// The next run does not ask again (the refusal is remembered until the credential changes).
			await runRingCx(store, { continueOnFail: true, parameters: listUsers });
			expect(jwtGrants()).toHaveLength(1);
			expectNoSecret(output);
		},
	);

	it('a legacy portal has no RingCentral login: the Server is named before anything is sent', async () => {
		const error = await failureOf(
			runRingCx(new CredentialStore(ringCentralLogin({ server: 'vacd' })), { parameters: listUsers }),
		);
		expect(error.message).toBe('The RingCX credential\'s "Server" is a legacy portal, which has no RingCentral login');
		expect(jwtGrants()).toHaveLength(0);
	});
});

describe('the RingCX node on a RingCentral login', () => {
	it('creates, lists and deletes permanent API tokens under /voice/api with the Bearer token', async () => {
		const store = new CredentialStore(ringCentralLogin());
		const created = await runRingCx(store, { parameters: { resource: 'apiToken', operation: 'create' } });
		const apiToken = String(created.output[0].json.apiToken);
		const listed = await runRingCx(store, { parameters: { resource: 'apiToken', operation: 'getAll' } });
		expect(listed.output.map((item) => item.json)).toContainEqual({ apiToken, usedByThisCredential: false });
		const deleted = await runRingCx(store, { parameters: { resource: 'apiToken', operation: 'delete', apiToken } });
		expect(deleted.output[0].json).toEqual({ deleted: true });
		expect(
			ringCx.server.log.map(
				(request) =>
					`${request.method} ${request.path.replace(encodeURIComponent(apiToken), ':token')} ${request.status}`,
			),
		).toEqual([
			'POST /api/auth/login/rc/accesstoken 200',
			'POST /voice/api/v1/admin/token 200',
			'GET /voice/api/v1/admin/token 200',
			'DELETE /voice/api/v1/admin/token/:token 204',
		]);
		expect(ringCx.provider.apiTokensOf(RINGCX_RINGCENTRAL_USERS.admin.userId)).toEqual([]);
	});
});
