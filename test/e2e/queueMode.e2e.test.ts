/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
/**
 * The package in n8n's queue mode: one main process and 2 workers (`n8n worker --concurrency=10`) on
 * Redis and Postgres (test/n8n/queueCluster.ts), and 20 production executions started at once
 * through a webhook, all with the same credential. n8n gives nodes no lock across processes, so
 * each worker signs in on its own; what the package promises is that this converges:
 *   - RingCX username/password, no token yet: at most one permanent API token is left at RingCX
 *     (two workers that mint at once keep one and delete the other), and every execution succeeds;
 *   - Viafoura, no token yet: at most one token request per worker;
 *   - Virtuous two-factor user whose access token the provider has expired, with a valid rotating
 *     refresh token: no code is texted and no password grant is made, whichever worker loses the race
 *     for the one-use refresh token fails only its own executions with an instruction to run again,
 *     and the stored credential ends up holding tokens that work (a 21st execution succeeds).
 * Every provider answers after 1.5 s, so the workers' sign-ins overlap.
 * The counts each scenario measured (logins, mints, token requests, failed executions, which worker
 * ran what) are printed to stderr as `[queue mode] ...` lines.
 */
import { randomUUID } from 'node:crypto';

import { summarizeExecution, type N8nExecution, type N8nRestClient } from '../n8n/n8nServer';
import { N8nQueueCluster } from '../n8n/queueCluster';
import type { WorkflowFixture, WorkflowNodeFixture } from '../n8n/testBed';
import { httpRequestNode } from '../n8n/workflows';
import { ProviderServer } from '../providers/providerServer';
import { RINGCX_ACCOUNTS, createRingCx } from '../providers/ringcx';
import { VIAFOURA_SITE, createViafoura } from '../providers/viafoura';
import { VIRTUOUS_ORGANIZATION, VIRTUOUS_USERS, createVirtuous } from '../providers/virtuous';

jest.setTimeout(20 * 60 * 1000);

const EXECUTIONS = 20;
const WORKERS = 2;
/**
 * Every provider answers after this long, as a distant portal does. Without it the two workers'
 * sign-ins rarely overlap on an idle machine (the first one is done in milliseconds, before the
 * other worker even asks), and the race this test is about would not be exercised.
 */
const PROVIDER_LATENCY_MS = 1500;

const ringCx = createRingCx();
const ringCxServer = new ProviderServer(ringCx);
const viafoura = createViafoura();
const viafouraServer = new ProviderServer(viafoura);
const virtuous = createVirtuous();
const virtuousServer = new ProviderServer(virtuous);

const admin = RINGCX_ACCOUNTS[0];
const { twoFactor } = VIRTUOUS_USERS;

const RINGCX = { id: 'queueRingCxLogin1', name: 'RingCX login (queue mode)' };
const VIAFOURA = { id: 'queueViafouraSite', name: 'Viafoura site (queue mode)' };
const VIRTUOUS = { id: 'queueVirtuous2FA1', name: 'Virtuous director, 2FA (queue mode)' };

const PATHS = { ringCx: 'queue-ringcx', viafoura: 'queue-viafoura', virtuous: 'queue-virtuous' };

let cluster: N8nQueueCluster;
let client: N8nRestClient;
const workflowIds: Record<keyof typeof PATHS, string> = { ringCx: '', viafoura: '', virtuous: '' };
const measured: string[] = [];

function report(line: string): void {
	measured.push(line);
	process.stderr.write(`[queue mode] ${line}\n`);
}

/** A webhook-triggered workflow: production executions, which n8n puts on the queue. */
function webhookWorkflow(name: string, path: string, node: WorkflowNodeFixture): WorkflowFixture {
	return {
		id: randomWorkflowId(),
		name,
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
			},
			node,
		],
		connections: { Webhook: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
	};
}

function randomWorkflowId(): string {
	return randomUUID().replace(/-/g, '').slice(0, 16);
}

