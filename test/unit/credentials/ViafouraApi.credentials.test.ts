import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { VIAFOURA_SITE, VIAFOURA_TOKEN_LIFETIME_SECONDS, createViafoura } from '../../providers/viafoura';
import { credentialCalls } from '../../support/credentialCalls';
import { viafouraCredentialData } from '../../support/credentialFixtures';
import { httpRequest, resolveCredentialExpression } from '../../support/n8nCore';
import { providerFixture } from '../../support/providerFixture';
import { clearSignInMemory } from '../../../tokenLifecycle';
import { ViafouraApi } from '../../../credentials/ViafouraApi.credentials';

const credentialType = new ViafouraApi();
const { server, provider, baseUrl } = providerFixture(createViafoura);
const { preAuthenticate, authenticate: authenticated } = credentialCalls(credentialType);

function siteCredentials(overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return viafouraCredentialData(baseUrl(), overrides);
}

function formPost(path: string, body: string): IHttpRequestOptions {
	return {
		method: 'POST',
		url: `${baseUrl()}${path}`,
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
}

describe('Viafoura API credential: token request', () => {
	it('asks for a client-credentials token with HTTP Basic (site ID, API key) and a form body', async () => {
		const before = Date.now();
		const fields = await preAuthenticate(siteCredentials());

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /oauth2/token 200',
		]);
		const [request] = server.log;
		// The key has ':', '+', '/', '=' and a space: Basic carries it byte for byte, split at the first ':'.
		expect(request.headers.authorization).toBe(
			`Basic ${Buffer.from(`${VIAFOURA_SITE.siteId}:${VIAFOURA_SITE.apiKey}`, 'utf8').toString('base64')}`,
		);
		expect(request.contentType).toBe('application/x-www-form-urlencoded');
		expect(request.rawBody).toBe('grant_type=client_credentials&scope=accounts');
		expect(request.headers.accept).toBe('application/json');

		expect(Object.keys(fields).sort()).toEqual(['accessToken', 'tokenExpiresAt', 'tokenOwner']);
		// A sha256 in hex: the fingerprint of the site and key the token was issued for (its value is not pinned).
		expect(fields.tokenOwner).toMatch(/^[0-9a-f]{64}$/);
		// Base64 like the documented example, with the characters a header must carry unchanged.
		expect(fields.accessToken).toMatch(/^[A-Za-z0-9+/]+=*$/);
		expect(fields.accessToken).toMatch(/\+/);
		expect(fields.accessToken).toMatch(/\//);
		const expiresAt = Date.parse(String(fields.tokenExpiresAt));
		expect(expiresAt).toBeGreaterThanOrEqual(before + VIAFOURA_TOKEN_LIFETIME_SECONDS * 1000 - 1000);
		expect(expiresAt).toBeLessThanOrEqual(Date.now() + VIAFOURA_TOKEN_LIFETIME_SECONDS * 1000);
	});

	it('attaches the token as a Bearer header that Viafoura accepts for a login', async () => {
		const credentials = siteCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		server.clearLog();

		const options = await authenticated(
			credentials,
			formPost('/rest/v1/accounts/login', 'id=credential-test-reader&name=Jo%20Reader'),
		);
		const answer = (await httpRequest(options)) as { statusCode: number; body: { user_id: number; session: string } };

		expect(answer.statusCode).toBe(200);
		expect(answer.body.user_id).toEqual(expect.any(Number));
		expect(server.log[0].headers.authorization).toBe(`Bearer ${String(credentials.accessToken)}`);
	});

	it('attaches nothing while there is no token yet', async () => {
		const options = await authenticated(siteCredentials(), { url: `${baseUrl()}/x`, headers: { A: 'b' } });
		expect(options.headers).toEqual({ A: 'b' });
	});

	it('replaces a token Viafoura refuses with a new one (there is no refresh token)', async () => {
		const credentials = siteCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		provider.expireAllTokens();
		server.clearLog();

		const fields = await preAuthenticate({ ...credentials });

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /rest/v1/accounts/logout 401',
			'POST /oauth2/token 200',
		]);
		expect(server.log[0].headers.authorization).toBe(`Bearer ${String(credentials.accessToken)}`);
		expect(fields.accessToken).not.toBe(credentials.accessToken);
	});

	it('keeps a token Viafoura still accepts (a request failed for another reason), ending no session', async () => {
		const credentials = siteCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		const sessionsBefore = provider.liveSessions().length;
		server.clearLog();

		const fields = await preAuthenticate({ ...credentials });

		expect(fields).toEqual({});
		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /rest/v1/accounts/logout 400',
		]);
		expect(server.log[0].contentType).toBe('application/x-www-form-urlencoded');
		expect(server.log[0].rawBody).toBe('session=');
		expect(provider.liveSessions()).toHaveLength(sessionsBefore);
	});

	it('shares one token request among concurrent requests that all need a token', async () => {
		const results = await Promise.all(Array.from({ length: 8 }, async () => await preAuthenticate(siteCredentials())));
		expect(new Set(results.map((fields) => fields.accessToken)).size).toBe(1);
		expect(server.requests('POST', '/oauth2/token')).toHaveLength(1);
	});

	it('trims the site ID and base URL, and sends the API key exactly as typed', async () => {
		await preAuthenticate(
			siteCredentials({
				siteId: `  ${VIAFOURA_SITE.siteId} `,
				baseUrl: ` ${baseUrl()}/ `,
				apiKey: VIAFOURA_SITE.apiKey,
			}),
		);
		const [request] = server.log;
		expect(request.path).toBe('/oauth2/token');
		expect(Buffer.from(request.headers.authorization.slice('Basic '.length), 'base64').toString('utf8')).toBe(
			`${VIAFOURA_SITE.siteId}:${VIAFOURA_SITE.apiKey}`,
		);
	});
});

