import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { SATELLITE_CLIENT, SATELLITE_USERS, createSatellite } from '../../providers/satellite';
import { credentialCalls } from '../../support/credentialCalls';
import { satelliteCredentialData } from '../../support/credentialFixtures';
import { httpRequest, resolveCredentialExpression } from '../../support/n8nCore';
import { providerFixture } from '../../support/providerFixture';
import { clearSignInMemory } from '../../../tokenLifecycle';
import { SatelliteApi } from '../../../credentials/SatelliteApi.credentials';

const someone = { ...SATELLITE_USERS[0], password: String(SATELLITE_USERS[0].password) };
const giovanni = { ...SATELLITE_USERS[1], password: String(SATELLITE_USERS[1].password) };
/** A sha256 in hex: the fingerprint of the client and login a token was issued for (its value is not pinned). */
const TOKEN_OWNER = expect.stringMatching(/^[0-9a-f]{64}$/);
const credentialType = new SatelliteApi();
const { server, provider, baseUrl } = providerFixture(createSatellite);
const { preAuthenticate, authenticate } = credentialCalls(credentialType);

function clientCredentials(overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return satelliteCredentialData(baseUrl(), { username: '', password: '', ...overrides });
}

function passwordCredentials(overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return clientCredentials({
		grantType: 'password',
		username: someone.email,
		password: someone.password,
		...overrides,
	});
}

/** An authenticated call as n8n makes it: the credential's `authenticate`, then the request. */
async function sendOtp(credentials: ICredentialDataDecryptedObject, body: Record<string, string>) {
	const options = await authenticate(credentials, {
		url: `${baseUrl()}/otp/send`,
		method: 'POST',
		body,
		json: true,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	});
	return (await httpRequest(options)) as { statusCode: number; body: Record<string, unknown> };
}

const tokenCalls = () => server.requests('POST', '/oauth/v2/token');

describe('Satellite API credential: client credentials', () => {
	it('asks for a token with a JSON body exactly as documented, and saves it with its expiry', async () => {
		const before = Date.now();
		const fields = await preAuthenticate(clientCredentials());

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /oauth/v2/token 200',
		]);
		const [request] = server.log;
		expect(request.contentType).toBe('application/json');
		// The secret's quotes, backslash and accent survive JSON encoding.
		expect(request.rawBody).toBe(
			JSON.stringify({
				grant_type: 'client_credentials',
				client_id: SATELLITE_CLIENT.clientId,
				client_secret: SATELLITE_CLIENT.clientSecret,
			}),
		);
		expect(fields).toEqual({
			accessToken: expect.any(String),
			refreshToken: '',
			tokenExpiresAt: expect.any(String),
			tokenOwner: TOKEN_OWNER,
		});
		const expiresIn = Date.parse(String(fields.tokenExpiresAt)) - before;
		expect(expiresIn).toBeGreaterThan(3590_000);
		expect(expiresIn).toBeLessThanOrEqual(3600_000 + 1000);
	});

	it('attaches the token as a Bearer header and Satellite accepts it', async () => {
		const credentials = clientCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		const answer = await sendOtp(credentials, { email: someone.email });

		expect(answer).toMatchObject({ statusCode: 200, body: { data: { email: someone.email }, meta: [] } });
		expect(server.log.at(-1)?.headers.authorization).toBe(`Bearer ${String(credentials.accessToken)}`);
	});

	it('after a 401 simply asks again with the client credentials (there is no refresh token)', async () => {
		const credentials = clientCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		const oldToken = credentials.accessToken;
		provider.expireAllTokens();
		expect((await sendOtp(credentials, { email: someone.email })).statusCode).toBe(401);
		server.clearLog();

		// n8n calls preAuthentication after a 401 with the stored (now rejected) token still in place.
		const fields = await preAuthenticate({ ...credentials });

		expect(tokenCalls().map((call) => (call.json as { grant_type: string }).grant_type)).toEqual([
			'client_credentials',
		]);
		expect(fields.accessToken).not.toBe(oldToken);
		expect(
			(await sendOtp({ ...credentials, ...fields } as ICredentialDataDecryptedObject, { email: someone.email }))
				.statusCode,
		).toBe(200);
	});

	it('fails a wrong client secret with a clear message that contains no secret, and does not retry', async () => {
		const credentials = clientCredentials({ clientSecret: 'not-the-secret' });
		const attempt = preAuthenticate(credentials);
		await expect(attempt).rejects.toThrow(
			'Satellite rejected the client ID or client secret (HTTP 401 invalid_client)',
		);
		// n8n's HTTP Request node calls preAuthentication again with the same object after a failure.
		await expect(preAuthenticate(credentials)).rejects.toThrow('Satellite rejected the client ID or client secret');
		expect(tokenCalls()).toHaveLength(1);
		const error = await attempt.catch((e: Error & { description?: string }) => e);
		expect(`${error.message} ${error.description}`).not.toContain('not-the-secret');
	});

	it('validates inputs before any request, naming the field', async () => {
		await expect(preAuthenticate(clientCredentials({ clientId: '  ' }))).rejects.toThrow(
			'The Satellite credential\'s "Client ID" is empty',
		);
		await expect(preAuthenticate(clientCredentials({ clientSecret: '' }))).rejects.toThrow(
			'The Satellite credential\'s "Client Secret" is empty',
		);
		await expect(preAuthenticate(clientCredentials({ baseUrl: '' }))).rejects.toThrow(
			'The Satellite credential\'s "Base URL" is empty',
		);
		await expect(preAuthenticate(clientCredentials({ baseUrl: 'satellite.example' }))).rejects.toThrow(
			'"Base URL" is not a valid URL',
		);
		await expect(preAuthenticate(passwordCredentials({ username: ' ' }))).rejects.toThrow(
			'The Satellite credential\'s "Username" is empty',
		);
		await expect(preAuthenticate(passwordCredentials({ password: '' }))).rejects.toThrow(
			'The Satellite credential\'s "Password" is empty',
		);
		expect(server.log).toHaveLength(0);
	});

	it('trims the base URL, client ID and secret', async () => {
		await preAuthenticate(
			clientCredentials({
				baseUrl: ` ${baseUrl()}/ `,
				clientId: ` ${SATELLITE_CLIENT.clientId} `,
				clientSecret: `${SATELLITE_CLIENT.clientSecret}\n`,
			}),
		);
		expect(server.log[0]).toMatchObject({ path: '/oauth/v2/token', status: 200 });
	});

	it('reports an unreachable host by its origin only', async () => {
		await expect(preAuthenticate(clientCredentials({ baseUrl: 'http://127.0.0.1:9' }))).rejects.toThrow(
			'Could not reach Satellite at http://127.0.0.1:9',
		);
	});

	it('shares one token request among concurrent requests that all need a token', async () => {
		const results = await Promise.all(
			Array.from({ length: 4 }, async () => await preAuthenticate(clientCredentials())),
		);
		expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
		expect(tokenCalls()).toHaveLength(1);
	});
});

