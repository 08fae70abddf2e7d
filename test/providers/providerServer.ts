/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * A small framework for the bundled provider servers: each provider (RingCX, Virtuous, Satellite,
 * Viafoura) declares its routes; this file parses bodies the way a real server does, logs every
 * request, and lets tests switch on faults (expired tokens, forced 401/429/5xx, latency).
 *
 * Faults and the log are reachable both in-process (tests) and over HTTP under `/__control/`
 * (the `npm start` demo and the browser tests).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface ProviderRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: Record<string, string>;
	contentType: string;
	rawBody: string;
	/** Decoded form fields when the body is `application/x-www-form-urlencoded`. */
	form?: Record<string, string>;
	/** Parsed JSON when the body is `application/json`. */
	json?: unknown;
	/** Path parameters captured by the route pattern, already percent-decoded. */
	params: Record<string, string>;
}

export interface ProviderResponse {
	status: number;
	headers?: Record<string, string>;
	/** Objects and arrays are sent as JSON; strings as they are (set the content type in headers). */
	body?: unknown;
}

export interface Route {
	method: string;
	/** Path with `:name` parameters, e.g. `/v1/admin/token/:apiToken`. */
	path: string;
	handle(request: ProviderRequest): ProviderResponse | Promise<ProviderResponse>;
}

export interface LoggedRequest {
	at: string;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	contentType: string;
	rawBody: string;
	form?: Record<string, string>;
	json?: unknown;
	status: number;
	/** When the client closed the connection before the answer was sent: it gave up (a time-out, a Stop). */
	clientClosedAt?: string;
}

export interface ForcedFailure {
	/** The status answered instead of the route's; ignored with `dropAnswer`. */
	status: number;
	/** Seconds, sent as `Retry-After` (typical with 429). */
	retryAfter?: number;
	/** Only requests whose path starts with this are failed; all provider routes when absent. */
	pathPrefix?: string;
	/**
	 * The route handles the request as usual (a code is used up, a token minted), then the connection is
	 * closed without an answer: what a client sees when a connection is lost after the provider acted.
	 */
	dropAnswer?: boolean;
}

export interface ProviderDefinition {
	name: string;
	routes: Route[];
	/** Makes every token issued so far invalid, as if they had all run out. */
	expireAllTokens(): void;
	/** Provider-specific facts tests need (OTP codes 'sent', tokens minted...). Must be JSON-safe. */
	snapshot(): unknown;
	/** Optional provider-specific control actions, reachable at POST /__control/action/:name. */
	actions?: Record<string, (body: unknown) => unknown>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ProviderResponse {
	return { status, body, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } };
}

export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): ProviderResponse {
	return { status, body, headers: { 'Content-Type': contentType } };
}

/** Reads the bearer token of an `Authorization: Bearer …` header. */
export function bearerToken(request: ProviderRequest): string | undefined {
	const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
	return match?.[1]?.trim();
}

function compile(path: string): { regex: RegExp; names: string[] } {
	const names: string[] = [];
	const pattern = path
		.split('/')
		.map((segment) => {
			if (segment.startsWith(':')) {
				names.push(segment.slice(1));
				return '([^/]+)';
			}
			return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		})
		.join('/');
	return { regex: new RegExp(`^${pattern}/?$`, 'i'), names };
}

function decodeForm(raw: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const [key, value] of new URLSearchParams(raw)) fields[key] = value;
	return fields;
}

