/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- not shipped: runs in Node, not inside n8n */
/**
 * A real n8n 2.41.1 in server mode (`n8n start`): the editor a person uses, with this package
 * loaded, for `npm start`, `npm run demo` and the browser tests.
 *
 * It builds on the CLI test bed (testBed.ts): the bed makes the user folder, installs the packed
 * package, runs the migrations and imports credentials and workflows with n8n's own `import:*`
 * commands before the server starts. Those imports need no owner: they go to the personal project
 * of the "shell" owner that the migrations create, which `POST /rest/owner/setup` then turns into
 * the real owner, so everything imported belongs to the account that logs in.
 *
 * Things about n8n 2.41.1 this relies on (read from its dist/, verified by running it):
 *   - `/healthz` answers as soon as the HTTP server listens (before the migrations);
 *     `/healthz/readiness` answers 200 only when the database is migrated and n8n is fully up.
 *     (n8n 1.123 answers it once the database is migrated, seconds before its REST routes exist;
 *     `/rest/settings` is mounted right after the REST controllers in both lines, so ready means both.)
 *   - `POST /rest/owner/setup` {email, firstName, lastName, password} works once, without a login;
 *     the password needs 8-64 characters, a digit and an uppercase letter.
 *   - `POST /rest/login` {emailOrLdapLoginId, password} sets the `n8n-auth` cookie; over plain http
 *     the cookie is only sent back when N8N_SECURE_COOKIE=false.
 *   - `POST /rest/credentials/test` {credentials: {id, name, type, data}} is what the credential
 *     form calls; n8n merges the stored data in and calls `preAuthentication` on every test.
 *   - A busy port makes n8n log "n8n's port N is already in use" and exit 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse as parseFlatted } from 'flatted';
import type { IDataObject } from 'n8n-workflow';

import { ensureN8nRuntime } from './runtime';
import { N8nTestBed, type CredentialFixture, type N8nRun, type TaskData, type WorkflowFixture } from './testBed';
import { killProcessGroup } from './processes';

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/** The demo login. Not a secret: the demo n8n listens on 127.0.0.1 only and lives in a temp folder. */
export const DEMO_OWNER: OwnerAccount = {
	email: 'demo@example.com',
	password: 'Demo-passw0rd',
	firstName: 'Demo',
	lastName: 'Builder',
};

const READY_TIMEOUT_MS = 3 * 60 * 1000;
const STOP_GRACE_MS = 15 * 1000;

export interface StartN8nServerOptions {
	/** Shows up in the temp folder's name. */
	name: string;
	/** Port for the editor and REST API; 0 or absent picks a free one. */
	port?: number;
	/** Imported before the server starts (plain `data`; n8n encrypts it). */
	credentials?: CredentialFixture[];
	/** Imported before the server starts, in this order. */
	workflows?: WorkflowFixture[];
	/** Set up this owner once n8n is up; `false` leaves the instance unclaimed. Default DEMO_OWNER. */
	owner?: OwnerAccount | false;
	/**
	 * Ids of imported workflows to activate (publish) once n8n is up, e.g. ones with a form
	 * trigger, so their production URLs answer. Needs an owner.
	 */
	activate?: string[];
	/** Receives progress lines ("installing…", "migrating…", "ready"). */
	progress?: (line: string) => void;
	/** Extra environment for `n8n start` (wins over the bed's). */
	env?: Record<string, string>;
	/**
	 * Start on this bed instead of a fresh one (e.g. one on a Postgres database, see queueCluster.ts);
	 * the server owns it from then on and stop() disposes it.
	 */
	bed?: N8nTestBed;
}

/** Fails with a message naming what the port is for and the variable that moves it. */
export async function assertPortFree(port: number, what: string, variable: string, host = '127.0.0.1'): Promise<void> {
	if (!port) return;
	const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
		const probe = createServer();
		probe.once('error', (failure: NodeJS.ErrnoException) => resolve(failure));
		probe.listen(port, host, () => probe.close(() => resolve(undefined)));
	});
	if (error?.code === 'EADDRINUSE') {
		throw new Error(
			`Port ${port} for ${what} is already in use. Stop whatever uses it, or pick another port with ${variable}=<port>.`,
		);
	}
	if (error)
		throw new Error(`Cannot use port ${port} for ${what} (${error.code ?? error.message}); set ${variable}=<port>.`);
}

export class N8nServer {
	private stopping?: Promise<void>;
	/** If our process exits without stop() (a forced exit), n8n must not outlive it, nor its temp folder. */
	private readonly exitGuard = () => {
		this.killGroup('SIGKILL');
		rmSync(this.bed.rootDir, { recursive: true, force: true });
	};

