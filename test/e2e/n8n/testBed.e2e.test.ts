/** Proves the test bed drives a real n8n: workflows run, failures and credentials come back, our package loads. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { N8nTestBed, REPO_ROOT, type WorkflowFixture } from '../../n8n/testBed';

// Jest applies `testTimeout` only as a global option, not per project, so e2e files set it themselves:
// the first run on a machine installs n8n (~5 min), and every n8n command takes seconds.
jest.setTimeout(15 * 60 * 1000);

const PACKAGE_NAME = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string }).name;
const distBuilt = existsSync(join(REPO_ROOT, 'dist', 'nodes'));

const manualTrigger = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 };
const connect = (...names: string[]): WorkflowFixture['connections'] =>
	Object.fromEntries(
		names.slice(0, -1).map((from, i) => [from, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	);
const editFields = {
	name: 'Edit Fields',
	type: 'n8n-nodes-base.set',
	typeVersion: 3.4,
	parameters: {
		mode: 'manual',
		assignments: {
			assignments: [
				{ id: 'a1', name: 'greeting', value: 'hello from n8n', type: 'string' },
				{ id: 'a2', name: 'answer', value: '={{ 40 + 2 }}', type: 'number' },
			],
		},
		options: {},
	},
};

describe('n8n test bed', () => {
	let bed: N8nTestBed;

	beforeAll(async () => {
		bed = await N8nTestBed.create({ name: 'self-test', installPackage: distBuilt });
	});

	afterAll(async () => {
		await bed?.dispose();
	});

	test('runs a workflow of built-in nodes and returns each node output', async () => {
		const result = await bed.runWorkflow({
			name: 'built-in only',
			nodes: [manualTrigger, editFields],
			connections: connect('Start', 'Edit Fields'),
		});

		result.assertOk();
		expect(result.run?.status).toBe('success');
		expect(result.nodeOutput('Edit Fields')).toEqual([{ greeting: 'hello from n8n', answer: 42 }]);
		expect(result.nodeError('Edit Fields')).toBeUndefined();
	});

	test('reports a failing node with its error instead of throwing', async () => {
		const result = await bed.runWorkflow({
			nodes: [
				manualTrigger,
				{ name: 'Boom', type: 'n8n-nodes-base.stopAndError', typeVersion: 1, parameters: { errorMessage: 'kaboom' } },
			],
			connections: connect('Start', 'Boom'),
		});

		expect(result.ok).toBe(false);
		expect(result.nodeError('Boom')).toMatchObject({ message: 'kaboom', node: { name: 'Boom' } });
		expect(result.nodeOutput('Boom')).toEqual([]);
		expect(result.failureSummary()).toContain('kaboom');
	});

	test('imports credentials and reads them back decrypted', async () => {
		await bed.importCredentials([
			{ id: 'bedSelfTestCred1', name: 'Header auth', type: 'httpHeaderAuth', data: { name: 'X-Api-Key', value: 'k-123' } },
		]);

		await expect(bed.readCredential('bedSelfTestCred1')).resolves.toEqual({ name: 'X-Api-Key', value: 'k-123' });
	});

	const packageTest = distBuilt ? test : test.skip;
	packageTest(
		distBuilt
			? `loads ${PACKAGE_NAME} as a community package`
			: `loads ${PACKAGE_NAME} as a community package (skipped: dist/nodes is missing, run \`npm run build\`)`,
		async () => {
			const ours = (await bed.listNodeTypes()).filter((type) => type.name.startsWith(`${PACKAGE_NAME}.`));
			// Each node the package declares in package.json `n8n.nodes` is loaded.
			expect(ours.map((type) => type.name)).toEqual(
				expect.arrayContaining(['ringCx', 'satellite', 'viafoura', 'virtuous'].map((name) => `${PACKAGE_NAME}.${name}`)),
			);

			// Executing resolves every node type, disabled ones included: an unloaded package fails
			// with "Unrecognized node type" before anything runs. Disabled, the node needs no credentials.
			const [node] = ours;
			const typeVersion = Array.isArray(node.version) ? Math.max(...node.version) : node.version;
			const result = await bed.runWorkflow({
				nodes: [manualTrigger, { name: 'Ours', type: node.name, typeVersion, disabled: true }, editFields],
				connections: connect('Start', 'Ours', 'Edit Fields'),
			});

			result.assertOk();
			expect(result.nodeOutput('Edit Fields')).toEqual([{ greeting: 'hello from n8n', answer: 42 }]);
		},
	);
});
