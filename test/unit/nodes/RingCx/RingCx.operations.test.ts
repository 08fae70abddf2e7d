/**
 * The RingCX node's operations, run through the node's own `execute` against the bundled RingCX
 * server over HTTP, with n8n's execution semantics (test/support/nodeExecutionContext.ts): the exact
 * requests each operation sends, what it outputs, and how bad input and provider errors surface.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { RingCxApi } from '../../../../credentials/RingCxApi.credentials';
import { RINGCX_ACCOUNTS, createRingCx } from '../../../providers/ringcx';
import { ringCxCredentialData } from '../../../support/credentialFixtures';
import { httpRequest } from '../../../support/n8nCore';
import { failureOf } from '../../../support/failureOf';
import { CredentialStore, nodeRunner, type ParameterValue } from '../../../support/nodeExecutionContext';
import { providerFixture } from '../../../support/providerFixture';
import { RingCx } from '../../../../nodes/RingCx/RingCx.node';

const [admin, agent] = RINGCX_ACCOUNTS;
const runRingCxNode = nodeRunner({
	nodeType: RingCx,
	credentialType: RingCxApi,
	credential: { id: 'ringcx-credential', name: 'RingCX demo' },
});
const { server, provider, baseUrl } = providerFixture(createRingCx);
/** The RingCX API's root on the bundled server. */
const apiRoot = () => `${baseUrl()}/api`;
beforeEach(() => {
	provider.actions!.revokeApiTokens({});
});

const TOKEN_SHAPE = /^aws80:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A credential with a permanent API token pasted in. */
function pastedTokenCredential(apiToken: string): CredentialStore {
	return new CredentialStore({
		sessionToken: '',
		server: 'custom',
		baseUrl: apiRoot(),
		authMethod: 'apiToken',
		apiToken,
	});
}

/** A credential that logs in and mints its own permanent token. */
function passwordCredential(overrides: ICredentialDataDecryptedObject = {}): CredentialStore {
	return new CredentialStore(ringCxCredentialData(baseUrl(), overrides));
}

/** Mints a permanent token for `account` straight through the documented API, as another tool would. */
async function mintApiToken(account = admin): Promise<string> {
	const { authToken } = (await httpRequest({
		method: 'POST',
		url: `${apiRoot()}/v1/auth/login`,
		body: new URLSearchParams({ username: account.username, password: account.password }),
		json: true,
	})) as { authToken: string };
	const apiToken = String(
		await httpRequest({ method: 'POST', url: `${apiRoot()}/v1/admin/token`, headers: { 'X-Auth-Token': authToken } }),
	);
	server.clearLog();
	return apiToken;
}

const apiToken = (operation: string, parameters: Record<string, ParameterValue> = {}) => ({
	resource: 'apiToken',
	operation,
	...parameters,
});
const users = (parameters: Record<string, ParameterValue> = {}) => ({
	resource: 'user',
	operation: 'getAll',
	...parameters,
});
const requestLines = () => server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);