	private constructor(
		readonly bed: N8nTestBed,
		/** `http://127.0.0.1:<port>`: the editor and the REST API. */
		readonly url: string,
		readonly port: number,
		/** Everything `n8n start` printed. */
		readonly logFile: string,
		/** Ids of the imported workflows, in the order given. */
		readonly workflowIds: string[],
		readonly owner: OwnerAccount | undefined,
		private readonly child: ChildProcess,
		private readonly logStream: WriteStream,
	) {
		process.once('exit', this.exitGuard);
	}

	static async start(options: StartN8nServerOptions): Promise<N8nServer> {
		const progress = options.progress ?? (() => undefined);
		if (options.port) await assertPortFree(options.port, 'n8n', 'N8N_PORT');

		// The first call installs the runtime (minutes, once per machine); the bed shares this promise.
		await ensureN8nRuntime({ log: (line) => progress(`n8n runtime: ${line}`) });
		if (!options.bed) {
			progress(
				'Preparing a fresh n8n user folder with this package installed (database migrations take a few seconds)',
			);
		}
		const bed = options.bed ?? (await N8nTestBed.create({ name: options.name }));
		let child: ChildProcess | undefined;
		try {
			const credentials = options.credentials ?? [];
			const workflows = options.workflows ?? [];
			if (credentials.length > 0) await bed.importCredentials(credentials);
			const workflowIds = workflows.length > 0 ? await bed.importWorkflows(workflows) : [];
			if (credentials.length + workflows.length > 0) {
				progress(`Imported ${credentials.length} credential(s) and ${workflows.length} workflow(s)`);
			}

			// The bed reserved a free editor port and a free task-broker port when it was created.
			const port = options.port || Number(bed.env.N8N_PORT);
			const url = `http://127.0.0.1:${port}`;
			const logFile = join(bed.rootDir, 'n8n.log');
			const logStream = createWriteStream(logFile, { flags: 'a' });
			progress(`Starting n8n on ${url} (its output goes to ${logFile})`);
			child = spawn(bed.runtime.nodeBin, [bed.runtime.n8nBin, 'start'], {
				cwd: bed.rootDir,
				env: { ...bed.env, ...serverEnv(port), ...options.env },
				stdio: ['ignore', 'pipe', 'pipe'],
				// Own process group: stop() ends n8n and the task runner it starts, and a Ctrl-C in the
				// terminal reaches only our launcher, which then stops n8n in order.
				detached: true,
			});
			child.stdout?.pipe(logStream, { end: false });
			child.stderr?.pipe(logStream, { end: false });
			const server = new N8nServer(
				bed,
				url,
				port,
				logFile,
				workflowIds,
				options.owner === false ? undefined : (options.owner ?? DEMO_OWNER),
				child,
				logStream,
			);
			try {
				await server.waitUntilReady();
				if (server.owner) await new N8nRestClient(url).setUpOwner(server.owner);
				if (options.activate?.length) {
					const client = await server.logIn();
					for (const workflowId of options.activate) await client.activateWorkflow(workflowId);
					progress(`Activated ${options.activate.length} workflow(s)`);
				}
			} catch (error) {
				await server.stop();
				throw error;
			}
			progress(`n8n is ready on ${url}`);
			return server;
		} catch (error) {
			if (!child) await bed.dispose();
			throw error;
		}
	}

	/** A REST client logged in as the owner. */
	async logIn(account: OwnerAccount | undefined = this.owner): Promise<N8nRestClient> {
		if (!account) throw new Error('This n8n has no owner account to log in with');
		const client = new N8nRestClient(this.url);
		await client.logIn(account);
		return client;
	}

	/** The tail of n8n's own output, for error messages. */
	async logTail(characters = 4000): Promise<string> {
		const text = await readFile(this.logFile, 'utf8').catch(() => '');
		return text.length > characters ? `…${text.slice(-characters)}` : text;
	}

	/** Stops n8n (and its task runner), then removes the temp folder. Safe to call twice. */
	stop(): Promise<void> {
		this.stopping ??= (async () => {
			if (this.child.exitCode === null && this.child.signalCode === null) {
				const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
				this.killGroup('SIGTERM');
				const timer = setTimeout(() => this.killGroup('SIGKILL'), STOP_GRACE_MS);
				await exited;
				clearTimeout(timer);
				// The task runner shares the group; make sure nothing of it outlives n8n.
				this.killGroup('SIGKILL');
			}
			process.removeListener('exit', this.exitGuard);
			await new Promise<void>((resolve) => this.logStream.end(resolve));
			await this.bed.dispose();
		})();
		return this.stopping;
	}