interface Burst {
	/** HTTP status of each webhook call, in call order. */
	statuses: number[];
	/** The workflow's executions made by the burst, oldest first. */
	executions: N8nExecution[];
	/** Which worker (1-based) started each execution of the burst. */
	workers: Map<string, number[]>;
	ms: number;
}

/** Calls the workflow's webhook `count` times at once; waits until every execution finished. */
async function burst(key: keyof typeof PATHS, count: number): Promise<Burst> {
	const before = new Set(
		(await cluster.finishedExecutions(client, workflowIds[key], 0)).map((execution) => execution.id),
	);
	const started = Date.now();
	const answers = await Promise.all(
		Array.from({ length: count }, async (_, n) => await cluster.callWebhook(PATHS[key], { n })),
	);
	const all = await cluster.finishedExecutions(client, workflowIds[key], before.size + count);
	const executions = all.filter((execution) => !before.has(execution.id)).sort((a, b) => Number(a.id) - Number(b.id));
	const ms = Date.now() - started;
	const byExecution = await cluster.workerOf();
	const workers = new Map(executions.map((execution) => [execution.id, byExecution.get(execution.id) ?? []]));
	return { statuses: answers.map((answer) => answer.status), executions, workers, ms };
}

/** Every execution of the burst ran on exactly one worker, none on main; answers how many each worker ran. */
function expectRanOnWorkers(run: Burst): number[] {
	const perWorker = Array.from({ length: WORKERS }, () => 0);
	for (const [id, workers] of run.workers) {
		expect({ id, workers: workers.length }).toEqual({ id, workers: 1 });
		perWorker[workers[0] - 1]++;
	}
	return perWorker;
}

function failures(run: Burst): string[] {
	return run.executions
		.filter((execution) => execution.status !== 'success')
		.map((execution) => summarizeExecution(execution).error ?? execution.status);
}

beforeAll(async () => {
	const [ringCxUrl, viafouraUrl, virtuousUrl] = await Promise.all([
		ringCxServer.listen(),
		viafouraServer.listen(),
		virtuousServer.listen(),
	]);
	for (const server of [ringCxServer, viafouraServer, virtuousServer]) server.setLatency(PROVIDER_LATENCY_MS);
	const workflows = [
		webhookWorkflow('RingCX users (queue mode)', PATHS.ringCx, {
			name: 'Users',
			type: 'n8n-nodes-token-auth.ringCx',
			typeVersion: 1,
			parameters: { resource: 'user', operation: 'getAll', returnAll: false, limit: 1 },
			credentials: { ringCxApi: RINGCX },
		}),
		webhookWorkflow('Viafoura login (queue mode)', PATHS.viafoura, {
			name: 'Log In',
			type: 'n8n-nodes-token-auth.viafoura',
			typeVersion: 1,
			parameters: {
				resource: 'session',
				operation: 'login',
				userId: "={{ 'queue-reader-' + $json.body.n }}",
				name: '={{ "Queue Reader " + $json.body.n }}',
				email: '',
			},
			credentials: { viafouraApi: VIAFOURA },
		}),
		webhookWorkflow(
			'Virtuous organization (queue mode)',
			PATHS.virtuous,
			httpRequestNode('Organization', 'virtuousApi', VIRTUOUS, { url: `${virtuousUrl}/api/Organization/Current` }),
		),
	];
	[workflowIds.ringCx, workflowIds.viafoura, workflowIds.virtuous] = workflows.map((workflow) => workflow.id as string);

	cluster = await N8nQueueCluster.start({
		name: 'queue-mode',
		workers: WORKERS,
		concurrency: 10,
		credentials: [
			{
				...RINGCX,
				type: 'ringCxApi',
				data: {
					server: 'custom',
					baseUrl: `${ringCxUrl}/api`,
					authMethod: 'password',
					username: admin.username,
					password: admin.password,
				},
			},
			{
				...VIAFOURA,
				type: 'viafouraApi',
				data: { baseUrl: viafouraUrl, siteId: VIAFOURA_SITE.siteId, apiKey: VIAFOURA_SITE.apiKey },
			},
			{
				...VIRTUOUS,
				type: 'virtuousApi',
				data: { baseUrl: virtuousUrl, authMethod: 'password', email: twoFactor.email, password: twoFactor.password },
			},
		],
		workflows,
		activate: workflows.map((workflow) => workflow.id as string),
		progress: (line) => process.stderr.write(`[queue mode] ${line}\n`),
	});
	client = await cluster.main.logIn();
	const { servicesMs, bedMs, startMs } = cluster.timings;
	report(
		`start-up: Postgres + Redis ${ms(servicesMs)} (install ${ms(cluster.services.timings.installMs)}), ` +
			`user folder with migrations and imports ${ms(bedMs)}, main + ${WORKERS} workers until ready ${ms(startMs)}`,
	);
});

