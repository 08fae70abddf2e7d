/**
 * One request path (issue "One request path") in a running n8n 2.41.1 with the package installed:
 * token requests and API requests keep the node's Timeout, the execution's Stop and one pause per
 * host after a 429, and a one-time code is never sent twice. requestEngine/ is unit-tested; what only
 * a real n8n shows is that n8n hands the node's settings on to the credential's sign-in it runs, that
 * the editor's Stop reaches a request in flight, and that a pause holds every execution of the process.
 *
 * Every test has provider servers of its own: n8n's process keeps pauses and a failed sign-in's
 * aftermath per host and login, and one test must not meet what another left.
 */
import type { IDataObject } from 'n8n-workflow';

import { CODE_MAY_BE_USED } from '../../providers/satellite/client';
import { N8nServer, type N8nExecution, type N8nRestClient } from '../n8n/n8nServer';
import {
	nodeErrorOf,
	nodeOutputOf,
	nodeRunsOf,
	type CredentialFixture,
	type WorkflowNodeFixture,
} from '../n8n/testBed';
import { itemsOf, manualWorkflow, packageNode, type CredentialRef } from '../n8n/workflows';
import { ProviderServer, type LoggedRequest } from '../providers/providerServer';
import { SATELLITE_CLIENT, SATELLITE_USERS, createSatellite } from '../providers/satellite';
import { VIAFOURA_SITE, createViafoura } from '../providers/viafoura';
import { waitUntil } from '../support/waitUntil';

jest.setTimeout(5 * 60 * 1000);

const [someone, giovanni, ana] = SATELLITE_USERS;
const satellite = createSatellite();
const servers = {
	hung: new ProviderServer(createViafoura()),
	stopped: new ProviderServer(createViafoura()),
	satellite: new ProviderServer(satellite),
	paced: new ProviderServer(createSatellite()),
};
const HANGS_MS = 60_000;
/** Long enough that a run started while a pause lasts is surely started inside it. */
const RETRY_AFTER_MS = 3000;
/** The server stamps a request in whole milliseconds, and timers may fire a millisecond early. */
const CLOCK_SLACK_MS = 50;

const HUNG = { id: 'viafouraHungToken', name: 'Viafoura, token endpoint hangs' };
const STOPPED = { id: 'viafouraStopToken', name: 'Viafoura, stopped while signing in' };
const SATELLITE = { id: 'satelliteCodeCheck', name: 'Satellite, lost code check' };
const PACED_CLIENT = { id: 'pacedClientGrant1', name: 'Satellite client (paced)' };
const PACED_ANA = { id: 'pacedAnaPassword1', name: 'Satellite Ana (paced)' };
const PACED_GIOVANNI = { id: 'pacedGiovanniPass', name: 'Satellite Giovanni (paced)' };

function credentials(): CredentialFixture[] {
	const viafoura = (ref: CredentialRef, server: ProviderServer): CredentialFixture => ({
		...ref,
		type: 'viafouraApi',
		data: { baseUrl: server.url, siteId: VIAFOURA_SITE.siteId, apiKey: VIAFOURA_SITE.apiKey },
	});
	const satelliteClient = (
		ref: CredentialRef,
		server: ProviderServer,
		login?: { email: string; password?: string },
	) => ({
		...ref,
		type: 'satelliteApi',
		data: {
			baseUrl: server.url,
			clientId: SATELLITE_CLIENT.clientId,
			clientSecret: SATELLITE_CLIENT.clientSecret,
			...(login
				? { grantType: 'password', username: login.email, password: login.password }
				: { grantType: 'clientCredentials' }),
		},
	});
	return [
		viafoura(HUNG, servers.hung),
		viafoura(STOPPED, servers.stopped),
		satelliteClient(SATELLITE, servers.satellite),
		satelliteClient(PACED_CLIENT, servers.paced),
		satelliteClient(PACED_ANA, servers.paced, ana),
		satelliteClient(PACED_GIOVANNI, servers.paced, giovanni),
	];
}

const readers = (count: number) =>
	itemsOf(Array.from({ length: count }, (_, i) => ({ userId: `reader-${i}`, name: `Reader ${i}` })));
const logIn = (ref: CredentialRef, extra: Partial<WorkflowNodeFixture> = {}, options: IDataObject = {}) =>
	packageNode(
		'viafoura',
		'Log In',
		{ resource: 'session', operation: 'login', userId: '={{ $json.userId }}', name: '={{ $json.name }}', options },
		ref,
		extra,
	);
const sendCode = (ref: CredentialRef, email: string, parameters: IDataObject = {}) =>
	packageNode(
		'satellite',
		'Send Code',
		{ resource: 'otp', operation: 'send', channel: 'email', email, ...parameters },
		ref,
	);

