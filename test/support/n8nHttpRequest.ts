/**
 * The part of n8n's `helpers.httpRequest` that credentials use, with the same semantics as n8n 2.x
 * (`@n8n/backend-network` convertN8nRequestToAxios + httpRequest): base URL joining, `qs`, body
 * encoding (string as is, URLSearchParams as a form, objects as JSON unless the content type says
 * form), `json` adding `Accept`, `auth` as Basic, JSON-looking answers parsed, non-2xx answers thrown
 * as an AxiosError-like error unless `ignoreHttpStatusErrors`, and `returnFullResponse`.
 *
 * It really sends HTTP (to the bundled provider servers). Unit tests call credential code with it;
 * the e2e tests run the same code inside a real n8n with n8n's own client.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

export class AxiosError extends Error {
	constructor(
		message: string,
		readonly response?: { status: number; headers: Record<string, string>; data: unknown },
	) {
		super(message);
		this.name = 'AxiosError';
	}
}

function hasHeader(headers: Record<string, string>, name: string): string | undefined {
	return Object.keys(headers).find((key) => key.toLowerCase() === name);
}

export async function httpRequest(options: IHttpRequestOptions): Promise<unknown> {
	const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
	const target = new URL(
		options.baseURL && !/^https?:\/\//.test(options.url)
			? options.baseURL.replace(/\/+$/, '') + '/' + options.url.replace(/^\/+/, '')
			: options.url,
	);
	for (const [key, value] of Object.entries((options.qs ?? {}) as IDataObject)) {
		if (value !== undefined) target.searchParams.append(key, String(value));
	}
	const method = (options.method ?? 'GET').toUpperCase();
	let body: string | undefined;
	const { body: given } = options;
	if (given !== undefined && given !== null && method !== 'GET') {
		const contentTypeKey = hasHeader(headers, 'content-type');
		if (typeof given === 'string') {
			body = given;
		} else if (given instanceof URLSearchParams) {
			body = given.toString();
			if (!contentTypeKey) headers['Content-Type'] = 'application/x-www-form-urlencoded';
		} else if (contentTypeKey && headers[contentTypeKey] === 'application/x-www-form-urlencoded') {
			body = new URLSearchParams(given as Record<string, string>).toString();
		} else if (typeof given === 'object' && Object.keys(given).length > 0) {
			body = JSON.stringify(given);
			if (!contentTypeKey) headers['Content-Type'] = 'application/json';
		}
	}
	if (options.json && !hasHeader(headers, 'accept')) headers.Accept = 'application/json';
	if (options.auth) {
		headers.Authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
	}

	// axios (n8n's client) fails a request past `timeout` with code ECONNABORTED; so does this.
	const signal = options.timeout ? AbortSignal.timeout(options.timeout) : undefined;
	const timedOut = (error: unknown): never => {
		if (signal?.aborted) throw Object.assign(new Error(`timeout of ${options.timeout}ms exceeded`), { code: 'ECONNABORTED' });
		throw error;
	};
	const response = await fetch(target, { method, headers, body, signal }).catch(timedOut);
	const raw = await response.text().catch(timedOut);
	let data: unknown = raw;
	try {
		data = raw === '' ? '' : (JSON.parse(raw) as unknown);
	} catch {
		data = raw;
	}
	const responseHeaders = Object.fromEntries(response.headers.entries());
	const accepted = options.ignoreHttpStatusErrors === true || (response.status >= 200 && response.status < 300);
	if (!accepted) {
		throw new AxiosError(`Request failed with status code ${response.status}`, {
			status: response.status,
			headers: responseHeaders,
			data,
		});
	}
	if (options.returnFullResponse) {
		return { body: data, headers: responseHeaders, statusCode: response.status, statusMessage: response.statusText };
	}
	return data;
}

/** The `this` n8n gives `preAuthentication`: only `helpers.httpRequest`. */
export const preAuthenticationContext = { helpers: { httpRequest } } as never;