describe('Viafoura API credential: failures', () => {
	it('fails a wrong API key with a clear message that contains no secret, and does not ask again', async () => {
		const credentials = siteCredentials({ apiKey: 'not-the-key' });
		const attempt = preAuthenticate(credentials);
		await expect(attempt).rejects.toThrow('Viafoura rejected the site ID or API key (HTTP 401 invalid_client)');
		// n8n's HTTP Request node calls preAuthentication again with the same object after a failure.
		await expect(preAuthenticate(credentials)).rejects.toThrow('Viafoura rejected the site ID or API key');
		expect(server.requests('POST', '/oauth2/token')).toHaveLength(1);
		const error = await attempt.catch((e: Error & { description?: string }) => e);
		expect(error.description).toContain('Site ID and API Key');
		expect(`${error.message} ${error.description}`).not.toContain('not-the-key');
	});

	it('asks again after a 503, and reports a failure that lasts by status and code only', async () => {
		server.failNext(1, { status: 503 });
		expect((await preAuthenticate(siteCredentials())).accessToken).toEqual(expect.any(String));
		expect(server.log.map((entry) => entry.status)).toEqual([503, 200]);

		server.clearLog();
		clearSignInMemory();
		server.failNext(3, { status: 503 });
		await expect(preAuthenticate(siteCredentials())).rejects.toThrow(
			'Viafoura did not issue an access token (HTTP 503 forced_failure)',
		);
		expect(server.log.map((entry) => entry.status)).toEqual([503, 503, 503]);
	});

	it('validates inputs before any request, naming the field', async () => {
		await expect(preAuthenticate(siteCredentials({ siteId: '  ' }))).rejects.toThrow(
			'The Viafoura credential\'s "Site ID" is empty',
		);
		await expect(preAuthenticate(siteCredentials({ apiKey: '' }))).rejects.toThrow(
			'The Viafoura credential\'s "API Key" is empty',
		);
		await expect(preAuthenticate(siteCredentials({ baseUrl: 'api.viafoura.co' }))).rejects.toThrow(
			'The Viafoura credential\'s "Base URL" is not a valid URL',
		);
		expect(server.log).toHaveLength(0);
	});

	it('reports an unreachable host by its origin only', async () => {
		await expect(preAuthenticate(siteCredentials({ baseUrl: 'http://127.0.0.1:9/some/path' }))).rejects.toThrow(
			'Could not reach Viafoura at http://127.0.0.1:9',
		);
	});
});