describe('Satellite API credential: password grant', () => {
	it('logs in with a JSON body as documented and keeps the refresh token', async () => {
		const fields = await preAuthenticate(passwordCredentials({ username: ` ${someone.email} ` }));

		const [request] = tokenCalls();
		expect(request.contentType).toBe('application/json');
		expect(request.rawBody).toBe(
			JSON.stringify({
				grant_type: 'password',
				client_id: SATELLITE_CLIENT.clientId,
				client_secret: SATELLITE_CLIENT.clientSecret,
				username: someone.email,
				password: someone.password,
			}),
		);
		expect(fields).toEqual({
			accessToken: expect.any(String),
			refreshToken: expect.any(String),
			tokenExpiresAt: expect.any(String),
			tokenOwner: TOKEN_OWNER,
		});
		expect(provider.userOfAccessToken(String(fields.accessToken))).toBe(someone.id);
	});

	it('after a 401 trades the refresh token (JSON, as documented) and saves the rotated one', async () => {
		const credentials = passwordCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		const firstRefreshToken = String(credentials.refreshToken);
		provider.expireAllTokens();
		server.clearLog();

		const fields = await preAuthenticate({ ...credentials });

		expect(tokenCalls()).toHaveLength(1);
		const [request] = tokenCalls();
		expect(request.contentType).toBe('application/json');
		expect(request.rawBody).toBe(
			JSON.stringify({
				grant_type: 'refresh_token',
				client_id: SATELLITE_CLIENT.clientId,
				client_secret: SATELLITE_CLIENT.clientSecret,
				refresh_token: firstRefreshToken,
			}),
		);
		expect(fields.refreshToken).toEqual(expect.any(String));
		expect(fields.refreshToken).not.toBe(firstRefreshToken);
		expect(provider.isRefreshTokenValid(firstRefreshToken)).toBe(false);
		expect(provider.isRefreshTokenValid(String(fields.refreshToken))).toBe(true);
		expect(provider.userOfAccessToken(String(fields.accessToken))).toBe(someone.id);
		expect(
			(await sendOtp({ ...credentials, ...fields } as ICredentialDataDecryptedObject, { email: someone.email }))
				.statusCode,
		).toBe(200);
	});

	it('falls back to the username and password when the refresh token is refused', async () => {
		const credentials = passwordCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		provider.expireAllTokens();
		provider.actions!.revokeRefreshTokens({});
		server.clearLog();

		const fields = await preAuthenticate({ ...credentials });

		expect(tokenCalls().map((call) => `${(call.json as { grant_type: string }).grant_type} ${call.status}`)).toEqual([
			'refresh_token 400',
			'password 200',
		]);
		expect(provider.isRefreshTokenValid(String(fields.refreshToken))).toBe(true);
	});

	it('fails a wrong password with a clear message that contains no secret, once', async () => {
		const credentials = passwordCredentials({ password: 'wrong password' });
		const attempt = preAuthenticate(credentials);
		await expect(attempt).rejects.toThrow('Satellite rejected the username or password (HTTP 400 invalid_grant)');
		await expect(preAuthenticate(credentials)).rejects.toThrow('Satellite rejected the username or password');
		expect(tokenCalls()).toHaveLength(1);
		const error = await attempt.catch((e: Error & { description?: string }) => e);
		expect(`${error.message} ${error.description}`).not.toContain('wrong password');
	});

	it('signs in with a one-time password as the password (username = where the code went)', async () => {
		const admin = clientCredentials();
		Object.assign(admin, await preAuthenticate(admin));
		await sendOtp(admin, { phone: someone.phone });
		const code = provider.lastCodeFor(someone.phone)!;
		expect(code).toMatch(/^\d{6}$/);

		const fields = await preAuthenticate(passwordCredentials({ username: someone.phone, password: code }));
		expect(provider.userOfAccessToken(String(fields.accessToken))).toBe(someone.id);
		// Single use: the same code does not work twice (asked afresh, as by a process that did not see it used).
		clearSignInMemory();
		await expect(preAuthenticate(passwordCredentials({ username: someone.phone, password: code }))).rejects.toThrow(
			'Satellite rejected the username or password (HTTP 400 invalid_grant)',
		);
	});
});

