import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { VIRTUOUS_API_KEY, VIRTUOUS_ORGANIZATION, VIRTUOUS_USERS, createVirtuous } from '../../providers/virtuous';
import { credentialCalls } from '../../support/credentialCalls';
import { virtuousCredentialData } from '../../support/credentialFixtures';
import { httpRequest } from '../../support/n8nCore';
import { providerFixture } from '../../support/providerFixture';
import { VirtuousApi } from '../../../credentials/VirtuousApi.credentials';
import { virtuous } from '../../../providers/virtuous/client';
import { clearSignInMemory, providerToken, ROTATION_RACE_MS } from '../../../tokenLifecycle';

const { plain, twoFactor } = VIRTUOUS_USERS;
const credentialType = new VirtuousApi();
const { server, provider, baseUrl } = providerFixture(createVirtuous);
const { preAuthenticate, authenticate } = credentialCalls(credentialType);

function passwordCredentials(
	user: { email: string; password: string } = plain,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return virtuousCredentialData(baseUrl(), user, overrides);
}

/** preAuthentication's error, or a failure when it did not throw. */
async function preAuthenticationError(credentials: ICredentialDataDecryptedObject) {
	return await preAuthenticate(credentials).then(
		() => {
			throw new Error('preAuthentication was expected to fail');
		},
		(error: Error & { description?: string }) => error,
	);
}

/** What n8n does with preAuthentication's answer: merge it into the stored credential. */
async function logIn(credentials: ICredentialDataDecryptedObject): Promise<ICredentialDataDecryptedObject> {
	Object.assign(credentials, await preAuthenticate(credentials));
	return credentials;
}

async function authenticatedRequest(credentials: ICredentialDataDecryptedObject, url: string) {
	const options = await authenticate(credentials, { url: `${baseUrl()}${url}`, method: 'GET', json: true });
	return await httpRequest(options);
}

/** The code the provider texted last, as the user reads it off the phone. */
function textedCode(): string {
	const code = provider.latestCode(twoFactor.email)?.code;
	if (!code) throw new Error('Virtuous texted no code');
	return code;
}

const routes = () => server.log.map((entry) => `${entry.method} ${entry.path}`);
const ISO_TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
/** A sha256 in hex: the fingerprint of the login a token was issued for (its value is not pinned). */
const TOKEN_OWNER = expect.stringMatching(/^[0-9a-f]{64}$/);

describe('Virtuous API credential: password grant', () => {
	it('sends every value of the form body percent-encoded, so a password with & = + % space and é works', async () => {
		const fields = await preAuthenticate(passwordCredentials());

		expect(routes()).toEqual(['POST /Token']);
		const [grant] = server.log;
		expect(grant.contentType).toBe('application/x-www-form-urlencoded');
		expect(grant.rawBody).toBe(
			'grant_type=password&username=finance%40hopemission.test&password=Give%20%26%20Grow%3D%2B10%25%20Se%C3%B1al',
		);
		expect(grant.form).toEqual({ grant_type: 'password', username: plain.email, password: plain.password });
		expect(grant.headers.otp).toBeUndefined();
		expect(grant.status).toBe(200);
		expect(fields).toEqual({
			accessToken: expect.any(String),
			refreshToken: expect.stringMatching(/^[0-9a-f]{32}$/),
			tokenExpiresAt: ISO_TIME,
			otp: '',
			signInNeedsCode: '',
			tokenOwner: TOKEN_OWNER,
		});
		const lifetime = Date.parse(String(fields.tokenExpiresAt)) - Date.now();
		expect(lifetime).toBeGreaterThan(13.9 * 24 * 3600 * 1000);
		expect(lifetime).toBeLessThanOrEqual(14 * 24 * 3600 * 1000);
		expect(provider.refreshTokensOf(plain.email)).toContain(fields.refreshToken);
	});

	it('sends the token as a Bearer token and Virtuous accepts it', async () => {
		const credentials = await logIn(passwordCredentials());
		server.clearLog();

		await expect(authenticatedRequest(credentials, '/api/Organization/Current')).resolves.toEqual(
			VIRTUOUS_ORGANIZATION,
		);
		expect(server.log[0].headers.authorization).toBe(`Bearer ${String(credentials.accessToken)}`);
	});

	it('trims the email and base URL but sends the password exactly as typed', async () => {
		await preAuthenticate(passwordCredentials(plain, { email: `  ${plain.email} `, baseUrl: `${baseUrl()}/` }));
		expect(routes()).toEqual(['POST /Token']);
		expect(server.log[0].form).toMatchObject({ username: plain.email, password: plain.password });
	});

	it('fails a wrong password with a clear message that echoes nothing, and does not try again', async () => {
		const refusedBefore = provider.state.refusedGrants;
		const credentials = passwordCredentials({ email: plain.email, password: 'wrong & secret' });

		const error = await preAuthenticationError(credentials);
		expect(error.message).toBe('Virtuous rejected the email or password (HTTP 400 invalid_grant)');
		expect(error.description).toContain('Check "Email" and "Password"');
		// n8n's HTTP Request node calls preAuthentication again with the same object after a failure.
		await expect(preAuthenticate(credentials)).rejects.toThrow(error.message);
		expect(provider.state.refusedGrants - refusedBefore).toBe(1);
		expect(`${error.message} ${error.description}`).not.toMatch(/wrong & secret|finance@/);
	});

	it('validates inputs before any request, naming the field', async () => {
		await expect(preAuthenticate(passwordCredentials(plain, { email: '  ' }))).rejects.toThrow(
			'The Virtuous credential\'s "Email" is empty',
		);
		await expect(preAuthenticate(passwordCredentials(plain, { password: '' }))).rejects.toThrow(
			'The Virtuous credential\'s "Password" is empty',
		);
		await expect(preAuthenticate(passwordCredentials(plain, { baseUrl: 'api.virtuoussoftware.com' }))).rejects.toThrow(
			'The Virtuous credential\'s "Base URL" is not a valid URL',
		);
		expect(server.log).toHaveLength(0);
	});

	it('reports an unreachable Virtuous by host only', async () => {
		await expect(preAuthenticate(passwordCredentials(plain, { baseUrl: 'http://127.0.0.1:9' }))).rejects.toThrow(
			'Could not reach Virtuous at http://127.0.0.1:9',
		);
	});
});