describe('API Token > Create', () => {
	it('POSTs /api/v1/admin/token with the pasted token and no body, and outputs the new token', async () => {
		const pasted = await mintApiToken();
		const store = pastedTokenCredential(pasted);

		const { output } = await runRingCxNode(store, { parameters: apiToken('create') });

		expect(requestLines()).toEqual(['POST /api/v1/admin/token 200']);
		const [request] = server.log;
		expect(request.headers['x-auth-token']).toBe(pasted);
		expect(request.headers.accept).toBe('application/json');
		expect(request.rawBody).toBe('');
		expect(request.contentType).toBe('');
		expect(output).toEqual([{ json: { apiToken: expect.stringMatching(TOKEN_SHAPE) }, pairedItem: { item: 0 } }]);
		const created = String(output[0].json.apiToken);
		expect(created).not.toBe(pasted);
		expect(provider.apiTokensOf(admin.userId).sort()).toEqual([pasted, created].sort());
		// A pasted token is the user's: n8n saves nothing into the credential.
		expect(store.writes).toBe(0);
	});

	it("with a username and password, first mints the credential's own token, then creates another with it", async () => {
		const store = passwordCredential();

		const { output, storedCredential } = await runRingCxNode(store, { parameters: apiToken('create') });

		expect(requestLines()).toEqual([
			'POST /api/v1/auth/login 200',
			'GET /api/v1/admin/token 200',
			'POST /api/v1/admin/token 200',
			'GET /api/v1/admin/token 200',
			'POST /api/v1/admin/token 200',
		]);
		const sessionToken = String(storedCredential.sessionToken);
		expect(sessionToken).toMatch(TOKEN_SHAPE);
		expect(server.log[4].headers['x-auth-token']).toBe(sessionToken);
		expect(output[0].json.apiToken).toMatch(TOKEN_SHAPE);
		expect(output[0].json.apiToken).not.toBe(sessionToken);
		expect(provider.apiTokensOf(admin.userId)).toHaveLength(2);
		expect(store.writes).toBe(1);
	});

	it('creates one token per item, reusing the token the credential minted for the first', async () => {
		const { output } = await runRingCxNode(passwordCredential(), { items: 3, parameters: apiToken('create') });

		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(new Set(output.map((item) => item.json.apiToken)).size).toBe(3);
		expect(server.requests('POST', '/api/v1/auth/login')).toHaveLength(1);
		// One mint for the credential, one per item.
		expect(server.requests('POST', '/api/v1/admin/token')).toHaveLength(4);
	});
});

describe('API Token > Get Many', () => {
	it('GETs /api/v1/admin/token and marks the pasted token as the one this credential uses', async () => {
		const pasted = await mintApiToken();
		const other = await mintApiToken();
		await mintApiToken(agent);

		const { output } = await runRingCxNode(pastedTokenCredential(pasted), { parameters: apiToken('getAll') });

		expect(requestLines()).toEqual(['GET /api/v1/admin/token 200']);
		expect(server.log[0].headers['x-auth-token']).toBe(pasted);
		// Only the user's own tokens, in RingCX's order, one output item each, all paired with the input item.
		expect(output).toEqual([
			{ json: { apiToken: pasted, usedByThisCredential: true }, pairedItem: { item: 0 } },
			{ json: { apiToken: other, usedByThisCredential: false }, pairedItem: { item: 0 } },
		]);
	});

	it("adopts the user's existing token instead of minting, and marks it as the credential's own", async () => {
		const older = await mintApiToken();
		const newest = await mintApiToken();
		const store = passwordCredential();

		const { output, storedCredential } = await runRingCxNode(store, { parameters: apiToken('getAll') });

		expect(requestLines()).toEqual([
			'POST /api/v1/auth/login 200',
			'GET /api/v1/admin/token 200',
			'GET /api/v1/admin/token 200',
		]);
		expect(storedCredential.sessionToken).toBe(newest);
		expect(output.map((item) => item.json)).toEqual([
			{ apiToken: older, usedByThisCredential: false },
			{ apiToken: newest, usedByThisCredential: true },
		]);
	});

	it('renews a minted token that RingCX no longer accepts once, then lists the tokens', async () => {
		const store = passwordCredential();
		await runRingCxNode(store, { parameters: apiToken('getAll') });
		const revoked = store.data.sessionToken;
		provider.actions!.revokeApiTokens({});
		server.clearLog();

		const { output, storedCredential } = await runRingCxNode(store, { parameters: apiToken('getAll') });

		expect(requestLines()).toEqual([
			'GET /api/v1/admin/token 401',
			// n8n calls preAuthentication after the 401: it asks whether the token still works, then mints.
			'GET /api/v1/admin/token 401',
			'POST /api/v1/auth/login 200',
			'GET /api/v1/admin/token 200',
			'POST /api/v1/admin/token 200',
			'GET /api/v1/admin/token 200',
			'GET /api/v1/admin/token 200',
		]);
		expect(storedCredential.sessionToken).not.toBe(revoked);
		expect(server.log[6].headers['x-auth-token']).toBe(storedCredential.sessionToken);
		expect(output).toEqual([
			{ json: { apiToken: storedCredential.sessionToken, usedByThisCredential: true }, pairedItem: { item: 0 } },
		]);
	});
});

