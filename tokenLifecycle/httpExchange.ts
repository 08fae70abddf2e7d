import type { IHttpRequestHelper, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

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
}

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

/**
 * One HTTP exchange made during authentication. It resolves with the status, headers and body
 * whatever the status is, so that each provider decides what a 202 or a 400 means; it rejects
 * only when no answer came back, with text that names the host and nothing else.
 */
export async function exchange(helpers: HttpHelpers, provider: string, request: ExchangeRequest): Promise<HttpAnswer> {
	const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		headers,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
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

	// The client's own error can quote the request (headers, body): it is dropped, never passed on.
	const answer = (await helpers.httpRequest(options).catch(() => undefined)) as
		{ statusCode: number; headers?: Record<string, unknown>; body: unknown } | undefined;
	if (answer === undefined) {
		throw new TokenLifecycleError(
			`Could not reach ${provider} at ${originOf(request.url)}`,
			'Check the base URL in the credential and that the service is reachable from n8n.',
		);
	}
	return { statusCode: answer.statusCode, headers: answer.headers ?? {}, body: parseBody(answer.body) };
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
