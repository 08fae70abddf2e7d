/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- not shipped: runs in Node, not inside n8n */
/**
 * A local npm registry (verdaccio) for tests that install packages the way users do, through npm:
 * n8n's community-package installer above all (see test/e2e/installer.e2e.test.ts).
 *
 * Verdaccio is a test tool, not a dependency of the project, so it is installed like the n8n runtime
 * (runtime.ts): once per machine into a cache folder beside it, `verdaccio-<version>`, with the
 * runtime's Node (verdaccio 6.10 needs Node 22+), in a scratch folder renamed into place only when the
 * install is complete. Two processes installing at once both finish; the second one uses the first
 * one's copy. `VERDACCIO_DIR` moves the folder.
 *
 * Every LocalRegistry has its own temp folder (config, storage, npm user config and cache) and a free
 * loopback port, and has no uplink: it serves only what the test published to it. Anyone may read and
 * publish, so publishing needs no account; npm still refuses to publish without a token for the
 * registry, so the npm user config carries a made-up one that verdaccio ignores.
 *
 * Measured on the 2-core dev machine: install ~10 s (once), start ~2 s, publish ~0.5 s a package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, readdirSync, rmSync, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { defaultRuntimeDir, ensureN8nRuntime, type N8nRuntime } from './runtime';
import { freePort, isProcessAlive, killProcessGroup } from './processes';

/** The newest verdaccio 6 when this was written; a new version installs into a new folder. */
export const VERDACCIO_VERSION = '6.10.4';

const MARKER_FILE = '.installed.json';
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export interface VerdaccioInstall {
	/** The cache folder holding the install. */
	dir: string;
	/** verdaccio's CLI script; run it as `runtime.nodeBin bin`. */
	bin: string;
	runtime: N8nRuntime;
}

/** `${VERDACCIO_DIR}`, or `verdaccio-<version>` beside the n8n runtime's cache folder. */
export function defaultVerdaccioDir(): string {
	return process.env.VERDACCIO_DIR || join(dirname(defaultRuntimeDir()), `verdaccio-${VERDACCIO_VERSION}`);
}

function verdaccioBin(dir: string): string {
	return join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
}

function isComplete(dir: string): boolean {
	try {
		const marker = JSON.parse(readFileSync(join(dir, MARKER_FILE), 'utf8')) as { verdaccio?: string };
		return marker.verdaccio === VERDACCIO_VERSION && existsSync(verdaccioBin(dir));
	} catch {
		return false;
	}
}

let pendingInstall: Promise<VerdaccioInstall> | undefined;

/** The installed verdaccio, installing it first when its cache folder has no complete install. */
export function ensureVerdaccio(log: (line: string) => void = defaultLog): Promise<VerdaccioInstall> {
	pendingInstall ??= (async () => {
		const runtime = await ensureN8nRuntime({ log });
		const dir = defaultVerdaccioDir();
		if (!isComplete(dir)) await install(dir, runtime, log);
		return { dir, bin: verdaccioBin(dir), runtime };
	})().catch((error: unknown) => {
		pendingInstall = undefined;
		throw error;
	});
	return pendingInstall;
}

function defaultLog(line: string): void {
	process.stderr.write(`[local registry] ${line}\n`);
}

async function install(dir: string, runtime: N8nRuntime, log: (line: string) => void): Promise<void> {
	const parent = dirname(dir);
	await mkdir(parent, { recursive: true });
	const scratchPrefix = `${basename(dir)}.partial-`;
	for (const entry of readdirSync(parent)) {
		if (!entry.startsWith(scratchPrefix)) continue;
		const pid = Number(entry.slice(scratchPrefix.length).split('-')[0]);
		if (!isProcessAlive(pid)) await rm(join(parent, entry), { recursive: true, force: true });
	}
	const scratch = join(parent, `${scratchPrefix}${process.pid}-${Date.now()}`);
	await mkdir(scratch, { recursive: true });
	try {
		log(`Installing verdaccio ${VERDACCIO_VERSION} into ${dir} (one time, ~10 s)`);
		await writeFile(join(scratch, 'package.json'), '{"private":true}\n');
		// No install scripts: verdaccio is plain JavaScript, and nothing may download from elsewhere.
		await runCommand('npm', ['install', '--ignore-scripts', '--save-exact', `verdaccio@${VERDACCIO_VERSION}`], {
			cwd: scratch,
			env: runtime.env,
		});
		const version = (
			await runCommand(runtime.nodeBin, [verdaccioBin(scratch), '--version'], { cwd: scratch, env: runtime.env })
		).trim();
		if (version !== `v${VERDACCIO_VERSION}`)
			throw new Error(`Expected verdaccio v${VERDACCIO_VERSION}, got ${version}`);
		await writeFile(
			join(scratch, MARKER_FILE),
			`${JSON.stringify({ verdaccio: VERDACCIO_VERSION, installedAt: new Date().toISOString() }, null, 2)}\n`,
		);
		if (existsSync(dir) && !isComplete(dir)) await rm(dir, { recursive: true, force: true });
		try {
			await rename(scratch, dir);
		} catch (error) {
			// Another process finished the same install first; use its copy.
			if (!isComplete(dir)) throw error;
			await rm(scratch, { recursive: true, force: true });
		}
		log(`verdaccio ${VERDACCIO_VERSION} ready in ${dir}`);
	} catch (error) {
		await rm(scratch, { recursive: true, force: true });
		throw new Error(`Installing verdaccio ${VERDACCIO_VERSION} failed: ${(error as Error).message}`);
	}
}

