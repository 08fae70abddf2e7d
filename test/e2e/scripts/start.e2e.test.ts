/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * The two commands a person runs, as they run them: `npm run demo` prints a table in which every
 * example workflow succeeds; `npm start` opens the editor, prints the login, and Ctrl-C leaves
 * nothing behind; a busy port stops it at once with a message that says what to do.
 * (`npm start`/`npm run demo` are `npm run build` followed by this script; the build ran before the
 * e2e tests.)
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { assertPortFree } from '../../n8n/n8nServer';
import { REPO_ROOT } from '../../n8n/testBed';
import { EXAMPLES_DIR, exampleFiles } from '../../../scripts/demo/demoSetup';
import { freePort } from '../../n8n/processes';

jest.setTimeout(15 * 60 * 1000);

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

interface Started {
	output: () => string;
	exited: Promise<number | null>;
	signal: (signal: NodeJS.Signals) => void;
}

function startScript(args: string[], env: Record<string, string> = {}): Started {
	const child = spawn(TSX, ['scripts/start.ts', ...args], {
		cwd: REPO_ROOT,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	return {
		output: () => output,
		exited: new Promise((resolve) => child.on('close', (code) => resolve(code))),
		signal: (signal) => child.kill(signal),
	};
}

async function waitForOutput(started: Started, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const match = pattern.exec(started.output());
		if (match) return match;
		if (Date.now() > deadline) throw new Error(`No ${pattern} within ${timeoutMs} ms. Output:\n${started.output()}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function occupy(): Promise<{ port: number; server: Server }> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { port: (server.address() as { port: number }).port, server };
}

test('npm run demo: a table with every example workflow succeeding, exit code 0', async () => {
	const demo = startScript(['--demo']);
	const code = await demo.exited;
	const output = demo.output();
	expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('example workflows succeeded') });
	const header = output.split('\n').findIndex((line) => /^Workflow\s+Status\s+Items out\s+Time$/.test(line));
	expect(header).toBeGreaterThanOrEqual(0);
	// One row per example, in file order, each naming its workflow and reporting success.
	const exampleNames = exampleFiles().map(
		(file) =>
			(JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as { name?: string }).name ??
			file.replace(/\.json$/, ''),
	);
	const rows = output.split('\n').slice(header + 2, header + 2 + exampleNames.length);
	expect(rows.map((row) => /^(.*?)\s+(\w+)\s+\d+\s+\d+ ms$/.exec(row)?.slice(1, 3))).toEqual(
		exampleNames.map((name) => [name, 'success']),
	);
});

test('npm start: the editor answers, the login is printed, and Ctrl-C stops everything', async () => {
	const n8nPort = await freePort();
	const providerPorts = Object.fromEntries(
		await Promise.all(['RINGCX', 'VIRTUOUS', 'SATELLITE', 'VIAFOURA', 'RINGCENTRAL'].map(async (name) => [`PROVIDER_PORT_${name}`, String(await freePort())])),
	);
	const started = startScript([], { N8N_PORT: String(n8nPort), ...providerPorts });
	try {
		await waitForOutput(started, /Press Ctrl-C/, 10 * 60 * 1000);
		const output = started.output();
		expect(output).toContain(`n8n is running: http://localhost:${n8nPort}`);
		expect(output).toMatch(/Log in with:\s+demo@example\.com\s+\/\s+Demo-passw0rd/);
		const userFolder = /its output goes to (\S+)\/n8n\.log/.exec(output)?.[1];
		expect(userFolder && existsSync(userFolder)).toBe(true);

		const signIn = await fetch(`http://127.0.0.1:${n8nPort}/signin`);
		expect(signIn.status).toBe(200);
		const ringCx = Number(providerPorts.PROVIDER_PORT_RINGCX);
		await expect(fetch(`http://127.0.0.1:${ringCx}/__control/state`).then((response) => response.status)).resolves.toBe(200);

		started.signal('SIGINT');
		await expect(started.exited).resolves.toBe(0);
		expect(started.output()).toContain('Stopped. Nothing is left running.');
		// n8n, its task runner and the provider servers let go of their ports; the temp folder is gone.
		await expect(assertPortFree(n8nPort, 'n8n', 'N8N_PORT')).resolves.toBeUndefined();
		for (const port of Object.values(providerPorts)) {
			await expect(assertPortFree(Number(port), 'a provider', 'PROVIDER_PORT_*')).resolves.toBeUndefined();
		}
		expect(existsSync(userFolder!)).toBe(false);
	} finally {
		started.signal('SIGKILL');
	}
});

test('npm start on a busy port says which port and how to pick another, at once', async () => {
	const busy = await occupy();
	try {
		const n8nBusy = startScript([], { N8N_PORT: String(busy.port) });
		await expect(n8nBusy.exited).resolves.toBe(1);
		expect(n8nBusy.output()).toContain(
			`Port ${busy.port} for n8n is already in use. Stop whatever uses it, or pick another port with N8N_PORT=<port>.`,
		);

		const providerBusy = startScript([], { N8N_PORT: String(await freePort()), PROVIDER_PORT_RINGCX: String(busy.port) });
		await expect(providerBusy.exited).resolves.toBe(1);
		expect(providerBusy.output()).toContain(
			`Port ${busy.port} for the ringcx provider server is already in use. Stop whatever uses it, or set PROVIDER_PORT_RINGCX to another port.`,
		);
	} finally {
		busy.server.close();
	}
});
