/**
 * The Satellite credential and node inside a real n8n: a client-credentials token is fetched once
 * and stored, codes are sent by email and by SMS, a customer's code is exchanged for that
 * customer's tokens, a replayed code fails, a batch with one malformed email goes on with Continue
 * On Fail, and the example workflow from the README imports and, in a running n8n, signs a visitor
 * in through its forms.
 *
 * The "customer reading the code" is an HTTP Request node asking the bundled server which code
 * it 'sent' (POST /__control/action/lastCode), the way a form would hand the typed code on.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { N8nTestBed, REPO_ROOT, type WorkflowFixture, type WorkflowNodeFixture } from '../../n8n/testBed';
import { ProviderServer } from '../../providers/providerServer';
import { SATELLITE_CLIENT, SATELLITE_USERS, createSatellite } from '../../providers/satellite';

jest.setTimeout(15 * 60 * 1000);

const [someone, giovanni, ana] = SATELLITE_USERS;
const GIOVANNI_PHONE_AS_TYPED = '+64 21 123 4567';
const provider = createSatellite();
const server = new ProviderServer(provider);
let bed: N8nTestBed;

const CLIENT = { id: 'satelliteClient01', name: 'Satellite demo client' };
/** The credential the example workflow refers to, so it runs as imported. */
const EXAMPLE_CREDENTIAL = { id: 'satelliteCredential', name: 'Satellite account' };
const EXAMPLE_PATH = join(REPO_ROOT, 'examples', 'satellite-send-then-verify.json');

function satellite(
	name: string,
	parameters: IDataObject,
	extra: Partial<WorkflowNodeFixture> = {},
): WorkflowNodeFixture {
	return {
		name,
		type: 'n8n-nodes-token-auth.satellite',
		typeVersion: 1,
		parameters: { resource: 'otp', ...parameters },
		credentials: { satelliteApi: CLIENT },
		...extra,
	};
}

