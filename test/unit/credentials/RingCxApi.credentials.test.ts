import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { RINGCX_ACCOUNTS, createRingCx } from '../../providers/ringcx';
import { credentialCalls } from '../../support/credentialCalls';
import { ringCxCredentialData } from '../../support/credentialFixtures';
import { httpRequest } from '../../support/n8nCore';
import { providerFixture } from '../../support/providerFixture';
import { RingCxApi } from '../../../credentials/RingCxApi.credentials';
import { ringCx } from '../../../providers/ringcx/client';
import { clearSignInMemory, providerToken } from '../../../tokenLifecycle';

const [admin, agent] = RINGCX_ACCOUNTS;
/** A sha256 in hex: the fingerprint of the login a token was minted for (its value is not pinned). */
const TOKEN_OWNER = expect.stringMatching(/^[0-9a-f]{64}$/);
const credentialType = new RingCxApi();
const { server, provider, baseUrl } = providerFixture(createRingCx);
const { preAuthenticate, authenticate } = credentialCalls(credentialType);
/** The RingCX API's root on the bundled server. */
const apiRoot = () => `${baseUrl()}/api`;

function passwordCredentials(overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return ringCxCredentialData(baseUrl(), overrides);
}

async function authenticatedRequest(credentials: ICredentialDataDecryptedObject, url: string) {
	const options = await authenticate(credentials, { url: `${apiRoot()}${url}`, method: 'GET', json: true });
	return await httpRequest(options);
}

