/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
/**
 * `npm start`: a real n8n with this package, the bundled provider servers, demo credentials and the
 * example workflows; prints the editor URL and the demo login; Ctrl-C stops everything it started.
 *
 * `npm run demo` (`--demo`): the same set-up, headless: runs every example workflow once in that
 * n8n, prints a table (workflow, status, items out, time) and exits non-zero if any failed.
 *
 * Ports: N8N_PORT (default 5678) for the editor, PROVIDER_PORT_<NAME> for each provider server
 * (defaults in test/providers/index.ts). The demo picks free ports unless those are set.
 */
import { DEMO_OWNER, N8nServer, assertPortFree } from '../test/n8n/n8nServer';
import { PROVIDERS, portVariable } from '../test/providers/index';
import type { LoggedRequest } from '../test/providers/providerServer';
import { formTriggerPath } from './demo/demoProviders';
import { startDemoSetup, type DemoSetup } from './demo/demoSetup';
import { formatTable, runExamples } from './demo/runExamples';

const DEFAULT_N8N_PORT = 5678;

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (line: string) => say(`» ${line}`);

/** Cleanup steps, run last-in first-out on exit or Ctrl-C. */
const cleanups: Array<() => Promise<void>> = [];
let shuttingDown: Promise<void> | undefined;

function shutDown(): Promise<void> {
	shuttingDown ??= (async () => {
		while (cleanups.length > 0) {
			const cleanup = cleanups.pop()!;
			await cleanup().catch((error: unknown) => say(`While stopping: ${errorText(error)}`));
		}
	})();
	return shuttingDown;
}

function onSignals(handler: (signal: NodeJS.Signals) => void): void {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
}

function readPort(variable: string, fallback: number): number {
	const raw = process.env[variable];
	if (raw === undefined || raw.trim() === '') return fallback;
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new Error(`${variable}=${raw} is not a port number (0-65535; 0 picks a free port)`);
	}
	return port;
}

function providerPorts(useDefaults: boolean): Record<string, number> {
	return Object.fromEntries(
		Object.entries(PROVIDERS).map(([name, entry]) => [
			name,
			readPort(portVariable(name), useDefaults ? entry.defaultPort : 0),
		]),
	);
}

/**
 * Prints each provider request as it arrives (method, path, status; long path segments shortened),
 * and what a provider 'sent' to a person (a texted code), so it can be typed into a credential.
 */
function followProviders(setup: DemoSetup): () => void {
	const seenRequests = new Map<string, number>();
	const seenMessages = new Map<string, number>();
	const show = (name: string, entry: LoggedRequest) => {
		const path = entry.path
			.split('/')
			.map((segment) => (segment.length > 20 ? `…${segment.slice(-4)}` : segment))
			.join('/');
		say(`  [${name}] ${entry.method} ${path} → ${entry.status}`);
	};
	const timer = setInterval(() => {
		for (const [name, server] of Object.entries(setup.providers.servers)) {
			server.log.slice(seenRequests.get(name) ?? 0).forEach((entry) => show(name, entry));
			seenRequests.set(name, server.log.length);
		}
		for (const { entry, server } of setup.entries) {
			const messages = entry.messages?.(server) ?? [];
			for (const message of messages.slice(seenMessages.get(entry.provider) ?? 0))
				say(`  [${entry.provider}] ✉ ${message}`);
			seenMessages.set(entry.provider, messages.length);
		}
	}, 500);
	return () => clearInterval(timer);
}

/** Provider servers, then n8n with the demo credentials and examples; both stopped by shutDown(). */
async function startDemoN8n(
	name: string,
	n8nPort: number,
	ports: Record<string, number>,
): Promise<{ setup: DemoSetup; server: N8nServer }> {
	step('Starting the bundled provider servers');
	const setup = await startDemoSetup(ports);
	cleanups.push(async () => await setup.providers.close());

	const server = await N8nServer.start({
		name,
		port: n8nPort,
		credentials: setup.credentials,
		workflows: setup.examples.map((example) => example.workflow),
		activate: setup.examples.filter((example) => !example.manualTrigger).map((example) => example.workflow.id),
		progress: step,
	});
	cleanups.push(async () => await server.stop());
	return { setup, server };
}

