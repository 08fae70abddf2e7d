/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- not shipped: runs in Node, not inside n8n */
/**
 * n8n 2.41.1 in queue mode, the way users run it once one machine is not enough: one main process
 * (`n8n start`: editor, REST API, webhooks, puts executions on the queue) and workers
 * (`n8n worker`: take executions off the queue and run them), sharing a Postgres database and a
 * Redis queue (queueServices.ts), all with the same encryption key and this package installed.
 *
 * Every worker gets its own n8n folder (as on its own machine) with its own copy of the installed
 * package: processes that share one folder share n8n's `crash.journal`, so each later one would
 * log "Last session crashed" and wait 10 s, and they would write to the same event log file.
 *
 * Things about n8n 2.41.1 this relies on (read from its dist/, verified by running it):
 *   - EXECUTIONS_MODE=queue on main; `n8n worker` forces it. Production executions (webhooks,
 *     schedules) always go to the queue; manual ones only with OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true.
 *   - `n8n worker --concurrency=N` runs up to N executions at once (N8N_CONCURRENCY_PRODUCTION_LIMIT
 *     would override the flag); QUEUE_HEALTH_CHECK_ACTIVE=true + QUEUE_HEALTH_CHECK_PORT serve
 *     `/healthz/readiness` (200 once the worker takes jobs), on N8N_WORKER_SERVER_ADDRESS.
 *   - Every process starts its own task runner broker: each needs its own N8N_RUNNERS_BROKER_PORT.
 *   - A worker logs "Worker started execution <id> (job <n>)" at info level for each execution it runs.
 *   - A webhook with `responseMode: lastNode` keeps the caller waiting until a worker finished the
 *     execution, then answers the last node's first item (HTTP 500 when the execution failed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { N8nServer, type N8nExecution, type N8nRestClient } from './n8nServer';
import { freePort } from './processes';
import { startQueueServices, type QueueServices } from './queueServices';
import { N8nTestBed, type CredentialFixture, type WorkflowFixture } from './testBed';

const READY_TIMEOUT_MS = 3 * 60 * 1000;
const STOP_GRACE_MS = 15 * 1000;

export interface StartQueueClusterOptions {
	name: string;
	credentials?: CredentialFixture[];
	workflows?: WorkflowFixture[];
	/** Ids of imported workflows to activate, so their webhooks answer. */
	activate?: string[];
	/** Default 2. */
	workers?: number;
	/** Executions each worker runs at once; default 10. */
	concurrency?: number;
	progress?: (line: string) => void;
}

export interface QueueClusterTimings {
	/** Installing (when needed) and starting Postgres and Redis. */
	servicesMs: number;
	/** The bed (package install, database migrations) and the imports of credentials and workflows. */
	bedMs: number;
	/** Main and workers, started side by side, until main is ready (owner set up, workflows active) and every worker takes jobs. */
	startMs: number;
}

class QueueWorker {
	private stopping?: Promise<void>;

	constructor(
		readonly index: number,
		readonly logFile: string,
		readonly healthUrl: string,
		private readonly child: ChildProcess,
		private readonly logStream: WriteStream,
	) {}

	get exited(): boolean {
		return this.child.exitCode !== null || this.child.signalCode !== null;
	}

	async log(): Promise<string> {
		return await readFile(this.logFile, 'utf8').catch(() => '');
	}

	/** Ids of the executions this worker started, from its log. */
	async executionIds(): Promise<string[]> {
		const ids: string[] = [];
		for (const line of (await this.log()).split('\n')) {
			if (!line.startsWith('{')) continue;
			try {
				const entry = JSON.parse(line) as { message?: string };
				const match = /^Worker started execution (\d+) /.exec(entry.message ?? '');
				if (match) ids.push(match[1]);
			} catch {
				// Not a log entry.
			}
		}
		return ids;
	}

	async waitUntilReady(): Promise<void> {
		const deadline = Date.now() + READY_TIMEOUT_MS;
		while (Date.now() < deadline) {
			if (this.exited)
				throw new Error(`n8n worker ${this.index} exited before it was ready:\n${tail(await this.log())}`);
			const ready = await fetch(this.healthUrl)
				.then((response) => response.status === 200)
				.catch(() => false);
			if (ready) return;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		throw new Error(
			`n8n worker ${this.index} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${tail(await this.log())}`,
		);
	}

	stop(): Promise<void> {
		this.stopping ??= (async () => {
			if (!this.exited) {
				const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
				this.killGroup('SIGTERM');
				const timer = setTimeout(() => this.killGroup('SIGKILL'), STOP_GRACE_MS);
				await exited;
				clearTimeout(timer);
			}
			// The worker's task runner shares its process group.
			this.killGroup('SIGKILL');
			await new Promise<void>((resolve) => this.logStream.end(resolve));
		})();
		return this.stopping;
	}

	killGroup(signal: NodeJS.Signals): void {
		if (!this.child.pid) return;
		try {
			process.kill(-this.child.pid, signal);
		} catch {
			// Gone already.
		}
	}
}

export class N8nQueueCluster {
	private stopping?: Promise<void>;
	private readonly exitGuard = () => {
		for (const worker of this.workers) worker.killGroup('SIGKILL');
	};

	private constructor(
		readonly services: QueueServices,
		readonly main: N8nServer,
		readonly workers: QueueWorker[],
		readonly timings: QueueClusterTimings,
	) {
		process.once('exit', this.exitGuard);
	}