describe('Virtuous API credential: two-factor authentication', () => {
	it('on 202 fails with what to do, after Virtuous texted exactly one code', async () => {
		const sentBefore = provider.state.sentCodes.length;
		const credentials = passwordCredentials(twoFactor);

		const error = await preAuthenticationError(credentials);
		expect(error.message).toBe(
			'Virtuous texted a verification code to the phone of this login: enter it in the credential\'s "Verification Code" field and run again',
		);
		expect(error.description).toContain(
			'type the code from the text message into "Verification Code", save, and run the workflow again within a few minutes',
		);
		expect(server.log.map((entry) => entry.status)).toEqual([202]);
		expect(server.log[0].rawBody).toBe(
			`grant_type=password&username=director%40hopemission.test&password=Dir3ctor%20pass%2B2FA`,
		);
		// The HTTP Request node's second call, and every later copy of the credential, must not text a second code.
		const waiting = await preAuthenticationError(passwordCredentials(twoFactor));
		expect(waiting.message).toMatch(
			/^Virtuous texted a verification code at \d\d:\d\d UTC: enter it in the credential's "Verification Code" field and run again$/,
		);
		expect(waiting.description).toMatch(/No new code is requested before \d\d:\d\d UTC/);
		expect(server.log).toHaveLength(1);
		expect(provider.state.sentCodes.length - sentBefore).toBe(1);
		expect(provider.latestCode(twoFactor.email)).toMatchObject({ phone: twoFactor.phone, code: /^\d{6}$/ });
	});

	it('sends the entered code as otp (form field and OTP header), then clears it from the credential', async () => {
		await preAuthenticationError(passwordCredentials(twoFactor));
		const code = textedCode();
		server.clearLog();

		const fields = await preAuthenticate(
			passwordCredentials(twoFactor, { otp: ` ${code.slice(0, 3)} ${code.slice(3)} ` }),
		);

		expect(routes()).toEqual(['POST /Token']);
		const [grant] = server.log;
		expect(grant.rawBody).toBe(
			`grant_type=password&username=director%40hopemission.test&password=Dir3ctor%20pass%2B2FA&otp=${code}`,
		);
		expect(grant.headers.otp).toBe(code);
		expect(grant.status).toBe(200);
		expect(fields).toEqual({
			accessToken: expect.any(String),
			refreshToken: expect.any(String),
			tokenExpiresAt: ISO_TIME,
			otp: '',
			signInNeedsCode: 'true',
			tokenOwner: TOKEN_OWNER,
		});
		expect(provider.latestCode(twoFactor.email)?.usedAt).toBeDefined();
	});

	it('refuses a wrong code with its own message, distinct from a wrong password, echoing nothing', async () => {
		await preAuthenticationError(passwordCredentials(twoFactor));
		const sentBefore = provider.state.sentCodes.length;

		const mistyped = String((Number(textedCode()) + 1) % 1_000_000).padStart(6, '0');
		const wrongCode = await preAuthenticationError(passwordCredentials(twoFactor, { otp: mistyped }));
		expect(wrongCode.message).toBe('Virtuous did not accept the verification code (HTTP 400 invalid_grant)');
		expect(wrongCode.description).toContain('empty that field, save, and run again: Virtuous will text a new code');
		expect(`${wrongCode.message} ${wrongCode.description}`).not.toContain(mistyped);
		expect(`${wrongCode.message} ${wrongCode.description}`).not.toMatch(/Dir3ctor|director@/);

		const wrongPassword = await preAuthenticationError(
			passwordCredentials({ email: twoFactor.email, password: 'not it' }, { otp: textedCode() }),
		);
		expect(wrongPassword.message).toBe('Virtuous rejected the email or password (HTTP 400 invalid_grant)');
		// Neither refusal texted another code.
		expect(provider.state.sentCodes.length).toBe(sentBefore);
	});

	it('refuses a code that was already used or has run out', async () => {
		await preAuthenticationError(passwordCredentials(twoFactor));
		const used = textedCode();
		await preAuthenticate(passwordCredentials(twoFactor, { otp: used }));
		// Asked afresh, as by a process that did not see the code used.
		clearSignInMemory();
		const replay = await preAuthenticationError(passwordCredentials(twoFactor, { otp: used }));
		expect(replay.message).toBe('Virtuous did not accept the verification code (HTTP 400 invalid_grant)');

		await preAuthenticationError(passwordCredentials(twoFactor));
		provider.actions!.expireVerificationCodes({});
		const late = await preAuthenticationError(passwordCredentials(twoFactor, { otp: textedCode() }));
		expect(late.message).toBe('Virtuous did not accept the verification code (HTTP 400 invalid_grant)');
	});

	it('says so when Virtuous answers a code with another 202, and reports other failures by status only', async () => {
		server.failNext(1, { status: 202, pathPrefix: '/Token' });
		const resent = await preAuthenticationError(passwordCredentials(twoFactor, { otp: '123456' }));
		expect(resent.message).toBe(
			'Virtuous did not take the verification code and texted a new one: enter it in the credential\'s "Verification Code" field and run again',
		);

		server.failNext(1, { status: 503, pathPrefix: '/Token' });
		const down = await preAuthenticationError(passwordCredentials());
		// A gateway failure may come after Virtuous texted a code: the grant is not sent again.
		expect(down.message).toBe(
			'Virtuous did not answer the sign-in, and it may have texted a verification code (HTTP 503)',
		);
		expect(server.requests('POST', '/Token').filter((entry) => entry.status === 503)).toHaveLength(1);
	});

	it('texts one code for a batch of items that all need a token at once', async () => {
		const sentBefore = provider.state.sentCodes.length;
		const errors = await Promise.all(
			Array.from({ length: 4 }, async () => await preAuthenticationError(passwordCredentials(twoFactor))),
		);
		expect(new Set(errors.map((error) => error.message)).size).toBe(1);
		expect(provider.state.sentCodes.length - sentBefore).toBe(1);
		expect(server.requests('POST', '/Token')).toHaveLength(1);
	});
});