/** The customer reading the code Satellite sent them. */
function customerReadsCode(name: string, to: string): WorkflowNodeFixture {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${server.url}/__control/action/lastCode`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: JSON.stringify({ to }),
			options: {},
		},
	};
}

const START = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 };

/** Connects each chain's nodes in order, every chain starting at Start. */
function workflow(name: string, ...chains: WorkflowNodeFixture[][]): WorkflowFixture {
	const connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> = {};
	const link = (from: string, to: string) => {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	};
	for (const chain of chains) {
		[START, ...chain].slice(0, -1).forEach((node, i) => link(node.name, chain[i].name));
	}
	return { name, nodes: [START, ...chains.flat()], connections };
}

const verifyEmail = (name: string) =>
	satellite(name, { operation: 'verify', channel: 'email', email: someone.email, code: '={{ $json.code }}' });

let sendAndVerifyId: string;
let replayId: string;
let exampleId: string;

beforeAll(async () => {
	await server.listen();
	bed = await N8nTestBed.create({ name: 'satellite' });
	const clientCredentials = {
		baseUrl: server.url,
		grantType: 'clientCredentials',
		clientId: SATELLITE_CLIENT.clientId,
		clientSecret: SATELLITE_CLIENT.clientSecret,
	};
	await bed.importCredentials([
		{ ...CLIENT, type: 'satelliteApi', data: clientCredentials },
		{ ...EXAMPLE_CREDENTIAL, type: 'satelliteApi', data: clientCredentials },
	]);
	const example = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8')) as WorkflowFixture;
	[sendAndVerifyId, replayId, exampleId] = await bed.importWorkflows([
		workflow(
			'Satellite send and verify',
			[
				satellite('Send by Email', { operation: 'send', channel: 'email', email: someone.email }),
				satellite('Send by Phone', { operation: 'send', channel: 'phone', phone: GIOVANNI_PHONE_AS_TYPED }),
				customerReadsCode('Customer Reads Email', someone.email),
				verifyEmail('Verify Email Code'),
				customerReadsCode('Customer Reads SMS', giovanni.phone),
				satellite('Verify Phone Code', {
					operation: 'verify',
					channel: 'phone',
					phone: GIOVANNI_PHONE_AS_TYPED,
					code: '={{ $json.code }}',
				}),
			],
			[
				{
					name: 'Emails',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					parameters: {
						mode: 'raw',
						jsonOutput: JSON.stringify({ emails: [ana.email, 'ana at example.com', giovanni.email] }),
						options: {},
					},
				},
				{
					name: 'One Item Each',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					parameters: { fieldToSplitOut: 'emails', options: {} },
				},
				satellite(
					'Send Batch',
					{ operation: 'send', channel: 'email', email: '={{ $json.emails }}' },
					{ onError: 'continueRegularOutput' },
				),
			],
		),
		workflow('Satellite replay', [
			customerReadsCode('Customer Reads Email', someone.email),
			verifyEmail('Replay Email Code'),
		]),
		example,
	]);
});

afterAll(async () => {
	await bed?.dispose();
	await server.close();
});

test('client credentials, then a code by email and by SMS; each code signs its user in; a batch goes on past a malformed email', async () => {
	const result = await bed.execute(sendAndVerifyId);
	result.assertOk();

	// One client token, asked for with a JSON body, used for every send.
	const tokenCalls = server.requests('POST', '/oauth/v2/token');
	const grants = tokenCalls.map((call) => `${(call.json as { grant_type: string }).grant_type} ${call.contentType}`);
	expect(grants.filter((grant) => grant.startsWith('client_credentials'))).toEqual([
		'client_credentials application/json',
	]);
	expect(result.nodeOutput('Send by Email')).toEqual([{ data: { email: someone.email }, meta: [] }]);
	expect(result.nodeOutput('Send by Phone')).toEqual([{ data: { phone: '+64211234567' }, meta: [] }]);
	const stored = await bed.readCredential(CLIENT.id);
	expect(stored.accessToken).toEqual(expect.any(String));
	const sends = server.requests('POST', '/otp/send');
	expect(sends.every((call) => call.headers.authorization === `Bearer ${String(stored.accessToken)}`)).toBe(true);

	// The customers typed back the codes Satellite sent them.
	expect(result.nodeOutput('Customer Reads Email')[0].code).toBe(provider.lastCodeFor(someone.email));
	const [emailTokens] = result.nodeOutput('Verify Email Code');
	expect(emailTokens).toEqual({
		access_token: expect.any(String),
		refresh_token: expect.any(String),
		expires_in: 3600,
		token_type: 'bearer',
	});
	expect(provider.userOfAccessToken(String(emailTokens.access_token))).toBe(someone.id);
	expect(provider.isRefreshTokenValid(String(emailTokens.refresh_token))).toBe(true);
	const [phoneTokens] = result.nodeOutput('Verify Phone Code');
	expect(provider.userOfAccessToken(String(phoneTokens.access_token))).toBe(giovanni.id);
	const passwordGrants = tokenCalls.filter((call) => (call.json as { grant_type: string }).grant_type === 'password');
	expect(passwordGrants.map((call) => (call.json as { username: string }).username)).toEqual([
		someone.email,
		'+64211234567',
	]);

	// Continue On Fail: the malformed email carries its error, the others were sent.
	expect(result.nodeOutput('Send Batch')).toEqual([
		{ data: { email: ana.email }, meta: [] },
		{ error: 'The "Email" of item 1 is not a valid email address' },
		{ data: { email: giovanni.email }, meta: [] },
	]);
	const batch = result.nodeRuns('Send Batch')[0] as { data?: { main?: Array<Array<{ pairedItem?: unknown }>> } };
	expect(batch.data?.main?.[0]?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(sends.map((call) => call.json)).toEqual(
		expect.arrayContaining([{ email: ana.email }, { email: giovanni.email }]),
	);
	expect(sends.some((call) => JSON.stringify(call.json).includes('ana at example.com'))).toBe(false);
	expect(JSON.stringify(result.run)).not.toContain('sat-secret');
});

test('replaying a code that was already used fails the item with a clear message', async () => {
	const result = await bed.execute(replayId);

	expect(result.ok).toBe(false);
	const error = result.nodeError('Replay Email Code');
	expect(error?.message).toBe('The code is wrong or has expired (HTTP 400 invalid_grant)');
	expect(error?.description).toContain('Each code works once');
	expect(server.requests('POST', '/oauth/v2/token').at(-1)?.status).toBe(400);
	expect(JSON.stringify(result.run)).not.toContain('sat-secret');
});

test('the README example workflow imports into n8n with its nodes and connections as saved', async () => {
	const output = join(bed.rootDir, 'io', 'example-export.json');
	const exported = await bed.n8n(['export:workflow', `--id=${exampleId}`, `--output=${output}`]);
	expect(exported.exitCode).toBe(0);
	const [stored] = JSON.parse(readFileSync(output, 'utf8')) as Array<{
		nodes: WorkflowNodeFixture[];
		connections: unknown;
	}>;
	const example = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8')) as WorkflowFixture;
	expect(stored.connections).toEqual(example.connections);
	const byName = (nodes: WorkflowNodeFixture[]) =>
		Object.fromEntries(nodes.map((node) => [node.name, { type: node.type, parameters: node.parameters }]));
	expect(byName(stored.nodes)).toEqual(byName(example.nodes));
});

/** `n8n start` in the bed (forms need the webhook server), stopped by `stop()`. */
async function startN8n(testBed: N8nTestBed): Promise<{ baseUrl: string; stop(): Promise<void> }> {
	const child = spawn(testBed.runtime.nodeBin, [testBed.runtime.n8nBin, 'start'], {
		cwd: testBed.rootDir,
		env: testBed.env,
		stdio: 'ignore',
		// Own process group, so stopping it also stops the task runner n8n starts.
		detached: true,
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
		clearTimeout(timer);
		if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
	};
	const baseUrl = `http://127.0.0.1:${testBed.env.N8N_PORT}`;
	const ready = await waitFor(
		async () => (await fetch(`${baseUrl}/healthz/readiness`).catch(() => undefined))?.ok,
		120,
	);
	if (!ready) {
		await stop();
		throw new Error('n8n start did not become ready within 120 s');
	}
	return { baseUrl, stop };
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, seconds: number): Promise<T | undefined> {
	for (let attempt = 0; attempt < seconds * 4; attempt++) {
		const value = await probe();
		if (value) return value;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return undefined;
}

/** Submits one form page the way a browser does (n8n names the fields field-0, field-1...). */
async function submitForm(url: string, value: string): Promise<string> {
	const form = new FormData();
	form.append('field-0', value);
	const response = await fetch(url, { method: 'POST', body: form });
	expect(response.status).toBe(200);
	const { formWaitingUrl } = (await response.json()) as { formWaitingUrl: string };
	return formWaitingUrl;
}

/**
 * The next page once the workflow has reached it. n8n holds a request for a waiting page that
 * comes before the execution waits there (and does not answer it), so each look gives up quickly.
 */
async function pageShowing(url: string, text: RegExp): Promise<string | undefined> {
	return await waitFor(async () => {
		const page = await fetch(url, { signal: AbortSignal.timeout(3000) })
			.then(async (response) => await response.text())
			.catch(() => '');
		return text.test(page) ? page : undefined;
	}, 60);
}

test('the README example signs a visitor in through its forms, and turns a wrong code away', async () => {
	const example = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8')) as WorkflowFixture;
	const formPath = example.nodes.find((node) => node.type === 'n8n-nodes-base.formTrigger')?.webhookId as string;
	expect((await bed.n8n(['publish:workflow', `--id=${exampleId}`])).exitCode).toBe(0);
	const n8n = await startN8n(bed);
	try {
		// n8n activates published workflows shortly after it reports ready.
		const formUrl = `${n8n.baseUrl}/form/${formPath}`;
		expect(await pageShowing(formUrl, /Email me a code/)).toBeDefined();
		const visit = async (email: string, code: (sent: string) => string) => {
			const codesBefore = provider.state.outbox.length;
			const waitingUrl = await submitForm(formUrl, email);
			const sent = await waitFor(
				async () => provider.state.outbox.length > codesBefore && provider.lastCodeFor(email),
				30,
			);
			expect(await pageShowing(waitingUrl, /Check your email/)).toBeDefined();
			await submitForm(waitingUrl, code(String(sent)));
			return await pageShowing(waitingUrl, /signed in|did not work/);
		};

		const wrong = await visit(ana.email, (sent) => (sent === '000000' ? '999999' : '000000'));
		expect(wrong).toContain('That code did not work');

		const signedIn = await visit(someone.email, (sent) => sent);
		expect(signedIn).toMatch(/You(&#39;|&#x27;|')re signed in/);
		expect(signedIn).toContain('Your session lasts 60 minutes.');
		const verifications = server.requests('POST', '/oauth/v2/token').slice(-2);
		expect(verifications.map((call) => `${(call.json as { username?: string }).username} ${call.status}`)).toEqual([
			`${ana.email} 400`,
			`${someone.email} 200`,
		]);
	} finally {
		await n8n.stop();
	}
});