	private killGroup(signal: NodeJS.Signals): void {
		killProcessGroup(this.child.pid, signal);
	}

	private async waitUntilReady(): Promise<void> {
		const deadline = Date.now() + READY_TIMEOUT_MS;
		while (Date.now() < deadline) {
			if (this.child.exitCode !== null || this.child.signalCode !== null) {
				const tail = await this.logTail();
				if (/port \d+ is already in use/.test(tail)) {
					throw new Error(
						`Port ${this.port} for n8n is already in use. Stop whatever uses it, or pick another port with N8N_PORT=<port>.`,
					);
				}
				throw new Error(`n8n exited (${this.child.exitCode ?? this.child.signalCode}) before it was ready:\n${tail}`);
			}
			const answers = (path: string) =>
				fetch(`${this.url}${path}`)
					.then(async (response) => {
						await response.arrayBuffer();
						return response.status === 200;
					})
					.catch(() => false);
			const ready = (await answers('/healthz/readiness')) && (await answers('/rest/settings'));
			if (ready) return;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		throw new Error(`n8n was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${await this.logTail()}`);
	}
}

/** Settings for a local, quiet, offline editor on 127.0.0.1. */
function serverEnv(port: number): Record<string, string> {
	return {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://localhost:${port}`,
		// The auth cookie is only sent back over https unless this is off.
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_FORMAT: 'text',
		N8N_LOG_LEVEL: 'info',
		// Nothing to fetch from n8n's servers: no banners, news, templates, telemetry or AI.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	};
}

export interface N8nExecution {
	id: string;
	workflowId: string;
	mode: string;
	/** new, running, waiting, success, error, canceled, crashed. */
	status: string;
	finished: boolean;
	startedAt: string;
	stoppedAt?: string | null;
	data?: N8nRun['data'];
}

/** What an execution shows in a demo table: its status, the items its last node put out, its run time. */
export function summarizeExecution(execution: N8nExecution): {
	status: string;
	lastNode?: string;
	itemsOut: number;
	timeMs: number;
	error?: string;
} {
	const resultData = execution.data?.resultData;
	const lastNode = resultData?.lastNodeExecuted;
	const lastTask: TaskData | undefined = lastNode ? resultData?.runData[lastNode]?.at(-1) : undefined;
	const itemsOut = (lastTask?.data?.main ?? []).reduce((count, items) => count + (items?.length ?? 0), 0);
	const timeMs = execution.stoppedAt ? Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt) : 0;
	const failure = resultData?.error ?? lastTask?.error;
	const error = failure
		? `${failure.node?.name ? `${failure.node.name}: ` : ''}${failure.message}${failure.description ? ` (${failure.description})` : ''}`
		: undefined;
	return { status: execution.status, lastNode, itemsOut, timeMs, error };
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message?: string;
}

/** n8n's answer to one HTTP call: its status and body (parsed JSON, or the text when it is not JSON). */
export interface N8nAnswer {
	status: number;
	ok: boolean;
	body: unknown;
	text: string;
}

/** The editor's REST calls, with the session cookie the login sets. */
export class N8nRestClient {
	private cookie = '';

	constructor(readonly baseUrl: string) {}

	async setUpOwner(owner: OwnerAccount): Promise<void> {
		await this.request('POST', '/rest/owner/setup', owner);
	}

	async logIn({ email, password }: Pick<OwnerAccount, 'email' | 'password'>): Promise<void> {
		await this.request('POST', '/rest/login', { emailOrLdapLoginId: email, password });
		if (!this.cookie) throw new Error('n8n accepted the login but set no session cookie');
	}

	/** A stored credential; `data` is included (secrets redacted, as the editor gets them). */
	async getCredential(id: string): Promise<{ id: string; name: string; type: string; data?: IDataObject }> {
		return await this.request('GET', `/rest/credentials/${encodeURIComponent(id)}?includeData=true`);
	}

	/** Tests a stored credential the way the credential form's "Retry"/save does. */
	async testCredential(id: string): Promise<CredentialTestResult> {
		const { name, type, data } = await this.getCredential(id);
		return await this.request('POST', '/rest/credentials/test', { credentials: { id, name, type, data: data ?? {} } });
	}

