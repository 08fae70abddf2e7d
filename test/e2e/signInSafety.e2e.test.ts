/**
 * Sign-in safety inside a real n8n 2.41.1, with the call patterns only n8n produces: the HTTP
 * Request node reads the credential afresh for every item and calls preAuthentication again after
 * any failure; items run concurrently in the package's nodes. Each scenario is a workflow a user
 * could build; the provider servers count what reached them.
 */
import type { IDataObject } from 'n8n-workflow';

import { N8nTestBed, type WorkflowFixture, type WorkflowNodeFixture } from '../n8n/testBed';
import { ProviderServer } from '../providers/providerServer';
import { RINGCX_ACCOUNTS, createRingCx } from '../providers/ringcx';
import { VIAFOURA_SITE, createViafoura } from '../providers/viafoura';
import { VIRTUOUS_ORGANIZATION, VIRTUOUS_USERS, createVirtuous } from '../providers/virtuous';

jest.setTimeout(15 * 60 * 1000);

const ringCx = createRingCx();
const viafoura = createViafoura();
const virtuous = createVirtuous();
const servers = { ringCx: new ProviderServer(ringCx), viafoura: new ProviderServer(viafoura), virtuous: new ProviderServer(virtuous) };

const WRONG_RINGCX = { id: 'ringCxWrongPass01', name: 'RingCX, mistyped password' };
const TWO_FACTOR = { id: 'virtuousTwoFactr1', name: 'Virtuous director (2FA), no code yet' };
const PLAIN = { id: 'virtuousPlainUser', name: 'Virtuous finance login' };
const SITE = { id: 'viafouraSafety001', name: 'Viafoura site' };

const START = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 };

function workflow(name: string, nodes: WorkflowNodeFixture[]): WorkflowFixture {
	const all = [START, ...nodes];
	const connections = Object.fromEntries(
		all.slice(0, -1).map((node, i) => [node.name, { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { name, nodes: all, connections };
}

/** `rows` as one item each. */
function itemsOf(rows: IDataObject[]): WorkflowNodeFixture[] {
	return [
		{
			name: 'Rows',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows }), options: {} },
		},
		{ name: 'One Item Each', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'rows', options: {} } },
	];
}

const numbered = (count: number) => Array.from({ length: count }, (_, i) => ({ n: i }));

function virtuousCall(credential: { id: string; name: string }, options: IDataObject = {}): WorkflowNodeFixture {
	return {
		name: 'Organization',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			url: `${servers.virtuous.url}/api/Organization/Current`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'virtuousApi',
			options,
		},
		credentials: { virtuousApi: credential },
		onError: 'continueRegularOutput',
	};
}

let bed: N8nTestBed;
const ids: Record<string, string> = {};

beforeAll(async () => {
	for (const server of Object.values(servers)) await server.listen();
	bed = await N8nTestBed.create({ name: 'sign-in-safety' });
	const virtuousLogin = (user: { email: string; password: string }) => ({
		baseUrl: servers.virtuous.url,
		authMethod: 'password',
		email: user.email,
		password: user.password,
	});
	await bed.importCredentials([
		{
			...WRONG_RINGCX,
			type: 'ringCxApi',
			data: { server: 'custom', baseUrl: `${servers.ringCx.url}/api`, authMethod: 'password', username: RINGCX_ACCOUNTS[0].username, password: 'Passw0rd-typo' },
		},
		{ ...TWO_FACTOR, type: 'virtuousApi', data: virtuousLogin(VIRTUOUS_USERS.twoFactor) },
		{ ...PLAIN, type: 'virtuousApi', data: virtuousLogin(VIRTUOUS_USERS.plain) },
		{ ...SITE, type: 'viafouraApi', data: { baseUrl: servers.viafoura.url, ...VIAFOURA_SITE } },
	]);
	const viafouraLogin: WorkflowNodeFixture = {
		name: 'Log In',
		type: 'n8n-nodes-token-auth.viafoura',
		typeVersion: 1,
		parameters: { resource: 'session', operation: 'login', userId: '={{ $json.id }}', name: '={{ $json.name }}', email: '={{ $json.email }}' },
		credentials: { viafouraApi: SITE },
		onError: 'continueRegularOutput',
	};
	const [wrongPassword, codeOnce, expired, viafoura503, hugeEmail] = await bed.importWorkflows([
		workflow('RingCX users, 5 items, mistyped password', [
			...itemsOf(numbered(5)),
			{
				name: 'Users',
				type: 'n8n-nodes-token-auth.ringCx',
				typeVersion: 1,
				parameters: { resource: 'user', operation: 'getAll' },
				credentials: { ringCxApi: WRONG_RINGCX },
				onError: 'continueRegularOutput',
			},
		]),
		workflow('Virtuous 2FA user, 4 items sent one by one', [
			...itemsOf(numbered(4)),
			virtuousCall(TWO_FACTOR, { batching: { batch: { batchSize: 1, batchInterval: 50 } } }),
		]),
		workflow('Virtuous, 20 items', [...itemsOf(numbered(20)), virtuousCall(PLAIN)]),
		workflow('Viafoura, 5 logins', [
			...itemsOf(numbered(5).map(({ n }) => ({ id: `reader-${n}`, name: `Reader ${n}`, email: `r${n}@example.com` }))),
			viafouraLogin,
		]),
		workflow('Viafoura, one 60 kB malformed email', [
			...itemsOf([
				{ id: 'fine-1', name: 'Fine', email: 'fine@example.com' },
				{ id: 'huge', name: 'Huge', email: `${'a@'.repeat(30_000)}` },
				{ id: 'fine-2', name: 'Fine too', email: '' },
			]),
			viafouraLogin,
		]),
	]);
	Object.assign(ids, { wrongPassword, codeOnce, expired, viafoura503, hugeEmail });
});

