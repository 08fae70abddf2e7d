/**
 * The Viafoura credential and node inside a real n8n:
 *   - the example workflow from the README imports and logs its sample reader in;
 *   - 50 logins with distinct IDs, with every token expired after the 25th, then 50 logouts, cost
 *     exactly one new token request, and every reader is logged in and out;
 *   - a batch with one missing name: with Continue On Fail only that item fails, with its message;
 *     without it the run fails naming the item, before any reader is logged in;
 *   - the credential signs n8n's own HTTP Request node too;
 *   - the credential test in the editor passes with the right key and fails with a wrong one.
 *   - the same when the first token is fetched in that very run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { N8nServer } from '../../n8n/n8nServer';
import { N8nTestBed, REPO_ROOT, type WorkflowFixture, type WorkflowNodeFixture } from '../../n8n/testBed';
import { ProviderServer } from '../../providers/providerServer';
import { VIAFOURA_SITE, createViafoura } from '../../providers/viafoura';

jest.setTimeout(15 * 60 * 1000);

const provider = createViafoura();
const server = new ProviderServer(provider);

/** The example workflow's credential reference, so the example runs as it is. */
const SITE = { id: 'demoViafouraApi01', name: 'Viafoura (local demo server)' };
const FRESH_SITE = { id: 'viafouraFresh0001', name: 'Viafoura, no token yet' };
const WRONG_KEY = { id: 'viafouraWrongKey1', name: 'Viafoura wrong API key' };
const EXAMPLE_PATH = join(REPO_ROOT, 'examples', 'viafoura-login-logout.json');
const BATCH = 50;

const START = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 };

function workflow(name: string, nodes: WorkflowNodeFixture[]): WorkflowFixture {
	const all = [START, ...nodes];
	const connections = Object.fromEntries(
		all.slice(0, -1).map((node, i) => [node.name, { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { name, nodes: all, connections };
}

/** `count` readers as items: `{userId, name, email}`; `nameless` gets an empty name. */
function readers(count: number, prefix: string, nameless?: number): WorkflowNodeFixture[] {
	const list = Array.from({ length: count }, (_, i) => ({
		userId: `${prefix}-${i}`,
		name: i === nameless ? '' : `Reader ${i} & Co`,
		email: `${prefix}-${i}@example.com`,
	}));
	return [
		{
			name: 'Readers',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ readers: list }), options: {} },
		},
		{
			name: 'One Item Each',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'readers', options: {} },
		},
	];
}

function viafoura(
	name: string,
	parameters: IDataObject,
	credential = SITE,
	extra: Partial<WorkflowNodeFixture> = {},
): WorkflowNodeFixture {
	return {
		name,
		type: 'n8n-nodes-token-auth.viafoura',
		typeVersion: 1,
		parameters: { resource: 'session', ...parameters },
		credentials: { viafouraApi: credential },
		...extra,
	};
}

const logIn = (credential = SITE, extra: Partial<WorkflowNodeFixture> = {}) =>
	viafoura(
		'Log In',
		{
			operation: 'login',
			userId: '={{ $json.userId }}',
			name: '={{ $json.name }}',
			email: '={{ $json.email }}',
			concurrency: 5,
		},
		credential,
		extra,
	);
const logOut = viafoura('Log Out', { operation: 'logout', session: '={{ $json.session }}', concurrency: 5 });

beforeAll(async () => {
	await server.listen();
});
afterAll(async () => await server.close());

const tokenRequests = () => server.requests('POST', '/oauth2/token');
const loginRequests = () => server.requests('POST', '/rest/v1/accounts/login');

