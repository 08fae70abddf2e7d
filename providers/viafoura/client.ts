import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { ProviderEndpoint } from '../../nodeExecution/providerRequest';
import {
	TokenLifecycleError,
	baseUrlField,
	cachedToken,
	describeProviderAnswer,
	sendAuthenticationRequest,
	inputsRejected,
	isSuccess,
	isTokenAccepted,
	oauthTokenFields,
	requiredField,
	textField,
	type TokenLifecycle,
} from '../../tokenLifecycle';

const PROVIDER = 'Viafoura';

export const VIAFOURA_PRODUCTION_URL = 'https://api.viafoura.co';

/** The API host (no trailing slash) the credential points at. */
export const viafouraEndpoint: ProviderEndpoint = {
	provider: PROVIDER,
	credentialType: 'viafouraApi',
	baseUrl: (credentials) => baseUrlField(credentials, 'baseUrl', 'Base URL', PROVIDER),
};

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
		viafouraEndpoint.baseUrl(credentials);
		requiredField(credentials, 'siteId', 'Site ID', PROVIDER);
		requiredField(credentials, 'apiKey', 'API Key', PROVIDER);
	},
	loginInputs: (credentials) => [
		viafouraEndpoint.baseUrl(credentials),
		textField(credentials, 'siteId'),
		String(credentials.apiKey),
	],
	/**
	 * Asks Viafoura to log out an empty session: it has no read-only endpoint, and this call changes
	 * nothing. A token it accepts gets "session missing" (400); a refused one gets 401. The credential
	 * test makes the same call.
	 */
	isAccepted: async (helpers, token, credentials) =>
		await isTokenAccepted(
			helpers,
			PROVIDER,
			{
				method: 'POST',
				url: `${viafouraEndpoint.baseUrl(credentials)}/rest/v1/accounts/logout`,
				body: { encoding: 'form', fields: { session: '' } },
			},
			'Authorization',
			token,
		),
	async acquire(helpers, credentials) {
		const answer = await sendAuthenticationRequest(helpers, PROVIDER, {
			method: 'POST',
			url: `${viafouraEndpoint.baseUrl(credentials)}/oauth2/token`,
			// API keys are used exactly as Viafoura shows them; only the site ID is trimmed.
			basicAuth: { username: textField(credentials, 'siteId'), password: String(credentials.apiKey) },
			body: { encoding: 'form', fields: { grant_type: 'client_credentials', scope: 'accounts' } },
			safeToRepeat: true,
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
			throw new TokenLifecycleError(
				`${PROVIDER} did not issue an access token (${describeProviderAnswer(answer.statusCode, answer.body)})`,
			);
		}
		return oauthTokenFields(viafouraLifecycle, answer);
	},
};

/** The token every request carries as a Bearer token, while it belongs to the inputs as they are now. */
export function viafouraToken(credentials: ICredentialDataDecryptedObject): string {
	return cachedToken(credentials, viafouraLifecycle);
}
