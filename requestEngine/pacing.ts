/**
 * The one pacing rule: when a provider answers 429, every call to that provider's host from this n8n
 * process waits out its Retry-After before sending anything, token requests and API requests, every
 * item and every execution alike, so a limit never meets a burst of retries and new requests.
 */
import { sleep } from 'n8n-workflow';

import { BoundedMemory } from '../tokenLifecycle/boundedMemory';
import { stoppedError } from './callErrors';

/** Hosts with a pause, capped; an entry lives only as long as its pause. */
const pauses = new BoundedMemory<number>(1_000);

/** Waits `ms`, or rejects at once when `signal` fires: stopping the execution ends every wait. */
export async function sleepUnlessStopped(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal === undefined) return await sleep(ms);
	if (signal.aborted) throw stoppedError();
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(stoppedError());
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), aborted]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}

/** Pauses every call to `origin` for `ms` from now, unless a longer pause is already set. */
export function pauseHost(origin: string, ms: number, now: number = Date.now()): void {
	const until = Math.max(pauses.recall(origin, now) ?? 0, now + ms);
	pauses.remember(origin, until, until - now, now);
}

/** Resolves when `origin` has no pause; rejects when the execution is stopped meanwhile. */
export async function waitForHost(origin: string, signal?: AbortSignal): Promise<void> {
	for (let until = pauses.recall(origin); until !== undefined; until = pauses.recall(origin)) {
		const left = until - Date.now();
		if (left <= 0) return;
		await sleepUnlessStopped(left, signal);
	}
}

/** Forgets every pause. For tests, which start each case from nothing. */
export function clearPauses(): void {
	pauses.clear();
}
