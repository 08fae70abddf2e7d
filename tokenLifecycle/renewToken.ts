import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { textField } from './credentialInputs';
import type { HttpHelpers } from './httpExchange';
import { hasExpired } from './oauthTokenResponse';

/** What a provider's credential tells the shared life cycle. */
export interface TokenLifecycle {
	/** Display name used in error text, e.g. "Virtuous". */
	provider: string;
	/** The credential's hidden field marked `expirable`: where the token is cached. */
	tokenField: string;
	/** Hidden field holding the token's ISO expiry time, when the provider says how long tokens live. */
	expiresAtField?: string;
	/**
	 * Hidden field holding a fingerprint of the inputs the cached token was issued for. n8n keeps the
	 * cached token when someone edits the credential; with this field the token is used only while it
	 * still belongs to the inputs as they are now (see `cachedTokenFits`).
	 */
	tokenOwnerField?: string;
	/** Throws a clear error naming the field when an input is missing or malformed; runs before any request. */
	validate(credentials: ICredentialDataDecryptedObject): void;
	/**
	 * Everything that decides whose token this is and where it is valid (base URL, login, secret).
	 * Hashed, never stored or shown as such.
	 */
	identity(credentials: ICredentialDataDecryptedObject): string[];
	/**
	 * Inputs used by a single token trip, such as a one-time code: they keep trips for different
	 * values apart, but a token obtained with them still belongs to the login once they are cleared.
	 */
	oneTimeInputs?(credentials: ICredentialDataDecryptedObject): string[];
	/**
	 * Asks the provider, with a cheap authenticated request, whether the cached token still works.
	 * Providers where getting a token has side effects (a minted permanent token, a texted code)
	 * need this; for the others a fresh token is as cheap as the check.
	 */
	isAccepted?(helpers: HttpHelpers, token: string, credentials: ICredentialDataDecryptedObject): Promise<boolean>;
	/** Trades the stored refresh token for new tokens; `undefined` when there is none or it was refused. */
	refresh?(helpers: HttpHelpers, credentials: ICredentialDataDecryptedObject): Promise<IDataObject | undefined>;
	/** Gets a token from the user's login: the step that may mint, text a code, or count a failed login. */
	acquire(helpers: HttpHelpers, credentials: ICredentialDataDecryptedObject): Promise<IDataObject>;
}

/**
 * Requests for the same login that need a token at the same moment (a batch of items sent
 * concurrently) share one trip to the token endpoint, so a batch mints one token and texts one
 * code. Entries live only while the trip is under way: this is not a token cache, the token lives
 * in the credential.
 */
const tripsUnderWay = new Map<string, Promise<IDataObject>>();

/**
 * n8n's legacy request helper (used by the HTTP Request node) calls `preAuthentication` a second time
 * with the same credentials object after ANY failure, including a failure of `preAuthentication`
 * itself. Remembering the failure on that object makes the second call repeat the answer instead
 * of repeating the login (a second wrong-password attempt, a second texted code).
 */
const earlierFailure = Symbol('tokenLifecycle.earlierFailure');

/**
 * When a node shares one credentials object among its items (it passes `credentialsDecrypted` to
 * `httpRequestWithAuthentication`), n8n writes a renewed token into that object. An item whose
 * request went out with the old token and failed after the renewal then finds the new token there;
 * renewing again would throw that fresh token away. Within this window it is kept, and n8n's retry
 * uses it.
 */
const renewedAt = Symbol('tokenLifecycle.renewedAt');
const JUST_RENEWED_MS = 30_000;

type CredentialsWithMemo = ICredentialDataDecryptedObject & { [earlierFailure]?: unknown; [renewedAt]?: number };