describe('API Token > Delete', () => {
	it('DELETEs the token with its ":" percent-encoded in the path and outputs { deleted: true } on 204', async () => {
		const pasted = await mintApiToken();
		const doomed = await mintApiToken();

		const { output } = await runRingCxNode(pastedTokenCredential(pasted), {
			parameters: apiToken('delete', { apiToken: `  ${doomed} ` }),
		});

		expect(requestLines()).toEqual([`DELETE /api/v1/admin/token/${doomed.replace(':', '%3A')} 204`]);
		expect(server.log[0].path).toMatch(/^\/api\/v1\/admin\/token\/aws80%3A[0-9a-f-]{36}$/);
		expect(server.log[0].headers['x-auth-token']).toBe(pasted);
		expect(output).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
		expect(provider.apiTokensOf(admin.userId)).toEqual([pasted]);
	});

	it('with Continue On Fail, an unknown token carries its error and the other items are deleted', async () => {
		const pasted = await mintApiToken();
		const first = await mintApiToken();
		const second = await mintApiToken();
		const tokens = [first, 'aws80:00000000-0000-0000-0000-000000000000', second];

		const { output } = await runRingCxNode(pastedTokenCredential(pasted), {
			items: 3,
			continueOnFail: true,
			parameters: apiToken('delete', { apiToken: (index: number) => tokens[index] }),
		});

		expect(output).toEqual([
			{ json: { deleted: true }, pairedItem: { item: 0 } },
			{ json: { error: 'RingCX answered HTTP 404 not_found' }, pairedItem: { item: 1 } },
			{ json: { deleted: true }, pairedItem: { item: 2 } },
		]);
		// A 404 is not a token problem: no renewal, no retry.
		expect(server.log.map((entry) => `${entry.method} ${entry.status}`)).toEqual([
			'DELETE 204',
			'DELETE 404',
			'DELETE 204',
		]);
		expect(provider.apiTokensOf(admin.userId)).toEqual([pasted]);
	});

	it('without Continue On Fail, an unknown token stops the node with an error naming the item', async () => {
		const pasted = await mintApiToken();
		const error = await failureOf(
			runRingCxNode(pastedTokenCredential(pasted), {
				parameters: apiToken('delete', { apiToken: 'aws80:00000000-0000-0000-0000-000000000000' }),
			}),
		);
		expect(error.message).toBe('RingCX answered HTTP 404 not_found');
		expect(error.description).toBe('The provider found nothing at this address; check the ID or token given.');
		expect(error.context?.itemIndex).toBe(0);
	});

	it.each([
		['an empty', { apiToken: '' }],
		['a blank', { apiToken: '   ' }],
		['a never set (its default is empty)', {}],
	])('refuses %s "API Token" naming the parameter and the item, before any request', async (_case, parameters) => {
		const error = await failureOf(runRingCxNode(passwordCredential(), { parameters: apiToken('delete', parameters) }));
		expect(error.message).toBe('The "API Token" of item 0 is empty');
		expect(error.description).toBe(
			'Give the permanent API token to delete, for example from the API Token > Get Many operation.',
		);
		expect(error.context?.itemIndex).toBe(0);
		// Not even the credential's login: the input is checked first.
		expect(server.log).toHaveLength(0);
	});

	it('with Continue On Fail, an item without a token carries its error and the others are deleted', async () => {
		const pasted = await mintApiToken();
		const doomed = await mintApiToken();
		const tokens = [' ', doomed];

		const { output } = await runRingCxNode(pastedTokenCredential(pasted), {
			items: 2,
			continueOnFail: true,
			parameters: apiToken('delete', { apiToken: (index: number) => tokens[index] }),
		});

		expect(output).toEqual([
			{ json: { error: 'The "API Token" of item 0 is empty' }, pairedItem: { item: 0 } },
			{ json: { deleted: true }, pairedItem: { item: 1 } },
		]);
		expect(requestLines()).toEqual([`DELETE /api/v1/admin/token/${encodeURIComponent(doomed)} 204`]);
	});
});

