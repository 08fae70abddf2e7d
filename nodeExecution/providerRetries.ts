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

function statusOfFailure(error: unknown): number | undefined {
	if (error === null || typeof error !== 'object') return undefined;
	const record = error as Record<string, unknown>;
	return statusOf(record) ?? statusOf((record.cause ?? {}) as Record<string, unknown>);
}

/** How long to wait before sending again, or undefined when this failure must not be retried. */
export function retryDelayMs(error: unknown, method: IHttpRequestMethods, attempt: number): number | undefined {
	if (attempt >= MAX_ATTEMPTS || error === null || typeof error !== 'object') return undefined;
	const status = statusOfFailure(error);
	if (status === undefined) return undefined;
	const record = error as Record<string, unknown>;
	if (!ALWAYS_RETRIED.has(status) && !(RETRIED_WHEN_SAFE.has(status) && SAFE_TO_REPEAT.has(method))) return undefined;
	const backoff = FIRST_BACKOFF_MS * 2 ** (attempt - 1);
	return Math.min(retryAfterMs(record) ?? backoff, MAX_WAIT_MS);
}

/**
 * Waits `ms`, or less when the execution is stopped meanwhile (then rejects). n8n-workflow 2.x,
 * which n8n hands the package at run time, has `sleep` but no abortable sleep of its own.
 */
export async function sleepUnlessStopped(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal === undefined) return await sleep(ms);
	const stopped = () => new Error('The execution was stopped');
	if (signal.aborted) throw stopped();
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(stopped());
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), aborted]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}

/**
 * A pause every item of one node execution keeps. When the provider answers 429, it asks the caller,
 * not the one request, to slow down: every item waits out its Retry-After before sending anything,
 * so a limit never meets a burst of retries and new items.
 */
export class SharedPause {
	private until = 0;

	/** Pauses everyone for `ms` from now, unless a longer pause is already set. */
	extend(ms: number): void {
		this.until = Math.max(this.until, Date.now() + ms);
	}

	/** Resolves when no pause is set; rejects when the execution is stopped meanwhile. */
	async wait(signal?: AbortSignal): Promise<void> {
		for (let left = this.until - Date.now(); left > 0; left = this.until - Date.now()) {
			await sleepUnlessStopped(left, signal);
		}
	}
}

export interface RetryOptions {
	/** Shared by all items of the execution; a 429 pauses them all. A pause of its own when absent. */
	pause?: SharedPause;
	/** The execution's cancel signal: stopping the execution ends any wait at once. */
	signal?: AbortSignal;
}

/**
 * Sends a provider request, and sends it again when the provider says it is busy: a 429 (honouring
 * `Retry-After`, capped at 30 s, as a pause for every item of the execution), or a 502/503/504 for
 * requests that are safe to repeat. A POST that may have been processed is never sent twice.
 */
export async function withProviderRetries<T>(
	method: IHttpRequestMethods,
	send: () => Promise<T>,
	{ pause = new SharedPause(), signal }: RetryOptions = {},
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		await pause.wait(signal);
		const outcome = await send().then(
			(value) => ({ value }),
			(error: unknown) => ({ error }),
		);
		if (!('error' in outcome)) return outcome.value;
		const delay = retryDelayMs(outcome.error, method, attempt);
		if (delay === undefined || signal?.aborted) throw outcome.error;
		if (statusOfFailure(outcome.error) === 429) pause.extend(delay);
		else await sleepUnlessStopped(delay, signal);
	}
}