afterAll(async () => {
	await bed?.dispose();
	for (const server of Object.values(servers)) await server.close();
});

test('RingCX, mistyped password, 5 items with Continue On Fail: one login attempt, and every item says why', async () => {
	const failedBefore = ringCx.state.failedLoginCount;
	const result = await bed.execute(ids.wrongPassword);

	const output = result.nodeOutput('Users');
	expect(output).toHaveLength(5);
	for (const item of output) expect(item.error).toBe('RingCX rejected the username or password (HTTP 401 invalid_credentials)');
	expect(servers.ringCx.requests('POST', '/api/v1/auth/login')).toHaveLength(1);
	expect(ringCx.state.failedLoginCount - failedBefore).toBe(1);
});

test('Virtuous two-factor user, HTTP Request node sending 4 items one by one: one password grant, one texted code', async () => {
	const sentBefore = virtuous.state.sentCodes.length;
	const result = await bed.execute(ids.codeOnce);

	const output = result.nodeOutput('Organization');
	expect(output).toHaveLength(4);
	for (const item of output) expect(JSON.stringify(item.error)).toContain('Virtuous texted a verification code');
	expect(virtuous.state.sentCodes.length - sentBefore).toBe(1);
	expect(servers.virtuous.requests('POST', '/Token').filter((entry) => entry.form?.grant_type === 'password')).toHaveLength(1);
});

test('Virtuous, 20 items meet an expired access token: one refresh grant, no password grant, every item succeeds', async () => {
	(await bed.execute(ids.expired)).assertOk();
	virtuous.expireAllTokens();
	servers.virtuous.clearLog();

	const result = await bed.execute(ids.expired);

	result.assertOk();
	expect(result.nodeOutput('Organization')).toEqual(Array.from({ length: 20 }, () => VIRTUOUS_ORGANIZATION));
	const grants = servers.virtuous.requests('POST', '/Token').map((entry) => entry.form?.grant_type);
	expect(grants).toEqual(['refresh_token']);
});

test('Viafoura, one 503 from /oauth2/token: the token request is asked again and every reader is logged in', async () => {
	servers.viafoura.failNext(1, { status: 503, pathPrefix: '/oauth2/token' });
	const result = await bed.execute(ids.viafoura503);

	result.assertOk();
	const output = result.nodeOutput('Log In');
	expect(output).toHaveLength(5);
	for (const item of output) expect(item).toMatchObject({ user_id: expect.any(Number), session: expect.any(String) });
	expect(servers.viafoura.requests('POST', '/oauth2/token').map((entry) => entry.status)).toEqual([503, 200]);
});

test('Viafoura, a 60 kB malformed email: that item fails naming the field and the item, the others are logged in', async () => {
	const result = await bed.execute(ids.hugeEmail);

	const output = result.nodeOutput('Log In');
	expect(output).toHaveLength(3);
	expect(output[0]).toMatchObject({ session: expect.any(String) });
	expect(String(output[1].error)).toMatch(/"Email" of item 1/);
	expect(output[2]).toMatchObject({ session: expect.any(String) });
});
