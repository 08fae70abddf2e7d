/**
 * What one n8n process remembers about sign-ins besides the credential. n8n hands every request a
 * fresh copy of the stored credential, runs items concurrently and calls `preAuthentication` again
 * after failures, so without this each copy would repeat a refused login, text another code or
 * trade a refresh token another copy already traded. Every entry is keyed by a fingerprint of the
 * inputs it is about (see `signInFingerprint`), expires, and the number of entries is capped.
 */
import type { IDataObject } from 'n8n-workflow';

import { BoundedMemory } from './boundedMemory';
import type { TokenLifecycleError } from './tokenLifecycleError';

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
const MAX_ENTRIES = 1_000;

export interface IssuedTokens {
	/** The fields saved into the credential with the newest token. */
	fields: IDataObject;
	issuedAt: number;
	/** Tokens and refresh tokens this one replaced, as fingerprints. */
	replaced: Set<string>;
}

export const refusals = new BoundedMemory<TokenLifecycleError>(MAX_ENTRIES);
export const codeWaits = new BoundedMemory<{ sentAt: number }>(MAX_ENTRIES);
export const issuedTokens = new BoundedMemory<IssuedTokens>(MAX_ENTRIES);
export const refusedRefreshTokens = new BoundedMemory<{ firstRefusedAt: number }>(MAX_ENTRIES);

/** Forgets every sign-in this process remembers. For tests, which start each case from nothing. */
export function clearSignInMemory(): void {
	refusals.clear();
	codeWaits.clear();
	issuedTokens.clear();
	refusedRefreshTokens.clear();
}