describe('Virtuous API credential: refresh tokens', () => {
	it('on a rejected token uses the refresh-token grant, not the password, and returns the rotated refresh token', async () => {
		const credentials = await logIn(passwordCredentials());
		const firstRefreshToken = String(credentials.refreshToken);
		const firstAccessToken = credentials.accessToken;
		provider.expireAllTokens();
		server.clearLog();

		const fields = await preAuthenticate({ ...credentials });

		expect(routes()).toEqual(['GET /api/Organization/Current', 'POST /Token']);
		expect(server.log[0].status).toBe(401);
		const grant = server.log[1];
		expect(grant.contentType).toBe('application/x-www-form-urlencoded');
		expect(grant.rawBody).toBe(`grant_type=refresh_token&refresh_token=${firstRefreshToken}`);
		expect(grant.status).toBe(200);
		expect(fields).toEqual({
			accessToken: expect.any(String),
			refreshToken: expect.any(String),
			tokenExpiresAt: ISO_TIME,
			otp: '',
			signInNeedsCode: '',
			tokenOwner: TOKEN_OWNER,
		});
		expect(fields.accessToken).not.toBe(firstAccessToken);
		expect(fields.refreshToken).not.toBe(firstRefreshToken);
		// Rotation: the used refresh token is dead, the new one is the live one.
		expect(provider.refreshTokensOf(plain.email)).toContain(fields.refreshToken);
		expect(provider.refreshTokensOf(plain.email)).not.toContain(firstRefreshToken);
	});

	it('goes straight to the refresh grant when the stored expiry has passed', async () => {
		const credentials = await logIn(passwordCredentials());
		server.clearLog();

		const fields = await preAuthenticate({ ...credentials, tokenExpiresAt: new Date(Date.now() - 1000).toISOString() });

		expect(routes()).toEqual(['POST /Token']);
		expect(server.log[0].form).toEqual({ grant_type: 'refresh_token', refresh_token: credentials.refreshToken });
		expect(fields.accessToken).toEqual(expect.any(String));
	});

	it('keeps a token that still works when a request failed for another reason', async () => {
		const credentials = await logIn(passwordCredentials());
		server.clearLog();

		expect(await preAuthenticate({ ...credentials })).toEqual({});
		expect(routes()).toEqual(['GET /api/Organization/Current']);
	});

	it('keeps the token when Virtuous hiccups on the check: no grant, no texted code', async () => {
		const credentials = await logIn(passwordCredentials(twoFactor, { otp: await freshCode() }));
		server.clearLog();
		server.failNext(1, { status: 503, pathPrefix: '/api/' });

		expect(await preAuthenticate({ ...credentials })).toEqual({});
		// The check is a read, so it is asked again after the 503.
		expect(routes()).toEqual(['GET /api/Organization/Current', 'GET /api/Organization/Current']);
	});

	it('falls back to the password grant only when Virtuous refuses the refresh token', async () => {
		const credentials = await logIn(passwordCredentials());
		provider.expireAllTokens();
		provider.actions!.revokeRefreshTokens({});
		server.clearLog();

		const fields = await preAuthenticate({ ...credentials });

		expect(
			server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status} ${entry.form?.grant_type ?? ''}`),
		).toEqual(['GET /api/Organization/Current 401 ', 'POST /Token 400 refresh_token', 'POST /Token 200 password']);
		expect(fields.refreshToken).toEqual(provider.refreshTokensOf(plain.email)[0]);
	});

	it('texts a two-factor user no code when the refresh token is refused, until it is still refused a minute later', async () => {
		const credentials = await logIn(passwordCredentials(twoFactor, { otp: await freshCode() }));
		expect(credentials.otp).toBe('');
		provider.expireAllTokens();
		provider.actions!.revokeRefreshTokens({});
		const sentBefore = provider.state.sentCodes.length;
		server.clearLog();

		// Another process may have traded the refresh token a moment ago: fail this request, text nothing.
		const raced = await preAuthenticationError({ ...credentials });
		expect(raced.message).toBe('Virtuous refused the saved refresh token');
		expect(raced.description).toContain('run the workflow again');
		expect(server.log.map((entry) => entry.status)).toEqual([401, 400]);
		// A second copy within the minute asks nothing more of Virtuous.
		await expect(preAuthenticate({ ...credentials })).rejects.toThrow('Virtuous refused the saved refresh token');
		expect(server.log.map((entry) => entry.status)).toEqual([401, 400]);
		expect(provider.state.sentCodes.length - sentBefore).toBe(0);

		// Still refused after ROTATION_RACE_MS: no other process saved a new one, so the user must sign in again.
		const now = Date.now();
		jest.spyOn(Date, 'now').mockReturnValue(now + ROTATION_RACE_MS + 1_000);
		try {
			const error = await preAuthenticationError({ ...credentials });
			expect(error.message).toContain('Virtuous texted a verification code');
		} finally {
			jest.restoreAllMocks();
		}
		expect(server.log.map((entry) => entry.status)).toEqual([401, 400, 401, 202]);
		expect(provider.state.sentCodes.length - sentBefore).toBe(1);
	});

	it('does not fall back to the password grant when the refresh grant fails for another reason', async () => {
		const credentials = await logIn(passwordCredentials());
		server.clearLog();
		server.failNext(1, { status: 503, pathPrefix: '/Token' });

		const error = await preAuthenticationError({ ...credentials, tokenExpiresAt: new Date(0).toISOString() });

		expect(error.message).toBe(
			'Virtuous did not answer the token renewal, and the saved refresh token may be used up (HTTP 503)',
		);
		expect(routes()).toEqual(['POST /Token']);
	});
});

describe('Virtuous API credential: after the credential is edited', () => {
	it('sends the token only while it belongs to the base URL, email and password as they are now', async () => {
		const credentials = await logIn(passwordCredentials());
		const token = String(credentials.accessToken);
		server.clearLog();
		// The email is compared as Virtuous does, without case; a code typed later changes nothing.
		expect(providerToken(virtuous, { ...credentials, email: plain.email.toUpperCase() })).toBe(token);
		expect(providerToken(virtuous, { ...credentials, otp: '123456' })).toBe(token);
		const edits: ICredentialDataDecryptedObject[] = [
			{ email: twoFactor.email },
			{ password: `${plain.password} ` },
			{ baseUrl: `${baseUrl()}/elsewhere` },
			{ tokenOwner: '' }, // a token saved without its owner
			{ baseUrl: '' }, // cannot be fingerprinted: no token, and no exception either
		];
		for (const edit of edits) {
			expect([edit, providerToken(virtuous, { ...credentials, ...edit })]).toEqual([edit, '']);
		}
		expect(server.log).toHaveLength(0);
	});

	it('keeps concurrent sign-ins with different codes apart, though the code is not part of whose token it is', async () => {
		const code = await freshCode();
		const mistyped = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
		server.clearLog();

		const [wrong, right] = await Promise.allSettled([
			preAuthenticate(passwordCredentials(twoFactor, { otp: mistyped })),
			preAuthenticate(passwordCredentials(twoFactor, { otp: code })),
		]);

		expect(server.log.map((entry) => entry.form?.otp).sort()).toEqual([code, mistyped].sort());
		expect(wrong.status).toBe('rejected');
		expect(right).toMatchObject({ status: 'fulfilled', value: { tokenOwner: TOKEN_OWNER } });
	});

	it('keeps using a token obtained with a verification code once the code is cleared', async () => {
		const credentials = await logIn(passwordCredentials(twoFactor, { otp: await freshCode() }));
		expect(credentials.otp).toBe('');
		server.clearLog();

		await expect(authenticatedRequest(credentials, '/api/Organization/Current')).resolves.toEqual(
			VIRTUOUS_ORGANIZATION,
		);
		expect(server.log[0].headers.authorization).toBe(`Bearer ${String(credentials.accessToken)}`);
	});

	it("after a switch to another login sends no token, then signs in with the new login without trading the old login's refresh token", async () => {
		const credentials = await logIn(passwordCredentials(twoFactor, { otp: await freshCode() }));
		const oldRefreshToken = String(credentials.refreshToken);
		const sentBefore = provider.state.sentCodes.length;
		server.clearLog();
		// n8n's editor sends the saved hidden fields (tokens, refresh token) back unchanged with the new login.
		const edited = { ...credentials, email: plain.email, password: plain.password };

		await expect(authenticatedRequest(edited, '/api/Organization/Current')).rejects.toMatchObject({
			response: { status: 401 },
		});
		expect(server.log[0].headers.authorization).toBeUndefined();
		server.clearLog();

		// The 401 makes n8n call preAuthentication: no check of the old token, no refresh grant, one password grant.
		const fields = await preAuthenticate(edited);

		expect(
			server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status} ${entry.form?.grant_type}`),
		).toEqual(['POST /Token 200 password']);
		expect(server.log[0].form).toMatchObject({ username: plain.email, password: plain.password });
		expect(fields).toEqual({
			accessToken: expect.any(String),
			refreshToken: expect.any(String),
			tokenExpiresAt: ISO_TIME,
			otp: '',
			signInNeedsCode: '',
			tokenOwner: TOKEN_OWNER,
		});
		expect(fields.tokenOwner).not.toBe(credentials.tokenOwner);
		expect(provider.refreshTokensOf(plain.email)).toContain(fields.refreshToken);
		expect(provider.refreshTokensOf(twoFactor.email)).toContain(oldRefreshToken);
		expect(provider.state.sentCodes.length).toBe(sentBefore);

		Object.assign(edited, fields);
		server.clearLog();
		await authenticatedRequest(edited, '/api/Organization/Current');
		expect(server.log[0]).toMatchObject({
			status: 200,
			headers: { authorization: `Bearer ${String(fields.accessToken)}` },
		});
	});
});

