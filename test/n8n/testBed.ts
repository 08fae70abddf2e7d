/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- not shipped: runs in Node, not inside n8n */
/**
 * A real n8n 2.41.1 (see runtime.ts) with this package installed as a community package, driven
 * through n8n's own CLI: `import:credentials`, `import:workflow`, `execute --id` and
 * `export:credentials --decrypted`. Every bed has its own user folder (sqlite
 * database, config, nodes folder), ports and encryption key, so beds never share state.
 *
 * Measured on the 2-core dev machine, idle (each call is one n8n process start):
 *   - runtime install (runtime.ts), once per machine:  ~8 min (5 min npm install, 3 min sqlite3 compile)
 *   - first command on a fresh user folder:            ~8 s (runs ~300 DB migrations); create() does it
 *   - every later command (import, execute, export):   ~3.5-4 s, of which the workflow itself is ms
 * So a test that imports credentials + a workflow and executes it costs ~11 s; import several
 * workflows with one importWorkflows() call where you can. With other jobs on the machine these
 * numbers double or triple.
 *
 * Things about n8n 2.41.1 this relies on (read from its dist/, verified by running it):
 *   - Community packages are picked up from `<N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-*`
 *     by the `community-packages` backend module for every CLI command. No flag is needed
 *     (N8N_COMMUNITY_PACKAGES_ENABLED only gates installing/reinstalling, N8N_UNVERIFIED_PACKAGES_ENABLED
 *     only the UI/install of unverified ones); only N8N_COMMUNITY_PACKAGES_PREVENT_LOADING=true or
 *     N8N_DISABLED_MODULES=community-packages would stop it. The package.json needs
 *     `n8n.n8nNodesApiVersion` <= 1; node types are `<package name>.<node name>`.
 *   - `n8n execute` prints the run through the logger at level *info* (also on failure), so
 *     N8N_LOG_LEVEL must be info, not warn. N8N_LOG_FORMAT=json makes every log entry one JSON line,
 *     which is what lets us pick the run out of stdout reliably.
 *   - NODE_ENV=test (which jest sets) makes n8n refuse to load nodes, so children get NODE_ENV=production.
 *   - `import:credentials` encrypts `data` given as a plain object; `execute` exits 1 when the
 *     workflow failed and 0 when it succeeded; an unknown node type fails before any run exists
 *     ("Unrecognized node type: ...", only in the error log lines).
 *   - `execute` sometimes dies from SIGSEGV/SIGABRT while exiting, after it printed the finished
 *     run (about 1 run in 4 here): its exit path calls process.exit without disposing the default
 *     `vm` expression engine (isolated-vm isolates). With N8N_EXPRESSION_ENGINE=legacy it never
 *     happened, but we keep n8n's default engine and treat a signal after a printed run as a clean
 *     exit (ExecuteResult.crashedOnExit); the run and everything it stored are complete by then.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';
import { cleanChildEnv, ensureN8nRuntime, type N8nRuntime } from './runtime';
import { freePort, isProcessAlive } from './processes';

export const REPO_ROOT = resolve(__dirname, '..', '..');
const PACKAGE_NAME = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string }).name;
/** Not a secret: it only encrypts the throw-away databases of test beds. */
const TEST_ENCRYPTION_KEY = 'n8n-nodes-token-auth-e2e-test-key';
const DEFAULT_COMMAND_TIMEOUT_MS = 3 * 60 * 1000;

export interface CredentialFixture {
	id: string;
	name: string;
	/** The credential type's plain name, e.g. `ringCxApi`. */
	type: string;
	/** Unencrypted; n8n's import encrypts it. */
	data: IDataObject;
}

export interface WorkflowNodeFixture {
	/** Filled with a UUID when missing. */
	id?: string;
	name: string;
	/** e.g. `n8n-nodes-base.set` or `n8n-nodes-token-auth.ringCx`. */
	type: string;
	typeVersion: number;
	/** Filled with a left-to-right layout when missing. */
	position?: [number, number];
	parameters?: IDataObject;
	credentials?: Record<string, { id: string; name: string }>;
	disabled?: boolean;
	[key: string]: unknown;
}