describe('RingCX API credential: username and password', () => {
	it('logs in with a form-encoded body, then mints one permanent token with the auth token', async () => {
		const fields = await preAuthenticate(passwordCredentials());

		expect(server.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
			'POST /api/v1/auth/login',
			'GET /api/v1/admin/token',
			'POST /api/v1/admin/token',
			'GET /api/v1/admin/token',
		]);
		const [login, mint] = server.log;
		expect(login.contentType).toBe('application/x-www-form-urlencoded');
		// Every reserved character of the password is percent-encoded, so the server reads it back exactly.
		expect(login.rawBody).toBe(
			`username=${encodeURIComponent(admin.username)}&password=${encodeURIComponent(admin.password)}`,
		);
		expect(login.rawBody).toContain('P%40ss%20word%26%3D%2B%25%C3%A9');
		expect(login.form).toEqual({ username: admin.username, password: admin.password });
		expect(mint.headers['x-auth-token']).toMatch(/^[0-9a-f-]{36}$/);
		expect(fields).toEqual({ sessionToken: expect.stringMatching(/^aws80:[0-9a-f-]{36}$/), tokenOwner: TOKEN_OWNER });
		expect(provider.apiTokensOf(admin.userId)).toContain(fields.sessionToken);
	});

	it('attaches the minted token as X-Auth-Token and the provider accepts it', async () => {
		const credentials = passwordCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		const users = (await authenticatedRequest(credentials, '/v1/admin/users')) as Array<{ userName: string }>;
		expect(users.map((u) => u.userName)).toContain(admin.username);
		expect(server.log.at(-1)?.headers['x-auth-token']).toBe(credentials.sessionToken);
	});

	it('keeps a stored token that still works instead of minting another (a request failed for another reason)', async () => {
		const credentials = passwordCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		const mintsBefore = provider.state.mintCount;
		server.clearLog();

		const fields = await preAuthenticate({ ...credentials });

		expect(fields).toEqual({});
		expect(provider.state.mintCount).toBe(mintsBefore);
		expect(server.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual(['GET /api/v1/admin/token']);
	});

	it('mints exactly one new token when the stored one was revoked', async () => {
		const credentials = passwordCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		const revoked = credentials.sessionToken;
		provider.actions!.revokeApiTokens({});
		server.clearLog();

		const fields = await preAuthenticate({ ...credentials });

		expect(fields.sessionToken).toMatch(/^aws80:/);
		expect(fields.sessionToken).not.toBe(revoked);
		expect(server.requests('POST', '/api/v1/admin/token')).toHaveLength(1);
		expect(provider.apiTokensOf(admin.userId)).toEqual([fields.sessionToken]);
	});

	it('fails a wrong password with a clear message that contains no secret, and does not retry', async () => {
		const credentials = passwordCredentials({ password: 'wrong password' });
		const attempt = preAuthenticate(credentials);
		await expect(attempt).rejects.toThrow('RingCX rejected the username or password (HTTP 401 invalid_credentials)');
		// n8n's HTTP Request node calls preAuthentication again with the same object after a failure.
		await expect(preAuthenticate(credentials)).rejects.toThrow('RingCX rejected the username or password');
		expect(server.requests('POST', '/api/v1/auth/login')).toHaveLength(1);
		const error = await attempt.catch((e: Error & { description?: string }) => e);
		expect(`${error.message} ${error.description}`).not.toContain('wrong password');
	});

	it('shares one login among concurrent requests that all need a token', async () => {
		const loginsBefore = provider.state.loginCount;
		const mintsBefore = provider.state.mintCount;
		const results = await Promise.all(
			Array.from({ length: 5 }, async () => await preAuthenticate(passwordCredentials())),
		);
		expect(new Set(results.map((r) => r.sessionToken)).size).toBe(1);
		expect(provider.state.loginCount - loginsBefore).toBe(1);
		// The admin already has a permanent token from the tests above: it is adopted, not minted again.
		expect(provider.state.mintCount).toBe(mintsBefore);
		expect(provider.apiTokensOf(admin.userId)).toContain(results[0].sessionToken);
	});

	it("adopts the user's newest permanent token instead of minting when the token field arrives blank", async () => {
		// n8n's editor sends its blank copy of the hidden token with every re-test in the form that saved it.
		const first = await preAuthenticate(passwordCredentials());
		const mintsBefore = provider.state.mintCount;
		server.clearLog();
		// Another n8n process (or this one after a restart) knows nothing of the token minted above.
		clearSignInMemory();

		const again = await preAuthenticate(passwordCredentials());

		expect(again.sessionToken).toBe(provider.apiTokensOf(admin.userId).at(-1));
		expect(again.sessionToken).toBe(first.sessionToken);
		expect(provider.state.mintCount).toBe(mintsBefore);
		expect(server.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
			'POST /api/v1/auth/login',
			'GET /api/v1/admin/token',
		]);
	});

	it('validates inputs before any request, naming the field', async () => {
		await expect(preAuthenticate(passwordCredentials({ username: '   ' }))).rejects.toThrow(
			'The RingCX credential\'s "Username" is empty',
		);
		await expect(preAuthenticate(passwordCredentials({ baseUrl: 'portal.vacd.biz/api' }))).rejects.toThrow(
			'"Base URL" is not a valid URL',
		);
		expect(server.log).toHaveLength(0);
	});

	it('trims the username and sends the password exactly as typed', async () => {
		await preAuthenticate(passwordCredentials({ username: `  ${admin.username} ` }));
		expect(server.log[0].form).toEqual({ username: admin.username, password: admin.password });
	});

	it('reports an unreachable portal by host only', async () => {
		await expect(preAuthenticate(passwordCredentials({ baseUrl: 'http://127.0.0.1:9/api' }))).rejects.toThrow(
			'Could not reach RingCX at http://127.0.0.1:9',
		);
	});
});

