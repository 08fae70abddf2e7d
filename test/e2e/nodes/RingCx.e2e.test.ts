/**
 * The RingCX credential inside a real n8n, where n8n keeps its token: bootstrap from username/password
 * mints one permanent token and the next execution reuses it from the stored credential, a wrong
 * password fails once with a clear message in the RingCX node and in n8n's HTTP Request node, a
 * credential edited to another user stops using the old user's token, and in a running n8n the
 * editor's credential tests and the executions share the one permanent token. (The node's operations
 * and a revoked token's replacement are unit-tested.)
 */
import { N8nRestClient, N8nServer } from '../../n8n/n8nServer';
import { N8nTestBed } from '../../n8n/testBed';
import { httpRequestNode, manualWorkflow, packageNode, type CredentialRef } from '../../n8n/workflows';
import { ProviderServer } from '../../providers/providerServer';
import { RINGCX_ACCOUNTS, createRingCx } from '../../providers/ringcx';

jest.setTimeout(15 * 60 * 1000);

const admin = RINGCX_ACCOUNTS[0];
const provider = createRingCx();
const server = new ProviderServer(provider);
let bed: N8nTestBed;

const GOOD = { id: 'ringCxGood0000001', name: 'RingCX demo login' };
const BAD = { id: 'ringCxWrongPass01', name: 'RingCX wrong password' };

const listUsers = (credential: CredentialRef = GOOD) =>
	manualWorkflow('RingCX users', [
		packageNode('ringCx', 'Users', { resource: 'user', operation: 'getAll', returnAll: false, limit: 1 }, credential),
	]);

let usersWorkflowId: string;
let wrongPasswordWorkflowId: string;
let wrongPasswordHttpWorkflowId: string;

beforeAll(async () => {
	const apiRoot = `${await server.listen()}/api`;
	bed = await N8nTestBed.create({ name: 'ringcx' });
	const credentialData = { server: 'custom', baseUrl: apiRoot, authMethod: 'password', username: admin.username };
	await bed.importCredentials([
		{ ...GOOD, type: 'ringCxApi', data: { ...credentialData, password: admin.password } },
		{ ...BAD, type: 'ringCxApi', data: { ...credentialData, password: 'not-the-password' } },
	]);
	[usersWorkflowId, wrongPasswordWorkflowId, wrongPasswordHttpWorkflowId] = await bed.importWorkflows([
		listUsers(),
		listUsers(BAD),
		manualWorkflow('RingCX wrong password through the HTTP Request node', [
			httpRequestNode('HTTP Request', 'ringCxApi', BAD, { url: `${apiRoot}/v1/admin/users` }),
		]),
	]);
});

afterAll(async () => {
	await bed?.dispose();
	await server.close();
});

test('username and password bootstrap mints exactly one permanent token across two executions', async () => {
	const first = await bed.execute(usersWorkflowId);
	first.assertOk();
	expect(first.nodeOutput('Users')).toEqual([expect.objectContaining({ userName: expect.any(String) })]);

	const second = await bed.execute(usersWorkflowId);
	second.assertOk();

	expect(provider.state.loginCount).toBe(1);
	expect(provider.state.mintCount).toBe(1);
	const minted = provider.apiTokensOf(admin.userId);
	expect(minted).toHaveLength(1);
	// The token lives in the stored credential, which is why the second run needed no login.
	const stored = await bed.readCredential(GOOD.id);
	expect(stored.sessionToken).toBe(minted[0]);
	const userCalls = server.requests('GET', '/api/v1/admin/users');
	expect(userCalls).toHaveLength(2);
	expect(userCalls.every((call) => call.headers['x-auth-token'] === minted[0])).toBe(true);
});

test('a wrong password fails with a clear message, once, in the RingCX node and in the HTTP Request node', async () => {
	const failedBefore = provider.state.failedLoginCount;
	const nodeRun = await bed.execute(wrongPasswordWorkflowId);
	expect(nodeRun.ok).toBe(false);
	expect(nodeRun.nodeError('Users')?.message).toBe(
		'RingCX rejected the username or password (HTTP 401 invalid_credentials)',
	);
	expect(provider.state.failedLoginCount - failedBefore).toBe(1);

	const httpRun = await bed.execute(wrongPasswordHttpWorkflowId);
	expect(httpRun.ok).toBe(false);
	expect(JSON.stringify(httpRun.nodeError('HTTP Request'))).toContain('RingCX rejected the username or password');
	// n8n's legacy helper calls preAuthentication twice on failure; the second call must not log in again.
	expect(provider.state.failedLoginCount - failedBefore).toBe(2);
	expect(JSON.stringify([nodeRun.run, httpRun.run])).not.toContain('not-the-password');
});

