/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
/**
 * The contract of the bundled RingCentral and RingCX servers for RingCX's "RingCentral login": the JWT grant,
 * its refusals and rate limit at RingCentral, then RingCX's exchange, 5-minute tokens, rotating refresh tokens
 * and the admin API under /voice/api. Real HTTP, one rule per test.
 */
import { createRingCentral, RINGCENTRAL_APP, RINGCENTRAL_JWTS, RINGCENTRAL_USERS } from '../../providers/ringcentral';
import { createRingCx, RINGCX_RINGCENTRAL_ACCOUNT, RINGCX_RINGCENTRAL_USERS } from '../../providers/ringcx';
import { providerFixture } from '../../support/providerFixture';

// A short window and penalty, so the rate-limit test need not wait a minute.
const platform = providerFixture(() => createRingCentral({ authRateLimit: { windowMs: 1_000, penaltyMs: 500 } }));
const ringCx = providerFixture(() => createRingCx({ ringCentral: platform.provider }));

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const basic = (clientId: string, clientSecret: string) =>
	`Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

async function ringCentralToken(assertion: string, clientSecret = RINGCENTRAL_APP.clientSecret): Promise<Response> {
	return await fetch(`${platform.baseUrl()}/restapi/oauth/token`, {
		method: 'POST',
		headers: { Authorization: basic(RINGCENTRAL_APP.clientId, clientSecret) },
		body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }),
	});
}

async function ringCentralAccessToken(assertion = RINGCENTRAL_JWTS.admin): Promise<string> {
	return ((await (await ringCentralToken(assertion)).json()) as { access_token: string }).access_token;
}

async function postForm(path: string, fields: Record<string, string>): Promise<Response> {
	return await fetch(`${ringCx.baseUrl()}${path}`, { method: 'POST', body: new URLSearchParams(fields) });
}

async function exchange(rcAccessToken: string): Promise<Response> {
	return await postForm('/api/auth/login/rc/accesstoken?includeRefresh=true', { rcAccessToken, rcTokenType: 'Bearer' });
}

async function ringCxTokens(): Promise<{ accessToken: string; refreshToken: string }> {
	return (await (await exchange(await ringCentralAccessToken())).json()) as {
		accessToken: string;
		refreshToken: string;
	};
}

const voice = async (method: string, path: string, accessToken: string) =>
	await fetch(`${ringCx.baseUrl()}/voice/api/v1${path}`, {
		method,
		headers: { Authorization: `Bearer ${accessToken}` },
	});

beforeEach(() => {
	platform.provider.resetRateLimits();
	ringCx.provider.actions!.resetRateLimits({});
});

describe('RingCentral login (bundled servers)', () => {
	it('grants RingCentral tokens for a JWT and the app’s Basic client credentials', async () => {
		const response = await ringCentralToken(RINGCENTRAL_JWTS.admin);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
		expect(response.headers.get('x-rate-limit-group')).toBe('auth');
		expect(await response.json()).toEqual({
			access_token: expect.any(String),
			token_type: 'bearer',
			expires_in: 3600,
			refresh_token: expect.any(String),
			refresh_token_expires_in: 604800,
			scope: 'ReadAccounts',
			owner_id: RINGCENTRAL_USERS.admin.extensionId,
			endpoint_id: expect.any(String),
		});
	});

	it('refuses a wrong client with 400 invalid_client, OAU-153', async () => {
		const response = await ringCentralToken(RINGCENTRAL_JWTS.admin, 'not-the-secret');
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({
			error: 'invalid_client',
			errors: [
				{
					errorCode: 'OAU-153',
					message: `Invalid client: ${RINGCENTRAL_APP.clientId}`,
					parameters: [{ parameterName: 'client_id', parameterValue: RINGCENTRAL_APP.clientId }],
				},
			],
			error_description: `Invalid client: ${RINGCENTRAL_APP.clientId}`,
		});
	});

	it.each([
		['an unknown', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', 'OAU-140'],
		['a revoked', RINGCENTRAL_JWTS.revoked, 'OAU-140'],
		['an expired', RINGCENTRAL_JWTS.expired, 'OAU-210'],
	])('refuses %s JWT with 400 invalid_grant', async (_kind, assertion, errorCode) => {
		const response = await ringCentralToken(assertion);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: 'invalid_grant', errors: [{ errorCode }] });
	});

	it('answers the 6th token request of a user within the window with 429, CMN-301 and Retry-After', async () => {
		for (let i = 0; i < 5; i++) expect((await ringCentralToken(RINGCENTRAL_JWTS.admin)).status).toBe(200);
		const limited = await ringCentralToken(RINGCENTRAL_JWTS.admin);
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('1');
		expect(await limited.json()).toMatchObject({ errorCode: 'CMN-301', errors: [{ errorCode: 'CMN-301' }] });
		// Counted per user: another user still signs in; after the penalty and window, so does this one.
		expect((await ringCentralToken(RINGCENTRAL_JWTS.agent)).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1_100));
		expect((await ringCentralToken(RINGCENTRAL_JWTS.admin)).status).toBe(200);
	});

	it('exchanges a RingCentral access token for RingCX tokens and the user’s details', async () => {
		const response = await exchange(await ringCentralAccessToken());
		expect(response.status).toBe(200);
		const { admin } = RINGCX_RINGCENTRAL_USERS;
		expect(await response.json()).toMatchObject({
			accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
			refreshToken: expect.any(String),
			tokenType: 'Bearer',
			mainAccountId: RINGCX_RINGCENTRAL_ACCOUNT.mainAccountId,
			agentDetails: [
				{ agentId: admin.agentId, rcUserId: admin.rcUserId, accountId: RINGCX_RINGCENTRAL_ACCOUNT.accountId },
			],
			adminId: admin.userId,
		});
		// Refused: a RingCentral token that has run out (401), a RingCentral user without RingCX (403).
		const runOut = await ringCentralAccessToken();
		platform.server.expireAllTokens();
		expect((await exchange(runOut)).status).toBe(401);
		expect((await exchange(await ringCentralAccessToken(RINGCENTRAL_JWTS.noRingCx))).status).toBe(403);
	});

	it('answers an expired RingCX access token with 401 "Jwt is expired"', async () => {
		const { accessToken } = await ringCxTokens();
		expect((await voice('GET', '/admin/users', accessToken)).status).toBe(200);
		ringCx.server.expireAllTokens();
		const expired = await voice('GET', '/admin/users', accessToken);
		expect(expired.status).toBe(401);
		expect(await expired.text()).toBe('Jwt is expired');
	});

	it('rotates the refresh token and refuses the old one', async () => {
		const first = await ringCxTokens();
		const refreshed = await postForm('/api/auth/token/refresh', { refresh_token: first.refreshToken });
		expect(refreshed.status).toBe(200);
		const second = (await refreshed.json()) as { accessToken: string; refreshToken: string };
		expect(second.refreshToken).not.toBe(first.refreshToken);
		expect(second.accessToken).not.toBe(first.accessToken);
		expect((await voice('GET', '/admin/users', second.accessToken)).status).toBe(200);
		const reused = await postForm('/api/auth/token/refresh', { refresh_token: first.refreshToken });
		expect(reused.status).toBe(401);
	});

	it('serves /voice/api/v1/admin/token and /admin/users to a Bearer RingCX access token', async () => {
		const { accessToken } = await ringCxTokens();
		const minted = await voice('POST', '/admin/token', accessToken);
		expect(minted.status).toBe(200);
		const apiToken = await minted.text();
		expect(apiToken).toMatch(/^aws80:/);
		expect(await (await voice('GET', '/admin/token', accessToken)).json()).toEqual([apiToken]);
		expect(ringCx.provider.apiTokensOf(RINGCX_RINGCENTRAL_USERS.admin.userId)).toEqual([apiToken]);
		const users = (await (await voice('GET', '/admin/users', accessToken)).json()) as Array<{ userName: string }>;
		expect(users.map((user) => user.userName)).toEqual(
			Object.values(RINGCX_RINGCENTRAL_USERS).map((user) => user.username),
		);
		expect((await voice('DELETE', `/admin/token/${encodeURIComponent(apiToken)}`, accessToken)).status).toBe(204);
		expect(ringCx.provider.apiTokensOf(RINGCX_RINGCENTRAL_USERS.admin.userId)).toEqual([]);
	});
});