/** The customer reading the code Satellite sent them, as a form would hand the typed code on. */
const customerReadsCode = (to: string) => ({
	name: 'Customer Reads Code',
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'POST',
		url: `${servers.satellite.url}/__control/action/lastCode`,
		sendBody: true,
		specifyBody: 'json',
		jsonBody: JSON.stringify({ to }),
		options: {},
	},
});

const WORKFLOWS = {
	timeout: () =>
		manualWorkflow('3 logins, Timeout 2 s', [
			...readers(3),
			logIn(HUNG, { onError: 'continueRegularOutput' }, { timeout: 2000 }),
		]),
	stop: () => manualWorkflow('1 login', [...readers(1), logIn(STOPPED)]),
	send: () => manualWorkflow('Send a code', [sendCode(SATELLITE, someone.email)]),
	verify: () =>
		manualWorkflow('Verify the code', [
			customerReadsCode(someone.email),
			packageNode(
				'satellite',
				'Verify Code',
				{ resource: 'otp', operation: 'verify', channel: 'email', email: someone.email, code: '={{ $json.code }}' },
				SATELLITE,
			),
		]),
	anaWarmUp: () => manualWorkflow('Ana warms up', [sendCode(PACED_ANA, 'warm-up@example.com')]),
	clientSends: () => manualWorkflow('Client sends', [sendCode(PACED_CLIENT, 'client@example.com')]),
	anaSends: () => manualWorkflow('Ana sends', [sendCode(PACED_ANA, 'ana-in-token-pause@example.com')]),
	anaSendsFour: () =>
		manualWorkflow('Ana sends four, two at a time', [
			...itemsOf([1, 2, 3, 4].map((n) => ({ email: `batch-${n}@example.com` }))),
			sendCode(PACED_ANA, '={{ $json.email }}', { concurrency: 2 }),
		]),
	giovanniSends: () =>
		manualWorkflow('Giovanni sends', [sendCode(PACED_GIOVANNI, 'giovanni-in-api-pause@example.com')]),
};
type WorkflowName = keyof typeof WORKFLOWS;

let n8n: N8nServer;
let client: N8nRestClient;
const ids = {} as Record<WorkflowName, string>;

/** Starts a workflow as the editor's "Execute workflow" does; answers the execution id. */
const start = async (name: WorkflowName) => await client.runWorkflow(ids[name], 'Start');
const run = async (name: WorkflowName): Promise<N8nExecution> => await client.waitForExecution(await start(name));

const msBetween = (earlier: string, later: string) => Date.parse(later) - Date.parse(earlier);
const viafouraTokenRequests = (server: ProviderServer) => server.requests('POST', '/oauth2/token');
const satelliteTokenRequests = (server: ProviderServer) => server.requests('POST', '/oauth/v2/token');
const bodyOf = (request: LoggedRequest) => request.json as Record<string, string>;

beforeAll(async () => {
	await Promise.all(Object.values(servers).map(async (server) => await server.listen()));
	const names = Object.keys(WORKFLOWS) as WorkflowName[];
	n8n = await N8nServer.start({
		name: 'one-request-path',
		credentials: credentials(),
		workflows: names.map((name) => WORKFLOWS[name]()),
	});
	names.forEach((name, i) => (ids[name] = n8n.workflowIds[i]));
	client = await n8n.logIn();
});

afterAll(async () => {
	await n8n?.stop();
	await Promise.all(Object.values(servers).map(async (server) => await server.close()));
});

test("a hung token endpoint costs one time-out: the node's Timeout reaches the sign-in, one token request, and every item says so", async () => {
	const server = servers.hung;
	server.setLatency((request) => (request.path === '/oauth2/token' ? HANGS_MS : 0));

	const execution = await run('timeout');

	expect(execution.status).toBe('success');
	const [task] = nodeRunsOf(execution.data, 'Log In');
	expect(task.executionTime).toBeGreaterThanOrEqual(2000);
	expect(task.executionTime).toBeLessThan(4000);
	expect(nodeOutputOf(execution.data, 'Log In')).toEqual(
		Array(3).fill({ error: `Viafoura did not answer in time (${server.url}, 2 s)` }),
	);
	const [tokenRequest, ...more] = viafouraTokenRequests(server);
	expect(more).toEqual([]);
	// n8n's client gave up on it after the node's Timeout, not after the credential's own 20 s.
	const droppedAt = await waitUntil(() => tokenRequest.clientClosedAt, { what: 'n8n to drop the token request' });
	expect(msBetween(tokenRequest.at, droppedAt)).toBeLessThan(3000);
	expect(server.requests('POST', '/rest/v1/accounts/login')).toEqual([]);
});