// Last on purpose: it moves the GOOD credential to the second account, which the tests above do not expect.
test('a credential edited to another user is not used with the old token: the next run logs in and mints for the new user', async () => {
	const agent = RINGCX_ACCOUNTS[1];
	const adminTokens = provider.apiTokensOf(admin.userId);
	const { loginCount, mintCount } = provider.state;
	// What saving the edited credential stores: the new login, and the hidden fields sent back unchanged.
	const saved = await bed.readCredential(GOOD.id);
	expect(saved.sessionToken).toBe(adminTokens[0]);
	expect(saved.tokenOwner).toMatch(/^[0-9a-f]{64}$/);
	await bed.importCredentials([
		{ ...GOOD, type: 'ringCxApi', data: { ...saved, username: agent.username, password: agent.password } },
	]);
	server.clearLog();

	const run = await bed.execute(usersWorkflowId);
	run.assertOk();

	expect(provider.state.loginCount - loginCount).toBe(1);
	expect(provider.state.mintCount - mintCount).toBe(1);
	expect(server.requests('POST', '/api/v1/auth/login').map((call) => call.form?.username)).toEqual([agent.username]);
	const [agentToken] = provider.apiTokensOf(agent.userId);
	// The old token was not sent, not probed and not touched: one request without a token (401), then the retry.
	expect(
		server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status} ${entry.headers['x-auth-token'] ?? '-'}`),
	).toEqual([
		'GET /api/v1/admin/users 401 -',
		'POST /api/v1/auth/login 200 -',
		// The agent has no permanent token yet (listed with the login's auth token), so one is minted.
		expect.stringMatching(/^GET \/api\/v1\/admin\/token 200 [0-9a-f-]{36}$/),
		expect.stringMatching(/^POST \/api\/v1\/admin\/token 200 [0-9a-f-]{36}$/),
		// Listed again after minting: another n8n process may have minted at the same moment (keep one).
		expect.stringMatching(/^GET \/api\/v1\/admin\/token 200 [0-9a-f-]{36}$/),
		`GET /api/v1/admin/users 200 ${agentToken}`,
	]);
	expect(provider.apiTokensOf(admin.userId)).toEqual(adminTokens);
	const stored = await bed.readCredential(GOOD.id);
	expect(stored.sessionToken).toBe(agentToken);
	expect(stored.tokenOwner).toMatch(/^[0-9a-f]{64}$/);
	expect(stored.tokenOwner).not.toBe(saved.tokenOwner);
	expect(stored.username).toBe(agent.username);
});

describe('in a running n8n: credential tests and executions share the one permanent token', () => {
	// Its own provider, so the token counts start from nothing.
	const freshProvider = createRingCx();
	const freshServer = new ProviderServer(freshProvider);
	const credential = { id: 'ringCxServerMode1', name: 'RingCX in the editor' };
	let n8n: N8nServer;
	let client: N8nRestClient;

	beforeAll(async () => {
		const apiRoot = `${await freshServer.listen()}/api`;
		const users = listUsers(credential);
		n8n = await N8nServer.start({
			name: 'ringcx-server-mode',
			credentials: [
				{
					...credential,
					type: 'ringCxApi',
					data: {
						server: 'custom',
						baseUrl: apiRoot,
						authMethod: 'password',
						username: admin.username,
						password: admin.password,
					},
				},
			],
			workflows: [{ ...users, id: 'ringCxUsersServer' }],
		});
		client = await n8n.logIn();
	});

	afterAll(async () => {
		await n8n?.stop();
		await freshServer.close();
	});

	test('a credential test, two executions and two more tests: one login, one permanent token', async () => {
		await expect(client.testCredential(credential.id)).resolves.toMatchObject({ status: 'OK' });
		for (let run = 0; run < 2; run++) {
			const execution = await client.waitForExecution(await client.runWorkflow('ringCxUsersServer', 'Start'));
			expect(execution.status).toBe('success');
		}
		await expect(client.testCredential(credential.id)).resolves.toMatchObject({ status: 'OK' });
		await expect(client.testCredential(credential.id)).resolves.toMatchObject({ status: 'OK' });

		expect(freshProvider.state.loginCount).toBe(1);
		expect(freshProvider.state.mintCount).toBe(1);
		const [token] = freshProvider.apiTokensOf(admin.userId);
		expect(freshServer.requests('GET', '/api/v1/admin/users').map((call) => call.headers['x-auth-token'])).toEqual(
			Array(5).fill(token),
		);
	});
});