describe('Virtuous API credential: API key', () => {
	it('makes no request before use and sends the key, trimmed, as a Bearer token', async () => {
		const credentials: ICredentialDataDecryptedObject = {
			accessToken: '',
			baseUrl: baseUrl(),
			authMethod: 'apiKey',
			apiKey: ` ${VIRTUOUS_API_KEY} `,
		};
		expect(await preAuthenticate(credentials)).toEqual({});
		expect(server.log).toHaveLength(0);

		await expect(authenticatedRequest(credentials, '/api/Contact/1002')).resolves.toMatchObject({
			name: 'Grace Foundation',
		});
		expect(server.log[0].headers.authorization).toBe(`Bearer ${VIRTUOUS_API_KEY}`);
	});

	it('names an empty key before any request', async () => {
		await expect(preAuthenticate({ baseUrl: baseUrl(), authMethod: 'apiKey', apiKey: '  ' })).rejects.toThrow(
			'The Virtuous credential\'s "API Key" is empty',
		);
		expect(server.log).toHaveLength(0);
	});

	it('is refused with a 401 when the key is wrong', async () => {
		const credentials = { baseUrl: baseUrl(), authMethod: 'apiKey', apiKey: 'not-a-key' };
		await expect(authenticatedRequest(credentials, '/api/Organization/Current')).rejects.toMatchObject({
			response: { status: 401 },
		});
	});
});