describe('User > Get Many', () => {
	const expectedUsers = RINGCX_ACCOUNTS.map(({ userId, username, firstName, lastName }) => ({
		userId,
		userName: username,
		firstName,
		lastName,
		email: username,
		rights: userId === admin.userId ? ['ADMIN'] : ['AGENT'],
	}));

	it('GETs /api/v1/admin/users with the token and, with Return All, outputs every user', async () => {
		const pasted = await mintApiToken();

		const { output } = await runRingCxNode(pastedTokenCredential(pasted), { parameters: users({ returnAll: true }) });

		expect(requestLines()).toEqual(['GET /api/v1/admin/users 200']);
		expect(server.log[0].headers['x-auth-token']).toBe(pasted);
		expect(output).toEqual(expectedUsers.map((json) => ({ json, pairedItem: { item: 0 } })));
	});

	it('outputs no more than Limit users', async () => {
		const { output } = await runRingCxNode(pastedTokenCredential(await mintApiToken()), {
			parameters: users({ returnAll: false, limit: 1 }),
		});
		expect(output).toEqual([{ json: expectedUsers[0], pairedItem: { item: 0 } }]);
	});

	it('uses the defaults (Return All off, Limit 50) when the parameters were never set', async () => {
		const { output } = await runRingCxNode(pastedTokenCredential(await mintApiToken()), { parameters: users() });
		expect(output.map((item) => item.json)).toEqual(expectedUsers);
	});

	it('ignores a Limit that Return All hides, and lists once per input item', async () => {
		const { output } = await runRingCxNode(pastedTokenCredential(await mintApiToken()), {
			items: 2,
			parameters: users({ returnAll: true, limit: 1 }),
		});
		expect(output.map((item) => [item.pairedItem, item.json.userId])).toEqual([
			[{ item: 0 }, admin.userId],
			[{ item: 0 }, agent.userId],
			[{ item: 1 }, admin.userId],
			[{ item: 1 }, agent.userId],
		]);
		expect(server.requests('GET', '/api/v1/admin/users')).toHaveLength(2);
	});

	it('fails with the status RingCX answered when the pasted token is not accepted', async () => {
		const error = await failureOf(
			runRingCxNode(pastedTokenCredential('aws80:00000000-0000-0000-0000-000000000000'), { parameters: users() }),
		);
		expect(error.message).toBe('RingCX answered HTTP 401 unauthorized');
		// A pasted token cannot be renewed: n8n's one retry after the 401 sends the same token again.
		expect(requestLines()).toEqual(['GET /api/v1/admin/users 401', 'GET /api/v1/admin/users 401']);
	});
});

describe('when RingCX is busy (nodeExecution/providerRetries.ts)', () => {
	it('waits out a 429 for as long as Retry-After says, then sends the request again', async () => {
		const token = await mintApiToken();
		server.failNext(1, { status: 429, retryAfter: 1, pathPrefix: '/api/v1/admin/users' });
		const startedAt = Date.now();

		const { output } = await runRingCxNode(pastedTokenCredential(token), { parameters: users({ returnAll: true }) });

		expect(requestLines()).toEqual(['GET /api/v1/admin/users 429', 'GET /api/v1/admin/users 200']);
		expect(Date.parse(server.log[1].at) - startedAt).toBeGreaterThanOrEqual(900);
		expect(output.length).toBeGreaterThan(0);
	});

	it('sends a GET again after a 503, but gives up after three attempts with the provider status', async () => {
		const token = await mintApiToken();
		server.failNext(3, { status: 503, pathPrefix: '/api/v1/admin/users' });

		const error = await failureOf(runRingCxNode(pastedTokenCredential(token), { parameters: users() }));

		expect(error.message).toBe('RingCX answered HTTP 503 forced_failure');
		expect(requestLines()).toEqual(Array(3).fill('GET /api/v1/admin/users 503'));
	});

	it('never sends a POST again after a 503: it may have created a token already', async () => {
		const token = await mintApiToken();
		server.failNext(1, { status: 503, pathPrefix: '/api/v1/admin/token' });

		const error = await failureOf(runRingCxNode(pastedTokenCredential(token), { parameters: apiToken('create') }));

		expect(error.message).toBe('RingCX did not answer, and the permanent API token may have been created (HTTP 503)');
		expect(error.description).toContain('List the API tokens');
		expect(requestLines()).toEqual(['POST /api/v1/admin/token 503']);
	});
});
