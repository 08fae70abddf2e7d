/**
 * RingCX: the legacy portals (permanent API tokens, pasted or bought once with a username and
 * password) and RingCX for RingCentral customers (a RingCentral login by JWT). Each sign-in has a file
 * of its own; this one says which the credential uses and what the shared code needs of RingCX.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { TokenLifecycle } from '../../tokenLifecycle';
import type { Provider } from '../provider';
import { RINGCX_TOKEN_HEADER, portalLogin } from './portalLogin';
import { ringCentralLogin } from './ringCentralLogin';
import { PROVIDER, apiRoot, usesRingCentralLogin } from './servers';

export { RINGCX_API_ROOTS } from './servers';
export { RINGCENTRAL_PRODUCTION_URL } from './ringCentralLogin';

/** One way of signing in: the part of a token life cycle that differs between RingCX's two logins. */
export type RingCxSignIn = Pick<TokenLifecycle, 'validate' | 'loginInputs' | 'isAccepted' | 'refresh' | 'acquire'>;

function signInOf(credentials: ICredentialDataDecryptedObject): RingCxSignIn {
	return usesRingCentralLogin(credentials) ? ringCentralLogin : portalLogin;
}

/** Both logins keep their token in `sessionToken`; a RingCentral login also keeps RingCX's refresh token. */
export const ringCxLifecycle: TokenLifecycle = {
	provider: PROVIDER,
	tokenField: 'sessionToken',
	tokenOwnerField: 'tokenOwner',
	validate: (credentials) => signInOf(credentials).validate(credentials),
	loginInputs: (credentials) => signInOf(credentials).loginInputs(credentials),
	isAccepted: async (send, token, credentials) =>
		(await signInOf(credentials).isAccepted?.(send, token, credentials)) ?? true,
	refresh: async (send, credentials) => await signInOf(credentials).refresh?.(send, credentials),
	acquire: async (send, credentials) => await signInOf(credentials).acquire(send, credentials),
};

/**
 * The legacy portals take the pasted or minted permanent token in `X-Auth-Token`; RingCX for
 * RingCentral customers takes its access token as a Bearer token.
 */
export const ringCx: Provider = {
	name: PROVIDER,
	credentialType: 'ringCxApi',
	apiRoot,
	lifecycle: ringCxLifecycle,
	tokenHeader: (credentials) => (usesRingCentralLogin(credentials) ? 'Authorization' : RINGCX_TOKEN_HEADER),
	pasted: { modeField: 'authMethod', mode: 'apiToken', field: 'apiToken', label: 'API Token' },
	describeRefusal: (credentials, statusCode) =>
		statusCode === 403 && usesRingCentralLogin(credentials)
			? {
					message: 'RingCX refused this operation to the RingCentral login (HTTP 403)',
					description:
						"RingCX decides by the RingCentral user's RingCX rights: give the user of the JWT admin rights in RingCX, or use a permanent API token of a legacy portal.",
				}
			: undefined,
	packaging: { id: 'ringcx', title: 'RingCX', credentialClass: 'RingCxApi', nodeFolder: 'RingCx' },
};
