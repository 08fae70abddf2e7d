/**
 * What one n8n process remembers about sign-ins besides the credential. n8n hands every request a
 * fresh copy of the stored credential, runs items concurrently and calls `preAuthentication` again
 * after failures, so without this each copy would repeat a refused login, text another code or
 * trade a refresh token another copy already traded. Every entry is keyed by a fingerprint of the
 * inputs it is about (see signInFingerprint.ts), expires, and the number of entries is capped.
 * Issued tokens are remembered here too; what is done with them is in issuedTokenMemory.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { BoundedMemory } from './boundedMemory';
import { fingerprintOf } from './signInFingerprint';
import type { ProviderError } from '../requestEngine';

/** A refused password, key or code is not tried again for this long (unless the inputs change). */
export const REFUSAL_MEMORY_MS = 15 * 60_000;
/**
 * How long a texted verification code is taken to stay usable. Virtuous does not document it, so
 * this is chosen on the safe side: no new code is requested for this login within it.
 */
export const CODE_WAIT_MS = 10 * 60_000;
/**
 * How long a token this process obtained is handed to copies of the credential that still hold the
 * token (or refresh token) it replaced, or none, because they were read before it was saved.
 */
export const ISSUED_TOKEN_MEMORY_MS = 5 * 60_000;
/**
 * A refresh token refused within this long of being stored may have been traded by another n8n
 * process (queue mode) a moment ago; a sign-in that texts a code is not made until it has passed.
 */
export const ROTATION_RACE_MS = 60_000;
/** Entries per memory: far more logins than one process serves, few enough to cost nothing. */
const SIGN_IN_MEMORY_CAP = 1_000;

export interface IssuedTokens {
	/** The fields saved into the credential with the newest token. */
	fields: IDataObject;
	/** Tokens and refresh tokens this one replaced, as fingerprints. */
	replaced: Set<string>;
}

const refusals = new BoundedMemory<ProviderError>(SIGN_IN_MEMORY_CAP);
const codeWaits = new BoundedMemory<{ sentAt: number }>(SIGN_IN_MEMORY_CAP);
const refusedRefreshTokens = new BoundedMemory<{ firstRefusedAt: number }>(SIGN_IN_MEMORY_CAP);
/** Read and written only by issuedTokenMemory.ts; here so that one call clears every memory. */
export const issuedTokens = new BoundedMemory<IssuedTokens>(SIGN_IN_MEMORY_CAP);

/** The provider refused this attempt (see `SignIn.attempt`): the same error is thrown without asking again. */
export function rememberRefusal(attempt: string, error: ProviderError, now: number = Date.now()): void {
	refusals.remember(attempt, error, REFUSAL_MEMORY_MS, now);
}

export function rememberedRefusal(attempt: string, now: number = Date.now()): ProviderError | undefined {
	return refusals.recall(attempt, now);
}

/** A sign-in of this login texted a verification code: no other sign-in is made while it can be entered. */
export function rememberCodeSent(login: string, now: number = Date.now()): void {
	codeWaits.remember(login, { sentAt: now }, CODE_WAIT_MS, now);
}

/** When the code awaited for this login was texted and from when a new one may be asked for. */
export function awaitedCode(login: string, now: number = Date.now()): { sentAt: Date; nextCodeAt: Date } | undefined {
	const waiting = codeWaits.recall(login, now);
	if (waiting === undefined) return undefined;
	return { sentAt: new Date(waiting.sentAt), nextCodeAt: new Date(waiting.sentAt + CODE_WAIT_MS) };
}

/** The login got a token: the code it waited for was used. */
export function forgetAwaitedCode(login: string): void {
	codeWaits.forget(login);
}

function refusedRefreshTokenKey(login: string, refreshToken: string): string {
	return fingerprintOf(['refused refresh', login, refreshToken]);
}

/** Whether the provider refused this refresh token of this login within `REFUSAL_MEMORY_MS`. */
export function refreshTokenRefusedBefore(login: string, refreshToken: string, now: number = Date.now()): boolean {
	return refusedRefreshTokens.recall(refusedRefreshTokenKey(login, refreshToken), now) !== undefined;
}

/**
 * Notes that the provider refused this refresh token, and says whether that may still be another
 * process's rotation: true until `ROTATION_RACE_MS` after the first refusal of it.
 */
export function refreshRefusalWithinRotationRace(
	login: string,
	refreshToken: string,
	now: number = Date.now(),
): boolean {
	const key = refusedRefreshTokenKey(login, refreshToken);
	const seen = refusedRefreshTokens.recall(key, now);
	if (seen === undefined) refusedRefreshTokens.remember(key, { firstRefusedAt: now }, REFUSAL_MEMORY_MS, now);
	return seen === undefined || now - seen.firstRefusedAt < ROTATION_RACE_MS;
}

/** Forgets every sign-in this process remembers. For tests, which start each case from nothing. */
export function clearSignInMemory(): void {
	refusals.clear();
	codeWaits.clear();
	issuedTokens.clear();
	refusedRefreshTokens.clear();
}