describe('Virtuous API credential: description', () => {
	it('keeps the token in the first hidden field, marked expirable, and hides every cached value', () => {
		const hidden = credentialType.properties.filter((property) => property.type === 'hidden');
		expect(hidden.map((property) => [property.name, property.typeOptions])).toEqual([
			['accessToken', { expirable: true, password: true }],
			['refreshToken', { password: true }],
			['tokenExpiresAt', { password: true }],
			['tokenOwner', { password: true }],
			['signInNeedsCode', { password: true }],
		]);
	});

	it('has the documented fields, defaults and HTTP Request node metadata', () => {
		const byName = Object.fromEntries(credentialType.properties.map((property) => [property.name, property]));
		expect(byName.baseUrl.default).toBe('https://api.virtuoussoftware.com');
		expect(byName.authMethod.default).toBe('apiKey');
		expect(byName.authMethod.options?.map((option) => ('value' in option ? option.value : undefined))).toEqual([
			'apiKey',
			'password',
		]);
		for (const name of ['apiKey', 'password']) expect(byName[name].typeOptions).toEqual({ password: true });
		// A single-use code the credential empties once used is not a secret worth masking (n8n's
		// credential-unnecessary-password rule); typing it visibly avoids mistyped codes.
		expect(byName.otp.typeOptions).toBeUndefined();
		expect(byName.otp).toMatchObject({
			displayName: 'Verification Code',
			displayOptions: { show: { authMethod: ['password'] } },
		});
		expect(credentialType.httpRequestNode).toEqual({
			name: 'Virtuous',
			docsUrl: 'https://docs.virtuoussoftware.com/',
			apiBaseUrl: 'https://api.virtuoussoftware.com/api/',
		});
		expect(credentialType.test.request).toMatchObject({ url: '/api/Organization/Current' });
	});
});

/** Runs the first (code-texting) step for the two-factor user and returns the texted code. */
async function freshCode(): Promise<string> {
	await preAuthenticationError(passwordCredentials(twoFactor));
	return textedCode();
}

describe('the bundled Virtuous server reads token requests like the real one', () => {
	it('decodes form bodies by form rules, so an un-encoded password (a raw "+" is a space) is refused', async () => {
		const naive = `grant_type=password&username=${plain.email}&password=${plain.password}`;
		const answer = await fetch(`${baseUrl()}/Token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: naive,
		});
		expect(answer.status).toBe(400);
		expect(await answer.json()).toEqual({
			error: 'invalid_grant',
			error_description: 'The user name or password is incorrect.',
		});
	});

	it('reads only form bodies', async () => {
		const answer = await fetch(`${baseUrl()}/Token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ grant_type: 'password', username: plain.email, password: plain.password }),
		});
		expect(answer.status).toBe(400);
		expect(await answer.json()).toEqual({ error: 'unsupported_grant_type' });
	});
});
