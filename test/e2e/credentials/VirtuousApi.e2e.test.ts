/**
 * The Virtuous credential inside a real n8n, used the way its users use it: from n8n's own HTTP
 * Request node ("Predefined Credential Type" → Virtuous API). A password full of form-reserved
 * characters logs in; a two-factor user's first run stops with the instruction and a texted code,
 * the run after entering the code succeeds and clears it, later runs need nothing; when the access
 * tokens have run out the refresh token renews them without a password grant and the rotated refresh
 * token is what n8n stores; the API key mode works.
 */
import type { IDataObject } from 'n8n-workflow';

import { N8nTestBed, type WorkflowFixture, type WorkflowNodeFixture } from '../../n8n/testBed';
import { ProviderServer } from '../../providers/providerServer';
import { VIRTUOUS_API_KEY, VIRTUOUS_ORGANIZATION, VIRTUOUS_USERS, createVirtuous } from '../../providers/virtuous';

jest.setTimeout(15 * 60 * 1000);

const { plain, twoFactor } = VIRTUOUS_USERS;
const provider = createVirtuous();
const server = new ProviderServer(provider);
let bed: N8nTestBed;
let baseUrl: string;

const PLAIN = { id: 'virtuousPlain0001', name: 'Virtuous finance login' };
const TWO_FACTOR = { id: 'virtuousTwoFactor', name: 'Virtuous director login (2FA)' };
const API_KEY = { id: 'virtuousApiKey001', name: 'Virtuous API key' };

