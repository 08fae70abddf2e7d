/**
 * What a provider's credential hands the shared token life cycle. In a file of its own because the
 * fingerprint, the memory and the decision all read it, and none of them should import another to do so.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { HttpAnswer, ProviderCall, ProviderError } from '../requestEngine';

/** The hidden field where a lifecycle with `refresh` keeps the refresh token. */
export const REFRESH_TOKEN_FIELD = 'refreshToken';

/** Sends a call through the request engine, with the settings of whoever asked for the token. */
export type SendCall = (call: ProviderCall) => Promise<HttpAnswer>;

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
	loginInputs(credentials: ICredentialDataDecryptedObject): string[];
	/**
	 * Inputs used by a single sign-in, such as a one-time code: a refusal is remembered for them, but
	 * a token obtained with them still belongs to the login once they are cleared.
	 */
	oneTimeInputs?(credentials: ICredentialDataDecryptedObject): string[];
	/**
	 * Asks the provider, with a cheap authenticated request, whether the cached token still works.
	 * Providers where getting a token has side effects (a minted permanent token, a texted code)
	 * need this; for the others a fresh token is as cheap as the check.
	 */
	isAccepted?(send: SendCall, token: string, credentials: ICredentialDataDecryptedObject): Promise<boolean>;
	/** Trades the stored refresh token for new tokens; `undefined` when there is none or it was refused. */
	refresh?(send: SendCall, credentials: ICredentialDataDecryptedObject): Promise<IDataObject | undefined>;
	/** Gets a token from the user's login: the step that may mint, text a code, or count a failed login. */
	acquire(send: SendCall, credentials: ICredentialDataDecryptedObject): Promise<IDataObject>;
	/** For a provider whose sign-in can text a verification code. */
	twoFactor?: {
		/** Whether the user typed a verification code into the credential. */
		codeEntered(credentials: ICredentialDataDecryptedObject): boolean;
		/** Whether an earlier sign-in of this login needed a code (saved in the credential). */
		knownToNeedCode(credentials: ICredentialDataDecryptedObject): boolean;
		/** The error for a run that needs a token while a texted code can still be entered. */
		waitingForCode(sentAt: Date, nextCodeAt: Date): ProviderError;
	};
}
