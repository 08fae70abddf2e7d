/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
/**
 * The Satellite node's Send and Verify operations, run through the node's own `execute` against
 * the bundled Satellite server over HTTP, with n8n's execution semantics (test/support/nodeExecutionContext.ts).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { SatelliteApi } from '../../../../credentials/SatelliteApi.credentials';
import { SATELLITE_CLIENT, SATELLITE_USERS, createSatellite } from '../../../providers/satellite';
import { satelliteCredentialData } from '../../../support/credentialFixtures';
import { failureOf } from '../../../support/failureOf';
import { CredentialStore, nodeRunner, type ParameterValue } from '../../../support/nodeExecutionContext';
import { providerFixture } from '../../../support/providerFixture';
import { Satellite } from '../../../../nodes/Satellite/Satellite.node';

const [someone, giovanni, ana] = SATELLITE_USERS;
const runSatelliteNode = nodeRunner({
	nodeType: Satellite,
	credentialType: SatelliteApi,
	credential: { id: 'satellite-credential', name: 'Satellite demo' },
});
const { server, provider, baseUrl } = providerFixture(createSatellite);
beforeEach(() => {
	provider.actions!.setAllowNewUsers({ allow: false });
	provider.actions!.setOtpTtl({ seconds: 600 });
});

function credentialStore(overrides: ICredentialDataDecryptedObject = {}): CredentialStore {
	return new CredentialStore(satelliteCredentialData(baseUrl(), overrides));
}

const send = (parameters: Record<string, ParameterValue>) => ({ resource: 'otp', operation: 'send', ...parameters });
const verify = (parameters: Record<string, ParameterValue>) => ({
	resource: 'otp',
	operation: 'verify',
	...parameters,
});
const otpCalls = () => server.requests('POST', '/otp/send');
const tokenCalls = () => server.requests('POST', '/oauth/v2/token');

describe('Send', () => {
	it('says in its help that a success does not mean the user exists', () => {
		const help = new Satellite().description.properties.filter(
			(property) =>
				['email', 'phone'].includes(property.name) && property.displayOptions?.show?.operation?.includes('send'),
		);
		expect(help.map((property) => property.description?.includes('a success does not mean the user exists'))).toEqual([
			true,
			true,
		]);
	});

	it('gets a client token, then sends the email as a JSON body with the Bearer token, and outputs the answer', async () => {
		const store = credentialStore();
		const { output, storedCredential } = await runSatelliteNode(store, {
			parameters: send({ channel: 'email', email: `  ${someone.email} ` }),
		});

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /oauth/v2/token 200',
			'POST /otp/send 200',
		]);
		expect((tokenCalls()[0].json as { grant_type: string }).grant_type).toBe('client_credentials');
		const [request] = otpCalls();
		expect(request.contentType).toBe('application/json');
		expect(request.rawBody).toBe(JSON.stringify({ email: someone.email }));
		expect(request.headers.authorization).toBe(`Bearer ${String(storedCredential.accessToken)}`);
		expect(output).toEqual([{ json: { data: { email: someone.email }, meta: [] }, pairedItem: { item: 0 } }]);
		expect(provider.lastCodeFor(someone.email)).toMatch(/^\d{6}$/);
		// The docs' default lifetime: 10 minutes.
		const sent = provider.state.outbox.at(-1)!;
		expect(Date.parse(sent.expiresAt) - Date.parse(sent.sentAt)).toBe(600_000);
	});

	it('sends a phone number without its formatting, reusing the stored token', async () => {
		const store = credentialStore();
		await runSatelliteNode(store, { parameters: send({ channel: 'email', email: someone.email }) });
		server.clearLog();

		const { output } = await runSatelliteNode(store, {
			parameters: send({ channel: 'phone', phone: '+64 (21) 123-45.67' }),
		});

		expect(server.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual(['POST /otp/send']);
		expect(otpCalls()[0].rawBody).toBe(JSON.stringify({ phone: '+64211234567' }));
		expect(output[0].json).toEqual({ data: { phone: '+64211234567' }, meta: [] });
		expect(provider.lastCodeFor(giovanni.phone)).toMatch(/^\d{6}$/);
	});

	it.each([
		['email', { email: 'not-an-email' }, 'The "Email" of item 0 is not a valid email address'],
		['email', { email: 'someone@example' }, 'The "Email" of item 0 is not a valid email address'],
		['email', { email: 'Some One <someone@example.com>' }, 'The "Email" of item 0 is not a valid email address'],
		['email', { email: '   ' }, 'The "Email" of item 0 is empty'],
		['phone', { phone: '12345' }, 'The "Phone" of item 0 is not a valid phone number'],
		['phone', { phone: '+1234567890123456' }, 'The "Phone" of item 0 is not a valid phone number'],
		['phone', { phone: '021 CALL ME' }, 'The "Phone" of item 0 is not a valid phone number'],
		['phone', { phone: '' }, 'The "Phone" of item 0 is empty'],
	])('refuses a bad %s %j before any request', async (channel, parameters, message) => {
		await expect(runSatelliteNode(credentialStore(), { parameters: send({ channel, ...parameters }) })).rejects.toThrow(
			message,
		);
		// Not even a token request: the input is checked first.
		expect(server.log).toHaveLength(0);
	});

	it('answers success for an unknown address without sending a code while "Allow new users" is off', async () => {
		const { output } = await runSatelliteNode(credentialStore(), {
			parameters: send({ channel: 'email', email: 'nobody@example.com' }),
		});
		expect(output[0].json).toEqual({ data: { email: 'nobody@example.com' }, meta: [] });
		expect(provider.lastCodeFor('nobody@example.com')).toBeUndefined();
	});

	it('registers an unknown address and sends it a code while "Allow new users" is on', async () => {
		provider.actions!.setAllowNewUsers({ allow: true });
		await runSatelliteNode(credentialStore(), {
			parameters: send({ channel: 'email', email: 'newcomer@example.com' }),
		});
		expect(provider.users().some((user) => user.email === 'newcomer@example.com')).toBe(true);
		expect(provider.lastCodeFor('newcomer@example.com')).toMatch(/^\d{6}$/);
	});

	it('with Continue On Fail sends every item but the malformed one, which carries its error', async () => {
		const emails = [someone.email, 'not-an-email', ana.email];
		const { output } = await runSatelliteNode(credentialStore(), {
			items: 3,
			continueOnFail: true,
			parameters: send({ channel: 'email', email: (index: number) => emails[index] }),
		});

		expect(output).toEqual([
			{ json: { data: { email: someone.email }, meta: [] }, pairedItem: { item: 0 } },
			{ json: { error: 'The "Email" of item 1 is not a valid email address' }, pairedItem: { item: 1 } },
			{ json: { data: { email: ana.email }, meta: [] }, pairedItem: { item: 2 } },
		]);
		expect(otpCalls().map((call) => call.json)).toEqual([{ email: someone.email }, { email: ana.email }]);
		expect(tokenCalls()).toHaveLength(1);
	});

	it('without Continue On Fail stops before sending anything, naming the malformed item', async () => {
		const emails = [someone.email, 'not-an-email', ana.email];
		await expect(
			runSatelliteNode(credentialStore(), {
				items: 3,
				parameters: send({ channel: 'email', email: (index: number) => emails[index] }),
			}),
		).rejects.toThrow('The "Email" of item 1 is not a valid email address');
		expect(otpCalls()).toHaveLength(0);
	});

	it('renews an expired client token once and sends the code', async () => {
		const store = credentialStore();
		await runSatelliteNode(store, { parameters: send({ channel: 'email', email: someone.email }) });
		provider.expireAllTokens();
		server.clearLog();

		await runSatelliteNode(store, { parameters: send({ channel: 'email', email: someone.email }) });

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /otp/send 401',
			'POST /oauth/v2/token 200',
			'POST /otp/send 200',
		]);
	});

	it('reports a wrong client secret without the secret', async () => {
		const attempt = runSatelliteNode(credentialStore({ clientSecret: 'not-the-secret' }), {
			parameters: send({ channel: 'email', email: someone.email }),
		});
		await expect(attempt).rejects.toThrow(
			'Satellite rejected the client ID or client secret (HTTP 401 invalid_client)',
		);
		const error = await failureOf(attempt);
		expect(JSON.stringify({ message: error.message, description: error.description })).not.toContain('not-the-secret');
	});
});

describe('Verify', () => {
	async function sendCode(parameters: Record<string, ParameterValue>, address: string): Promise<string> {
		await runSatelliteNode(credentialStore(), { parameters: send(parameters) });
		server.clearLog();
		return provider.lastCodeFor(address)!;
	}

	it("exchanges the code through the JSON password grant and outputs that user's tokens", async () => {
		const code = await sendCode({ channel: 'email', email: someone.email }, someone.email);

		const { output } = await runSatelliteNode(credentialStore(), {
			parameters: verify({ channel: 'email', email: someone.email, code: ` ${code} ` }),
		});

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /oauth/v2/token 200',
		]);
		const [request] = tokenCalls();
		expect(request.contentType).toBe('application/json');
		expect(request.rawBody).toBe(
			JSON.stringify({
				grant_type: 'password',
				client_id: SATELLITE_CLIENT.clientId,
				client_secret: SATELLITE_CLIENT.clientSecret,
				username: someone.email,
				password: code,
			}),
		);
		// No client token is needed to exchange a code.
		expect(request.headers.authorization).toBeUndefined();
		expect(output).toEqual([
			{
				json: {
					access_token: expect.any(String),
					refresh_token: expect.any(String),
					expires_in: 3600,
					token_type: 'bearer',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(provider.userOfAccessToken(String(output[0].json.access_token))).toBe(someone.id);
		expect(provider.isRefreshTokenValid(String(output[0].json.refresh_token))).toBe(true);
	});

	it('verifies a code sent by SMS with the phone number as typed when sending', async () => {
		const code = await sendCode({ channel: 'phone', phone: '+64 21 123 4567' }, giovanni.phone);
		const { output } = await runSatelliteNode(credentialStore(), {
			parameters: verify({ channel: 'phone', phone: '+64 21 123 4567', code }),
		});
		expect((tokenCalls()[0].json as { username: string }).username).toBe('+64211234567');
		expect(provider.userOfAccessToken(String(output[0].json.access_token))).toBe(giovanni.id);
	});

	it('fails a replayed code with a clear message that does not contain the code', async () => {
		const code = await sendCode({ channel: 'email', email: ana.email }, ana.email);
		const parameters = verify({ channel: 'email', email: ana.email, code });
		await runSatelliteNode(credentialStore(), { parameters });

		const replay = runSatelliteNode(credentialStore(), { parameters });

		await expect(replay).rejects.toThrow('The code is wrong or has expired (HTTP 400 invalid_grant)');
		const error = await failureOf(replay);
		expect(error.description).toContain('Each code works once');
		expect(`${error.message} ${error.description}`).not.toContain(code);
	});

	it('fails a code once its lifetime (set in the control room) has passed', async () => {
		provider.actions!.setOtpTtl({ seconds: 1 });
		const code = await sendCode({ channel: 'email', email: someone.email }, someone.email);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		await expect(
			runSatelliteNode(credentialStore(), { parameters: verify({ channel: 'email', email: someone.email, code }) }),
		).rejects.toThrow('The code is wrong or has expired');
	});

	it('fails an expired code', async () => {
		const code = await sendCode({ channel: 'email', email: someone.email }, someone.email);
		provider.actions!.expireOtps({});
		await expect(
			runSatelliteNode(credentialStore(), { parameters: verify({ channel: 'email', email: someone.email, code }) }),
		).rejects.toThrow('The code is wrong or has expired');
	});

	it("fails a code used with another user's address", async () => {
		const code = await sendCode({ channel: 'email', email: someone.email }, someone.email);
		await expect(
			runSatelliteNode(credentialStore(), { parameters: verify({ channel: 'email', email: ana.email, code }) }),
		).rejects.toThrow('The code is wrong or has expired');
	});

	it('refuses an empty code or a bad address before any request', async () => {
		await expect(
			runSatelliteNode(credentialStore(), {
				parameters: verify({ channel: 'email', email: someone.email, code: '  ' }),
			}),
		).rejects.toThrow('The "Code" of item 0 is empty');
		await expect(
			runSatelliteNode(credentialStore(), { parameters: verify({ channel: 'phone', phone: 'abc', code: '123456' }) }),
		).rejects.toThrow('The "Phone" of item 0 is not a valid phone number');
		expect(server.log).toHaveLength(0);
	});

	it('with Continue On Fail a wrong code carries its error and the other items get their tokens', async () => {
		const first = await sendCode({ channel: 'email', email: someone.email }, someone.email);
		const second = await sendCode({ channel: 'email', email: ana.email }, ana.email);
		const rows = [
			{ email: someone.email, code: first },
			{ email: giovanni.email, code: '000000' },
			{ email: ana.email, code: second },
		];
		const { output } = await runSatelliteNode(credentialStore(), {
			items: 3,
			continueOnFail: true,
			parameters: verify({
				channel: 'email',
				email: (index: number) => rows[index].email,
				code: (index: number) => rows[index].code,
			}),
		});

		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(provider.userOfAccessToken(String(output[0].json.access_token))).toBe(someone.id);
		expect(output[1].json).toEqual({ error: 'The code is wrong or has expired (HTTP 400 invalid_grant)' });
		expect(provider.userOfAccessToken(String(output[2].json.access_token))).toBe(ana.id);
	});
});
