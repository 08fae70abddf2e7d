/**
 * The one request engine: every call to a provider, a credential's token request or a node's API
 * request, goes through `callProvider`. Timeouts, the execution's Stop, retries, `Retry-After` and the
 * pause a 429 asks of every caller live here once; a provider only says what differs: where the call
 * goes, its body, and what sending it twice would do (`repeat`).
 */
import type { GenericValue, IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import {
	answerLostError,
	busyError,
	originOf,
	stoppedError,
	timeoutError,
	unreachableError,
	type LostAnswerWording,
} from './callErrors';
import { pauseHost, sleepUnlessStopped, waitForHost } from './pacing';
import { retryAfterMs } from './retryAfter';

/**
 * What sending a call again would do, which decides whether the engine may:
 * - `safe`: nothing (a read, a grant that changes nothing): sent again after a 429, a 502/503/504 or a
 *   lost connection;
 * - `oneTimeSecret`: it uses up a secret (a texted code, a rotating refresh token): a used one is
 *   refused, so after a lost answer the caller must get a new one;
 * - `creates`: it makes something (a permanent token, a session, a texted code): a second one is not
 *   wanted, so after a lost answer the caller looks before creating again.
 * Only `safe` calls are repeated after a lost answer or a 502/503/504. A 429 means "not processed",
 * so every call waits it out and is sent again.
 */
export type Repeat = 'safe' | 'oneTimeSecret' | 'creates';

export interface ProviderCall {
	/** The provider's name in error text, e.g. "Viafoura". */
	provider: string;
	method: IHttpRequestMethods;
	url: string;
	headers?: Record<string, string>;
	/** A form body (percent-encoded here, RFC 3986) or a JSON body (an object, or an array for batch endpoints). */
	body?: { form: Record<string, string> } | { json: IDataObject | GenericValue[] };
	/** Sent as an HTTP Basic `Authorization` header. */
	basicAuth?: { username: string; password: string };
	repeat: Repeat;
	/** The item's error when a call that is not `safe` loses its answer; a generic one when absent. */
	ifAnswerLost?: LostAnswerWording;
}

/** How long a call may take and what stops it: the node's Timeout option and the execution's Stop. */
export interface CallSettings {
	timeoutMs: number;
	signal?: AbortSignal;
}

export interface HttpAnswer {
	statusCode: number;
	/** Header names in lower case. */
	headers: Record<string, unknown>;
	/** JSON bodies parsed, whatever the content type said. */
	body: unknown;
}

/** What one attempt came to. `unreachable`: never delivered (refused, no such host); `lost`: may have been. */
export type Outcome =
	| { kind: 'answer'; answer: HttpAnswer }
	| { kind: 'timeout' }
	| { kind: 'unreachable' }
	| { kind: 'lost' }
	| { kind: 'stopped' };

/** Sends one attempt. Resolves with what it came to; rejects only with an error to pass on as it is. */
export type Transport = (options: IHttpRequestOptions) => Promise<Outcome>;

/** Attempts in all, the first included: enough to ride out a brief limit without stalling a run. */
export const MAX_ATTEMPTS = 3;
/** A longer Retry-After than this fails the call rather than holding every item that waits on it. */
export const MAX_RETRY_WAIT_MS = 60_000;
const FIRST_BACKOFF_MS = 500;
const GATEWAY_FAILURES = new Set([502, 503, 504]);

export function isSuccess(answer: HttpAnswer): boolean {
	return answer.statusCode >= 200 && answer.statusCode < 300;
}

/** Percent-encodes every value the same way everywhere (RFC 3986: `+`, `&`, `=`, `%`, spaces, accents). */
export function encodeForm(fields: Record<string, string>): string {
	return Object.entries(fields)
		.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
		.join('&');
}

export function basicAuthorization(username: string, password: string): string {
	return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The request options of one attempt: new each time, since n8n may add to the options it is handed. */
function requestOptions(call: ProviderCall, { timeoutMs, signal }: CallSettings): IHttpRequestOptions {
	const headers: Record<string, string> = { Accept: 'application/json', ...call.headers };
	const options: IHttpRequestOptions = { method: call.method, url: call.url, headers, timeout: timeoutMs };
	if (signal) options.abortSignal = signal;
	if (call.basicAuth) headers.Authorization = basicAuthorization(call.basicAuth.username, call.basicAuth.password);
	if (call.body && 'form' in call.body) {
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
		options.body = encodeForm(call.body.form);
	} else if (call.body) {
		headers['Content-Type'] = 'application/json';
		options.body = call.body.json;
		options.json = true;
	}
	return options;
}

/**
 * Sends `call` through `transport` and resolves with the provider's answer, whatever its status, for the
 * caller to judge. Rejects with a ProviderError when there is no usable answer: the execution was
 * stopped, the call timed out (never sent again: every item waiting on it would wait again), the host
 * could not be reached, a 429 outlasted the attempts, or a call that must not be repeated lost its answer
 * (or got a 502/503/504, which a gateway also sends for a request it passed on).
 */
export async function callProvider(
	transport: Transport,
	call: ProviderCall,
	settings: CallSettings,
): Promise<HttpAnswer> {
	const origin = originOf(call.url);
	for (let attempt = 1; ; attempt++) {
		await waitForHost(origin, settings.signal);
		if (settings.signal?.aborted) throw stoppedError();
		const outcome = await transport(requestOptions(call, settings));
		const lastAttempt = attempt >= MAX_ATTEMPTS;
		const backoff = FIRST_BACKOFF_MS * 2 ** (attempt - 1);
		switch (outcome.kind) {
			case 'stopped':
				throw stoppedError();
			case 'timeout':
				throw timeoutError(call.provider, call.url, settings.timeoutMs);
			case 'unreachable':
				// Never delivered, so sending it again cannot do anything twice.
				if (lastAttempt) throw unreachableError(call.provider, call.url);
				await sleepUnlessStopped(backoff, settings.signal);
				continue;
			case 'lost':
				if (call.repeat !== 'safe') throw answerLostError(call.provider, call.ifAnswerLost);
				if (lastAttempt) throw unreachableError(call.provider, call.url);
				await sleepUnlessStopped(backoff, settings.signal);
				continue;
		}
		const { answer } = outcome;
		if (answer.statusCode === 429) {
			const wait = retryAfterMs(answer.headers['retry-after']);
			if (lastAttempt || (wait ?? 0) > MAX_RETRY_WAIT_MS) throw busyError(call.provider, wait);
			pauseHost(origin, wait ?? backoff);
			continue;
		}
		if (GATEWAY_FAILURES.has(answer.statusCode)) {
			if (call.repeat !== 'safe') throw answerLostError(call.provider, call.ifAnswerLost, answer.statusCode);
			const wait = retryAfterMs(answer.headers['retry-after']) ?? backoff;
			if (!lastAttempt && wait <= MAX_RETRY_WAIT_MS) {
				await sleepUnlessStopped(wait, settings.signal);
				continue;
			}
		}
		return answer;
	}
}
