/**
 * How the nodes send their requests, inside a real n8n 2.41.1 (whose n8n-workflow 2.x is what the
 * package gets at run time, not the 1.x types it is built against):
 *   - a 429 with Retry-After half-way through a batch pauses the batch, every item is logged in, and
 *     only the refused request is sent again;
 *   - the Timeout option ends a request that takes longer, and the item fails saying so;
 *   - items mapped with `={{ $json.field }}` send exactly their own item's values, in order.
 */
import type { IDataObject } from 'n8n-workflow';

import { N8nTestBed, type WorkflowFixture, type WorkflowNodeFixture } from '../../n8n/testBed';
import { ProviderServer } from '../../providers/providerServer';
import { VIAFOURA_SITE, createViafoura } from '../../providers/viafoura';

jest.setTimeout(15 * 60 * 1000);

const server = new ProviderServer(createViafoura());
const SITE = { id: 'nodeRequestsSite1', name: 'Viafoura (node requests)' };
const ITEMS = 30;
let bed: N8nTestBed;
let batchId: string;
let timeoutId: string;

function workflow(
	name: string,
	count: number,
	parameters: IDataObject,
	extra: Partial<WorkflowNodeFixture> = {},
): WorkflowFixture {
	const readers = Array.from({ length: count }, (_, i) => ({
		userId: `e2e-${i}`,
		name: `Reader ${i}`,
		email: `e2e-${i}@example.com`,
	}));
	const nodes: WorkflowNodeFixture[] = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 },
		{
			name: 'Readers',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ readers }), options: {} },
		},
		{
			name: 'One Each',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'readers', options: {} },
		},
		{
			name: 'Log In',
			type: 'n8n-nodes-token-auth.viafoura',
			typeVersion: 1,
			parameters: {
				resource: 'session',
				operation: 'login',
				userId: '={{ $json.userId }}',
				name: '={{ $json.name }}',
				email: '={{ $json.email }}',
				...parameters,
			},
			credentials: { viafouraApi: SITE },
			...extra,
		},
	];
	const connections = Object.fromEntries(
		nodes.slice(0, -1).map((node, i) => [node.name, { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { name, nodes, connections };
}

beforeAll(async () => {
	await server.listen();
	bed = await N8nTestBed.create({ name: 'node-requests' });
	await bed.importCredentials([
		{
			...SITE,
			type: 'viafouraApi',
			data: { baseUrl: server.url, siteId: VIAFOURA_SITE.siteId, apiKey: VIAFOURA_SITE.apiKey },
		},
	]);
	[batchId, timeoutId] = await bed.importWorkflows([
		workflow('Viafoura batch, 5 at a time', ITEMS, { concurrency: 5 }),
		workflow('Viafoura with a 1 s timeout', 2, { options: { timeout: 1000 } }, { onError: 'continueRegularOutput' }),
	]);
});

afterAll(async () => {
	server.resetFaults();
	await bed?.dispose();
	await server.close();
});

beforeEach(() => {
	server.clearLog();
	server.resetFaults();
});

const logins = () => server.requests('POST', '/rest/v1/accounts/login');

test('a 429 with Retry-After half-way through pauses the batch and resends only the refused request', async () => {
	server.setLatency(30);
	const run = bed.execute(batchId);
	// Refuse the 11th login request, half-way through the batch.
	while (logins().length < 10) await new Promise((resolve) => setTimeout(resolve, 5));
	server.failNext(1, { status: 429, retryAfter: 1, pathPrefix: '/rest/v1/accounts/login' });
	const result = await run;
	result.assertOk();

	const output = result.nodeOutput('Log In');
	expect(output).toHaveLength(ITEMS);
	expect(output.every((item) => typeof item.session === 'string')).toBe(true);
	expect(logins().filter((entry) => entry.status === 429)).toHaveLength(1);
	expect(logins()).toHaveLength(ITEMS + 1);
	// Each item sent its own reader, in input order.
	const sent = logins()
		.filter((entry) => entry.status === 200)
		.map((entry) => entry.form?.id);
	expect(new Set(sent)).toEqual(new Set(Array.from({ length: ITEMS }, (_, i) => `e2e-${i}`)));
	expect(result.nodeRuns('Log In')[0].data?.main?.[0]?.map((item) => item.pairedItem)).toEqual(
		Array.from({ length: ITEMS }, (_, item) => ({ item })),
	);
});

test('the Timeout option ends a request that takes longer, and the item fails saying Viafoura did not answer in time', async () => {
	server.setLatency(4000);
	const result = await bed.execute(timeoutId);
	result.assertOk();
	const output = result.nodeOutput('Log In');
	expect(output).toHaveLength(2);
	// Without the timeout both logins would succeed after 4 s.
	for (const item of output) expect(item.error).toBe(`Viafoura did not answer in time (${server.url}, 1 s)`);
	expect(output.some((item) => typeof item.session === 'string')).toBe(false);
});