describe('RingCX API credential: after the credential is edited', () => {
	/** A credential with a token minted for the admin, as n8n stores it. */
	async function adminWithToken(): Promise<ICredentialDataDecryptedObject> {
		const credentials = passwordCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		server.clearLog();
		return credentials;
	}

	it('attaches the minted token only while it belongs to the portal, username and password as they are now', async () => {
		const credentials = await adminWithToken();
		const token = String(credentials.sessionToken);
		// Whitespace the credential trims anyway changes nothing.
		expect(providerToken(ringCx, { ...credentials, username: ` ${admin.username} ` })).toBe(token);
		const edits: ICredentialDataDecryptedObject[] = [
			{ username: agent.username },
			{ password: `${admin.password} ` },
			{ baseUrl: `${apiRoot()}/v2` },
			{ server: 'vacd' },
			{ tokenOwner: '' }, // a token saved without its owner
			{ baseUrl: 'not a url' }, // cannot be fingerprinted: no token, and no exception either
		];
		for (const edit of edits) {
			expect([edit, providerToken(ringCx, { ...credentials, ...edit })]).toEqual([edit, '']);
		}
		expect(server.log).toHaveLength(0);
	});

	it("after a switch to another user sends no token, then logs in as that user without touching the old user's token", async () => {
		const credentials = await adminWithToken();
		const adminToken = String(credentials.sessionToken);
		// n8n's editor sends the saved hidden fields back unchanged with the new login.
		const edited = { ...credentials, username: agent.username, password: agent.password };

		await expect(authenticatedRequest(edited, '/v1/admin/users')).rejects.toMatchObject({
			response: { status: 401 },
		});
		expect(server.log[0].headers['x-auth-token']).toBeUndefined();
		server.clearLog();

		// The 401 makes n8n call preAuthentication: no probe of the admin's token, a login and a mint as the agent.
		const fields = await preAuthenticate(edited);

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /api/v1/auth/login 200',
			'GET /api/v1/admin/token 200',
			'POST /api/v1/admin/token 200',
			'GET /api/v1/admin/token 200',
		]);
		expect(server.log[0].form).toEqual({ username: agent.username, password: agent.password });
		expect(fields).toEqual({ sessionToken: expect.stringMatching(/^aws80:/), tokenOwner: TOKEN_OWNER });
		expect(fields.tokenOwner).not.toBe(credentials.tokenOwner);
		expect(provider.apiTokensOf(agent.userId)).toContain(fields.sessionToken);
		expect(provider.apiTokensOf(admin.userId)).toContain(adminToken);

		// n8n saves the fields and retries: the agent's token is sent and accepted.
		Object.assign(edited, fields);
		server.clearLog();
		await authenticatedRequest(edited, '/v1/admin/users');
		expect(server.log[0]).toMatchObject({ status: 200, headers: { 'x-auth-token': fields.sessionToken } });
	});
});

describe('RingCX API credential: permanent API token', () => {
	it('makes no request before use and sends the pasted token, trimmed', async () => {
		const apiToken =
			provider.apiTokensOf(admin.userId)[0] ?? (await preAuthenticate(passwordCredentials())).sessionToken;
		server.clearLog();
		const credentials: ICredentialDataDecryptedObject = {
			sessionToken: '',
			server: 'custom',
			baseUrl: apiRoot(),
			authMethod: 'apiToken',
			apiToken: ` ${String(apiToken)} `,
		};
		expect(await preAuthenticate(credentials)).toEqual({});
		expect(server.log).toHaveLength(0);
		await authenticatedRequest(credentials, '/v1/admin/users');
		expect(server.log[0].headers['x-auth-token']).toBe(apiToken);
	});

	it('defaults to the vacd portal root', () => {
		const property = credentialType.properties.find((p) => p.name === 'baseUrl');
		expect(property?.default).toBe('https://portal.vacd.biz/api');
		const hidden = credentialType.properties.filter((p) => p.type === 'hidden');
		expect(hidden.map((p) => [p.name, p.typeOptions, p.default])).toEqual([
			['sessionToken', { expirable: true, password: true }, ''],
			// RingCX's refresh token, for a RingCentral login.
			['refreshToken', { password: true }, ''],
			['tokenOwner', { password: true }, ''],
		]);
		expect(credentialType.properties[0].name).toBe('sessionToken');
	});
});