export interface StartLocalRegistryOptions {
	/** Shows up in the temp folder's name. */
	name: string;
	/** Receives progress lines; defaults to stderr. */
	log?: (line: string) => void;
}

export interface PublishedPackage {
	name: string;
	version: string;
}

export class LocalRegistry {
	private stopping?: Promise<void>;
	/** If our process exits without stop(), verdaccio must not outlive it, nor its temp folder. */
	private readonly exitGuard = () => {
		this.killGroup('SIGKILL');
		rmSync(this.rootDir, { recursive: true, force: true });
	};

	private constructor(
		/** `http://127.0.0.1:<port>`, without a trailing slash. */
		readonly url: string,
		/** Temp folder: config, storage, npm user config and cache, verdaccio's log. */
		readonly rootDir: string,
		/** Everything verdaccio printed. */
		readonly logFile: string,
		/**
		 * npm settings that make npm use this registry and nothing of the user's: its own user config
		 * (registry and the made-up token) and cache. Environment settings win over `.npmrc` files, so
		 * a caller's npm_config_registry cannot redirect npm elsewhere.
		 */
		readonly npmEnv: Record<string, string>,
		private readonly runtime: N8nRuntime,
		private readonly child: ChildProcess,
		private readonly logStream: WriteStream,
	) {
		process.once('exit', this.exitGuard);
	}

