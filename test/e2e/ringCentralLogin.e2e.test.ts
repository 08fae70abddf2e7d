/* eslint-disable @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * The RingCX credential's RingCentral login (JWT) and the RingCX node on it, inside a running n8n 2.41
 * against the bundled RingCentral platform and RingCX servers: one sign-in kept across executions and
 * credential tests, one refresh for a batch after RingCX's token expires, one attempt for a refused JWT,
 * one sign-in for a cold batch within RingCentral's rate limit, the token and user operations, and no
 * secret in any output, stored execution or log.
 */
import { readFileSync } from 'node:fs';
import type { IDataObject } from 'n8n-workflow';

import { N8nRestClient, N8nServer, type N8nExecution } from '../n8n/n8nServer';
import type { CredentialFixture, WorkflowFixture } from '../n8n/testBed';
import { ProviderServer } from '../providers/providerServer';
import { RINGCENTRAL_APP, RINGCENTRAL_JWTS, createRingCentral } from '../providers/ringcentral';
import { RINGCX_RINGCENTRAL_USERS, createRingCx } from '../providers/ringcx';

jest.setTimeout(10 * 60 * 1000);

const platformProvider = createRingCentral();
const platform = new ProviderServer(platformProvider);
const ringCxProvider = createRingCx({ ringCentral: platformProvider });
const ringCx = new ProviderServer(ringCxProvider);
let n8n: N8nServer;
let client: N8nRestClient;

const ADMIN = { id: 'ringCxRingCentral', name: 'RingCX (RingCentral login)' };
const COLD = { id: 'ringCxRingCentralCold', name: 'RingCX (RingCentral login, cold)' };
const REVOKED = { id: 'ringCxRevokedJwt', name: 'RingCX (revoked JWT)' };

function credential(reference: { id: string; name: string }, jwt: string): CredentialFixture {
	return {
		...reference,
		type: 'ringCxApi',
		data: {
			server: 'custom',
			baseUrl: `${ringCx.url}/voice/api`,
			authMethod: 'ringCentralJwt',
			ringCentralUrl: platform.url,
			clientId: RINGCENTRAL_APP.clientId,
			clientSecret: RINGCENTRAL_APP.clientSecret,
			jwt,
		},
	};
}