describe('Viafoura API credential: after the credential is edited', () => {
	const { server: otherServer, baseUrl: otherBaseUrl } = providerFixture(createViafoura);

	async function siteWithToken(): Promise<ICredentialDataDecryptedObject> {
		const credentials = siteCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		server.clearLog();
		return credentials;
	}

	it('attaches the token only while it belongs to the base URL, site ID and API key as they are now', async () => {
		const credentials = await siteWithToken();
		const withToken = async (edit: ICredentialDataDecryptedObject) =>
			(await authenticated({ ...credentials, ...edit }, { url: `${baseUrl()}/x`, headers: {} })).headers;
		expect(await withToken({ siteId: ` ${VIAFOURA_SITE.siteId} ` })).toEqual({
			Authorization: `Bearer ${String(credentials.accessToken)}`,
		});
		const edits: ICredentialDataDecryptedObject[] = [
			{ apiKey: `${VIAFOURA_SITE.apiKey} ` },
			{ siteId: '00000000-0000-4000-8000-000000000001' },
			{ baseUrl: otherBaseUrl() },
			{ tokenOwner: '' }, // a token saved without its owner
			{ baseUrl: 'api.viafoura.co' }, // cannot be fingerprinted: no token, and no exception either
		];
		for (const edit of edits) {
			expect([edit, await withToken(edit)]).toEqual([edit, {}]);
		}
		expect(server.log).toHaveLength(0);
	});

	it('after a change of API key asks for a token with the new key, not keeping the old token Viafoura still accepts', async () => {
		const credentials = await siteWithToken();
		// n8n's editor sends the saved hidden fields back unchanged with the new key; here the old key was revoked.
		const edited = { ...credentials, apiKey: 'a-key-that-was-never-issued' };

		await expect(preAuthenticate(edited)).rejects.toThrow(
			'Viafoura rejected the site ID or API key (HTTP 401 invalid_client)',
		);
		// No empty-session logout with the old token, which would have answered "still accepted".
		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /oauth2/token 401',
		]);
	});

	it("after a move to another server sends the old server's token nowhere and gets one from the new server", async () => {
		const credentials = await siteWithToken();
		const edited = { ...credentials, baseUrl: otherBaseUrl() };
		const login = {
			...formPost('/rest/v1/accounts/login', 'id=moved-reader&name=Moved'),
			url: `${otherBaseUrl()}/rest/v1/accounts/login`,
		};

		const refused = (await httpRequest(await authenticated(edited, login))) as { statusCode: number };
		expect(refused.statusCode).toBe(401);
		expect(otherServer.log[0].headers.authorization).toBeUndefined();
		otherServer.clearLog();

		const fields = await preAuthenticate(edited);

		expect(otherServer.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /oauth2/token 200',
		]);
		expect(server.log).toHaveLength(0);
		expect(fields.tokenOwner).toMatch(/^[0-9a-f]{64}$/);
		expect(fields.tokenOwner).not.toBe(credentials.tokenOwner);
		Object.assign(edited, fields);
		const accepted = (await httpRequest(await authenticated(edited, login))) as { statusCode: number };
		expect(accepted.statusCode).toBe(200);
		expect(otherServer.log.at(-1)?.headers.authorization).toBe(`Bearer ${String(fields.accessToken)}`);
	});
});

describe('Viafoura API credential: definition and test request', () => {
	it('caches the token in the first hidden field, marked expirable, and defaults to production', () => {
		expect(credentialType.name).toBe('viafouraApi');
		expect(credentialType.properties[0]).toMatchObject({
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
		});
		const byName = Object.fromEntries(credentialType.properties.map((property) => [property.name, property]));
		expect(byName.tokenExpiresAt).toMatchObject({ type: 'hidden', typeOptions: { password: true } });
		expect(byName.tokenOwner).toMatchObject({ type: 'hidden', typeOptions: { password: true }, default: '' });
		expect(byName.baseUrl.default).toBe('https://api.viafoura.co');
		expect(byName.siteId).toMatchObject({ type: 'string', required: true });
		expect(byName.apiKey).toMatchObject({ type: 'string', required: true, typeOptions: { password: true } });
	});

	/** What n8n does on "Test": a fresh token (preAuthentication), then the test request, judged by the rules. */
	async function runCredentialTest(credentials: ICredentialDataDecryptedObject): Promise<string | undefined> {
		const { request, rules } = credentialType.test;
		const options = await authenticated(credentials, {
			...request,
			baseURL: resolveCredentialExpression(String(request.baseURL), credentials),
			url: String(request.url),
		} as IHttpRequestOptions);
		const response = (await httpRequest(options)) as Record<string, unknown>;
		const failed = rules?.find(
			(rule) => rule.type === 'responseSuccessBody' && response[rule.properties.key] === rule.properties.value,
		);
		return failed?.properties.message;
	}

	it('passes with a token Viafoura accepts, ending no session', async () => {
		const credentials = siteCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		const sessionsBefore = provider.liveSessions().length;
		server.clearLog();

		expect(await runCredentialTest(credentials)).toBeUndefined();
		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /rest/v1/accounts/logout 400',
		]);
		expect(server.log[0].rawBody).toBe('session=');
		expect(provider.liveSessions()).toHaveLength(sessionsBefore);
	});

	it('fails with a clear message when Viafoura refuses the token', async () => {
		const credentials = siteCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		provider.expireAllTokens();
		expect(await runCredentialTest(credentials)).toMatch(
			/^Viafoura did not accept the access token it issued \(HTTP 401\)/,
		);
	});

	it('fails when the base URL points at something that is not Viafoura', async () => {
		const credentials = siteCredentials();
		Object.assign(credentials, await preAuthenticate(credentials));
		expect(await runCredentialTest({ ...credentials, baseUrl: `${baseUrl()}/elsewhere` })).toMatch(/HTTP 404/);
	});
});
