import { sleep, type IHttpRequestMethods } from 'n8n-workflow';

import { statusOf } from './providerApiError';

/** Attempts in all, the first included: enough to ride out a brief limit without stalling a run. */
const MAX_ATTEMPTS = 3;
const MAX_WAIT_MS = 30_000;
const FIRST_BACKOFF_MS = 1_000;

/** Statuses that mean "not processed, ask again later" whatever the method. */
const ALWAYS_RETRIED = new Set([429]);
/** Statuses after which only a request that is safe to repeat is sent again. */
const RETRIED_WHEN_SAFE = new Set([502, 503, 504]);
const SAFE_TO_REPEAT = new Set<IHttpRequestMethods>(['GET', 'HEAD', 'DELETE']);

function retryAfterMs(error: Record<string, unknown>): number | undefined {
	const cause = error.cause as { response?: { headers?: Record<string, unknown> } } | undefined;
	const response = (error.response ?? cause?.response) as { headers?: Record<string, unknown> } | undefined;
	const header = response?.headers?.['retry-after'];
	if (typeof header !== 'string' && typeof header !== 'number') return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(header));
	return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** How long to wait before sending again, or undefined when this failure must not be retried. */
export function retryDelayMs(error: unknown, method: IHttpRequestMethods, attempt: number): number | undefined {
	if (attempt >= MAX_ATTEMPTS || error === null || typeof error !== 'object') return undefined;
	const record = error as Record<string, unknown>;
	const status = statusOf(record) ?? statusOf((record.cause ?? {}) as Record<string, unknown>);
	if (status === undefined) return undefined;
	if (!ALWAYS_RETRIED.has(status) && !(RETRIED_WHEN_SAFE.has(status) && SAFE_TO_REPEAT.has(method))) return undefined;
	const backoff = FIRST_BACKOFF_MS * 2 ** (attempt - 1);
	return Math.min(retryAfterMs(record) ?? backoff, MAX_WAIT_MS);
}

/**
 * Sends a provider request, and sends it again when the provider says it is busy: a 429 (honouring
 * `Retry-After`, capped at 30 s), or a 502/503/504 for requests that are safe to repeat. A POST
 * that may have been processed is never sent twice.
 */
export async function withProviderRetries<T>(method: IHttpRequestMethods, send: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		const outcome = await send().then(
			(value) => ({ value }),
			(error: unknown) => ({ error }),
		);
		if (!('error' in outcome)) return outcome.value;
		const delay = retryDelayMs(outcome.error, method, attempt);
		if (delay === undefined) throw outcome.error;
		await sleep(delay);
	}
}
