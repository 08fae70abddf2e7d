/**
 * What identifies a login and the owner of a cached token. Everything the process remembers about
 * sign-ins is keyed by these hashes, never by the inputs themselves, so no password, key or token is
 * kept as such outside the credential.
 */
import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { textField } from './credentialInputs';
import { REFRESH_TOKEN_FIELD, type TokenLifecycle } from './lifecycleContract';

/** A SHA-256 over the parts; the NUL separator keeps ['ab', 'c'] and ['a', 'bc'] apart. */
export function fingerprintOf(parts: string[]): string {
	return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * Whom a token issued for these inputs belongs to: a hash over the provider and `loginInputs`. Saved
 * beside the token in `tokenOwnerField`. Throws when an input is unusable (e.g. a malformed URL).
 */
export function tokenOwnerFingerprint(credentials: ICredentialDataDecryptedObject, lifecycle: TokenLifecycle): string {
	return fingerprintOf(['token owner', lifecycle.provider, ...lifecycle.loginInputs(credentials)]);
}

/**
 * Whether the cached token was issued for the credential's inputs as they are now. After someone
 * edits the login, secret or base URL, n8n still hands over the token cached for the old ones;
 * it must not be sent, probed or refreshed. Always true for a lifecycle without `tokenOwnerField`.
 * Never throws: inputs that cannot be fingerprinted do not fit.
 */
export function cachedTokenFits(credentials: ICredentialDataDecryptedObject, lifecycle: TokenLifecycle): boolean {
	if (lifecycle.tokenOwnerField === undefined) return true;
	const savedOwner = credentials[lifecycle.tokenOwnerField];
	if (typeof savedOwner !== 'string' || savedOwner === '') return false;
	try {
		return tokenOwnerFingerprint(credentials, lifecycle) === savedOwner;
	} catch {
		return false;
	}
}

/**
 * The token for `authenticate` to attach: the cached one when it fits the current inputs, else `''`.
 * Sending nothing gets a 401, on which n8n calls `preAuthentication`, which gets a token for the
 * current inputs, saves it, and retries the request.
 */
export function cachedToken(credentials: ICredentialDataDecryptedObject, lifecycle: TokenLifecycle): string {
	return cachedTokenFits(credentials, lifecycle) ? textField(credentials, lifecycle.tokenField) : '';
}

/** One call's view of the sign-in: the fingerprints it is remembered under and what the copy holds. */
export interface SignIn {
	/** Fingerprint of the login (provider and login inputs). Tokens, texted codes and rotations are remembered under it. */
	login: string;
	/**
	 * Fingerprint of the login plus what this attempt adds (a one-time code, the refresh token held):
	 * refusals are remembered under it, so changing the code or the refresh token is a new attempt.
	 */
	attempt: string;
	/** The cached token if it belongs to the current inputs, else ''. */
	heldToken: string;
	/** The stored refresh token if the cached token belongs to the current inputs, else ''. */
	heldRefreshToken: string;
	/** What to save in `tokenOwnerField` beside a new token; undefined for a lifecycle without one. */
	ownerFingerprint?: string;
}

/** Reads the copy of the credential in hand into a `SignIn`. Throws when an input cannot be fingerprinted. */
export function fingerprintSignIn(credentials: ICredentialDataDecryptedObject, lifecycle: TokenLifecycle): SignIn {
	const login = fingerprintOf(['login', lifecycle.provider, ...lifecycle.loginInputs(credentials)]);
	const fits = cachedTokenFits(credentials, lifecycle);
	const heldRefreshToken = fits && lifecycle.refresh ? textField(credentials, REFRESH_TOKEN_FIELD) : '';
	return {
		login,
		attempt: fingerprintOf(['attempt', login, heldRefreshToken, ...(lifecycle.oneTimeInputs?.(credentials) ?? [])]),
		heldToken: fits ? textField(credentials, lifecycle.tokenField) : '',
		heldRefreshToken,
		ownerFingerprint: lifecycle.tokenOwnerField ? tokenOwnerFingerprint(credentials, lifecycle) : undefined,
	};
}