export interface WorkflowFixture {
	/** Filled with a random 16-character id when missing. */
	id?: string;
	name?: string;
	nodes: WorkflowNodeFixture[];
	connections: Record<string, unknown>;
	settings?: IDataObject;
	[key: string]: unknown;
}

/** An error as it appears in the run JSON (a serialized NodeApiError / NodeOperationError / ...). */
export interface SerializedError {
	message: string;
	name?: string;
	description?: string | null;
	httpCode?: string | null;
	node?: { name: string; type: string; [key: string]: unknown };
	[key: string]: unknown;
}

export interface TaskData {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	data?: { main?: Array<Array<{ json: IDataObject; [key: string]: unknown }> | null> };
	error?: SerializedError;
	[key: string]: unknown;
}

/** The IRun `n8n execute` prints. */
export interface N8nRun {
	data: {
		resultData: {
			runData: Record<string, TaskData[]>;
			error?: SerializedError;
			lastNodeExecuted?: string;
		};
		[key: string]: unknown;
	};
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt?: string;
	finished?: boolean;
	[key: string]: unknown;
}

export interface N8nLogLine {
	level: string;
	message: string;
	metadata?: IDataObject;
}

export interface CommandResult {
	exitCode: number | null;
	/** Set when the process died from a signal (see the note on crashes at exit above). */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** stdout's JSON log entries, in order (lines that are not JSON log entries are skipped). */
	logs: N8nLogLine[];
}

export class ExecuteResult implements CommandResult {
	readonly exitCode: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly stdout: string;
	readonly stderr: string;
	readonly logs: N8nLogLine[];
	/** The run n8n printed; undefined when n8n failed before running (e.g. unknown node type). */
	readonly run: N8nRun | undefined;
	/** n8n died from a signal after it had printed the finished run (an n8n bug at exit, see above). */
	readonly crashedOnExit: boolean;
	/** True when n8n printed a run without a workflow-level error and exited 0 (or crashed only on exit). */
	readonly ok: boolean;

	constructor(command: CommandResult) {
		this.exitCode = command.exitCode;
		this.signal = command.signal;
		this.stdout = command.stdout;
		this.stderr = command.stderr;
		this.logs = command.logs;
		this.run = findRun(command.logs);
		this.crashedOnExit = this.signal !== null && this.run !== undefined;
		this.ok =
			(this.exitCode === 0 || this.crashedOnExit) &&
			this.run !== undefined &&
			this.run.data.resultData.error === undefined;
	}

	/** Messages of the error-level log lines (where failures without a run are reported). */
	get errorMessages(): string[] {
		return this.logs.filter((line) => line.level === 'error').map((line) => line.message);
	}

	/** The runs of a node (one per execution of it), empty if it did not run. */
	nodeRuns(nodeName: string): TaskData[] {
		return nodeRunsOf(this.run?.data, nodeName);
	}

	/** `json` of every item the node emitted on the given output, across all its runs. */
	nodeOutput(nodeName: string, outputIndex = 0): IDataObject[] {
		return nodeOutputOf(this.run?.data, nodeName, outputIndex);
	}

	/** The error the node failed with, if it did. */
	nodeError(nodeName: string): SerializedError | undefined {
		return nodeErrorOf(this.run?.data, nodeName);
	}