describe('Satellite API credential: after the credential is edited', () => {
	const authorizationSent = async (credentials: ICredentialDataDecryptedObject) => {
		const options = await authenticate(credentials, { url: `${baseUrl()}/otp/send`, headers: {} });
		return (options.headers as Record<string, string>).Authorization;
	};

	it('attaches the token only while it belongs to the site, API client and login as they are now', async () => {
		const credentials = passwordCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		server.clearLog();
		expect(await authorizationSent({ ...credentials, clientId: ` ${SATELLITE_CLIENT.clientId} ` })).toBe(
			`Bearer ${String(credentials.accessToken)}`,
		);
		const edits: ICredentialDataDecryptedObject[] = [
			{ username: giovanni.email },
			{ password: `${someone.password} ` },
			{ clientId: 'another-client' },
			{ clientSecret: 'a-new-secret' },
			{ baseUrl: `${baseUrl()}/other-site` },
			{ grantType: 'clientCredentials' },
			{ tokenOwner: '' }, // a token saved without its owner
			{ baseUrl: 'satellite.example' }, // cannot be fingerprinted: no token, and no exception either
		];
		for (const edit of edits) {
			expect([edit, await authorizationSent({ ...credentials, ...edit })]).toEqual([edit, undefined]);
		}
		expect(server.log).toHaveLength(0);
	});

	it('ignores the hidden username and password in the client-credentials grant, where they are not sent', async () => {
		const credentials = clientCredentials({ username: someone.email, password: someone.password });
		Object.assign(credentials, await preAuthenticate(credentials));
		expect(await authorizationSent({ ...credentials, username: '', password: '' })).toBe(
			`Bearer ${String(credentials.accessToken)}`,
		);
	});

	it("after a switch to another user sends no token, then signs in as that user without trading the old user's refresh token", async () => {
		const credentials = passwordCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		const oldRefreshToken = String(credentials.refreshToken);
		server.clearLog();
		// n8n's editor sends the saved hidden fields (tokens, refresh token) back unchanged with the new login.
		const edited = { ...credentials, username: giovanni.email, password: giovanni.password };

		expect((await sendOtp(edited, { email: someone.email })).statusCode).toBe(401);
		expect(server.log[0].headers.authorization).toBeUndefined();
		server.clearLog();

		// The 401 makes n8n call preAuthentication: no refresh grant, one password grant for the new user.
		const fields = await preAuthenticate(edited);

		expect(
			server.log.map((entry) => `${entry.path} ${entry.status} ${(entry.json as { grant_type: string }).grant_type}`),
		).toEqual(['/oauth/v2/token 200 password']);
		expect(server.log[0].json).toMatchObject({ username: giovanni.email, password: giovanni.password });
		expect(fields).toEqual({
			accessToken: expect.any(String),
			refreshToken: expect.any(String),
			tokenExpiresAt: expect.any(String),
			tokenOwner: TOKEN_OWNER,
		});
		expect(fields.tokenOwner).not.toBe(credentials.tokenOwner);
		expect(provider.userOfAccessToken(String(fields.accessToken))).toBe(giovanni.id);
		expect(provider.isRefreshTokenValid(oldRefreshToken)).toBe(true);

		Object.assign(edited, fields);
		expect((await sendOtp(edited, { email: giovanni.email })).statusCode).toBe(200);
		expect(server.log.at(-1)?.headers.authorization).toBe(`Bearer ${String(fields.accessToken)}`);
	});
});

