/**
 * The demo set-up fits together: every example links to a demo credential that exists, points only
 * at the local provider servers once imported, and can be run by `npm run demo`; and the example
 * files themselves carry no local addresses and explain themselves with sticky notes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { WorkflowFixture } from '../../../n8n/testBed';
import { demoFixtures, EXAMPLES_DIR, exampleFiles, startDemoSetup, type DemoSetup } from '../../../../scripts/demo/demoSetup';
import { formatTable } from '../../../../scripts/demo/runExamples';

let setup: DemoSetup;

beforeAll(async () => {
	setup = await startDemoSetup();
});

afterAll(async () => {
	await setup?.providers.close();
});

const raw = (file: string) => readFileSync(join(EXAMPLES_DIR, file), 'utf8');
const nodesUsingCredentials = (workflow: WorkflowFixture) => workflow.nodes.filter((node) => node.credentials);

test('every provider server has a demo entry, and every demo entry a credential', () => {
	expect(setup.entries.map(({ entry }) => entry.provider).sort()).toEqual(Object.keys(setup.providers.servers).sort());
	for (const { entry, server } of setup.entries) {
		expect({ provider: entry.provider, credentials: entry.credentials(server.url).length }).toEqual({
			provider: entry.provider,
			credentials: expect.any(Number),
		});
		expect(entry.credentials(server.url).length).toBeGreaterThan(0);
	}
});

test('every example links only to demo credentials that exist, by id and type', () => {
	const demoCredentials = new Map(setup.credentials.map((credential) => [credential.id, credential.type]));
	for (const example of setup.examples) {
		const links = nodesUsingCredentials(example.workflow).flatMap((node) =>
			Object.entries(node.credentials ?? {}).map(([type, { id }]) => ({ node: node.name, type, id })),
		);
		expect({ file: example.file, links: links.length > 0 }).toEqual({ file: example.file, links: true });
		for (const link of links) {
			expect({ file: example.file, ...link, exists: demoCredentials.get(link.id) }).toEqual({
				file: example.file,
				...link,
				exists: link.type,
			});
		}
	}
});

test('imported examples reach only the local provider servers; the files themselves name no local address', () => {
	const localUrls = Object.values(setup.providers.servers).map((server) => server.url);
	for (const file of exampleFiles()) {
		expect({ file, local: /127\.0\.0\.1|localhost/.test(raw(file)) }).toEqual({ file, local: false });
	}
	for (const example of setup.examples) {
		const urls = [...JSON.stringify(example.workflow.nodes).matchAll(/https?:\/\/[^"\\/]+/g)].map((match) => match[0]);
		// Sticky notes may mention a production host in their text; node parameters may not.
		const parameterUrls = example.workflow.nodes
			.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
			.flatMap((node) => [...JSON.stringify(node.parameters ?? {}).matchAll(/https?:\/\/[^"\\/]+/g)].map((match) => match[0]));
		for (const url of parameterUrls) expect({ file: example.file, url, local: localUrls.includes(url) }).toEqual({ file: example.file, url, local: true });
		expect(urls.length).toBeGreaterThanOrEqual(parameterUrls.length);
	}
});

test('every example can be run by the demo: from a manual trigger, or acted out by its provider entry', () => {
	for (const example of setup.examples) {
		expect({ file: example.file, runnable: Boolean(example.manualTrigger || example.actOutDemoRun) }).toEqual({
			file: example.file,
			runnable: true,
		});
	}
});

test('every example explains itself with sticky notes and has stable ids', () => {
	for (const example of setup.examples) {
		const notes = example.workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');
		expect({ file: example.file, notes: notes.length >= 1 }).toEqual({ file: example.file, notes: true });
		expect(example.workflow.id).toMatch(/^[A-Za-z0-9]{1,21}$/);
	}
	const again = demoFixtures(setup.providers);
	expect(again.examples.map((example) => example.workflow.id)).toEqual(setup.examples.map((example) => example.workflow.id));
});

test('the demo table lines up its columns', () => {
	const table = formatTable([
		{ workflow: 'Short', file: 'a.json', status: 'success', itemsOut: 2, timeMs: 15 },
		{ workflow: 'A much longer workflow name', file: 'b.json', status: 'error', itemsOut: 0, timeMs: 1234 },
	]);
	expect(table.split('\n')).toEqual([
		'Workflow                     Status   Items out     Time',
		'---------------------------  -------  ---------  -------',
		'Short                        success          2    15 ms',
		'A much longer workflow name  error            0  1234 ms',
	]);
});
