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
	providerErrorCode,
	readOAuthToken,
	renewToken,
	requiredField,
	textField,
	tokenCacheProperties,
	type HttpAnswer,
	type HttpHelpers,
	type TokenLifecycle,
} from '../tokenLifecycle';

const PROVIDER = 'Satellite';

/** The token endpoint's path under the base URL, as documented. */
export const SATELLITE_TOKEN_PATH = '/oauth/v2/token';

/** The customer's own Satellite host, without trailing slashes. */
export function satelliteBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	return baseUrlField(credentials, 'baseUrl', 'Base URL', PROVIDER);
}

/** The API client's `client_id` and `client_secret`, which every grant sends, named as the token endpoint wants. */
export function satelliteClientFields(credentials: ICredentialDataDecryptedObject): {
	client_id: string;
	client_secret: string;
} {
	return {
		client_id: requiredField(credentials, 'clientId', 'Client ID', PROVIDER),
		client_secret: requiredField(credentials, 'clientSecret', 'Client Secret', PROVIDER),
	};
}

/**
 * One call to the token endpoint. Satellite wants JSON bodies here, where OAuth 2 clients usually
 * send forms; the answer comes back whatever its status, for the caller to judge.
 */
export async function requestSatelliteToken(
	helpers: HttpHelpers,
	baseUrl: string,
	fields: Record<string, string>,
): Promise<HttpAnswer> {
	return await exchange(helpers, PROVIDER, {
		method: 'POST',
		url: `${baseUrl}${SATELLITE_TOKEN_PATH}`,
		body: { encoding: 'json', fields },
		// Client-credentials and password grants change nothing at Satellite; a refresh token is used up.
		safeToRepeat: fields.grant_type !== 'refresh_token',
	});
}

/** Whether Satellite refused the API client itself rather than the grant. */
export function isClientRejected(answer: HttpAnswer): boolean {
	return answer.statusCode === 401 || providerErrorCode(answer.body) === 'invalid_client';
}

function clientRejected(answer: HttpAnswer): TokenLifecycleError {
	return new TokenLifecycleError(
		`${PROVIDER} rejected the client ID or client secret (${describeProviderAnswer(answer.statusCode, answer.body)})`,
		'Check "Client ID" and "Client Secret" in the Satellite API credential: they are the API client set up in Satellite.',
		'refusal',
	);
}

function grantFailure(answer: HttpAnswer, grantType: string): TokenLifecycleError {
	const code = providerErrorCode(answer.body);
	const status = describeProviderAnswer(answer.statusCode, answer.body);
	if (isClientRejected(answer)) return clientRejected(answer);
	if (grantType === 'password' && code === 'invalid_grant') {
		return new TokenLifecycleError(
			`${PROVIDER} rejected the username or password (${status})`,
			'Check "Username" and "Password" in the Satellite API credential. This login is not tried again for 15 minutes unless you change them.',
			'refusal',
		);
	}
	if (code === 'unsupported_grant_type' || code === 'unauthorized_client') {
		return new TokenLifecycleError(
			`${PROVIDER} does not allow this grant type for the API client (${status})`,
			'Allow the grant for the API client in Satellite, or choose the other grant type in the credential.',
			'refusal',
		);
	}
	return new TokenLifecycleError(`${PROVIDER} did not issue a token (${status})`);
}

/** The fields saved into the credential from a token answer. */
function tokenFields(answer: HttpAnswer, refreshTokenIfNone: string): IDataObject {
	const issued = readOAuthToken(PROVIDER, answer);
	return {
		accessToken: issued.accessToken,
		refreshToken: issued.refreshToken ?? refreshTokenIfNone,
		tokenExpiresAt: issued.expiresAt,
	};
}

function isPasswordGrant(credentials: ICredentialDataDecryptedObject): boolean {
	return textField(credentials, 'grantType') === 'password';
}

/**
 * Client credentials simply ask for a new token whenever one is needed. The password grant keeps
 * the refresh token it is given and trades it (it rotates: each answer carries the next one)
 * before falling back to the username and password.
 */