	/**
	 * Starts a workflow from its trigger, like the editor's "Execute workflow" button; answers the
	 * execution id. (n8n answers no execution when the trigger has to wait for a test event.)
	 */
	async runWorkflow(workflowId: string, triggerName: string): Promise<string> {
		const result = await this.request<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/rest/workflows/${encodeURIComponent(workflowId)}/run`,
			{ triggerToStartFrom: { name: triggerName } },
		);
		if (!result?.executionId)
			throw new Error(`n8n did not start workflow ${workflowId} (it waits for a trigger event)`);
		return result.executionId;
	}

	/** Publishes a workflow (the editor's "Publish"/activate), so its triggers listen. */
	async activateWorkflow(workflowId: string): Promise<void> {
		const { versionId } = await this.request<{ versionId: string }>(
			'GET',
			`/rest/workflows/${encodeURIComponent(workflowId)}`,
		);
		await this.request('POST', `/rest/workflows/${encodeURIComponent(workflowId)}/activate`, { versionId });
	}

	/** Ids of a workflow's executions, newest first. */
	async executionIds(workflowId: string): Promise<string[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.request<{ results: Array<{ id: string }> }>('GET', `/rest/executions?filter=${filter}`);
		return page.results.map((execution) => execution.id).sort((a, b) => Number(b) - Number(a));
	}

	/** An execution with its run data decoded. */
	async execution(executionId: string): Promise<N8nExecution> {
		const raw = await this.request<Omit<N8nExecution, 'data'> & { data?: string }>(
			'GET',
			`/rest/executions/${encodeURIComponent(executionId)}`,
		);
		// The editor's format: the run is a `flatted` string (JSON with shared references).
		const data = raw.data ? (parseFlatted(raw.data) as N8nRun['data']) : undefined;
		return { ...raw, data };
	}

	/** Stops a running execution, as the editor's Stop button does; answers n8n's account of it. */
	async stopExecution(executionId: string): Promise<{ status: string; stoppedAt?: string }> {
		return await this.request('POST', `/rest/executions/${encodeURIComponent(executionId)}/stop`);
	}

	/** Waits until the execution is no longer new or running (a waiting form counts as not done). */
	async waitForExecution(executionId: string, timeoutMs = 2 * 60 * 1000): Promise<N8nExecution> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const execution = await this.execution(executionId);
			if (!['new', 'running', 'waiting'].includes(execution.status)) return execution;
			if (Date.now() > deadline)
				throw new Error(`Execution ${executionId} is still ${execution.status} after ${timeoutMs} ms`);
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
	}

	/** Calls the REST API; answers `data` of the JSON envelope; throws with n8n's message on a non-2xx. */
	async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const answer = await this.send(method, path, body);
		if (!answer.ok) {
			const message = (answer.body as { message?: string } | undefined)?.message ?? answer.text.slice(0, 500);
			throw new Error(`n8n ${method} ${path} answered HTTP ${answer.status}: ${message}`);
		}
		return (answer.body as { data?: T } | undefined)?.data as T;
	}

	/**
	 * Calls any path of the server (REST or not, e.g. `/types/nodes.json`) with the session cookie and
	 * answers what n8n answered, also for a non-2xx: for tests that check or report n8n's exact answer.
	 */
	async send(method: string, path: string, body?: unknown): Promise<N8nAnswer> {
		const headers: Record<string, string> = {};
		if (body !== undefined) headers['Content-Type'] = 'application/json';
		if (this.cookie) headers.Cookie = this.cookie;
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const authCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('n8n-auth='));
		if (authCookie) this.cookie = authCookie.split(';')[0];
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// Not JSON; keep the text.
		}
		return { status: response.status, ok: response.ok, body: parsed, text };
	}
}

/** A page of an n8n form, as a visitor's browser got it. */
export interface FormPage {
	/** Where it was loaded from, with its query (a waiting form's signature). */
	url: string;
	/** The page's <title> (the form title), or the completion title. */
	title: string;
	/** The fields a visitor can fill in: label → input name (`field-0`, …). */
	fields: Record<string, string>;
	/** The page's visible text. */
	text: string;
}

/**
 * Fills in n8n forms over HTTP the way the form page's own script does: POST the fields as
 * multipart/form-data; when the workflow goes on to another form page, n8n answers
 * `{ formWaitingUrl }`, and the page polls `<waiting url>/n8n-execution-status` until that page
 * is ready ("form-waiting") or the execution ended ("success", "error", …).
 */
export class N8nFormVisitor {
	constructor(readonly serverUrl: string) {}

	/** Opens a form (e.g. `/form/<path>`); waits while n8n is still registering a just-activated trigger. */
	async open(path: string, timeoutMs = 60_000): Promise<FormPage> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const response = await fetch(this.absolute(path));
			const html = await response.text();
			const page = readFormPage(this.absolute(path), html);
			if (response.ok && Object.keys(page.fields).length > 0) return page;
			if (Date.now() > deadline) {
				throw new Error(`The form at ${path} did not open (HTTP ${response.status}, "${page.title}")`);
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}

	/** Submits `values` (by field label); answers the page that follows (the next form or the completion page). */
	async submit(page: FormPage, values: Record<string, string>, timeoutMs = 60_000): Promise<FormPage> {
		const body = new FormData();
		for (const [label, value] of Object.entries(values)) {
			const name = page.fields[label];
			if (!name)
				throw new Error(
					`The form "${page.title}" has no field "${label}" (it has: ${Object.keys(page.fields).join(', ')})`,
				);
			body.append(name, value);
		}
		const response = await fetch(page.url, { method: 'POST', body });
		const text = await response.text();
		if (!response.ok)
			throw new Error(`Submitting the form "${page.title}" answered HTTP ${response.status}: ${text.slice(0, 300)}`);
		let answer: { formWaitingUrl?: string; formSubmittedText?: string; redirectURL?: string } | undefined;
		try {
			answer = JSON.parse(text) as typeof answer;
		} catch {
			answer = undefined;
		}
		if (answer?.formWaitingUrl) return await this.completeIfDone(await this.nextPage(answer.formWaitingUrl, timeoutMs));
		if (answer?.formSubmittedText !== undefined)
			return { url: page.url, title: page.title, fields: {}, text: answer.formSubmittedText };
		if (answer?.redirectURL) return { url: answer.redirectURL, title: '', fields: {}, text: '' };
		return await this.completeIfDone(readFormPage(page.url, text));
	}

	/**
	 * A Form node's completion page keeps the execution waiting until the page's own script POSTs
	 * back once (an empty body); only then does the workflow finish. Do what that script does.
	 */
	private async completeIfDone(page: FormPage): Promise<FormPage> {
		if (Object.keys(page.fields).length > 0 || !new URL(page.url).pathname.includes('/form-waiting/')) return page;
		const response = await fetch(page.url, { method: 'POST', body: new FormData() });
		await response.text();
		return page;
	}

	/** Polls the waiting execution until its next form page is ready, then loads that page. */
	private async nextPage(formWaitingUrl: string, timeoutMs: number): Promise<FormPage> {
		const waiting = new URL(this.absolute(formWaitingUrl));
		const status = new URL(waiting);
		status.pathname = `${status.pathname}/n8n-execution-status`;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const state = (await (await fetch(status)).text()).trim();
			if (state === 'form-waiting') {
				const response = await fetch(waiting);
				return readFormPage(waiting.toString(), await response.text());
			}
			if (['canceled', 'crashed', 'error'].includes(state))
				throw new Error(`The form's workflow execution ended with "${state}"`);
			if (state === 'success')
				return { url: waiting.toString(), title: '', fields: {}, text: 'The form was submitted.' };
			if (Date.now() > deadline)
				throw new Error(`The form's next page was not ready within ${timeoutMs} ms (status "${state}")`);
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
	}

	/** n8n builds absolute URLs from N8N_HOST (localhost); keep talking to the address we know. */
	private absolute(pathOrUrl: string): string {
		const url = new URL(pathOrUrl, this.serverUrl);
		const server = new URL(this.serverUrl);
		url.protocol = server.protocol;
		url.host = server.host;
		return url.toString();
	}
}

function readFormPage(url: string, html: string): FormPage {
	const title = decodeEntities(/<title>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() ?? '');
	const fields: Record<string, string> = {};
	for (const match of html.matchAll(/<label[^>]*\bfor=['"]([^'"]+)['"][^>]*>([^<]*)<\/label>/gi)) {
		fields[decodeEntities(match[2].trim())] = match[1];
	}
	const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
	const text = decodeEntities(
		body
			.replace(/<script[\s\S]*?<\/script>/gi, ' ')
			.replace(/<style[\s\S]*?<\/style>/gi, ' ')
			.replace(/<[^>]+>/g, ' '),
	)
		.replace(/\s+/g, ' ')
		.trim();
	return { url, title, fields, text };
}

function decodeEntities(text: string): string {
	return text
		.replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCharCode(parseInt(code, 16)))
		.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
		.replace(/&quot;/g, '"')
		.replace(/&#39;|&apos;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}
