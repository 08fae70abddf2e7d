import { sleep, type IHttpRequestHelper, type IHttpRequestMethods, type IHttpRequestOptions } from 'n8n-workflow';

import { TokenLifecycleError } from './tokenLifecycleError';

export type HttpHelpers = IHttpRequestHelper['helpers'];

export interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

export type RequestBody =
	{ encoding: 'form'; fields: Record<string, string> } | { encoding: 'json'; fields: Record<string, string> };

export interface ExchangeRequest {
	method: IHttpRequestMethods;
	url: string;
	headers?: Record<string, string>;
	body?: RequestBody;
	/** Sent as an HTTP Basic `Authorization` header. */
	basicAuth?: { username: string; password: string };
	/**
	 * Whether sending it twice does no harm (a client-credentials grant, a login, a read). Only such a
	 * request is sent again after a 429, a 502/503/504 or no answer. A grant that texts a code, mints a
	 * token or trades a one-use refresh token is sent once.
	 */
	safeToRepeat?: boolean;
	/** Gives up after this long; `TOKEN_REQUEST_TIMEOUT_MS` unless given. */
	timeoutMs?: number;
}

/** Every token-endpoint request gives up after this long: a hung provider must not hang every item. */
export const TOKEN_REQUEST_TIMEOUT_MS = 20_000;
/** Attempts in all for a request that is safe to repeat, the first included. */
export const TOKEN_REQUEST_ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 500;
/** A longer Retry-After than this fails the request rather than holding every item that waits on it. */
const MAX_RETRY_AFTER_MS = 10_000;
const BUSY_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Form bodies are built here rather than by the HTTP client so that every value is
 * percent-encoded the same way everywhere (RFC 3986, so `+`, `&`, `=`, `%`, spaces and non-ASCII
 * characters in passwords survive).
 */
export function encodeForm(fields: Record<string, string>): string {
	return Object.entries(fields)
		.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
		.join('&');
}

export function basicAuthorization(username: string, password: string): string {
	return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** "https://api.example.com": enough to tell the user where we could not connect, no path or query. */
function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return 'the configured base URL';
	}
}

/** How long to wait before sending again: the provider's Retry-After (seconds or a date), else a backoff. */
export function retryWaitMs(answer: HttpAnswer | undefined, attempt: number, now: number = Date.now()): number {
	const backoff = FIRST_BACKOFF_MS * 2 ** (attempt - 1);
	const header = answer?.headers['retry-after'];
	if (typeof header !== 'string' && typeof header !== 'number') return backoff;
	const seconds = Number(header);
	const wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(String(header)) - now;
	return Number.isFinite(wait) ? Math.max(0, wait) : backoff;
}

/**
 * One HTTP exchange made during authentication. It resolves with the status, headers and body
 * whatever the status is, so that each provider decides what a 202 or a 400 means; it rejects
 * only when no answer came back, with text that names the host and nothing else. A request that is
 * safe to repeat is sent again when the provider is busy or does not answer (see `safeToRepeat`).
 */
export async function sendAuthenticationRequest(
	helpers: HttpHelpers,
	provider: string,
	request: ExchangeRequest,
): Promise<HttpAnswer> {
	for (let attempt = 1; ; attempt++) {
		const answer = await exchangeOnce(helpers, request);
		// A timeout is not sent again: the provider is slow, and every item waiting on this trip would wait again.
		const busy = answer === 'unreachable' || (answer !== 'timeout' && BUSY_STATUSES.has(answer.statusCode));
		const wait = busy ? retryWaitMs(typeof answer === 'string' ? undefined : answer, attempt) : 0;
		if (busy && request.safeToRepeat && attempt < TOKEN_REQUEST_ATTEMPTS && wait <= MAX_RETRY_AFTER_MS) {
			await sleep(wait);
			continue;
		}
		if (answer === 'timeout') {
			throw new TokenLifecycleError(
				`${provider} did not answer at ${originOf(request.url)} within ${(request.timeoutMs ?? TOKEN_REQUEST_TIMEOUT_MS) / 1000} seconds`,
				'The service may be overloaded. The credential is kept; run the workflow again later.',
			);
		}
		if (answer === 'unreachable') {
			throw new TokenLifecycleError(
				`Could not reach ${provider} at ${originOf(request.url)}`,
				'Check the base URL in the credential and that the service is reachable from n8n.',
			);
		}
		return answer;
	}
}

async function exchangeOnce(
	helpers: HttpHelpers,
	request: ExchangeRequest,
): Promise<HttpAnswer | 'timeout' | 'unreachable'> {
	const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		headers,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeoutMs ?? TOKEN_REQUEST_TIMEOUT_MS,
	};
	if (request.basicAuth) {
		headers.Authorization = basicAuthorization(request.basicAuth.username, request.basicAuth.password);
	}
	if (request.body?.encoding === 'form') {
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
		options.body = encodeForm(request.body.fields);
	} else if (request.body?.encoding === 'json') {
		headers['Content-Type'] = 'application/json';
		options.body = request.body.fields;
		options.json = true;
	}

	// The client's own error can quote the request (headers, body): only whether it timed out is read from it.
	let failure: unknown;
	const answer = (await helpers.httpRequest(options).catch((error: unknown) => {
		failure = error;
		return undefined;
	})) as { statusCode: number; headers?: Record<string, unknown>; body: unknown } | undefined;
	if (answer === undefined) return isTimeout(failure) ? 'timeout' : 'unreachable';
	return { statusCode: answer.statusCode, headers: lowerCaseKeys(answer.headers ?? {}), body: parseBody(answer.body) };
}

function isTimeout(error: unknown): boolean {
	const record = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
	return (
		record.code === 'ECONNABORTED' ||
		record.code === 'ETIMEDOUT' ||
		record.name === 'TimeoutError' ||
		(typeof record.message === 'string' && /timeout/i.test(record.message))
	);
}

function lowerCaseKeys(headers: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}

/** Some providers answer JSON with a text content type; read it as JSON when it is JSON. */
function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	const trimmed = body.trim();
	if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.startsWith('"')) return body;
	try {
		return JSON.parse(trimmed) as unknown;
	} catch {
		return body;
	}
}

export function isSuccess(answer: HttpAnswer): boolean {
	return answer.statusCode >= 200 && answer.statusCode < 300;
}