async function startEditor(): Promise<void> {
	const n8nPort = readPort('N8N_PORT', DEFAULT_N8N_PORT);
	const ports = providerPorts(true);
	// Busy ports are reported before minutes of set-up, not after.
	await assertPortFree(n8nPort, 'n8n', 'N8N_PORT');

	let stopRequested = false;
	let firstSignalAt = 0;
	onSignals(() => {
		// Under `npm start` one Ctrl-C arrives twice: from the terminal and relayed by tsx.
		if (stopRequested && Date.now() - firstSignalAt < 1500) return;
		if (stopRequested) {
			say('Stopping now.');
			process.exit(130);
		}
		stopRequested = true;
		firstSignalAt = Date.now();
		say('\nStopping n8n and the provider servers… (Ctrl-C again to force)');
		void shutDown().then(() => {
			say('Stopped. Nothing is left running.');
			process.exit(0);
		});
	});

	const { setup, server } = await startDemoN8n('npm-start', n8nPort, ports);
	if (stopRequested) return;

	const editorUrl = `http://localhost:${server.port}`;
	say();
	say('═'.repeat(72));
	say(`  n8n is running: ${editorUrl}`);
	say(`  Log in with:    ${DEMO_OWNER.email}  /  ${DEMO_OWNER.password}`);
	say();
	say('  Example workflows (Overview → Workflows):');
	for (const example of setup.examples) {
		say(`    • ${example.name}`);
		say(`        ${editorUrl}/workflow/${example.workflow.id}`);
		if (!example.manualTrigger && example.workflow.nodes.some((node) => node.type === 'n8n-nodes-base.formTrigger')) {
			say(`        It is active: try its form at ${editorUrl}${formTriggerPath(example.workflow)}`);
		}
	}
	say();
	say('  Demo credentials (Overview → Credentials) and their local provider servers:');
	const servers = Object.fromEntries(
		Object.entries(setup.providers.servers).map(([name, server]) => [name, server.url]),
	);
	for (const { entry, server: provider } of setup.entries) {
		const names = entry.credentials(provider.url, servers).map((credential) => `"${credential.name}"`);
		say(`    • ${entry.label}: ${names.join(', ')} → ${provider.url}`);
		for (const note of entry.notes?.(provider.url) ?? []) say(`        ${note}`);
		say(`        Requests it received: ${provider.url}/__control/log`);
	}
	say();
	say(`  n8n's own log: ${server.logFile}`);
	say('  Press Ctrl-C to stop n8n and the provider servers.');
	say('═'.repeat(72));
	say('Provider requests (and codes the providers send) as they arrive:');
	const stopFollowing = followProviders(setup);
	cleanups.push(async () => stopFollowing());
}

async function runDemo(): Promise<void> {
	const n8nPort = readPort('N8N_PORT', 0);
	const ports = providerPorts(false);
	onSignals(() => {
		say('\nStopping…');
		void shutDown().then(() => process.exit(130));
	});

	const { setup, server } = await startDemoN8n('npm-run-demo', n8nPort, ports);

	step('Running every example workflow once');
	const client = await server.logIn();
	const rows = await runExamples(server, client, setup.examples, (row) =>
		say(`  ${row.status === 'success' ? '✔' : '✘'} ${row.workflow}`),
	);
	say();
	say(formatTable(rows));
	const failed = rows.filter((row) => row.status !== 'success');
	for (const row of failed) {
		say();
		say(`✘ ${row.workflow} (examples/${row.file}):`);
		say(row.failure ?? 'failed');
	}
	say();
	if (rows.length === 0) say('No example workflows found in examples/.');
	else
		say(
			failed.length === 0
				? `All ${rows.length} example workflows succeeded.`
				: `${failed.length} of ${rows.length} example workflows failed.`,
		);
	process.exitCode = failed.length === 0 && rows.length > 0 ? 0 : 1;
	await shutDown();
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

const demo = process.argv.includes('--demo');
(demo ? runDemo() : startEditor()).catch(async (error: unknown) => {
	say();
	say(`✘ ${errorText(error)}`);
	await shutDown();
	process.exit(1);
});
