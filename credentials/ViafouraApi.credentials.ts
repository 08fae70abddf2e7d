import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	TokenLifecycleError,
	attachToken,
	baseUrlField,
	cachedToken,
	describeProviderAnswer,
	exchange,
	isSuccess,
	readOAuthToken,
	renewToken,
	requiredField,
	textField,
	tokenCacheProperties,
	type HttpHelpers,
	type TokenLifecycle,
} from '../tokenLifecycle';

const PROVIDER = 'Viafoura';

export const VIAFOURA_PRODUCTION_URL = 'https://api.viafoura.co';

/** The API host (no trailing slash) the credential points at. */
export function viafouraBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	return baseUrlField(credentials, 'baseUrl', 'Base URL', PROVIDER);
}

/**
 * Asks Viafoura to log out an empty session: it has no read-only endpoint, and this call changes
 * nothing. A token it accepts gets "session missing" (400); a refused one gets 401. The credential
 * test makes the same call.
 */
async function tokenIsAccepted(helpers: HttpHelpers, credentials: ICredentialDataDecryptedObject, token: string) {
	const answer = await exchange(helpers, PROVIDER, {
		method: 'POST',
		url: `${viafouraBaseUrl(credentials)}/rest/v1/accounts/logout`,
		headers: { Authorization: `Bearer ${token}` },
		body: { encoding: 'form', fields: { session: '' } },
		safeToRepeat: true,
	});
	return answer.statusCode !== 401;
}

/**
 * Client credentials: the site ID and API key, sent as HTTP Basic, buy an hour-long token with the
 * `accounts` scope. There is no refresh token, so a refused token is simply replaced; a token that
 * is still accepted is kept when a request failed for another reason.
 */
const viafouraLifecycle: TokenLifecycle = {
	provider: PROVIDER,
	tokenField: 'accessToken',
	expiresAtField: 'tokenExpiresAt',
	tokenOwnerField: 'tokenOwner',
	validate(credentials) {
		viafouraBaseUrl(credentials);
		requiredField(credentials, 'siteId', 'Site ID', PROVIDER);
		requiredField(credentials, 'apiKey', 'API Key', PROVIDER);
	},
	identity: (credentials) => [
		viafouraBaseUrl(credentials),
		textField(credentials, 'siteId'),
		String(credentials.apiKey),
	],
	isAccepted: async (helpers, token, credentials) => await tokenIsAccepted(helpers, credentials, token),
	async acquire(helpers, credentials) {
		const answer = await exchange(helpers, PROVIDER, {
			method: 'POST',
			url: `${viafouraBaseUrl(credentials)}/oauth2/token`,
			// API keys are used exactly as Viafoura shows them; only the site ID is trimmed.
			basicAuth: { username: textField(credentials, 'siteId'), password: String(credentials.apiKey) },
			body: { encoding: 'form', fields: { grant_type: 'client_credentials', scope: 'accounts' } },
			safeToRepeat: true,
		});
		if (answer.statusCode === 401 || answer.statusCode === 403) {
			throw new TokenLifecycleError(
				`${PROVIDER} rejected the site ID or API key (${describeProviderAnswer(answer.statusCode, answer.body)})`,
				'Check the Site ID and API Key in the Viafoura API credential (admin.viafoura.com > Settings > API Key). No token is requested with them again for 15 minutes unless you change them.',
				'refusal',
			);
		}
		if (!isSuccess(answer)) {
			throw new TokenLifecycleError(
				`${PROVIDER} did not issue an access token (${describeProviderAnswer(answer.statusCode, answer.body)})`,
			);
		}
		const token = readOAuthToken(PROVIDER, answer);
		return { accessToken: token.accessToken, tokenExpiresAt: token.expiresAt };
	},
};

export class ViafouraApi implements ICredentialType {
	name = 'viafouraApi';

	displayName = 'Viafoura API';

	icon: Icon = { light: 'file:../nodes/Viafoura/viafoura.svg', dark: 'file:../nodes/Viafoura/viafoura.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth#viafoura';

	properties: INodeProperties[] = [
		...tokenCacheProperties(viafouraLifecycle),
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: VIAFOURA_PRODUCTION_URL,
			placeholder: VIAFOURA_PRODUCTION_URL,
			description: 'The Viafoura API host. Change it only to point at a test server.',
		},
		{
			displayName: 'Site ID',
			name: 'siteId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '00000000-0000-4000-8000-000000000000',
			description: 'Your Site ID, listed in admin.viafoura.com under Settings > API Key',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'An API key created in admin.viafoura.com under Settings > API Key. It can create Viafoura accounts: keep it secret.',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return await renewToken(this.helpers, credentials, viafouraLifecycle);
	}

	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	) => {
		const token = cachedToken(credentials, viafouraLifecycle);
		return attachToken(requestOptions, 'Authorization', token);
	};

	/**
	 * The same empty-session logout as `tokenIsAccepted`: the status decides, whatever the body says.
	 * n8n gets a fresh token before every credential test, which proves the site ID and key.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl }}',
			url: '/rest/v1/accounts/logout',
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'session=',
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'statusCode',
					value: 401,
					message: 'Viafoura did not accept the access token it issued (HTTP 401). Check the Base URL.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'statusCode',
					value: 403,
					message:
						'The access token lacks the "accounts" scope (HTTP 403). Check that the API key may create accounts.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'statusCode',
					value: 404,
					message: 'Nothing answers at /rest/v1/accounts/logout (HTTP 404). Check the Base URL.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'statusCode',
					value: 500,
					message: 'Viafoura had a problem answering (HTTP 500). Try again later.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'statusCode', value: 503, message: 'Viafoura is unavailable (HTTP 503). Try again later.' },
			},
		],
	};
}
