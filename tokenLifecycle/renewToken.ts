/**
 * What `preAuthentication` does for one call: refuse from memory, take a token this process got a
 * moment ago, keep the cached token, refresh it, or sign in. The fingerprints, the memory and the
 * sharing of a renewal in flight each have a file of their own; this file only decides.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { ProviderError, callProvider, plainTransport, settingsFor, type HttpHelpers } from '../requestEngine';
import { newerIssuedToken, rememberIssuedToken } from './issuedTokenMemory';
import type { SendCall, TokenLifecycle } from './lifecycleContract';
import { hasExpired } from './oauthTokenResponse';
import { shareRenewalInFlight } from './renewalInFlight';
import { fingerprintSignIn, type SignIn } from './signInFingerprint';
import {
	awaitedCode,
	forgetAwaitedCode,
	refreshRefusalWithinRotationRace,
	refreshTokenRefusedBefore,
	rememberCodeSent,
	rememberRefusal,
	rememberedRefusal,
} from './signInMemory';

function rotatedElsewhere(provider: string): ProviderError {
	return new ProviderError(
		`${provider} refused the saved refresh token`,
		'Another n8n process (such as a queue-mode worker) may have renewed it a moment ago: run the workflow again and it uses the renewed token. If the refresh token is still refused a minute from now, the credential signs in again.',
	);
}

/** The sign-in itself, unless a code texted for this login can still be entered. */
async function signInUnlessCodeAwaited(
	send: SendCall,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
	signIn: SignIn,
): Promise<IDataObject> {
	const codeEntered = lifecycle.twoFactor?.codeEntered(credentials) ?? true;
	const awaited = codeEntered ? undefined : awaitedCode(signIn.login);
	if (awaited !== undefined && lifecycle.twoFactor)
		throw lifecycle.twoFactor.waitingForCode(awaited.sentAt, awaited.nextCodeAt);
	return await lifecycle.acquire(send, credentials).catch((error: unknown) => {
		if (error instanceof ProviderError && error.outcome === 'codeSent') rememberCodeSent(signIn.login);
		throw error;
	});
}

/** Keeps the cached token if the provider still accepts it, else refreshes it, else signs in. */
async function keepRefreshOrSignIn(
	send: SendCall,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
	signIn: SignIn,
): Promise<IDataObject> {
	// A token (and refresh token) issued for other inputs is held as '' (see fingerprintSignIn): neither
	// asked about nor traded in.
	if (signIn.heldToken !== '' && lifecycle.isAccepted) {
		const expiredByClock = lifecycle.expiresAtField !== undefined && hasExpired(credentials[lifecycle.expiresAtField]);
		// We are called after a failed request, which is not always a rejected token: keep a good one.
		if (!expiredByClock && (await lifecycle.isAccepted(send, signIn.heldToken, credentials))) return {};
	}
	if (lifecycle.refresh && signIn.heldRefreshToken !== '') {
		// Whether a sign-in would text a code now: the login needs one and none is entered.
		const sendsCode =
			lifecycle.twoFactor !== undefined &&
			!lifecycle.twoFactor.codeEntered(credentials) &&
			lifecycle.twoFactor.knownToNeedCode(credentials);
		// Refused moments ago: do not ask again, and do not text a code either.
		const refusedBefore = sendsCode && refreshTokenRefusedBefore(signIn.login, signIn.heldRefreshToken);
		if (!refusedBefore) {
			const refreshed = await lifecycle.refresh(send, credentials);
			if (refreshed !== undefined) return refreshed;
		}
		// A refusal within a minute is most likely another process's rotation: fail rather than text the user.
		if (sendsCode && refreshRefusalWithinRotationRace(signIn.login, signIn.heldRefreshToken)) {
			throw rotatedElsewhere(lifecycle.provider);
		}
	}
	return await signInUnlessCodeAwaited(send, credentials, lifecycle, signIn);
}

/** `keepRefreshOrSignIn`, and what the process learns from it: a new token, a used code, a refusal. */
async function renewAndRemember(
	send: SendCall,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
	signIn: SignIn,
): Promise<IDataObject> {
	return await keepRefreshOrSignIn(send, credentials, lifecycle, signIn)
		.then((fields) => {
			if (fields[lifecycle.tokenField] === undefined) return fields;
			const saved =
				signIn.ownerFingerprint !== undefined
					? { ...fields, [lifecycle.tokenOwnerField!]: signIn.ownerFingerprint }
					: fields;
			rememberIssuedToken(signIn, saved, lifecycle);
			forgetAwaitedCode(signIn.login);
			return saved;
		})
		.catch((error: unknown) => {
			if (error instanceof ProviderError && error.outcome === 'refusal') rememberRefusal(signIn.attempt, error);
			throw error;
		});
}

/**
 * The body of every credential's `preAuthentication`. n8n calls it when the cached token field is
 * empty, after a 401, before every credential test, and (HTTP Request node) after any failed
 * request, each time with a fresh copy of the stored credential. It returns the fields to save into
 * the stored credential: a new token (with its owner's fingerprint), a rotated refresh token, a
 * cleared one-time code, or nothing when the cached token is still good.
 *
 * Its token requests go through the request engine with the settings of the node that sent the
 * request (its Timeout, the execution's Stop; see requestEngine/callSettings.ts), or the credential
 * defaults. What it remembers in the process (see signInMemory.ts): a refused login is not tried
 * again, a texted code is not followed by another, and a token it got is handed to copies that hold
 * none or the one it replaced, so a batch signs in once. Every error it throws is marked `signIn`.
 */
export async function renewToken(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
): Promise<IDataObject> {
	return await renewFor(helpers, credentials, lifecycle).catch((error: unknown) => {
		if (error instanceof ProviderError) error.signIn = true;
		throw error;
	});
}

async function renewFor(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
): Promise<IDataObject> {
	lifecycle.validate(credentials);
	const signIn = fingerprintSignIn(credentials, lifecycle);
	const refused = rememberedRefusal(signIn.attempt);
	if (refused !== undefined) throw refused;

	const transport = plainTransport(helpers, lifecycle.provider);
	const fields =
		newerIssuedToken(signIn, lifecycle) ??
		(await shareRenewalInFlight(signIn, settingsFor(credentials), async (settings) => {
			const send: SendCall = async (call) => await callProvider(transport, call, settings);
			return await renewAndRemember(send, credentials, lifecycle, signIn);
		}));
	// Into the copy at once: a node that shares one copy among its items finds the new token there.
	if (fields[lifecycle.tokenField] !== undefined) Object.assign(credentials, fields);
	return fields;
}
