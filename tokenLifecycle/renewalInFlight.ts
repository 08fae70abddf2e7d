/**
 * Calls for the same sign-in that need a token at the same moment (a batch of items sent
 * concurrently) share one renewal, so the provider sees one token request, not one per item.
 */
import type { IDataObject } from 'n8n-workflow';

import { fingerprintOf, type SignIn } from './signInFingerprint';

/** Entries live only while their renewal is under way: nothing is kept once it settles. */
const renewalsInFlight = new Map<string, Promise<IDataObject>>();

/**
 * Runs `renew` once for every call with the same attempt (see `SignIn.attempt`) and the same held
 * token that arrives while it is under way; each gets its own copy of the fields, or the same error.
 * A call holding another token is not joined: the renewal under way was decided on the token it held.
 */
export async function shareRenewalInFlight(signIn: SignIn, renew: () => Promise<IDataObject>): Promise<IDataObject> {
	const key = fingerprintOf(['renewal in flight', signIn.attempt, signIn.heldToken]);
	let renewal = renewalsInFlight.get(key);
	if (!renewal) {
		renewal = renew().finally(() => renewalsInFlight.delete(key));
		renewalsInFlight.set(key, renewal);
	}
	return { ...(await renewal) };
}
