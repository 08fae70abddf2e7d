/* eslint-disable @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * The demo set-up fits the package: every demo credential fills in only fields the package's credential
 * type has, with options it offers; every example links to a demo credential that exists, points only
 * at the local provider servers once imported, and can be run by `npm run demo`; and the example
 * files themselves carry no local addresses and explain themselves with sticky notes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { RingCxApi } from '../../../../credentials/RingCxApi.credentials';
import { SatelliteApi } from '../../../../credentials/SatelliteApi.credentials';
import { ViafouraApi } from '../../../../credentials/ViafouraApi.credentials';
import { VirtuousApi } from '../../../../credentials/VirtuousApi.credentials';
import type { WorkflowFixture } from '../../../n8n/testBed';
import {
	demoFixtures,
	EXAMPLES_DIR,
	exampleFiles,
	startDemoSetup,
	type DemoSetup,
} from '../../../../scripts/demo/demoSetup';
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

const CREDENTIAL_TYPES: ICredentialType[] = [new RingCxApi(), new VirtuousApi(), new SatelliteApi(), new ViafouraApi()];

test('demo credentials for every provider and sign-in, each of a credential type the package declares', () => {
	expect(setup.credentials.map(({ id, type }) => ({ id, type }))).toEqual([
		{ id: 'demoRingCxApi0001', type: 'ringCxApi' },
		{ id: 'demoRingCxRcLogin', type: 'ringCxApi' },
		{ id: 'demoVirtuousApi01', type: 'virtuousApi' },
		{ id: 'satelliteCredential', type: 'satelliteApi' },
		{ id: 'demoViafouraApi01', type: 'viafouraApi' },
	]);
	expect(setup.entries.map(({ entry }) => entry.provider)).toEqual(['ringcx', 'virtuous', 'satellite', 'viafoura']);
});

test("every demo credential fills in only its type's fields, with values its options offer", () => {
	// A renamed field or option in credentials/ would otherwise leave `npm start` with a credential n8n
	// silently ignores parts of.
	for (const credential of setup.credentials) {
		const type = CREDENTIAL_TYPES.find((candidate) => candidate.name === credential.type);
		expect({ credential: credential.id, declared: Boolean(type) }).toEqual({
			credential: credential.id,
			declared: true,
		});
		const properties = new Map<string, INodeProperties>(type!.properties.map((property) => [property.name, property]));
		for (const [field, value] of Object.entries(credential.data)) {
			const property = properties.get(field);
			const offered =
				property?.type === 'options'
					? property.options?.map((option) => ('value' in option ? option.value : undefined))
					: undefined;
			expect({
				credential: credential.id,
				field,
				known: Boolean(property),
				offered: offered ? offered.includes(value as string) : true,
			}).toEqual({ credential: credential.id, field, known: true, offered: true });
		}
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
	for (const file of exampleFiles()) {
		expect({ file, local: /127\.0\.0\.1|localhost/.test(raw(file)) }).toEqual({ file, local: false });
	}
	// Sticky notes may mention a production host in their text; node parameters may not. Only the
	// Virtuous example names a host in a node parameter (its HTTP Request node's URL).
	const parameterHosts = Object.fromEntries(
		setup.examples.map((example) => [
			example.file,
			example.workflow.nodes
				.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
				.flatMap((node) =>
					[...JSON.stringify(node.parameters ?? {}).matchAll(/https?:\/\/[^"\\/]+/g)].map((match) => match[0]),
				),
		]),
	);
	expect(parameterHosts).toEqual({
		'ringcx-token-housekeeping.json': [],
		'satellite-send-then-verify.json': [],
		'viafoura-login-logout.json': [],
		'virtuous-http-request.json': [setup.providers.servers.virtuous.url],
	});
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
	expect(again.examples.map((example) => example.workflow.id)).toEqual(
		setup.examples.map((example) => example.workflow.id),
	);
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