describe('the bundled Satellite token endpoint (why the credential sends JSON)', () => {
	it('refuses the form-encoded body most OAuth 2 clients send', async () => {
		const response = await fetch(`${baseUrl()}/oauth/v2/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'client_credentials',
				client_id: SATELLITE_CLIENT.clientId,
				client_secret: SATELLITE_CLIENT.clientSecret,
			}),
		});
		expect(response.status).toBe(415);
		expect(await response.json()).toMatchObject({ error: 'invalid_request' });
	});

	it('answers an unknown grant type with unsupported_grant_type', async () => {
		const response = await fetch(`${baseUrl()}/oauth/v2/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({
				grant_type: 'authorization_code',
				client_id: SATELLITE_CLIENT.clientId,
				client_secret: SATELLITE_CLIENT.clientSecret,
			}),
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' });
	});
});

describe('Satellite API credential: description', () => {
	it('caches the token in the first hidden field, marked expirable, and hides every token field', () => {
		expect(credentialType.properties[0]).toMatchObject({
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
		});
		expect(credentialType.properties.filter((p) => p.type === 'hidden').map((p) => [p.name, p.default])).toEqual([
			['accessToken', ''],
			['refreshToken', ''],
			['tokenExpiresAt', ''],
			['tokenOwner', ''],
		]);
		for (const name of ['refreshToken', 'tokenExpiresAt', 'tokenOwner', 'clientSecret', 'password']) {
			expect(credentialType.properties.find((p) => p.name === name)?.typeOptions).toMatchObject({ password: true });
		}
	});

	it('requires the base URL, defaults to client credentials, and shows the login only for the password grant', () => {
		const property = (name: string) => credentialType.properties.find((p) => p.name === name);
		expect(property('baseUrl')).toMatchObject({ required: true, default: '' });
		expect(property('grantType')?.default).toBe('clientCredentials');
		expect(property('username')?.displayOptions).toEqual({ show: { grantType: ['password'] } });
		expect(property('password')?.displayOptions).toEqual({ show: { grantType: ['password'] } });
	});
});

describe('Satellite API credential: credential test', () => {
	/** The test request as n8n's credential tester sends it: expressions resolved, token attached, status kept. */
	async function runCredentialTest(credentials: ICredentialDataDecryptedObject): Promise<string> {
		const { request, rules } = credentialType.test;
		const resolvedBaseUrl = resolveCredentialExpression(String(request.baseURL), credentials);
		const options = await authenticate(credentials, { ...request, baseURL: resolvedBaseUrl } as IHttpRequestOptions);
		const body = (await httpRequest(options)) as Record<string, unknown>;
		const failed = (rules ?? []).find(
			(rule) => rule.type === 'responseSuccessBody' && body[rule.properties.key] === rule.properties.value,
		);
		return failed ? `Error: ${failed.properties.message}` : 'OK';
	}

	it('passes with a token Satellite issued, without sending a code to anyone', async () => {
		const credentials = clientCredentials({ baseUrl: `${baseUrl()}/` });
		Object.assign(credentials, await preAuthenticate(credentials));
		const sentBefore = provider.state.outbox.length;
		server.clearLog();

		expect(await runCredentialTest(credentials)).toBe('OK');
		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual(['POST /otp/send 400']);
		expect(server.log[0].headers.authorization).toBe(`Bearer ${String(credentials.accessToken)}`);
		expect(provider.state.outbox).toHaveLength(sentBefore);
	});

	it('fails when Satellite does not accept the token', async () => {
		const credentials = clientCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		provider.expireAllTokens();
		expect(await runCredentialTest(credentials)).toBe(
			'Error: Satellite issued a token but did not accept it (invalid_token)',
		);
	});
});