function sha256(parts: string[]): string {
	return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

function tripKey(lifecycle: TokenLifecycle, credentials: ICredentialDataDecryptedObject): string {
	return sha256([
		lifecycle.provider,
		...lifecycle.identity(credentials),
		...(lifecycle.oneTimeInputs?.(credentials) ?? []),
		String(credentials[lifecycle.tokenField] ?? ''),
		lifecycle.tokenOwnerField ? String(credentials[lifecycle.tokenOwnerField] ?? '') : '',
	]);
}

/**
 * Whom a token issued for these inputs belongs to: a hash over the provider and `identity`. Saved
 * beside the token in `tokenOwnerField`. Throws when an input is unusable (e.g. a malformed URL).
 */
export function tokenOwnerFingerprint(credentials: ICredentialDataDecryptedObject, lifecycle: TokenLifecycle): string {
	return sha256(['token owner', lifecycle.provider, ...lifecycle.identity(credentials)]);
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

async function decide(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
): Promise<IDataObject> {
	// A token (and refresh token) issued for other inputs is neither asked about nor traded in.
	if (!cachedTokenFits(credentials, lifecycle)) return await lifecycle.acquire(helpers, credentials);
	const token =
		typeof credentials[lifecycle.tokenField] === 'string' ? (credentials[lifecycle.tokenField] as string) : '';
	if (token !== '' && lifecycle.isAccepted) {
		const expiredByClock = lifecycle.expiresAtField !== undefined && hasExpired(credentials[lifecycle.expiresAtField]);
		// We are called after a failed request, which is not always a rejected token: keep a good one.
		if (!expiredByClock && (await lifecycle.isAccepted(helpers, token, credentials))) return {};
	}
	const refreshed = lifecycle.refresh ? await lifecycle.refresh(helpers, credentials) : undefined;
	return refreshed ?? (await lifecycle.acquire(helpers, credentials));
}

/**
 * The body of every credential's `preAuthentication`. n8n calls it when the cached token field is
 * empty, after a 401, before every credential test, and (HTTP Request node) after any failed
 * request. It returns the fields to save into the stored credential: a new token (with its owner's
 * fingerprint), a rotated refresh token, a cleared one-time code, or nothing when the cached token
 * is still good.
 */
export async function renewToken(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
): Promise<IDataObject> {
	const memo = credentials as CredentialsWithMemo;
	if (memo[earlierFailure] !== undefined) throw memo[earlierFailure];
	// Keeping a token renewed moments ago assumes the failure came from a request sent with the token it
	// replaced. A lifecycle that can ask the provider (isAccepted) asks instead, in decide(): the renewed
	// token may itself be the one refused, and keeping it would fail every request for the whole window.
	const justRenewed = memo[renewedAt] !== undefined && Date.now() - memo[renewedAt] < JUST_RENEWED_MS;
	if (justRenewed && !lifecycle.isAccepted && cachedTokenFits(credentials, lifecycle)) return {};
	const outcome = await joinTrip(helpers, credentials, lifecycle).then(
		(fields) => ({ fields }),
		(error: unknown) => ({ error }),
	);
	if ('error' in outcome) {
		Object.defineProperty(memo, earlierFailure, { value: outcome.error, enumerable: false, configurable: true });
		throw outcome.error;
	}
	if (outcome.fields[lifecycle.tokenField] !== undefined) {
		// Into the shared object at once: n8n stores it there only after saving the credential, and a
		// request that fails meanwhile must find the new token, not renew the old one again.
		Object.assign(credentials, outcome.fields);
		Object.defineProperty(memo, renewedAt, { value: Date.now(), enumerable: false, configurable: true });
	}
	return outcome.fields;
}

async function joinTrip(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
): Promise<IDataObject> {
	lifecycle.validate(credentials);
	const owner = lifecycle.tokenOwnerField ? tokenOwnerFingerprint(credentials, lifecycle) : undefined;
	const key = tripKey(lifecycle, credentials);
	let trip = tripsUnderWay.get(key);
	if (!trip) {
		trip = decide(helpers, credentials, lifecycle).finally(() => tripsUnderWay.delete(key));
		tripsUnderWay.set(key, trip);
	}
	const fields = { ...(await trip) };
	// Every new token is saved with the fingerprint of the inputs it was issued for.
	if (lifecycle.tokenOwnerField && owner !== undefined && fields[lifecycle.tokenField] !== undefined) {
		fields[lifecycle.tokenOwnerField] = owner;
	}
	return fields;
}
