import type { INodeProperties } from 'n8n-workflow';

import type { TokenLifecycle } from './renewToken';

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
		...(lifecycle.refresh ? [hiddenSecret('Refresh Token', 'refreshToken')] : []),
		...(lifecycle.expiresAtField ? [hiddenSecret('Token Expires At', lifecycle.expiresAtField)] : []),
		...(lifecycle.tokenOwnerField ? [hiddenSecret('Token Owner', lifecycle.tokenOwnerField)] : []),
	];
}
