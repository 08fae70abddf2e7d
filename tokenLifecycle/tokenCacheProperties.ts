import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { HttpAnswer } from '../requestEngine';
import { readOAuthToken } from './oauthTokenResponse';
import { REFRESH_TOKEN_FIELD, type TokenLifecycle } from './lifecycleContract';

/** Hidden field where a lifecycle with `twoFactor` notes that the login needs a texted code to sign in. */
export const NEEDS_CODE_FIELD = 'signInNeedsCode';

function hiddenSecret(displayName: string, name: string): INodeProperties {
	return { displayName, name, type: 'hidden', typeOptions: { password: true }, default: '' };
}

/**
 * The hidden fields where a credential keeps what renewToken saves, derived from its lifecycle so the
 * names always match. The token field comes first: n8n treats the first hidden field marked
 * `expirable` as the cached token. Every one is a password field, so the editor never shows it.
 */
export function tokenCacheProperties(lifecycle: TokenLifecycle, tokenLabel = 'Access Token'): INodeProperties[] {
	return [
		{ ...hiddenSecret(tokenLabel, lifecycle.tokenField), typeOptions: { expirable: true, password: true } },
		...(lifecycle.refresh ? [hiddenSecret('Refresh Token', REFRESH_TOKEN_FIELD)] : []),
		...(lifecycle.expiresAtField ? [hiddenSecret('Token Expires At', lifecycle.expiresAtField)] : []),
		...(lifecycle.tokenOwnerField ? [hiddenSecret('Token Owner', lifecycle.tokenOwnerField)] : []),
		...(lifecycle.twoFactor ? [hiddenSecret('Sign-In Needs Code', NEEDS_CODE_FIELD)] : []),
	];
}

/**
 * What an OAuth 2 token answer saves into those fields. `refreshTokenIfNone` is kept when the answer
 * carries no refresh token (`''` clears one left from an earlier sign-in).
 */
export function oauthTokenFields(lifecycle: TokenLifecycle, answer: HttpAnswer, refreshTokenIfNone = ''): IDataObject {
	const issued = readOAuthToken(lifecycle.provider, answer);
	return {
		[lifecycle.tokenField]: issued.accessToken,
		...(lifecycle.refresh ? { [REFRESH_TOKEN_FIELD]: issued.refreshToken ?? refreshTokenIfNone } : {}),
		...(lifecycle.expiresAtField ? { [lifecycle.expiresAtField]: issued.expiresAt } : {}),
	};
}