	static async start({ name, log = defaultLog }: StartLocalRegistryOptions): Promise<LocalRegistry> {
		const { bin, runtime } = await ensureVerdaccio(log);
		const rootDir = await mkdtemp(join(tmpdir(), `npm-registry-${name.replace(/[^a-zA-Z0-9_-]+/g, '-')}-`));
		try {
			const storage = join(rootDir, 'storage');
			const npmCache = join(rootDir, 'npm-cache');
			await mkdir(storage, { recursive: true });
			await mkdir(npmCache, { recursive: true });
			const configFile = join(rootDir, 'config.yaml');
			await writeFile(configFile, verdaccioConfig(storage, join(rootDir, 'htpasswd')));
			const logFile = join(rootDir, 'verdaccio.log');
			// A free port can be taken between probing and listening (other test runs on this machine): retry.
			for (let attempt = 1; ; attempt++) {
				const port = await freePort();
				const url = `http://127.0.0.1:${port}`;
				const npmrc = join(rootDir, 'npmrc');
				const token = randomBytes(12).toString('hex');
				await writeFile(npmrc, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=${token}\n`);
				const npmEnv = { npm_config_userconfig: npmrc, npm_config_registry: `${url}/`, npm_config_cache: npmCache };
				const logStream = createWriteStream(logFile, { flags: 'a' });
				const child = spawn(runtime.nodeBin, [bin, '--config', configFile, '--listen', `127.0.0.1:${port}`], {
					cwd: rootDir,
					env: runtime.env,
					stdio: ['ignore', 'pipe', 'pipe'],
					detached: true,
				});
				child.stdout?.pipe(logStream, { end: false });
				child.stderr?.pipe(logStream, { end: false });
				const registry = new LocalRegistry(url, rootDir, logFile, npmEnv, runtime, child, logStream);
				try {
					await registry.waitUntilReady();
					log(`npm registry (verdaccio ${VERDACCIO_VERSION}) ready on ${url}`);
					return registry;
				} catch (error) {
					const portTaken = /EADDRINUSE/.test(await registry.logTail());
					await registry.stop({ keepFolder: true });
					if (!portTaken || attempt >= 3) throw error;
				}
			}
		} catch (error) {
			await rm(rootDir, { recursive: true, force: true });
			throw error;
		}
	}

	/** `npm pack`s a package folder into `destination` (scripts skipped); answers the tarball's path. */
	async pack(folder: string, destination: string): Promise<string> {
		await mkdir(destination, { recursive: true });
		const stdout = await this.npm(['pack', folder, '--ignore-scripts', '--json', '--pack-destination', destination]);
		const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
		return join(destination, basename(filename));
	}

	/** Publishes a tarball or a package folder; answers what the registry then serves as its latest version. */
	async publish(source: string): Promise<PublishedPackage> {
		await this.npm(['publish', source, '--ignore-scripts', '--tag', 'latest']);
		const { name, version } = await this.manifest(source);
		const published = await this.latestVersion(name);
		if (published !== version)
			throw new Error(`Published ${name}@${version}, but the registry's latest is ${published}`);
		return { name, version };
	}

	/** The version the `latest` tag points at, or undefined when the registry does not know the package. */
	async latestVersion(packageName: string): Promise<string | undefined> {
		const response = await fetch(`${this.url}/${encodeURIComponent(packageName)}`);
		if (response.status === 404) return undefined;
		if (!response.ok)
			throw new Error(`The registry answered HTTP ${response.status} for ${packageName}: ${await response.text()}`);
		return ((await response.json()) as { 'dist-tags'?: { latest?: string } })['dist-tags']?.latest;
	}

	/** The tail of verdaccio's output, for error messages. */
	async logTail(characters = 3000): Promise<string> {
		const text = await readFile(this.logFile, 'utf8').catch(() => '');
		return text.length > characters ? `…${text.slice(-characters)}` : text;
	}

	/** Stops verdaccio and removes the temp folder. Safe to call twice. */
	stop({ keepFolder = false }: { keepFolder?: boolean } = {}): Promise<void> {
		this.stopping ??= (async () => {
			if (this.child.exitCode === null && this.child.signalCode === null) {
				const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
				this.killGroup('SIGTERM');
				const timer = setTimeout(() => this.killGroup('SIGKILL'), STOP_GRACE_MS);
				await exited;
				clearTimeout(timer);
			}
			process.removeListener('exit', this.exitGuard);
			await new Promise<void>((resolve) => this.logStream.end(resolve));
			if (!keepFolder) await rm(this.rootDir, { recursive: true, force: true, maxRetries: 3 });
		})();
		return this.stopping;
	}

	private async npm(args: string[]): Promise<string> {
		return await runCommand('npm', args, { cwd: this.rootDir, env: { ...this.runtime.env, ...this.npmEnv } });
	}

	private async manifest(source: string): Promise<PublishedPackage> {
		if (!source.endsWith('.tgz'))
			return JSON.parse(await readFile(join(source, 'package.json'), 'utf8')) as PublishedPackage;
		const json = await runCommand('tar', ['-xzOf', source, 'package/package.json'], {
			cwd: this.rootDir,
			env: this.runtime.env,
		});
		return JSON.parse(json) as PublishedPackage;
	}

	private killGroup(signal: NodeJS.Signals): void {
		killProcessGroup(this.child.pid, signal);
	}

	private async waitUntilReady(): Promise<void> {
		const deadline = Date.now() + START_TIMEOUT_MS;
		while (Date.now() < deadline) {
			if (this.child.exitCode !== null || this.child.signalCode !== null) {
				throw new Error(
					`verdaccio exited (${this.child.exitCode ?? this.child.signalCode}) before it was ready:\n${await this.logTail()}`,
				);
			}
			const ready = await fetch(`${this.url}/-/ping`)
				.then(async (response) => {
					await response.arrayBuffer();
					return response.ok;
				})
				.catch(() => false);
			if (ready) return;
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		throw new Error(`verdaccio was not ready within ${START_TIMEOUT_MS / 1000} s:\n${await this.logTail()}`);
	}
}

/** Anyone reads and publishes; no uplink, so only what a test published exists; no web UI. */
function verdaccioConfig(storage: string, htpasswd: string): string {
	return `storage: ${JSON.stringify(storage)}
auth:
  htpasswd:
    file: ${JSON.stringify(htpasswd)}
    max_users: -1
uplinks: {}
packages:
  '**':
    access: $all
    publish: $all
    unpublish: $all
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`;
}

async function runCommand(
	command: string,
	args: string[],
	options: { cwd: string; env: Record<string, string> },
): Promise<string> {
	return await new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (code === 0) resolve(stdout);
			else
				reject(
					new Error(
						`\`${command} ${args.join(' ')}\` exited with ${signal ?? code}:\n${(stderr || stdout).slice(-3000)}`,
					),
				);
		});
	});
}