	/** A readable account of why the execution is not ok, for assertion messages. */
	failureSummary(): string {
		if (this.ok) return 'execution succeeded';
		const parts = [this.signal ? `n8n was killed by ${this.signal}` : `n8n exited with ${this.exitCode}`];
		const workflowError = this.run?.data.resultData.error;
		if (workflowError) {
			const where = workflowError.node?.name ? ` in node "${workflowError.node.name}"` : '';
			parts.push(
				`workflow error${where}: ${workflowError.message}${workflowError.description ? ` (${workflowError.description})` : ''}`,
			);
		}
		if (!this.run)
			parts.push('no run was printed', ...this.errorMessages.slice(0, 5), `stdout tail: ${tail(this.stdout, 1500)}`);
		if (this.stderr.trim()) parts.push(`stderr: ${tail(this.stderr, 1500)}`);
		return parts.join('\n');
	}

	/** Throws with failureSummary() unless the execution is ok. */
	assertOk(): void {
		if (!this.ok) throw new Error(`n8n execution failed:\n${this.failureSummary()}`);
	}
}

/** The runs of a node in a run's data (from `n8n execute` or the REST API), empty if it did not run. */
export function nodeRunsOf(data: N8nRun['data'] | undefined, nodeName: string): TaskData[] {
	return data?.resultData.runData[nodeName] ?? [];
}

/** `json` of every item the node emitted on the given output, across all its runs. */
export function nodeOutputOf(data: N8nRun['data'] | undefined, nodeName: string, outputIndex = 0): IDataObject[] {
	return nodeRunsOf(data, nodeName).flatMap((task) => (task.data?.main?.[outputIndex] ?? []).map((item) => item.json));
}

/** The error the node failed with, if it did. */
export function nodeErrorOf(data: N8nRun['data'] | undefined, nodeName: string): SerializedError | undefined {
	const fromRun = nodeRunsOf(data, nodeName).find((task) => task.error)?.error;
	if (fromRun) return fromRun;
	const workflowError = data?.resultData.error;
	return workflowError?.node?.name === nodeName ? workflowError : undefined;
}

export interface CreateTestBedOptions {
	/** Shows up in the temp folder's name, to tell beds apart. */
	name: string;
	/** Install this package into the bed (needs `npm run build` first). Default true. */
	installPackage?: boolean;
	/**
	 * Extra environment for every n8n command of the bed (wins over the bed's), e.g. `DB_TYPE=postgresdb`
	 * and its connection settings for a bed whose database is a Postgres server (queueCluster.ts).
	 */
	env?: Record<string, string>;
}

export class N8nTestBed {
	private disposed = false;

	private constructor(
		readonly name: string,
		/** Temp folder holding the user folder and the files handed to n8n. */
		readonly rootDir: string,
		/** N8N_USER_FOLDER (n8n keeps its data in `<userFolder>/.n8n`). */
		readonly userFolder: string,
		readonly runtime: N8nRuntime,
		/** The environment every n8n command of this bed runs with. */
		readonly env: Record<string, string>,
	) {}