async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export class ProviderServer {
	readonly log: LoggedRequest[] = [];
	private forced: ForcedFailure[] = [];
	private latency: number | ((request: LoggedRequest) => number) = 0;
	private server?: Server;
	private readonly routes: Array<Route & { compiled: { regex: RegExp; names: string[] } }>;

	constructor(readonly provider: ProviderDefinition) {
		this.routes = provider.routes.map((route) => ({ ...route, compiled: compile(route.path) }));
	}

	get url(): string {
		const address = this.server?.address() as AddressInfo | null;
		if (!address) throw new Error(`${this.provider.name} server is not listening`);
		return `http://127.0.0.1:${address.port}`;
	}

	/** Fails the next `count` provider requests with `failure.status`, or drops their answers. */
	failNext(count: number, failure: ForcedFailure): void {
		for (let i = 0; i < count; i++) this.forced.push(failure);
	}

	/** Delays every answer by `ms`, or by what `ms` answers for that request (answers out of order). */
	setLatency(ms: number | ((request: LoggedRequest) => number)): void {
		this.latency = ms;
	}

	expireAllTokens(): void {
		this.provider.expireAllTokens();
	}

	clearLog(): void {
		this.log.length = 0;
	}

	/** Requests to `path` (exact, or a RegExp) with `method`, in arrival order. */
	requests(method: string, path: string | RegExp): LoggedRequest[] {
		return this.log.filter(
			(entry) => entry.method === method && (typeof path === 'string' ? entry.path === path : path.test(entry.path)),
		);
	}

	resetFaults(): void {
		this.forced = [];
		this.latency = 0;
	}

	async listen(port = 0, host = '127.0.0.1'): Promise<string> {
		this.server = createServer((request, response) => {
			this.dispatch(request, response).catch((error: unknown) => {
				response.statusCode = 500;
				response.end(String(error));
			});
		});
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, host, () => resolve());
		});
		return this.url;
	}

	async close(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private async dispatch(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
		const url = new URL(incoming.url ?? '/', 'http://localhost');
		const rawBody = await readBody(incoming);
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(incoming.headers)) {
			if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
		}
		const contentType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
		const request: ProviderRequest = {
			method: (incoming.method ?? 'GET').toUpperCase(),
			path: url.pathname,
			query: url.searchParams,
			headers,
			contentType,
			rawBody,
			params: {},
		};
		if (contentType === 'application/x-www-form-urlencoded') request.form = decodeForm(rawBody);
		if (contentType === 'application/json' && rawBody !== '') {
			try {
				request.json = JSON.parse(rawBody);
			} catch {
				request.json = undefined;
			}
		}

		if (request.path.startsWith('/__control/')) {
			this.send(outgoing, this.control(request));
			return;
		}

		const { dropAnswer, ...response } = await this.route(request);
		const logged: LoggedRequest = {
			at: new Date().toISOString(),
			method: request.method,
			path: request.path,
			query: Object.fromEntries(request.query),
			headers,
			contentType,
			rawBody,
			form: request.form,
			json: request.json,
			status: response.status,
		};
		this.log.push(logged);
		outgoing.once('close', () => {
			if (!outgoing.writableFinished && !dropAnswer) logged.clientClosedAt = new Date().toISOString();
		});
		const latencyMs = typeof this.latency === 'function' ? this.latency(logged) : this.latency;
		// Unref'd: the listening server keeps the process alive while it serves, and a client that gave up
		// (a node's Timeout) must not hold a finished test run open until its answer would have gone.
		if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs).unref());
		if (dropAnswer) incoming.socket.destroy();
		else this.send(outgoing, response);
	}

	private async route(request: ProviderRequest): Promise<ProviderResponse & { dropAnswer?: boolean }> {
		const forcedIndex = this.forced.findIndex(
			(failure) => !failure.pathPrefix || request.path.startsWith(failure.pathPrefix),
		);
		if (forcedIndex >= 0) {
			const [failure] = this.forced.splice(forcedIndex, 1);
			if (failure.dropAnswer) return { ...(await this.routeToHandler(request)), dropAnswer: true };
			const headers: Record<string, string> =
				failure.retryAfter !== undefined ? { 'Retry-After': String(failure.retryAfter) } : {};
			return json(
				failure.status,
				{ error: 'forced_failure', message: `Forced HTTP ${failure.status} for testing` },
				headers,
			);
		}
		return await this.routeToHandler(request);
	}

	private async routeToHandler(request: ProviderRequest): Promise<ProviderResponse> {
		let pathMatched = false;
		for (const route of this.routes) {
			const match = route.compiled.regex.exec(request.path);
			if (!match) continue;
			pathMatched = true;
			if (route.method !== request.method) continue;
			route.compiled.names.forEach((name, index) => {
				request.params[name] = decodeURIComponent(match[index + 1]);
			});
			return await route.handle(request);
		}
		return pathMatched
			? json(405, { error: 'method_not_allowed', message: `${request.method} is not allowed here` })
			: json(404, { error: 'not_found', message: `No route for ${request.method} ${request.path}` });
	}

	private control(request: ProviderRequest): ProviderResponse {
		const action = request.path.slice('/__control/'.length);
		const body = (request.json ?? {}) as Record<string, unknown>;
		if (action === 'log' && request.method === 'GET') return json(200, this.log);
		if (action === 'log' && request.method === 'DELETE') {
			this.clearLog();
			return json(200, { cleared: true });
		}
		if (action === 'state' && request.method === 'GET') return json(200, this.provider.snapshot());
		if (action === 'expire-tokens' && request.method === 'POST') {
			this.expireAllTokens();
			return json(200, { expired: true });
		}
		if (action === 'faults' && request.method === 'POST') {
			if (typeof body.latencyMs === 'number') this.setLatency(body.latencyMs);
			const failNext = body.failNext as ({ count?: number } & ForcedFailure) | undefined;
			if (failNext) this.failNext(failNext.count ?? 1, failNext);
			return json(200, {
				forced: this.forced.length,
				latencyMs: typeof this.latency === 'number' ? this.latency : 'per request',
			});
		}
		if (action === 'faults' && request.method === 'DELETE') {
			this.resetFaults();
			return json(200, { reset: true });
		}
		const custom = action.startsWith('action/') ? this.provider.actions?.[action.slice('action/'.length)] : undefined;
		if (custom && request.method === 'POST') return json(200, custom(body) ?? { done: true });
		return json(404, { error: 'unknown_control', message: `Unknown control ${request.method} ${action}` });
	}

	private send(outgoing: ServerResponse, response: ProviderResponse): void {
		const headers = { ...response.headers };
		let payload = '';
		if (response.body !== undefined) {
			if (typeof response.body === 'string') {
				payload = response.body;
			} else {
				payload = JSON.stringify(response.body);
				if (!Object.keys(headers).some((key) => key.toLowerCase() === 'content-type')) {
					headers['Content-Type'] = 'application/json; charset=utf-8';
				}
			}
		}
		outgoing.writeHead(response.status, headers);
		outgoing.end(payload);
	}
}

/** Random token text, shaped like the provider's. */
export function randomToken(bytes = 16, encoding: 'hex' | 'base64' | 'base64url' = 'hex'): string {
	return randomBytes(bytes).toString(encoding);
}
