/**
 * A credential type's own hooks called the way n8n calls them, for tests that call credential code
 * directly: `preAuthentication` with the `this` n8n gives it (helpers with n8n-core's real
 * `httpRequest`), and `authenticate` (which these credentials declare as a function).
 */
import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions } from 'n8n-workflow';

import { httpRequest } from './n8nCore';

/** The `this` n8n gives `preAuthentication`: helpers with `httpRequest` (all 1.x and 2.x give). */
export const preAuthenticationContext = { helpers: { httpRequest } } as never;

export function credentialCalls(credentialType: ICredentialType) {
	return {
		async preAuthenticate(credentials: ICredentialDataDecryptedObject) {
			return await credentialType.preAuthentication!.call(preAuthenticationContext, credentials);
		},
		/** The request options `authenticate` makes of `options` for `credentials`. */
		async authenticate(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions) {
			const authenticate = credentialType.authenticate as (
				c: ICredentialDataDecryptedObject,
				o: IHttpRequestOptions,
			) => Promise<IHttpRequestOptions>;
			return await authenticate(credentials, options);
		},
	};
}