function workflow(name: string, nodes: WorkflowNodeFixture[]): WorkflowFixture {
	const all = [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 }, ...nodes];
	const connections = Object.fromEntries(
		all.slice(0, -1).map((node, i) => [node.name, { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { name, nodes: all, connections };
}

/** An HTTP Request node as the editor makes it for "Predefined Credential Type" → "Virtuous API". */
function virtuousCall(
	name: string,
	credential: { id: string; name: string },
	path: string,
	parameters: IDataObject = {},
): WorkflowNodeFixture {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.5,
		parameters: {
			url: `${baseUrl}${path}`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'virtuousApi',
			options: {},
			...parameters,
		},
		credentials: { virtuousApi: credential },
	};
}

const findContacts = (credential: { id: string; name: string }) =>
	virtuousCall('Find Contacts', credential, '/api/Contact/Query', {
		method: 'POST',
		sendQuery: true,
		queryParameters: { parameters: [{ name: 'take', value: '5' }] },
		sendBody: true,
		specifyBody: 'json',
		jsonBody: JSON.stringify({
			groups: [{ conditions: [{ parameter: 'Contact Name', operator: 'Contains', value: 'grace' }] }],
		}),
	});

const passwordData = (user: { email: string; password: string }): IDataObject => ({
	baseUrl,
	authMethod: 'password',
	email: user.email,
	password: user.password,
});

let plainWorkflowId: string;
let twoFactorWorkflowId: string;
let apiKeyWorkflowId: string;

const grantTypes = () => server.requests('POST', '/Token').map((entry) => entry.form?.grant_type);

beforeAll(async () => {
	baseUrl = await server.listen();
	bed = await N8nTestBed.create({ name: 'virtuous' });
	await bed.importCredentials([
		{ ...PLAIN, type: 'virtuousApi', data: passwordData(plain) },
		{ ...TWO_FACTOR, type: 'virtuousApi', data: passwordData(twoFactor) },
		{ ...API_KEY, type: 'virtuousApi', data: { baseUrl, authMethod: 'apiKey', apiKey: VIRTUOUS_API_KEY } },
	]);
	[plainWorkflowId, twoFactorWorkflowId, apiKeyWorkflowId] = await bed.importWorkflows([
		workflow('Virtuous organization (password with special characters)', [
			virtuousCall('Organization', PLAIN, '/api/Organization/Current'),
		]),
		workflow('Virtuous contacts (two-factor user)', [
			virtuousCall('Organization', TWO_FACTOR, '/api/Organization/Current'),
			findContacts(TWO_FACTOR),
		]),
		workflow('Virtuous contact (API key)', [virtuousCall('Contact', API_KEY, '/api/Contact/1002')]),
	]);
});

afterAll(async () => {
	await bed?.dispose();
	await server.close();
});

beforeEach(() => server.clearLog());

test('a password with & = + % space and ñ logs in through the HTTP Request node, and the tokens are stored', async () => {
	const result = await bed.execute(plainWorkflowId);
	result.assertOk();

	expect(result.nodeOutput('Organization')).toEqual([VIRTUOUS_ORGANIZATION]);
	const [grant] = server.requests('POST', '/Token');
	expect(grant.contentType).toBe('application/x-www-form-urlencoded');
	expect(grant.rawBody).toBe(
		'grant_type=password&username=finance%40hopemission.test&password=Give%20%26%20Grow%3D%2B10%25%20Se%C3%B1al',
	);
	const stored = await bed.readCredential(PLAIN.id);
	expect(stored).toMatchObject({
		accessToken: expect.any(String),
		refreshToken: provider.refreshTokensOf(plain.email)[0],
	});
	expect(server.requests('GET', '/api/Organization/Current').at(-1)?.headers.authorization).toBe(
		`Bearer ${String(stored.accessToken)}`,
	);
});

let refreshTokenAfterCode: string;

test('two-factor: the first run stops with the instruction after one texted code; with the code entered the run succeeds; later runs need none', async () => {
	// 1. First run: Virtuous answers 202 and texts a code; the run fails and says what to do.
	const first = await bed.execute(twoFactorWorkflowId);
	expect(first.ok).toBe(false);
	const error = first.nodeError('Organization');
	// The HTTP Request node asks the credential again after the failure: that second call meets the wait.
	expect(error?.message).toMatch(
		/^Virtuous texted a verification code (to the phone of this login|at \d\d:\d\d UTC): enter it in the credential's "Verification Code" field and run again$/,
	);
	expect(error?.description).toContain(
		'type the code from the text message into "Verification Code", save, and run the workflow again',
	);
	expect(provider.state.sentCodes.filter((sent) => sent.email === twoFactor.email)).toHaveLength(1);
	expect(grantTypes()).toEqual(['password']);
	const code = provider.latestCode(twoFactor.email)!.code;
	expect(JSON.stringify(first.run)).not.toContain(twoFactor.password);

	// 2. The user types the code into the credential and saves it.
	const storedBeforeCode = await bed.readCredential(TWO_FACTOR.id);
	expect(storedBeforeCode.accessToken ?? '').toBe('');
	await bed.importCredentials([{ ...TWO_FACTOR, type: 'virtuousApi', data: { ...storedBeforeCode, otp: code } }]);
	server.clearLog();

	const second = await bed.execute(twoFactorWorkflowId);
	second.assertOk();
	expect(second.nodeOutput('Organization')).toEqual([VIRTUOUS_ORGANIZATION]);
	expect(second.nodeOutput('Find Contacts')).toEqual([
		{ list: [expect.objectContaining({ id: 1002, name: 'Grace Foundation' })], total: 1 },
	]);
	const [grant] = server.requests('POST', '/Token');
	expect(grant.form).toEqual({
		grant_type: 'password',
		username: twoFactor.email,
		password: twoFactor.password,
		otp: code,
	});
	expect(grant.status).toBe(200);
	const stored = await bed.readCredential(TWO_FACTOR.id);
	expect(stored.otp).toBe('');
	expect(stored.refreshToken).toBe(provider.refreshTokensOf(twoFactor.email)[0]);
	refreshTokenAfterCode = String(stored.refreshToken);

	// 3. Later runs use the stored token: no token request, no code.
	server.clearLog();
	const third = await bed.execute(twoFactorWorkflowId);
	third.assertOk();
	expect(grantTypes()).toEqual([]);
	expect(provider.state.sentCodes.filter((sent) => sent.email === twoFactor.email)).toHaveLength(1);
	expect(server.requests('GET', '/api/Organization/Current').map((entry) => entry.headers.authorization)).toEqual([
		`Bearer ${String(stored.accessToken)}`,
	]);
});

test('after every access token has run out, the next run renews with the refresh token, never the password, and stores the rotated one', async () => {
	expect(refreshTokenAfterCode).toBeDefined();
	provider.expireAllTokens();
	const sentBefore = provider.state.sentCodes.length;

	const result = await bed.execute(twoFactorWorkflowId);
	result.assertOk();

	expect(result.nodeOutput('Organization')).toEqual([VIRTUOUS_ORGANIZATION]);
	expect(grantTypes()).toEqual(['refresh_token']);
	expect(server.requests('POST', '/Token')[0].rawBody).toBe(
		`grant_type=refresh_token&refresh_token=${refreshTokenAfterCode}`,
	);
	expect(provider.state.sentCodes.length).toBe(sentBefore);
	const [rotated] = provider.refreshTokensOf(twoFactor.email);
	expect(rotated).not.toBe(refreshTokenAfterCode);
	const stored = await bed.readCredential(TWO_FACTOR.id);
	expect(stored.refreshToken).toBe(rotated);
	// The retried request and the next node both carry the renewed token.
	const calls = server.log.filter((entry) => entry.path.startsWith('/api/'));
	expect(calls.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
		'GET /api/Organization/Current 401',
		'GET /api/Organization/Current 401',
		'GET /api/Organization/Current 200',
		'POST /api/Contact/Query 200',
	]);
	expect(calls.slice(2).every((entry) => entry.headers.authorization === `Bearer ${String(stored.accessToken)}`)).toBe(
		true,
	);
});

test('API key mode sends the key as a Bearer token and makes no token request', async () => {
	const result = await bed.execute(apiKeyWorkflowId);
	result.assertOk();

	expect(result.nodeOutput('Contact')).toEqual([expect.objectContaining({ id: 1002, name: 'Grace Foundation' })]);
	expect(server.requests('POST', '/Token')).toHaveLength(0);
	expect(server.log.map((entry) => entry.headers.authorization)).toEqual([`Bearer ${VIRTUOUS_API_KEY}`]);
});
