/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- not shipped: runs in Node, not inside n8n */
/**
 * Throw-away Redis and Postgres servers for n8n in queue mode (queueCluster.ts), each on a free
 * loopback port with its data in a temp folder, stopped and removed by stop().
 *
 * Debian's `redis-server` and `postgresql` packages provide the binaries; install-queue-services.sh
 * (also called by .ci/run) installs them when one is missing. The packages' own services are not
 * used. Postgres refuses to run as root, so under root its commands run as the `postgres` user
 * (`runuser -u postgres`) on a data folder owned by that user. Authentication is `trust` on
 * 127.0.0.1 only: the cluster lives for one test file and holds nothing but test data.
 *
 * Measured on the 2-core dev machine: initdb ~3.5 s, Postgres start ~1 s, Redis start ~0.1 s.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cleanChildEnv } from './runtime';
import { freePort } from './processes';

const INSTALL_SCRIPT = join(__dirname, 'install-queue-services.sh');
const POSTGRES_ROOT = '/usr/lib/postgresql';
const START_TIMEOUT_MS = 60_000;

export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	database: string;
	/** The environment that points n8n at this database. */
	n8nEnv: Record<string, string>;
}

export interface RedisServer {
	host: string;
	port: number;
	/** The environment that points n8n's queue at this Redis. */
	n8nEnv: Record<string, string>;
}

export interface QueueServices {
	postgres: PostgresServer;
	redis: RedisServer;
	/** How long installing (when needed) and starting took, in ms. */
	timings: { installMs: number; postgresMs: number; redisMs: number };
	/** Stops both servers and removes their folders. Safe to call twice. */
	stop(): Promise<void>;
}

function redisBinary(): string | undefined {
	const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	const path = found.stdout.trim();
	return found.status === 0 && path ? path : undefined;
}

/** The bin folder of the newest installed Postgres major version that has initdb and pg_ctl. */
function postgresBinDir(): string | undefined {
	if (!existsSync(POSTGRES_ROOT)) return undefined;
	const versions = readdirSync(POSTGRES_ROOT)
		.filter((entry) => /^\d+$/.test(entry))
		.sort((a, b) => Number(b) - Number(a));
	for (const version of versions) {
		const bin = join(POSTGRES_ROOT, version, 'bin');
		if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
	}
	return undefined;
}

/** Installs redis-server and postgresql when one is missing (root only; others get the command to run). */
export async function ensureQueueServicesInstalled(log: (line: string) => void = () => undefined): Promise<number> {
	if (redisBinary() && postgresBinDir()) return 0;
	const started = Date.now();
	log('redis-server or postgresql is missing: installing them with apt-get (one time)');
	const result = await runCommand('bash', [INSTALL_SCRIPT], { timeoutMs: 15 * 60 * 1000 });
	if (result.code !== 0 || !redisBinary() || !postgresBinDir()) {
		throw new Error(
			`Installing redis-server and postgresql failed (exit ${result.code}):\n${result.output.slice(-3000)}`,
		);
	}
	return Date.now() - started;
}

/** Starts Postgres and Redis (installing them first if needed). */
export async function startQueueServices(log: (line: string) => void = () => undefined): Promise<QueueServices> {
	const installMs = await ensureQueueServicesInstalled(log);
	let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;
	let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
	try {
		let started = Date.now();
		postgres = await startPostgres();
		const postgresMs = Date.now() - started;
		started = Date.now();
		redis = await startRedis();
		const redisMs = Date.now() - started;
		let stopping: Promise<void> | undefined;
		const { stop: stopPostgres, ...postgresServer } = postgres;
		const { stop: stopRedis, ...redisServer } = redis;
		return {
			postgres: postgresServer,
			redis: redisServer,
			timings: { installMs, postgresMs, redisMs },
			stop: () => (stopping ??= Promise.all([stopRedis(), stopPostgres()]).then(() => undefined)),
		};
	} catch (error) {
		await Promise.all([redis?.stop(), postgres?.stop()]);
		throw error;
	}
}