const satelliteLifecycle: TokenLifecycle = {
	provider: PROVIDER,
	tokenField: 'accessToken',
	expiresAtField: 'tokenExpiresAt',
	tokenOwnerField: 'tokenOwner',
	validate(credentials) {
		satelliteBaseUrl(credentials);
		satelliteClientFields(credentials);
		if (isPasswordGrant(credentials)) {
			requiredField(credentials, 'username', 'Username', PROVIDER);
			requiredField(credentials, 'password', 'Password', PROVIDER);
		}
	},
	// The username and password decide whose token it is only in the password grant.
	identity: (credentials) => [
		satelliteBaseUrl(credentials),
		textField(credentials, 'grantType'),
		textField(credentials, 'clientId'),
		textField(credentials, 'clientSecret'),
		...(isPasswordGrant(credentials) ? [textField(credentials, 'username'), String(credentials.password ?? '')] : []),
	],
	async refresh(helpers, credentials) {
		const refreshToken = textField(credentials, 'refreshToken');
		if (!isPasswordGrant(credentials) || refreshToken === '') return undefined;
		const answer = await requestSatelliteToken(helpers, satelliteBaseUrl(credentials), {
			grant_type: 'refresh_token',
			...satelliteClientFields(credentials),
			refresh_token: refreshToken,
		});
		// A refused or expired refresh token is not an error: the password grant below takes over.
		return isSuccess(answer) ? tokenFields(answer, refreshToken) : undefined;
	},
	async acquire(helpers, credentials) {
		const baseUrl = satelliteBaseUrl(credentials);
		const grantType = isPasswordGrant(credentials) ? 'password' : 'client_credentials';
		const fields: Record<string, string> = { grant_type: grantType, ...satelliteClientFields(credentials) };
		if (grantType === 'password') {
			fields.username = textField(credentials, 'username');
			// Passwords may legitimately start or end with spaces: send exactly what was typed.
			fields.password = String(credentials.password);
		}
		const answer = await requestSatelliteToken(helpers, baseUrl, fields);
		if (!isSuccess(answer)) throw grantFailure(answer, grantType);
		// A client token has no refresh token; clearing the field drops one left from the password grant.
		return tokenFields(answer, '');
	},
};

export class SatelliteApi implements ICredentialType {
	name = 'satelliteApi';

	displayName = 'Satellite API';

	icon: Icon = { light: 'file:../nodes/Satellite/satellite.svg', dark: 'file:../nodes/Satellite/satellite.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth#satellite';

	properties: INodeProperties[] = [
		...tokenCacheProperties(satelliteLifecycle),
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			// Satellite has no shared API host: every customer's API lives on its own site. Guessing
			// one would send the client secret to a host that may not be the customer's, so the
			// field starts empty and must be filled in.
			default: '',
			required: true,
			placeholder: 'https://www.your-satellite-site.co.nz',
			description: 'The address of your Satellite site, without /oauth/v2/token',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{
					name: 'Client Credentials',
					value: 'clientCredentials',
					description: 'Act as the API client, for tasks that are not about one user (such as sending codes)',
				},
				{
					name: 'Password',
					value: 'password',
					description: "Act as one user, with that user's username and password",
				},
			],
			default: 'clientCredentials',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			required: true,
			default: '',
			description: 'The ID of the API client set up in Satellite',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			placeholder: 'someone@example.com',
			description: "The user's email address or mobile number",
			displayOptions: { show: { grantType: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { grantType: ['password'] } },
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return await renewToken(this.helpers, credentials, satelliteLifecycle);
	}

	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	) => {
		const token = cachedToken(credentials, satelliteLifecycle);
		return attachToken(requestOptions, 'Authorization', token);
	};

	/**
	 * The only documented call that takes a token is /otp/send. Sent without a body it sends no
	 * code to anyone: Satellite checks the token first (401 invalid_token when it refuses it) and
	 * then refuses the empty body, which still proves the token was accepted.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "") }}',
			url: '/otp/send',
			method: 'POST',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error',
					value: 'invalid_token',
					message: 'Satellite issued a token but did not accept it (invalid_token)',
				},
			},
			{
				// Some OAuth servers answer a refused access token with this code instead.
				type: 'responseSuccessBody',
				properties: {
					key: 'error',
					value: 'invalid_grant',
					message: 'Satellite issued a token but did not accept it (invalid_grant)',
				},
			},
		],
	};
}
