import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { HttpHelpers } from './httpExchange';
import { REFRESH_TOKEN_FIELD, type TokenLifecycle } from './lifecycleContract';
import { hasExpired } from './oauthTokenResponse';
import {
	CODE_WAIT_MS,
	ISSUED_TOKEN_MEMORY_MS,
	REFUSAL_MEMORY_MS,
	ROTATION_RACE_MS,
	codeWaits,
	issuedTokens,
	refusals,
	refusedRefreshTokens,
} from './signInMemory';
import { cachedTokenFits, fingerprintOf, fingerprintSignIn, type SignIn } from './signInFingerprint';
import { TokenLifecycleError } from './tokenLifecycleError';

// Exported from here before the split; credentials and other modules import them from here.
export { REFRESH_TOKEN_FIELD } from './lifecycleContract';
export type { TokenLifecycle } from './lifecycleContract';
export { cachedToken, cachedTokenFits, tokenOwnerFingerprint } from './signInFingerprint';

/**
 * Requests for the same login that need a token at the same moment (a batch of items sent
 * concurrently) share one trip to the token endpoint. Entries live only while the trip is under way.
 */
const tripsUnderWay = new Map<string, Promise<IDataObject>>();

/** How many earlier tokens of one login are recognised as replaced. */
const MAX_REPLACED = 32;

/**
 * The newest token this process got for the login, when the copy in hand holds none or one that it
 * replaced: a copy read before the new token was saved, an item that started with the old token.
 */
function newerIssuedToken(signIn: SignIn, lifecycle: TokenLifecycle): IDataObject | undefined {
	const issued = issuedTokens.recall(signIn.login);
	if (issued === undefined || issued.fields[lifecycle.tokenField] === signIn.heldToken) return undefined;
	const holdsReplaced =
		signIn.heldToken === '' ||
		issued.replaced.has(fingerprintOf([signIn.heldToken])) ||
		(signIn.heldRefreshToken !== '' && issued.replaced.has(fingerprintOf([signIn.heldRefreshToken])));
	return holdsReplaced ? { ...issued.fields } : undefined;
}

function rememberIssued(signIn: SignIn, fields: IDataObject, lifecycle: TokenLifecycle, now = Date.now()): void {
	const previous = issuedTokens.recall(signIn.login, now);
	const replaced = [...(previous?.replaced ?? [])];
	const previousToken = previous?.fields[lifecycle.tokenField];
	for (const old of [
		signIn.heldToken,
		signIn.heldRefreshToken,
		typeof previousToken === 'string' ? previousToken : '',
	]) {
		if (old !== '' && old !== fields[lifecycle.tokenField] && old !== fields[REFRESH_TOKEN_FIELD]) {
			replaced.push(fingerprintOf([old]));
		}
	}
	const expiresAt = lifecycle.expiresAtField ? Date.parse(String(fields[lifecycle.expiresAtField] ?? '')) : NaN;
	const lifetime = Math.min(ISSUED_TOKEN_MEMORY_MS, Number.isFinite(expiresAt) ? expiresAt - 60_000 - now : Infinity);
	if (lifetime <= 0) return;
	issuedTokens.remember(
		signIn.login,
		{ fields: { ...fields }, issuedAt: now, replaced: new Set(replaced.slice(-MAX_REPLACED)) },
		lifetime,
		now,
	);
}

function rotatedElsewhere(provider: string): TokenLifecycleError {
	return new TokenLifecycleError(
		`${provider} refused the saved refresh token`,
		'Another n8n process (such as a queue-mode worker) may have renewed it a moment ago: run the workflow again and it uses the renewed token. If the refresh token is still refused a minute from now, the credential signs in again.',
	);
}

/**
 * A refused refresh token for a login whose sign-in texts a code: within a minute of the first
 * refusal it is most likely a rotation by another process, so this request fails instead of texting
 * the user. After that minute the sign-in goes ahead.
 */
function guardRotationRace(signIn: SignIn, lifecycle: TokenLifecycle, now = Date.now()): void {
	const key = fingerprintOf(['refused refresh', signIn.login, signIn.heldRefreshToken]);
	const seen = refusedRefreshTokens.recall(key, now);
	if (seen === undefined) refusedRefreshTokens.remember(key, { firstRefusedAt: now }, REFUSAL_MEMORY_MS, now);
	if (seen === undefined || now - seen.firstRefusedAt < ROTATION_RACE_MS) throw rotatedElsewhere(lifecycle.provider);
}