	static async create({ name, installPackage = true, env: extraEnv = {} }: CreateTestBedOptions): Promise<N8nTestBed> {
		const runtime = await ensureN8nRuntime();
		const tarball = installPackage ? await packPackage() : undefined;
		const rootDir = await mkdtemp(join(tmpdir(), `n8n-bed-${name.replace(/[^a-zA-Z0-9_-]+/g, '-')}-`));
		try {
			const userFolder = join(rootDir, 'user');
			await mkdir(join(rootDir, 'io'), { recursive: true });
			if (tarball) {
				const packageDir = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
				await mkdir(packageDir, { recursive: true });
				await runProcess('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {
					cwd: rootDir,
					env: cleanChildEnv(),
				});
				if (process.env.CI !== 'true') dropUnbuiltEntries(packageDir);
			}
			const [brokerPort, n8nPort] = await Promise.all([freePort(), freePort()]);
			const env: Record<string, string> = {
				...runtime.env,
				NODE_ENV: 'production',
				N8N_USER_FOLDER: userFolder,
				DB_TYPE: 'sqlite',
				N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
				N8N_LOG_LEVEL: 'info',
				N8N_LOG_FORMAT: 'json',
				N8N_LOG_OUTPUT: 'console',
				N8N_PORT: String(n8nPort),
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				N8N_DIAGNOSTICS_ENABLED: 'false',
				N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
				N8N_PERSONALIZATION_ENABLED: 'false',
				N8N_TEMPLATES_ENABLED: 'false',
				// The provider servers the tests talk to listen on 127.0.0.1.
				N8N_SSRF_PROTECTION_ENABLED: 'false',
				// Loading is on by default; pinned so a changed default shows up here.
				N8N_COMMUNITY_PACKAGES_PREVENT_LOADING: 'false',
				GENERIC_TIMEZONE: 'UTC',
				TZ: 'UTC',
				...extraEnv,
			};
			const bed = new N8nTestBed(name, rootDir, userFolder, runtime, env);
			await bed.warmUp(installPackage);
			return bed;
		} catch (error) {
			await rm(rootDir, { recursive: true, force: true });
			throw error;
		}
	}

	/**
	 * The first command on a fresh user folder runs all DB migrations (~8 s instead of ~4 s); doing
	 * it here keeps test timings even. It also surfaces a package that n8n fails to load.
	 */
	private async warmUp(expectPackage: boolean): Promise<void> {
		const input = await this.writeIoFile('warm-up', []);
		const result = await this.n8n(['import:workflow', `--input=${input}`]);
		this.assertCommand(result, 'warm-up import:workflow', /Successfully imported 0 workflows/);
		const packageErrors = result.logs.filter((line) => line.level === 'error');
		if (expectPackage && packageErrors.length > 0) {
			throw new Error(
				`n8n logged errors while loading ${PACKAGE_NAME}:\n${packageErrors.map((line) => line.message).join('\n')}`,
			);
		}
	}

	/** Imports credentials (plain `data`; n8n encrypts it). Existing ids are overwritten. */
	async importCredentials(credentials: CredentialFixture[]): Promise<void> {
		const input = await this.writeIoFile('credentials', credentials);
		const result = await this.n8n(['import:credentials', `--input=${input}`]);
		this.assertCommand(result, 'import:credentials', /Successfully imported \d+ credentials?\./);
	}

	/** Imports one workflow; returns its id (generated when the fixture has none). */
	async importWorkflow(workflow: WorkflowFixture): Promise<string> {
		const [id] = await this.importWorkflows([workflow]);
		return id;
	}

	/** Imports several workflows with a single n8n start; returns their ids in order. */
	async importWorkflows(workflows: WorkflowFixture[]): Promise<string[]> {
		const prepared = workflows.map(prepareWorkflow);
		const input = await this.writeIoFile('workflows', prepared);
		const result = await this.n8n(['import:workflow', `--input=${input}`]);
		this.assertCommand(result, 'import:workflow', /Successfully imported \d+ workflows?\./);
		return prepared.map((workflow) => workflow.id);
	}

	/** Runs an imported workflow from its trigger. Never throws for a failing workflow: inspect the result. */
	async execute(workflowId: string, options: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
		const result = await this.n8n(['execute', `--id=${workflowId}`, '--rawOutput'], options);
		return new ExecuteResult(result);
	}

	/** importWorkflow + execute. */
	async runWorkflow(workflow: WorkflowFixture, options: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
		return await this.execute(await this.importWorkflow(workflow), options);
	}

	/** The credential's stored data, decrypted (e.g. to see what preAuthentication cached). */
	async readCredential(id: string): Promise<IDataObject> {
		const output = join(this.rootDir, 'io', `credential-export-${randomUUID()}.json`);
		const result = await this.n8n(['export:credentials', `--id=${id}`, '--decrypted', `--output=${output}`]);
		this.assertCommand(result, 'export:credentials', /Successfully exported 1 credentials/);
		const exported = JSON.parse(await readFile(output, 'utf8')) as Array<{ id: string; data: IDataObject }>;
		await rm(output, { force: true });
		const credential = exported.find((entry) => entry.id === id);
		if (!credential) throw new Error(`export:credentials --id=${id} did not return that credential`);
		return credential.data;
	}

	/** Runs any n8n CLI command in this bed; never rejects for a non-zero exit, only on timeout/spawn errors. */
	async n8n(
		args: string[],
		{ timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS }: { timeoutMs?: number } = {},
	): Promise<CommandResult> {
		if (this.disposed) throw new Error(`Test bed "${this.name}" is disposed`);
		const { exitCode, signal, stdout, stderr } = await runProcess(
			this.runtime.nodeBin,
			[this.runtime.n8nBin, ...args],
			{
				cwd: this.rootDir,
				env: this.env,
				timeoutMs,
				allowFailure: true,
			},
		);
		return { exitCode, signal, stdout, stderr, logs: parseLogLines(stdout) };
	}

	/** Removes the bed's temp folder (database, credentials, files). Safe to call twice. */
	async dispose(): Promise<void> {
		if (this.disposed) return;
		this.disposed = true;
		await rm(this.rootDir, { recursive: true, force: true, maxRetries: 3 });
	}

	private async writeIoFile(label: string, content: unknown): Promise<string> {
		const file = join(this.rootDir, 'io', `${label}-${randomUUID()}.json`);
		await writeFile(file, JSON.stringify(content));
		return file;
	}

	/** Import/export commands report failure by exit code or only by a missing success line. */
	private assertCommand(result: CommandResult, what: string, success: RegExp): void {
		if (result.exitCode === 0 && result.logs.some((line) => success.test(line.message))) return;
		const ended = result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
		const errors = result.logs.filter((line) => line.level === 'error').map((line) => line.message);
		throw new Error(
			`n8n ${what} failed (${ended}) in test bed "${this.name}"` +
				`${errors.length ? `:\n${errors.join('\n')}` : ''}\nstdout tail:\n${tail(result.stdout, 3000)}` +
				`\nstderr tail:\n${tail(result.stderr, 2000)}`,
		);
	}
}

