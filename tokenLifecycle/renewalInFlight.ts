/**
 * Calls for the same sign-in that need a token at the same moment (the items of a batch, fresh copies
 * of the credential) share one renewal, so the provider sees one token request, not one per item, and
 * every waiter gets its outcome: the token, or the same error. A transient failure (no answer, a
 * time-out, a 5xx) is also handed to calls that arrive just after it (`AFTERMATH_MS`: n8n's HTTP Request node asks the credential again the moment a
 * request failed), so a hung or failing token endpoint costs one time-out and one error per batch.
 */
import type { IDataObject } from 'n8n-workflow';

import { ProviderError, stoppedError, type CallSettings } from '../requestEngine';
import { fingerprintOf, type SignIn } from './signInFingerprint';

/** How long a renewal's failure is handed to calls that arrive after it, instead of a new attempt. */
export const AFTERMATH_MS = 2_000;

interface Renewal {
	outcome: Promise<IDataObject>;
	/** Aborts the token requests once every waiter has been stopped. */
	controller: AbortController;
	waiters: number;
	stopped: number;
	/** When it failed; the entry stays only for AFTERMATH_MS after that. */
	failedAt?: number;
}

/** Entries live while their renewal is under way, and a failed one for AFTERMATH_MS: nothing else is kept. */
const renewals = new Map<string, Renewal>();

/** Waits for `renewal` until it settles or `signal` stops this waiter; the last waiter stopped stops the renewal. */
async function join(renewal: Renewal, signal: AbortSignal | undefined): Promise<IDataObject> {
	renewal.waiters++;
	if (signal === undefined) return { ...(await renewal.outcome) };
	let onAbort: (() => void) | undefined;
	const stopped = new Promise<never>((_resolve, reject) => {
		onAbort = () => {
			if (++renewal.stopped === renewal.waiters) renewal.controller.abort();
			reject(stoppedError());
		};
		if (signal.aborted) onAbort();
		else signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return { ...(await Promise.race([renewal.outcome, stopped])) };
	} finally {
		signal.removeEventListener('abort', onAbort!);
	}
}

/**
 * Runs `renew` once for every call with the same attempt (see `SignIn.attempt`) and the same held
 * token while it is under way, and hands its failure to such calls for AFTERMATH_MS after. Each gets
 * its own copy of the fields, or the same error. A call holding another token is not joined: the
 * renewal under way was decided on the token it held. `renew` runs with the first caller's timeout
 * and a signal that fires only when every waiter has been stopped.
 */
export async function shareRenewalInFlight(
	signIn: SignIn,
	settings: CallSettings,
	renew: (settings: CallSettings) => Promise<IDataObject>,
	now: number = Date.now(),
): Promise<IDataObject> {
	for (const [key, { failedAt }] of renewals) {
		if (failedAt !== undefined && now - failedAt >= AFTERMATH_MS) renewals.delete(key);
	}
	const key = fingerprintOf(['renewal in flight', signIn.attempt, signIn.heldToken]);
	let renewal = renewals.get(key);
	if (!renewal) {
		const controller = new AbortController();
		const started: Renewal = { outcome: Promise.resolve({}), controller, waiters: 0, stopped: 0 };
		started.outcome = renew({ timeoutMs: settings.timeoutMs, signal: controller.signal }).then(
			(fields) => {
				renewals.delete(key);
				return fields;
			},
			(error: unknown) => {
				// A refusal or a texted code is remembered by signInMemory.ts, with its own wording for later calls;
				// a renewal stopped because everyone waiting on it was stopped tells later calls nothing.
				const remembered = error instanceof ProviderError && error.outcome !== 'transient';
				if (remembered || controller.signal.aborted) renewals.delete(key);
				else started.failedAt = Date.now();
				throw error;
			},
		);
		// Waiters may all have left; the outcome is still settled here, not left unhandled.
		started.outcome.catch(() => undefined);
		renewals.set(key, started);
		renewal = started;
	}
	return await join(renewal, settings.signal);
}

/** Forgets every renewal. For tests, which start each case from nothing. */
export function clearRenewals(): void {
	renewals.clear();
}