/** A manual trigger, a Code node making `items` items, and RingCX nodes one after the other. */
function workflow(
	id: string,
	reference: { id: string; name: string },
	items: number,
	operations: Array<{ name: string; parameters: IDataObject; executeOnce?: boolean }>,
): WorkflowFixture {
	const nodes = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 },
		{
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: `return Array.from({ length: ${items} }, (_, index) => ({ json: { index } }));` },
		},
		...operations.map(({ name, parameters, executeOnce }) => ({
			name,
			type: 'n8n-nodes-token-auth.ringCx',
			typeVersion: 1,
			parameters,
			credentials: { ringCxApi: reference },
			onError: 'continueRegularOutput' as const,
			...(executeOnce ? { executeOnce } : {}),
		})),
	];
	const connections = Object.fromEntries(
		nodes.slice(0, -1).map((node, i) => [node.name, { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { id, name: id, nodes, connections };
}

const users = { name: 'Users', parameters: { resource: 'user', operation: 'getAll', returnAll: true } };

async function run(workflowId: string): Promise<N8nExecution> {
	return await client.waitForExecution(await client.runWorkflow(workflowId, 'Start'));
}

function outputOf(execution: N8nExecution, node: string): IDataObject[] {
	const task = execution.data?.resultData.runData[node]?.at(-1);
	return (task?.data?.main?.[0] ?? []).map((item) => item.json);
}

const jwtGrants = () => platform.requests('POST', '/restapi/oauth/token');
const exchanges = () => ringCx.requests('POST', '/api/auth/login/rc/accesstoken');
const refreshes = () => ringCx.requests('POST', '/api/auth/token/refresh');
const seen: N8nExecution[] = [];

beforeAll(async () => {
	await platform.listen();
	await ringCx.listen();
	n8n = await N8nServer.start({
		name: 'ringcx-ringcentral',
		credentials: [
			credential(ADMIN, RINGCENTRAL_JWTS.admin),
			credential(COLD, RINGCENTRAL_JWTS.agent),
			credential(REVOKED, RINGCENTRAL_JWTS.revoked),
		],
		workflows: [
			workflow('rcUsers', ADMIN, 1, [users]),
			workflow('rcBatch', ADMIN, 20, [users]),
			workflow('rcCold', COLD, 30, [users]),
			workflow('rcRevoked', REVOKED, 5, [users]),
			workflow('rcTokens', ADMIN, 1, [
				{ name: 'Create', parameters: { resource: 'apiToken', operation: 'create' } },
				{ name: 'List', parameters: { resource: 'apiToken', operation: 'getAll' } },
				{
					name: 'Delete',
					parameters: { resource: 'apiToken', operation: 'delete', apiToken: "={{ $('Create').item.json.apiToken }}" },
					executeOnce: true,
				},
			]),
		],
	});
	client = await n8n.logIn();
});

afterAll(async () => {
	await n8n?.stop();
	await ringCx.close();
	await platform.close();
});

test('signs in once through RingCentral across a credential test and two executions', async () => {
	await expect(client.testCredential(ADMIN.id)).resolves.toMatchObject({ status: 'OK' });
	for (let i = 0; i < 2; i++) {
		const execution = await run('rcUsers');
		seen.push(execution);
		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'Users').map((user) => user.userId)).toContain(RINGCX_RINGCENTRAL_USERS.admin.userId);
	}
	expect([jwtGrants().length, exchanges().length, refreshes().length]).toEqual([1, 1, 0]);
	// The editor's copy of the credential shows no secret: n8n blanks every password field.
	const shown = (await client.getCredential(ADMIN.id)).data ?? {};
	expect(
		[shown.clientSecret, shown.jwt, shown.refreshToken, shown.sessionToken].every((value) =>
			String(value).startsWith('__n8n_BLANK_VALUE_'),
		),
	).toBe(true);
	const calls = ringCx.requests('GET', '/voice/api/v1/admin/users');
	expect(new Set(calls.map((call) => call.headers.authorization)).size).toBe(1);
});

test('20 items after RingCX’s token expired: one refresh, no new JWT grant', async () => {
	ringCxProvider.expireAllTokens();
	const grantsBefore = jwtGrants().length;
	const execution = await run('rcBatch');
	seen.push(execution);
	expect(execution.status).toBe('success');
	expect(outputOf(execution, 'Users').filter((item) => item.error !== undefined)).toEqual([]);
	expect(refreshes().map((request) => request.status)).toEqual([200]);
	expect(jwtGrants()).toHaveLength(grantsBefore);
	// The rotated refresh token was saved: the next renewal trades it, not the spent one.
	ringCxProvider.expireAllTokens();
	seen.push(await run('rcUsers'));
	expect(refreshes().map((request) => request.status)).toEqual([200, 200]);
});

test('30 cold items (a login no run has used) make one sign-in, and RingCentral’s limit is not hit', async () => {
	const grantsBefore = jwtGrants().length;
	const execution = await run('rcCold');
	seen.push(execution);
	expect(execution.status).toBe('success');
	expect(
		jwtGrants()
			.slice(grantsBefore)
			.map((request) => request.status),
	).toEqual([200]);
});

test('a revoked JWT: one attempt, and every item says RingCentral refused the JWT', async () => {
	const grantsBefore = jwtGrants().length;
	const execution = await run('rcRevoked');
	seen.push(execution);
	expect(outputOf(execution, 'Users').map((item) => item.error)).toEqual(
		Array(5).fill('RingCentral rejected the JWT (HTTP 400 invalid_grant)'),
	);
	seen.push(await run('rcRevoked'));
	expect(jwtGrants().length - grantsBefore).toBe(1);
});

test('creates, lists and deletes a permanent API token on the RingCentral login', async () => {
	const execution = await run('rcTokens');
	seen.push(execution);
	expect(execution.status).toBe('success');
	const [{ apiToken }] = outputOf(execution, 'Create');
	expect(outputOf(execution, 'List')).toContainEqual({ apiToken, usedByThisCredential: false });
	expect(outputOf(execution, 'Delete')).toEqual([{ deleted: true }]);
	expect(ringCxProvider.apiTokensOf(RINGCX_RINGCENTRAL_USERS.admin.userId)).not.toContain(apiToken);
});

test('no client secret, JWT or refresh token in any execution, error or n8n log', () => {
	const secrets = [
		RINGCENTRAL_APP.clientSecret,
		...Object.values(RINGCENTRAL_JWTS),
		...ringCxProvider.refreshTokensOf(RINGCX_RINGCENTRAL_USERS.admin.userId),
	];
	const everything = `${JSON.stringify(seen)}\n${readFileSync(n8n.logFile, 'utf8')}`;
	expect(seen.length).toBeGreaterThanOrEqual(7);
	for (const secret of secrets) expect(everything).not.toContain(secret);
});
