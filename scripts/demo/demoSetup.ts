/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- not shipped: runs in Node, not inside n8n */
/**
 * The demo set-up shared by `npm start`, `npm run demo` and the browser tests: the bundled provider
 * servers, a demo credential for each provider pointing at them, and every example workflow in
 * examples/, ready to import into n8n.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { N8nFormVisitor } from '../../test/n8n/n8nServer';
import { REPO_ROOT, type CredentialFixture, type WorkflowFixture } from '../../test/n8n/testBed';
import { PROVIDERS, startProviders, type RunningProviders } from '../../test/providers/index';
import type { ProviderServer } from '../../test/providers/providerServer';
import { DEMO_PROVIDERS, type DemoExample, type DemoProvider } from './demoProviders';

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

export interface ExampleWorkflow {
	/** File name in examples/. */
	file: string;
	/** The workflow's name in n8n. */
	name: string;
	/** Ready to import: a stable id, production URLs pointed at the local servers. */
	workflow: WorkflowFixture & { id: string; name: string };
	/** Its manual trigger's name; absent for examples a person starts otherwise (a form), which are activated. */
	manualTrigger?: string;
	/** The demo set-up step of its provider entry, if any. */
	beforeDemoRun?: () => Promise<void>;
	/** What a person does to run it outside the editor, if it has no manual trigger. */
	actOutDemoRun?: (forms: N8nFormVisitor) => Promise<void>;
}

export interface DemoSetup {
	providers: RunningProviders;
	/** Provider entries whose server is running, in DEMO_PROVIDERS order. */
	entries: Array<{ entry: DemoProvider; server: ProviderServer }>;
	credentials: CredentialFixture[];
	examples: ExampleWorkflow[];
}

/** Every example file, sorted by name. */
export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

/** n8n workflow ids are at most 21 characters; derived from the file name so URLs stay the same across runs. */
export function exampleWorkflowId(file: string): string {
	return `ex${createHash('sha256').update(file).digest('hex').slice(0, 14)}`;
}

/**
 * Starts every bundled provider server (`ports` maps a provider to its port; missing or 0 picks a
 * free one) and builds the demo credentials and example workflows for them.
 */
export async function startDemoSetup(ports: Record<string, number> = {}): Promise<DemoSetup> {
	const providers = await startProviders(Object.keys(PROVIDERS), ports);
	try {
		return { providers, ...demoFixtures(providers) };
	} catch (error) {
		await providers.close();
		throw error;
	}
}

/** The demo credentials and examples for providers that are already running. */
export function demoFixtures(providers: RunningProviders): Omit<DemoSetup, 'providers'> {
	const entries = DEMO_PROVIDERS.filter((entry) => providers.servers[entry.provider]).map((entry) => ({
		entry,
		server: providers.servers[entry.provider],
	}));
	const servers = Object.fromEntries(Object.entries(providers.servers).map(([name, server]) => [name, server.url]));
	const credentials = entries.flatMap(({ entry, server }) => entry.credentials(server.url, servers));

	const hooks = new Map<string, { example: DemoExample; server: ProviderServer }>();
	for (const { entry, server } of entries) {
		for (const example of entry.examples) {
			if (!existsSync(join(EXAMPLES_DIR, example.file))) {
				throw new Error(`The ${entry.label} demo entry lists examples/${example.file}, which does not exist`);
			}
			hooks.set(example.file, { example, server });
		}
	}

	const examples = exampleFiles().map((file): ExampleWorkflow => {
		let text = readFileSync(join(EXAMPLES_DIR, file), 'utf8');
		for (const { entry, server } of entries) {
			for (const productionUrl of entry.productionUrls ?? []) text = text.split(productionUrl).join(server.url);
		}
		const parsed = JSON.parse(text) as WorkflowFixture & { name?: string };
		const name = parsed.name ?? file.replace(/\.json$/, '');
		const workflow = { ...parsed, id: exampleWorkflowId(file), name };
		const hook = hooks.get(file);
		const beforeDemoRun = hook?.example.beforeDemoRun;
		const actOutDemoRun = hook?.example.actOutDemoRun;
		return {
			file,
			name,
			workflow,
			manualTrigger: workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger')?.name,
			beforeDemoRun: beforeDemoRun && hook ? async () => await beforeDemoRun(hook.server) : undefined,
			actOutDemoRun:
				actOutDemoRun && hook
					? async (forms) => await actOutDemoRun({ server: hook.server, workflow, forms })
					: undefined,
		};
	});
	return { entries, credentials, examples };
}
