/**
 * The Virtuous credential inside a real n8n, used the way its users use it: from n8n's own HTTP
 * Request node ("Predefined Credential Type" → Virtuous API), which reads the credential afresh for
 * every item and asks it again after any failure. A two-factor user's first run stops with the
 * instruction and a texted code, the run after entering the code succeeds and clears it, later runs
 * need nothing; when the access tokens have run out the refresh token renews them without a password
 * grant and the rotated refresh token is what n8n stores; 4 items sent one by one text one code,
 * 20 items at once trade the refresh token once; the API key mode works. (The grants' bodies are
 * unit-tested; compat.e2e covers a first password sign-in through this node.)
 */
import type { IDataObject } from 'n8n-workflow';

import { N8nTestBed, type WorkflowNodeFixture } from '../../n8n/testBed';
import { httpRequestNode, itemsOf, manualWorkflow, type CredentialRef } from '../../n8n/workflows';
import { ProviderServer } from '../../providers/providerServer';
import { VIRTUOUS_API_KEY, VIRTUOUS_ORGANIZATION, VIRTUOUS_USERS, createVirtuous } from '../../providers/virtuous';

jest.setTimeout(15 * 60 * 1000);

const { plain, twoFactor } = VIRTUOUS_USERS;
const provider = createVirtuous();
const server = new ProviderServer(provider);
let bed: N8nTestBed;
let baseUrl: string;

const TWO_FACTOR = { id: 'virtuousTwoFactor', name: 'Virtuous director login (2FA)' };
const TWO_FACTOR_BATCH = { id: 'virtuousTwoFactr1', name: 'Virtuous director (2FA), no code yet' };
const PLAIN = { id: 'virtuousPlain0001', name: 'Virtuous finance login' };
const API_KEY = { id: 'virtuousApiKey001', name: 'Virtuous API key' };

/** An HTTP Request node as the editor makes it for "Predefined Credential Type" → "Virtuous API". */
function virtuousCall(
	name: string,
	credential: CredentialRef,
	path: string,
	parameters: IDataObject = {},
	extra: Partial<WorkflowNodeFixture> = {},
): WorkflowNodeFixture {
	return httpRequestNode(
		name,
		'virtuousApi',
		credential,
		{ url: `${baseUrl}${path}`, ...parameters },
		{
			typeVersion: 4.5,
			...extra,
		},
	);
}

const findContacts = (credential: CredentialRef) =>
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
const numbered = (count: number) => itemsOf(Array.from({ length: count }, (_, n) => ({ n })));

let twoFactorWorkflowId: string;
let codeOnceWorkflowId: string;
let twentyItemsWorkflowId: string;
let apiKeyWorkflowId: string;

const grantTypes = () => server.requests('POST', '/Token').map((entry) => entry.form?.grant_type);

beforeAll(async () => {
	baseUrl = await server.listen();
	bed = await N8nTestBed.create({ name: 'virtuous' });
	await bed.importCredentials([
		{ ...TWO_FACTOR, type: 'virtuousApi', data: passwordData(twoFactor) },
		{ ...TWO_FACTOR_BATCH, type: 'virtuousApi', data: passwordData(twoFactor) },
		{ ...PLAIN, type: 'virtuousApi', data: passwordData(plain) },
		{ ...API_KEY, type: 'virtuousApi', data: { baseUrl, authMethod: 'apiKey', apiKey: VIRTUOUS_API_KEY } },
	]);
	const organization = '/api/Organization/Current';
	[twoFactorWorkflowId, codeOnceWorkflowId, twentyItemsWorkflowId, apiKeyWorkflowId] = await bed.importWorkflows([
		manualWorkflow('Virtuous contacts (two-factor user)', [
			virtuousCall('Organization', TWO_FACTOR, organization),
			findContacts(TWO_FACTOR),
		]),
		manualWorkflow('Virtuous 2FA user, 4 items sent one by one', [
			...numbered(4),
			virtuousCall(
				'Organization',
				TWO_FACTOR_BATCH,
				organization,
				{ options: { batching: { batch: { batchSize: 1, batchInterval: 50 } } } },
				{ onError: 'continueRegularOutput' },
			),
		]),
		manualWorkflow('Virtuous, 20 items', [
			...numbered(20),
			virtuousCall('Organization', PLAIN, organization, {}, { onError: 'continueRegularOutput' }),
		]),
		manualWorkflow('Virtuous contact (API key)', [virtuousCall('Contact', API_KEY, '/api/Contact/1002')]),
	]);
});

afterAll(async () => {
	await bed?.dispose();
	await server.close();
});

beforeEach(() => server.clearLog());

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

test('two-factor user, 4 items sent one by one: one password grant, one texted code, and every item says why', async () => {
	const sentBefore = provider.state.sentCodes.length;

	const result = await bed.execute(codeOnceWorkflowId);

	const output = result.nodeOutput('Organization');
	expect(output).toHaveLength(4);
	for (const item of output) expect(JSON.stringify(item.error)).toContain('Virtuous texted a verification code');
	expect(provider.state.sentCodes.length - sentBefore).toBe(1);
	expect(grantTypes()).toEqual(['password']);
});

test('20 items at once meet an expired access token: one refresh grant, no password grant, every item succeeds', async () => {
	(await bed.execute(twentyItemsWorkflowId)).assertOk();
	provider.expireAllTokens();
	server.clearLog();

	const result = await bed.execute(twentyItemsWorkflowId);

	result.assertOk();
	expect(result.nodeOutput('Organization')).toEqual(Array.from({ length: 20 }, () => VIRTUOUS_ORGANIZATION));
	expect(grantTypes()).toEqual(['refresh_token']);
});

test('API key mode sends the key as a Bearer token and makes no token request', async () => {
	const result = await bed.execute(apiKeyWorkflowId);
	result.assertOk();

	expect(result.nodeOutput('Contact')).toEqual([expect.objectContaining({ id: 1002, name: 'Grace Foundation' })]);
	expect(server.requests('POST', '/Token')).toHaveLength(0);
	expect(server.log.map((entry) => entry.headers.authorization)).toEqual([`Bearer ${VIRTUOUS_API_KEY}`]);
});