afterAll(async () => {
	const started = Date.now();
	await cluster?.stop();
	await Promise.all([ringCxServer.close(), viafouraServer.close(), virtuousServer.close()]);
	report(`shut-down ${ms(Date.now() - started)}`);
	process.stderr.write(`[queue mode] summary:\n  ${measured.join('\n  ')}\n`);
});

test('RingCX username/password with no token yet: 20 executions on 2 workers leave at most one permanent token, and all succeed', async () => {
	const run = await burst('ringCx', EXECUTIONS);

	const perWorker = expectRanOnWorkers(run);
	const tokensLeft = ringCx.apiTokensOf(admin.userId);
	const deletes = ringCxServer.requests('DELETE', /^\/api\/v1\/admin\/token\//).filter((entry) => entry.status === 204);
	report(
		`RingCX: ${run.executions.length} executions in ${ms(run.ms)}, per worker ${perWorker.join('/')}, ` +
			`failed ${failures(run).length}; logins ${ringCx.state.loginCount} (failed ${ringCx.state.failedLoginCount}), ` +
			`mints ${ringCx.state.mintCount}, deleted ${deletes.length}, permanent tokens left ${tokensLeft.length}`,
	);

	expect(run.executions).toHaveLength(EXECUTIONS);
	expect(perWorker.every((count) => count > 0)).toBe(true);
	expect(failures(run)).toEqual([]);
	expect(run.statuses).toEqual(Array.from({ length: EXECUTIONS }, () => 200));
	expect(tokensLeft).toHaveLength(1);
	expect(ringCx.state.failedLoginCount).toBe(0);
	// The credential n8n stored holds the one token that is left.
	expect((await cluster.bed.readCredential(RINGCX.id)).sessionToken).toBe(tokensLeft[0]);
	// Every API call ended with that token or one deleted in the convergence, never a 401 left unanswered.
	const userCalls = ringCxServer.requests('GET', '/api/v1/admin/users');
	expect(userCalls.filter((call) => call.status === 200)).toHaveLength(EXECUTIONS);
});

test('Viafoura with no token yet: 20 executions on 2 workers make at most one token request per worker', async () => {
	const run = await burst('viafoura', EXECUTIONS);

	const perWorker = expectRanOnWorkers(run);
	const tokenRequests = viafouraServer.requests('POST', '/oauth2/token');
	const tokensUsed = new Set(
		viafouraServer.requests('POST', '/rest/v1/accounts/login').map((entry) => entry.headers.authorization),
	);
	report(
		`Viafoura: ${run.executions.length} executions in ${ms(run.ms)}, per worker ${perWorker.join('/')}, ` +
			`failed ${failures(run).length}; token requests ${tokenRequests.length}, distinct tokens used ${tokensUsed.size}, ` +
			`logins ${viafoura.state.loginCount}`,
	);

	expect(run.executions).toHaveLength(EXECUTIONS);
	expect(failures(run)).toEqual([]);
	expect(tokenRequests.length).toBeGreaterThanOrEqual(1);
	expect(tokenRequests.length).toBeLessThanOrEqual(perWorker.filter((count) => count > 0).length);
	expect(viafoura.users()).toHaveLength(EXECUTIONS);
});

test('Virtuous two-factor user, expired access token, rotating refresh token: 20 executions on 2 workers text no code, make no password grant, and leave a working token', async () => {
	// Set-up as a user does it: the first run texts a code, the user types it into the credential,
	// the next run gets the tokens and stores them (with the fingerprint of the login they belong to).
	const first = await cluster.callWebhook(PATHS.virtuous, { n: 'set-up 1' });
	expect(first.status).toBe(500);
	const code = virtuous.latestCode(twoFactor.email);
	expect(code).toBeDefined();
	const withoutCode = await cluster.bed.readCredential(VIRTUOUS.id);
	await cluster.bed.importCredentials([
		{ ...VIRTUOUS, type: 'virtuousApi', data: { ...withoutCode, otp: code!.code } },
	]);
	const second = await cluster.callWebhook(PATHS.virtuous, { n: 'set-up 2' });
	expect(second).toEqual({ status: 200, body: VIRTUOUS_ORGANIZATION });
	const seeded = await cluster.bed.readCredential(VIRTUOUS.id);
	expect(seeded.accessToken).toEqual(expect.any(String));
	expect(virtuous.refreshTokensOf(twoFactor.email)).toEqual([seeded.refreshToken]);

	// Virtuous expires the access token; the refresh token still works, once.
	virtuous.expireAllTokens();
	virtuousServer.clearLog();
	const codesBefore = virtuous.state.sentCodes.length;
	const passwordGrantsBefore = virtuous.state.passwordGrants;

	const run = await burst('virtuous', EXECUTIONS);

	const perWorker = expectRanOnWorkers(run);
	const grants = virtuousServer.requests('POST', '/Token');
	const grantTypes = grants.map((grant) => `${grant.form?.grant_type} ${grant.status}`);
	const failed = failures(run);
	report(
		`Virtuous: ${run.executions.length} executions in ${ms(run.ms)}, per worker ${perWorker.join('/')}, ` +
			`failed ${failed.length}; token requests [${grantTypes.join(', ')}], codes texted ${virtuous.state.sentCodes.length - codesBefore}` +
			(failed.length ? `; failures: ${[...new Set(failed)].join(' | ')}` : ''),
	);

	expect(run.executions).toHaveLength(EXECUTIONS);
	expect(virtuous.state.sentCodes.length).toBe(codesBefore);
	expect(virtuous.state.passwordGrants).toBe(passwordGrantsBefore);
	expect(grants.filter((grant) => grant.form?.grant_type === 'password')).toEqual([]);
	// At most one refresh per worker: the loser's trade of the already-rotated token is refused.
	expect(grants.length).toBeLessThanOrEqual(WORKERS);
	expect(run.executions.filter((execution) => execution.status === 'success').length).toBeGreaterThan(0);
	// A losing worker fails its executions with an instruction, not a sign-in.
	for (const message of failed) expect(message).toMatch(/again/i);

	// The stored credential works: the next execution succeeds without any token request.
	virtuousServer.clearLog();
	const after = await cluster.callWebhook(PATHS.virtuous, { n: 'after' });
	const stored = await cluster.bed.readCredential(VIRTUOUS.id);
	report(
		`Virtuous: the 21st execution answered HTTP ${after.status}; its token requests ` +
			`[${virtuousServer
				.requests('POST', '/Token')
				.map((grant) => `${grant.form?.grant_type} ${grant.status}`)
				.join(', ')}]`,
	);
	expect(after).toEqual({ status: 200, body: VIRTUOUS_ORGANIZATION });
	expect(virtuous.refreshTokensOf(twoFactor.email)).toContain(stored.refreshToken);
	expect(virtuous.state.sentCodes.length).toBe(codesBefore);
});

function ms(value: number): string {
	return `${(value / 1000).toFixed(1)} s`;
}