test("the editor's Stop during a token request ends the execution at once and drops the token request", async () => {
	const server = servers.stopped;
	server.setLatency((request) => (request.path === '/oauth2/token' ? HANGS_MS : 0));
	const executionId = await start('stop');
	const tokenRequest = await waitUntil(() => viafouraTokenRequests(server)[0], { what: 'the token request' });

	const stoppedAt = new Date().toISOString();
	await client.stopExecution(executionId);
	const execution = await client.waitForExecution(executionId, 10_000);

	expect(execution.status).toBe('canceled');
	expect(msBetween(stoppedAt, new Date().toISOString())).toBeLessThan(3000);
	// The sign-in's request is aborted too, not left to run into its time-out (30 s, the node's default).
	const droppedAt = await waitUntil(() => tokenRequest.clientClosedAt, { what: 'n8n to drop the token request' });
	expect(msBetween(stoppedAt, droppedAt)).toBeLessThan(3000);
	expect(viafouraTokenRequests(server)).toHaveLength(1);
	expect(server.requests('POST', '/rest/v1/accounts/login')).toEqual([]);
});

test('Verify whose answer is lost: one code check reaches Satellite, and the item says the code may already be used', async () => {
	const server = servers.satellite;
	expect((await run('send')).status).toBe('success');
	const code = satellite.lastCodeFor(someone.email);
	server.clearLog();
	// Satellite checks the code (and so uses it up), then the connection closes without its answer.
	server.failNext(1, { status: 0, dropAnswer: true, pathPrefix: '/oauth/v2/token' });

	const execution = await run('verify');

	expect(execution.status).toBe('error');
	expect(nodeErrorOf(execution.data, 'Verify Code')).toMatchObject(CODE_MAY_BE_USED);
	expect(satelliteTokenRequests(server).map((request) => ({ ...bodyOf(request), status: request.status }))).toEqual([
		expect.objectContaining({ grant_type: 'password', username: someone.email, password: code, status: 200 }),
	]);
});

test('a 429 pauses every call to that host for Retry-After, token requests and API calls alike', async () => {
	const server = servers.paced;
	const sends = () => server.requests('POST', '/otp/send');
	const tokens = () => satelliteTokenRequests(server);
	const firstAnswered429 = async (requests: () => LoggedRequest[]) =>
		await waitUntil(() => requests().find((request) => request.status === 429), { what: 'a 429' });
	const finished = async (...executionIds: string[]) =>
		await Promise.all(executionIds.map(async (id) => (await client.waitForExecution(id)).status));
	const waited = (limited: LoggedRequest, later: LoggedRequest) => msBetween(limited.at, later.at);
	const PAUSE = RETRY_AFTER_MS - CLOCK_SLACK_MS;
	expect((await run('anaWarmUp')).status).toBe('success');
	server.clearLog();

	// The token endpoint answers 429: the token request is sent again after Retry-After, and Ana's run,
	// whose token is stored, sends nothing to that host meanwhile.
	server.failNext(1, { status: 429, retryAfter: RETRY_AFTER_MS / 1000, pathPrefix: '/oauth/v2/token' });
	const clientRun = await start('clientSends');
	const limitedToken = await firstAnswered429(tokens);
	await expect(finished(clientRun, await start('anaSends'))).resolves.toEqual(['success', 'success']);

	expect(tokens().map((request) => `${bodyOf(request).grant_type} ${request.status}`)).toEqual([
		'client_credentials 429',
		'client_credentials 200',
	]);
	expect(waited(limitedToken, tokens()[1])).toBeGreaterThanOrEqual(PAUSE);
	const [anaSend] = sends().filter((request) => bodyOf(request).email === 'ana-in-token-pause@example.com');
	expect(waited(limitedToken, anaSend)).toBeGreaterThanOrEqual(PAUSE);

	// An API call answers 429: the batch's items not yet sent, and Giovanni's sign-in, wait as long.
	server.clearLog();
	server.failNext(1, { status: 429, retryAfter: RETRY_AFTER_MS / 1000, pathPrefix: '/otp/send' });
	const batchRun = await start('anaSendsFour');
	const limitedSend = await firstAnswered429(sends);
	await expect(finished(batchRun, await start('giovanniSends'))).resolves.toEqual(['success', 'success']);

	const batch = sends().filter((request) => bodyOf(request).email.startsWith('batch-'));
	expect(
		batch
			.filter((request) => request.status === 200)
			.map((request) => bodyOf(request).email)
			.sort(),
	).toEqual(['batch-1@example.com', 'batch-2@example.com', 'batch-3@example.com', 'batch-4@example.com']);
	// Besides the one other item already in flight, every item went out after the pause, the limited one again.
	const gaps = batch.filter((request) => request !== limitedSend).map((request) => waited(limitedSend, request));
	expect(gaps.filter((gap) => gap >= 0 && gap < PAUSE).length).toBeLessThanOrEqual(1);
	expect(gaps.filter((gap) => gap >= PAUSE).length).toBeGreaterThanOrEqual(3);
	const [giovanniToken, ...moreTokens] = tokens();
	expect(moreTokens).toEqual([]);
	expect(bodyOf(giovanniToken)).toMatchObject({ grant_type: 'password', username: giovanni.email });
	expect(waited(limitedSend, giovanniToken)).toBeGreaterThanOrEqual(PAUSE);
});