function prepareWorkflow(workflow: WorkflowFixture): WorkflowFixture & { id: string } {
	const id = workflow.id ?? randomWorkflowId();
	return {
		active: false,
		settings: {},
		...workflow,
		id,
		name: workflow.name ?? `test workflow ${id}`,
		nodes: workflow.nodes.map((node, index) => ({
			parameters: {},
			...node,
			id: node.id ?? randomUUID(),
			position: node.position ?? [index * 220, 0],
		})),
	};
}

/** n8n workflow ids are up to 21 characters; the UI uses 16 alphanumerics. */
function randomWorkflowId(): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
	return Array.from(randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

function parseLogLines(stdout: string): N8nLogLine[] {
	const logs: N8nLogLine[] = [];
	for (const line of stdout.split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			const entry = JSON.parse(line) as Partial<N8nLogLine>;
			if (typeof entry.level === 'string' && typeof entry.message === 'string') logs.push(entry as N8nLogLine);
		} catch {
			// Not a log entry (a library writing to stdout directly).
		}
	}
	return logs;
}

/** `execute` logs the run as one pretty-printed JSON message; take the last such message. */
function findRun(logs: N8nLogLine[]): N8nRun | undefined {
	for (let i = logs.length - 1; i >= 0; i--) {
		const message = logs[i].message.trim();
		if (!message.startsWith('{') || !message.includes('"resultData"')) continue;
		try {
			const candidate = JSON.parse(message) as Partial<N8nRun>;
			if (candidate.data?.resultData?.runData) return candidate as N8nRun;
		} catch {
			// Some other JSON-looking message.
		}
	}
	return undefined;
}

function tail(text: string, length: number): string {
	return text.length > length ? `…${text.slice(-length)}` : text;
}