/** The sign-in itself, unless a code texted for this login can still be entered. */
async function signInWithLogin(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
	signIn: SignIn,
): Promise<IDataObject> {
	const codeEntered = lifecycle.twoFactor?.codeEntered(credentials) ?? true;
	const waiting = codeEntered ? undefined : codeWaits.recall(signIn.login);
	if (waiting !== undefined && lifecycle.twoFactor) {
		throw lifecycle.twoFactor.waitingForCode(new Date(waiting.sentAt), new Date(waiting.sentAt + CODE_WAIT_MS));
	}
	return await lifecycle.acquire(helpers, credentials).catch((error: unknown) => {
		if (error instanceof TokenLifecycleError && error.outcome === 'codeSent') {
			codeWaits.remember(signIn.login, { sentAt: Date.now() }, CODE_WAIT_MS);
		}
		throw error;
	});
}

async function decide(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
	signIn: SignIn,
): Promise<IDataObject> {
	// A token (and refresh token) issued for other inputs is neither asked about nor traded in.
	if (!cachedTokenFits(credentials, lifecycle)) return await signInWithLogin(helpers, credentials, lifecycle, signIn);
	if (signIn.heldToken !== '' && lifecycle.isAccepted) {
		const expiredByClock = lifecycle.expiresAtField !== undefined && hasExpired(credentials[lifecycle.expiresAtField]);
		// We are called after a failed request, which is not always a rejected token: keep a good one.
		if (!expiredByClock && (await lifecycle.isAccepted(helpers, signIn.heldToken, credentials))) return {};
	}
	if (lifecycle.refresh && signIn.heldRefreshToken !== '') {
		// Whether a sign-in would text a code now: the login needs one and none is entered.
		const sendsCode =
			lifecycle.twoFactor !== undefined &&
			!lifecycle.twoFactor.codeEntered(credentials) &&
			lifecycle.twoFactor.knownToNeedCode(credentials);
		const raceKey = fingerprintOf(['refused refresh', signIn.login, signIn.heldRefreshToken]);
		// Refused moments ago: do not ask again, and do not text a code either.
		if (sendsCode && refusedRefreshTokens.recall(raceKey) !== undefined) guardRotationRace(signIn, lifecycle);
		else {
			const refreshed = await lifecycle.refresh(helpers, credentials);
			if (refreshed !== undefined) return refreshed;
			if (sendsCode) guardRotationRace(signIn, lifecycle);
		}
	}
	return await signInWithLogin(helpers, credentials, lifecycle, signIn);
}

/** Runs `decide` once for all callers with the same attempt and held token; remembers what it learns. */
async function sharedTrip(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
	signIn: SignIn,
): Promise<IDataObject> {
	const key = fingerprintOf(['trip', signIn.attempt, signIn.heldToken]);
	let trip = tripsUnderWay.get(key);
	if (!trip) {
		trip = decide(helpers, credentials, lifecycle, signIn)
			.then((fields) => {
				if (fields[lifecycle.tokenField] === undefined) return fields;
				const saved =
					signIn.ownerFingerprint !== undefined
						? { ...fields, [lifecycle.tokenOwnerField!]: signIn.ownerFingerprint }
						: fields;
				rememberIssued(signIn, saved, lifecycle);
				codeWaits.forget(signIn.login);
				return saved;
			})
			.catch((error: unknown) => {
				if (error instanceof TokenLifecycleError && error.outcome === 'refusal') {
					refusals.remember(signIn.attempt, error, REFUSAL_MEMORY_MS);
				}
				throw error;
			})
			.finally(() => tripsUnderWay.delete(key));
		tripsUnderWay.set(key, trip);
	}
	return { ...(await trip) };
}

/**
 * The body of every credential's `preAuthentication`. n8n calls it when the cached token field is
 * empty, after a 401, before every credential test, and (HTTP Request node) after any failed
 * request, each time with a fresh copy of the stored credential. It returns the fields to save into
 * the stored credential: a new token (with its owner's fingerprint), a rotated refresh token, a
 * cleared one-time code, or nothing when the cached token is still good.
 *
 * What it remembers in the process (see signInMemory.ts): a refused login is not tried again, a
 * texted code is not followed by another, and a token it got is handed to copies that hold none or
 * the one it replaced, so a batch signs in once.
 */
export async function renewToken(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
): Promise<IDataObject> {
	lifecycle.validate(credentials);
	const signIn = fingerprintSignIn(credentials, lifecycle);
	const refused = refusals.recall(signIn.attempt);
	if (refused !== undefined) throw refused;

	const fields = newerIssuedToken(signIn, lifecycle) ?? (await sharedTrip(helpers, credentials, lifecycle, signIn));
	// Into the copy at once: a node that shares one copy among its items finds the new token there.
	if (fields[lifecycle.tokenField] !== undefined) Object.assign(credentials, fields);
	return fields;
}