describe('Viafoura in n8n workflows', () => {
	let bed: N8nTestBed;
	let exampleId: string;
	let batchId: string;
	let freshBatchId: string;
	let namelessContinueId: string;
	let namelessStopId: string;
	let httpRequestId: string;

	beforeAll(async () => {
		const baseUrl = server.url;
		bed = await N8nTestBed.create({ name: 'viafoura' });
		const data = { baseUrl, siteId: VIAFOURA_SITE.siteId, apiKey: VIAFOURA_SITE.apiKey };
		await bed.importCredentials([
			{ ...SITE, type: 'viafouraApi', data },
			{ ...FRESH_SITE, type: 'viafouraApi', data },
		]);
		const example = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8')) as WorkflowFixture;
		[exampleId, batchId, freshBatchId, namelessContinueId, namelessStopId, httpRequestId] = await bed.importWorkflows([
			{ ...example, id: undefined },
			workflow('Viafoura: 50 logins, then 50 logouts', [...readers(BATCH, 'batch'), logIn(), logOut]),
			workflow('Viafoura: 50 logins with a credential that has no token yet', [
				...readers(BATCH, 'fresh'),
				logIn(FRESH_SITE, { onError: 'continueRegularOutput' }),
			]),
			workflow('Viafoura: one nameless reader, Continue On Fail', [
				...readers(10, 'nameless-continue', 7),
				logIn(SITE, { onError: 'continueRegularOutput' }),
			]),
			workflow('Viafoura: one nameless reader, stop on error', [...readers(10, 'nameless-stop', 7), logIn()]),
			workflow('Viafoura login through the HTTP Request node', [
				{
					name: 'HTTP Request',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					parameters: {
						method: 'POST',
						url: `${baseUrl}/rest/v1/accounts/login`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'viafouraApi',
						sendBody: true,
						contentType: 'form-urlencoded',
						bodyParameters: {
							parameters: [
								{ name: 'id', value: 'http-request-reader' },
								{ name: 'name', value: 'Via HTTP Request' },
							],
						},
						options: {},
					},
					credentials: { viafouraApi: SITE },
				},
			]),
		]);
	});

	afterAll(async () => {
		await bed?.dispose();
	});

	beforeEach(() => {
		server.clearLog();
		server.resetFaults();
	});

	test('the example workflow logs its sample reader in and hands back the script tag', async () => {
		const result = await bed.execute(exampleId);
		result.assertOk();

		const [output] = result.nodeOutput('Log in to Viafoura');
		const user = provider.users().find((candidate) => candidate.id === 'reader-1001');
		expect(user).toMatchObject({ name: 'John Doe', email: 'john.doe@example.com' });
		expect(output).toEqual({
			user_id: user?.user_id,
			session: expect.stringMatching(/^[a-z0-9]{26}$/),
			scriptTag: expect.stringContaining(`<script id="viafoura-platform" data-uid="${user?.user_id}" data-sid="`),
		});
		expect(provider.liveSessions().map((live) => live.session)).toContain(output.session);
		expect(tokenRequests()).toHaveLength(1);
		// The token lives in the stored credential: later runs start with it.
		const stored = await bed.readCredential(SITE.id);
		expect(loginRequests()[0].headers.authorization).toBe(`Bearer ${String(stored.accessToken)}`);
		expect(Date.parse(String(stored.tokenExpiresAt))).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
	});

	test('50 logins, every token expired after the 25th, then 50 logouts: exactly one new token request', async () => {
		const tokenBefore = String((await bed.readCredential(SITE.id)).accessToken);
		expect(tokenBefore).not.toBe('');
		server.setLatency(15);
		provider.expireTokensAfterLogins(25);

		const result = await bed.execute(batchId);
		result.assertOk();

		expect(tokenRequests()).toHaveLength(1);
		const logins = result.nodeOutput('Log In');
		expect(logins).toHaveLength(BATCH);
		const users = new Map(provider.users().map((user) => [user.id, user]));
		// Input order is kept although five requests run at a time.
		expect(logins.map((item) => item.user_id)).toEqual(
			Array.from({ length: BATCH }, (_, i) => users.get(`batch-${i}`)?.user_id),
		);
		expect(new Set(logins.map((item) => item.user_id)).size).toBe(BATCH);
		expect(users.get('batch-7')).toMatchObject({ name: 'Reader 7 & Co', email: 'batch-7@example.com' });
		// Some logins went out with the expired token, were refused, and were retried with the new one.
		const refused = loginRequests().filter((call) => call.status === 401);
		expect(refused.length).toBeGreaterThanOrEqual(1);
		expect(refused.every((call) => call.headers.authorization === `Bearer ${tokenBefore}`)).toBe(true);
		expect(loginRequests().filter((call) => call.status === 200)).toHaveLength(BATCH);

		const logouts = result.nodeOutput('Log Out');
		expect(logouts).toEqual(logins.map((item) => ({ session: item.session, loggedOut: true })));
		const live = new Set(provider.liveSessions().map((session) => session.session));
		expect(logins.filter((item) => live.has(String(item.session)))).toEqual([]);

		const stored = await bed.readCredential(SITE.id);
		expect(stored.accessToken).not.toBe(tokenBefore);
		expect(server.requests('POST', '/rest/v1/accounts/logout').at(-1)?.headers.authorization).toBe(
			`Bearer ${String(stored.accessToken)}`,
		);
	});

	test('a credential without a token: one token to start, one more when all expire half-way', async () => {
		server.setLatency(15);
		provider.expireTokensAfterLogins(25);

		const result = await bed.execute(freshBatchId);
		result.assertOk();

		const logins = result.nodeOutput('Log In');
		expect(logins.filter((item) => item.error !== undefined)).toEqual([]);
		expect(logins.filter((item) => typeof item.session === 'string')).toHaveLength(BATCH);
		expect(tokenRequests()).toHaveLength(2);
	});

	test('one reader without a name: with Continue On Fail only that item fails, with a clear message', async () => {
		const result = await bed.execute(namelessContinueId);
		result.assertOk();

		const output = result.nodeOutput('Log In');
		expect(output).toHaveLength(10);
		expect(output[7]).toEqual({ error: 'The "Name" of item 7 is empty' });
		expect(output.filter((item) => typeof item.session === 'string')).toHaveLength(9);
		const accepted = loginRequests().filter((call) => call.status === 200);
		expect(accepted).toHaveLength(9);
		expect(loginRequests().map((call) => call.form?.id)).not.toContain('nameless-continue-7');
		const run = result.nodeRuns('Log In')[0] as { data?: { main?: Array<Array<{ pairedItem?: unknown }>> } };
		expect(run.data?.main?.[0]?.map((item) => item.pairedItem)).toEqual(
			Array.from({ length: 10 }, (_, item) => ({ item })),
		);
	});

	test('one reader without a name: without Continue On Fail the run fails naming the item, before any login', async () => {
		const result = await bed.execute(namelessStopId);

		expect(result.ok).toBe(false);
		expect(result.nodeError('Log In')?.message).toBe('The "Name" of item 7 is empty');
		expect(loginRequests()).toHaveLength(0);
	});

	test("the credential also signs n8n's own HTTP Request node", async () => {
		const result = await bed.execute(httpRequestId);
		result.assertOk();

		const [output] = result.nodeOutput('HTTP Request');
		const user = provider.users().find((candidate) => candidate.id === 'http-request-reader');
		expect(output).toEqual({ user_id: user?.user_id, session: expect.stringMatching(/^[a-z0-9]{26}$/) });
		const stored = await bed.readCredential(SITE.id);
		expect(loginRequests().at(-1)?.headers.authorization).toBe(`Bearer ${String(stored.accessToken)}`);
	});
});

