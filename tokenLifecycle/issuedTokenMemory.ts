/**
 * The newest token this process got for each login, and the tokens it replaced. A copy of the
 * credential read before the new token was saved (an item of the same batch, the HTTP Request node's
 * retry) is handed that token instead of trading its stale refresh token or signing in again.
 */
import type { IDataObject } from 'n8n-workflow';

import { REFRESH_TOKEN_FIELD, type TokenLifecycle } from './lifecycleContract';
import { ISSUED_TOKEN_MEMORY_MS, issuedTokens } from './signInMemory';
import { fingerprintOf, type SignIn } from './signInFingerprint';

/** How many earlier tokens of one login are recognised as replaced. */
const MAX_REPLACED = 32;
/** An issued token is not handed out in its last minute, the margin `hasExpired` also keeps. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * The newest token this process got for the login, when the copy in hand holds none or one that it
 * replaced. A copy holding any other token (one saved by another process, say) keeps its own.
 */
export function newerIssuedToken(
	signIn: SignIn,
	lifecycle: TokenLifecycle,
	now: number = Date.now(),
): IDataObject | undefined {
	const issued = issuedTokens.recall(signIn.login, now);
	if (issued === undefined || issued.fields[lifecycle.tokenField] === signIn.heldToken) return undefined;
	const holdsReplaced =
		signIn.heldToken === '' ||
		issued.replaced.has(fingerprintOf([signIn.heldToken])) ||
		(signIn.heldRefreshToken !== '' && issued.replaced.has(fingerprintOf([signIn.heldRefreshToken])));
	return holdsReplaced ? { ...issued.fields } : undefined;
}

/**
 * Remembers the fields just saved with a new token, and that it replaced the token and refresh token
 * the copy held and the token issued before it. Not remembered past the token's own expiry.
 */
export function rememberIssuedToken(
	signIn: SignIn,
	fields: IDataObject,
	lifecycle: TokenLifecycle,
	now: number = Date.now(),
): void {
	const previous = issuedTokens.recall(signIn.login, now);
	// A Set in the order replaced: the copy renewing usually holds the token issued before it, which
	// must count once, or the cap would keep only half as many tokens.
	const replaced = new Set(previous?.replaced ?? []);
	const previousToken = previous?.fields[lifecycle.tokenField];
	for (const old of [
		signIn.heldToken,
		signIn.heldRefreshToken,
		typeof previousToken === 'string' ? previousToken : '',
	]) {
		if (old !== '' && old !== fields[lifecycle.tokenField] && old !== fields[REFRESH_TOKEN_FIELD]) {
			const replacedFingerprint = fingerprintOf([old]);
			replaced.delete(replacedFingerprint);
			replaced.add(replacedFingerprint);
		}
	}
	const expiresAt = lifecycle.expiresAtField ? Date.parse(String(fields[lifecycle.expiresAtField] ?? '')) : NaN;
	const untilExpiry = Number.isFinite(expiresAt) ? expiresAt - EXPIRY_MARGIN_MS - now : Infinity;
	const lifetime = Math.min(ISSUED_TOKEN_MEMORY_MS, untilExpiry);
	if (lifetime <= 0) return;
	issuedTokens.remember(
		signIn.login,
		{ fields: { ...fields }, replaced: new Set([...replaced].slice(-MAX_REPLACED)) },
		lifetime,
		now,
	);
}