/** uid and gid of a system user, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } | undefined {
	for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
		const [user, , uid, gid] = line.split(':');
		if (user === name) return { uid: Number(uid), gid: Number(gid) };
	}
	return undefined;
}

async function startPostgres(): Promise<PostgresServer & { stop(): Promise<void> }> {
	const bin = postgresBinDir();
	if (!bin) throw new Error('Postgres is not installed (no /usr/lib/postgresql/<version>/bin/initdb)');
	const isRoot = process.getuid?.() === 0;
	const rootDir = await mkdtemp(join(tmpdir(), 'n8n-queue-postgres-'));
	if (isRoot) {
		const owner = systemUser('postgres');
		if (!owner) throw new Error('Postgres refuses to run as root and there is no "postgres" user to run it as');
		await chown(rootDir, owner.uid, owner.gid);
	}
	// Under root, every Postgres command runs as the postgres user.
	const asPostgres = (tool: string, args: string[]): [string, string[]] =>
		isRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
	const dataDir = join(rootDir, 'data');
	const port = await freePort();
	const stopServer = () => {
		const [command, args] = asPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
		spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
	};
	// If the test process exits without stop(), the server must not outlive it.
	const exitGuard = () => {
		stopServer();
		rmSync(rootDir, { recursive: true, force: true });
	};
	try {
		const initdb = await runCommand(
			...asPostgres('initdb', [
				'-D',
				dataDir,
				'-U',
				'postgres',
				'-A',
				'trust',
				'-E',
				'UTF8',
				'--locale=C',
				'--no-sync',
			]),
		);
		if (initdb.code !== 0) throw new Error(`initdb failed (exit ${initdb.code}):\n${initdb.output.slice(-2000)}`);
		process.once('exit', exitGuard);
		const options = [
			`-p ${port}`,
			`-k ${rootDir}`,
			'-c listen_addresses=127.0.0.1',
			// Durability is pointless for a database that is deleted after the test.
			'-c fsync=off',
			'-c synchronous_commit=off',
			'-c full_page_writes=off',
		].join(' ');
		const start = await runCommand(
			...asPostgres('pg_ctl', [
				'-D',
				dataDir,
				'-l',
				join(rootDir, 'postgres.log'),
				'-w',
				'-t',
				'60',
				'-o',
				options,
				'start',
			]),
			{ timeoutMs: START_TIMEOUT_MS + 5000 },
		);
		if (start.code !== 0) {
			const serverLog = (() => {
				try {
					return readFileSync(join(rootDir, 'postgres.log'), 'utf8');
				} catch {
					return '';
				}
			})();
			throw new Error(
				`Postgres did not start (exit ${start.code}):\n${start.output.slice(-1500)}\n${serverLog.slice(-1500)}`,
			);
		}
	} catch (error) {
		exitGuard();
		process.removeListener('exit', exitGuard);
		throw error;
	}
	const host = '127.0.0.1';
	const user = 'postgres';
	const database = 'postgres';
	return {
		host,
		port,
		user,
		database,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: host,
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_DATABASE: database,
		},
		stop: async () => {
			process.removeListener('exit', exitGuard);
			stopServer();
			await rm(rootDir, { recursive: true, force: true, maxRetries: 3 });
		},
	};
}

async function startRedis(): Promise<RedisServer & { stop(): Promise<void> }> {
	const binary = redisBinary();
	if (!binary) throw new Error('redis-server is not installed');
	const rootDir = await mkdtemp(join(tmpdir(), 'n8n-queue-redis-'));
	const port = await freePort();
	const child: ChildProcess = spawn(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--dir',
			rootDir,
		],
		{ cwd: rootDir, env: cleanChildEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5000)));
	child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5000)));
	const exitGuard = () => {
		child.kill('SIGKILL');
		rmSync(rootDir, { recursive: true, force: true });
	};
	process.once('exit', exitGuard);
	const stop = async () => {
		process.removeListener('exit', exitGuard);
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		}
		await rm(rootDir, { recursive: true, force: true });
	};
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!(await redisAnswersPing(port))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`redis-server did not start on port ${port}:\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	const host = '127.0.0.1';
	return {
		host,
		port,
		n8nEnv: { QUEUE_BULL_REDIS_HOST: host, QUEUE_BULL_REDIS_PORT: String(port) },
		stop,
	};
}

/** Whether a Redis server answers PING on this port. */
function redisAnswersPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString();
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

async function runCommand(
	command: string,
	args: string[],
	{ timeoutMs = START_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<{ code: number | null; output: string }> {
	return await new Promise((resolve, reject) => {
		// pg_ctl leaves the server running with our pipes unless its output goes to a file: it does (-l).
		const child = spawn(command, args, { cwd: '/', env: cleanChildEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, output });
		});
	});
}
