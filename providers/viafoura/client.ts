import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ProviderError, describeProviderAnswer, inputsRejected, isSuccess } from '../../requestEngine';
import type { Provider } from '../provider';
import {
	baseUrlField,
	isTokenAccepted,
	oauthTokenFields,
	requiredField,
	textField,
	type TokenLifecycle,
} from '../../tokenLifecycle';

const PROVIDER = 'Viafoura';

export const VIAFOURA_PRODUCTION_URL = 'https://api.viafoura.co';

/** The API host (no trailing slash) the credential points at. */
function apiRoot(credentials: ICredentialDataDecryptedObject): string {
	return baseUrlField(credentials, 'baseUrl', 'Base URL', PROVIDER);
}

/**
 * Client credentials: the site ID and API key, sent as HTTP Basic, buy an hour-long token with the
 * `accounts` scope. There is no refresh token, so a refused token is simply replaced; a token that
 * is still accepted is kept when a request failed for another reason.
 */
export const viafouraLifecycle: TokenLifecycle = {
	provider: PROVIDER,
	tokenField: 'accessToken',
	expiresAtField: 'tokenExpiresAt',
	tokenOwnerField: 'tokenOwner',
	validate(credentials) {
		apiRoot(credentials);
		requiredField(credentials, 'siteId', 'Site ID', PROVIDER);
		requiredField(credentials, 'apiKey', 'API Key', PROVIDER);
	},
	loginInputs: (credentials) => [apiRoot(credentials), textField(credentials, 'siteId'), String(credentials.apiKey)],
	/**
	 * Asks Viafoura to log out an empty session: it has no read-only endpoint, and this call changes
	 * nothing. A token it accepts gets "session missing" (400); a refused one gets 401. The credential
	 * test makes the same call.
	 */
	isAccepted: async (send, token, credentials) =>
		await isTokenAccepted(
			send,
			{
				provider: PROVIDER,
				method: 'POST',
				url: `${apiRoot(credentials)}/rest/v1/accounts/logout`,
				body: { form: { session: '' } },
			},
			'Authorization',
			token,
		),
	async acquire(send, credentials) {
		const answer = await send({
			provider: PROVIDER,
			method: 'POST',
			url: `${apiRoot(credentials)}/oauth2/token`,
			// API keys are used exactly as Viafoura shows them; only the site ID is trimmed.
			basicAuth: { username: textField(credentials, 'siteId'), password: String(credentials.apiKey) },
			body: { form: { grant_type: 'client_credentials', scope: 'accounts' } },
			// A client-credentials grant changes nothing at Viafoura.
			repeat: 'safe',
		});
		if (answer.statusCode === 401 || answer.statusCode === 403) {
			throw inputsRejected(
				PROVIDER,
				'site ID or API key',
				answer,
				'Check the Site ID and API Key in the Viafoura API credential (admin.viafoura.com > Settings > API Key). No token is requested with them again for 15 minutes unless you change them.',
			);
		}
		if (!isSuccess(answer)) {
			throw new ProviderError(
				`${PROVIDER} did not issue an access token (${describeProviderAnswer(answer.statusCode, answer.body)})`,
			);
		}
		return oauthTokenFields(viafouraLifecycle, answer);
	},
};

export const viafoura: Provider = {
	name: PROVIDER,
	credentialType: 'viafouraApi',
	apiRoot,
	lifecycle: viafouraLifecycle,
	tokenHeader: () => 'Authorization',
	packaging: { id: 'viafoura', title: 'Viafoura', credentialClass: 'ViafouraApi', nodeFolder: 'Viafoura' },
};