interface ProcessResult {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

async function runProcess(
	command: string,
	args: string[],
	options: { cwd: string; env: Record<string, string>; timeoutMs?: number; allowFailure?: boolean },
): Promise<ProcessResult> {
	const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
	const result = await new Promise<ProcessResult>((resolveResult, reject) => {
		// Own process group, so a timeout also ends the task runner n8n starts.
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const timer = setTimeout(() => {
			timedOut = true;
			if (child.pid) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					child.kill('SIGKILL');
				}
			}
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (exitCode, signal) => {
			clearTimeout(timer);
			if (timedOut) {
				reject(
					new Error(
						`\`${describeCommand(command, args)}\` timed out after ${timeoutMs} ms\nstdout tail:\n${tail(stdout, 3000)}\nstderr tail:\n${tail(stderr, 2000)}`,
					),
				);
			} else {
				resolveResult({ exitCode, signal, stdout, stderr });
			}
		});
	});
	if (!options.allowFailure && result.exitCode !== 0) {
		throw new Error(
			`\`${describeCommand(command, args)}\` exited with ${result.signal ?? result.exitCode}\nstdout tail:\n${tail(result.stdout, 3000)}\nstderr tail:\n${tail(result.stderr, 2000)}`,
		);
	}
	return result;
}

function describeCommand(command: string, args: string[]): string {
	return [command, ...args].join(' ');
}

let packedTarball: Promise<string> | undefined;

/**
 * `npm pack`s the already built package once per jest process (what a user installs from the
 * registry, so `files` mistakes show up here). Scripts are skipped: `npm test` builds before jest.
 * Jest gives every test file fresh module state, so the tarball is cached in a folder named after
 * the process id; folders of finished processes are removed on the next pack.
 */
function packPackage(): Promise<string> {
	packedTarball ??= (async () => {
		if (!existsSync(join(REPO_ROOT, 'dist', 'nodes'))) {
			throw new Error(`${REPO_ROOT}/dist/nodes is missing: run \`npm run build\` before the e2e tests`);
		}
		const prefix = 'n8n-bed-pack-';
		const destination = join(tmpdir(), `${prefix}${process.pid}`);
		const marker = join(destination, 'packed.json');
		if (existsSync(marker)) {
			return join(destination, (JSON.parse(readFileSync(marker, 'utf8')) as { filename: string }).filename);
		}
		for (const entry of readdirSync(tmpdir())) {
			if (entry.startsWith(prefix) && !isProcessAlive(Number(entry.slice(prefix.length)))) {
				await rm(join(tmpdir(), entry), { recursive: true, force: true });
			}
		}
		await rm(destination, { recursive: true, force: true });
		await mkdir(destination, { recursive: true });
		const { stdout } = await runProcess(
			'npm',
			['pack', '--ignore-scripts', '--json', '--pack-destination', destination],
			{ cwd: REPO_ROOT, env: { ...cleanChildEnv(), npm_config_loglevel: 'error' } },
		);
		const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
		await writeFile(marker, JSON.stringify({ filename }));
		return join(destination, filename);
	})().catch((error: unknown) => {
		packedTarball = undefined;
		throw error;
	});
	return packedTarball;
}

/**
 * While several providers are being developed side by side, some entries of the `n8n` block may not
 * be built yet, and n8n refuses to load a package with a missing file. Outside CI those entries are
 * left out of the installed copy (with a warning); in CI the package is installed exactly as packed.
 */
function dropUnbuiltEntries(packageDir: string): void {
	const manifestPath = join(packageDir, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { n8n: Record<string, unknown> };
	for (const key of ['credentials', 'nodes'] as const) {
		const entries = (manifest.n8n[key] ?? []) as string[];
		const missing = entries.filter((entry) => !existsSync(join(packageDir, entry)));
		if (missing.length === 0) continue;
		process.stderr.write(`[test bed] not built yet, left out of the installed package: ${missing.join(', ')}\n`);
		manifest.n8n[key] = entries.filter((entry) => !missing.includes(entry));
	}
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}