	static async start(options: StartQueueClusterOptions): Promise<N8nQueueCluster> {
		const progress = options.progress ?? (() => undefined);
		let started = Date.now();
		const services = await startQueueServices(progress);
		const servicesMs = Date.now() - started;
		const queueEnv = { EXECUTIONS_MODE: 'queue', ...services.redis.n8nEnv };
		let bed: N8nTestBed | undefined;
		let main: N8nServer | undefined;
		const workers: QueueWorker[] = [];
		try {
			started = Date.now();
			progress('Preparing a fresh n8n user folder on the Postgres database, with this package installed');
			// The bed's commands (migrations, imports, exports) go to the Postgres database too.
			bed = await N8nTestBed.create({ name: options.name, env: services.postgres.n8nEnv });
			if (options.credentials?.length) await bed.importCredentials(options.credentials);
			if (options.workflows?.length) await bed.importWorkflows(options.workflows);
			const bedMs = Date.now() - started;

			// The database is migrated: main and the workers can start side by side.
			started = Date.now();
			const count = options.workers ?? 2;
			for (let index = 1; index <= count; index++) {
				workers.push(await spawnWorker(bed, index, queueEnv, options.concurrency ?? 10));
			}
			const [mainStart, workersReady] = await Promise.allSettled([
				N8nServer.start({
					name: options.name,
					bed,
					activate: options.activate,
					progress,
					env: { ...queueEnv, OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' },
				}),
				Promise.all(workers.map(async (worker) => await worker.waitUntilReady())),
			]);
			if (mainStart.status === 'rejected') throw mainStart.reason;
			main = mainStart.value;
			if (workersReady.status === 'rejected') throw workersReady.reason;
			const startMs = Date.now() - started;
			progress(`main and ${count} workers are ready`);
			return new N8nQueueCluster(services, main, workers, { servicesMs, bedMs, startMs });
		} catch (error) {
			await Promise.all(workers.map(async (worker) => await worker.stop()));
			// main.stop() disposes the bed; a bed main never took is disposed here (twice is safe).
			await main?.stop();
			await bed?.dispose();
			await services.stop();
			throw error;
		}
	}

	get bed() {
		return this.main.bed;
	}

	/** Calls a production webhook of an active workflow. */
	async callWebhook(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
		const response = await fetch(`${this.main.url}/webhook/${path}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		try {
			return { status: response.status, body: text ? JSON.parse(text) : undefined };
		} catch {
			return { status: response.status, body: text };
		}
	}

	/** The workflow's executions (newest first, up to 100), each finished, with run data. */
	async finishedExecutions(client: N8nRestClient, workflowId: string, expected: number): Promise<N8nExecution[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const deadline = Date.now() + READY_TIMEOUT_MS;
		for (;;) {
			const page = await client.request<{ results: Array<{ id: string; status: string }> }>(
				'GET',
				`/rest/executions?filter=${filter}&limit=100`,
			);
			const done = page.results.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status));
			if (page.results.length >= expected && done.length === page.results.length) {
				return await Promise.all(page.results.map(async (execution) => await client.execution(execution.id)));
			}
			if (Date.now() > deadline) {
				throw new Error(`Only ${done.length} of ${expected} executions of workflow ${workflowId} finished in time`);
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}

	/** Which worker (1-based) started each execution, from the workers' logs. */
	async workerOf(): Promise<Map<string, number[]>> {
		const byExecution = new Map<string, number[]>();
		for (const worker of this.workers) {
			for (const id of await worker.executionIds()) byExecution.set(id, [...(byExecution.get(id) ?? []), worker.index]);
		}
		return byExecution;
	}

	/** Stops the workers, then main (which removes the folder), then Postgres and Redis. Safe to call twice. */
	stop(): Promise<void> {
		this.stopping ??= (async () => {
			await Promise.all(this.workers.map(async (worker) => await worker.stop()));
			process.removeListener('exit', this.exitGuard);
			await this.main.stop();
			await this.services.stop();
		})();
		return this.stopping;
	}
}

async function spawnWorker(
	bed: N8nTestBed,
	index: number,
	queueEnv: Record<string, string>,
	concurrency: number,
): Promise<QueueWorker> {
	// Its own n8n folder, as on its own machine, with the package installed the same way as on main.
	const userFolder = join(bed.rootDir, `worker-${index}`);
	await mkdir(join(userFolder, '.n8n'), { recursive: true });
	await cp(join(bed.userFolder, '.n8n', 'nodes'), join(userFolder, '.n8n', 'nodes'), { recursive: true });
	const [brokerPort, healthPort] = [await freePort(), await freePort()];
	const logFile = join(bed.rootDir, `worker-${index}.log`);
	const logStream = createWriteStream(logFile, { flags: 'a' });
	const child = spawn(bed.runtime.nodeBin, [bed.runtime.n8nBin, 'worker', `--concurrency=${concurrency}`], {
		cwd: bed.rootDir,
		env: {
			...bed.env,
			...queueEnv,
			N8N_USER_FOLDER: userFolder,
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_LOG_FORMAT: 'json',
			N8N_LOG_LEVEL: 'info',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	child.stdout?.pipe(logStream, { end: false });
	child.stderr?.pipe(logStream, { end: false });
	return new QueueWorker(index, logFile, `http://127.0.0.1:${healthPort}/healthz/readiness`, child, logStream);
}

function tail(text: string, characters = 4000): string {
	return text.length > characters ? `…${text.slice(-characters)}` : text;
}