describe('Viafoura credential test in the n8n editor', () => {
	let n8n: N8nServer;

	beforeAll(async () => {
		const baseUrl = server.url;
		const data = { baseUrl, siteId: VIAFOURA_SITE.siteId };
		n8n = await N8nServer.start({
			name: 'viafoura-credential-test',
			credentials: [
				{ ...SITE, type: 'viafouraApi', data: { ...data, apiKey: VIAFOURA_SITE.apiKey } },
				{ ...WRONG_KEY, type: 'viafouraApi', data: { ...data, apiKey: 'not-the-key' } },
			],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	test('passes with the right API key: a token is issued and Viafoura accepts it', async () => {
		server.clearLog();
		const client = await n8n.logIn();

		await expect(client.testCredential(SITE.id)).resolves.toEqual({ status: 'OK', message: 'Connection successful!' });

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /oauth2/token 200',
			'POST /rest/v1/accounts/logout 400',
		]);
		expect(server.log[1].rawBody).toBe('session=');
	});

	test('fails with a wrong API key, saying so without the key', async () => {
		const client = await n8n.logIn();
		const result = await client.testCredential(WRONG_KEY.id);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Viafoura rejected the site ID or API key (HTTP 401 invalid_client)');
		expect(result.message).not.toContain('not-the-key');
	});
});
