import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	ProviderError,
	describeProviderAnswer,
	isSuccess,
	providerErrorCode,
	type HttpAnswer,
	type ProviderCall,
} from '../../requestEngine';
import {
	baseUrlField,
	oauthRefusal,
	oauthTokenFields,
	requiredField,
	textField,
	type SendCall,
	type TokenLifecycle,
} from '../../tokenLifecycle';
import type { Provider } from '../provider';

const PROVIDER = 'Satellite';

/** Satellite has no shared API host: each customer's API is on the customer's own site. */
function apiRoot(credentials: ICredentialDataDecryptedObject): string {
	return baseUrlField(credentials, 'baseUrl', 'Base URL', PROVIDER);
}

/** The API client's `client_id` and `client_secret`, which every grant sends, named as the token endpoint wants. */
function clientFields(credentials: ICredentialDataDecryptedObject): { client_id: string; client_secret: string } {
	return {
		client_id: requiredField(credentials, 'clientId', 'Client ID', PROVIDER),
		client_secret: requiredField(credentials, 'clientSecret', 'Client Secret', PROVIDER),
	};
}

/** A grant for the token endpoint, its inputs checked: where to send it, and its fields. */
export interface SatelliteGrant {
	baseUrl: string;
	fields: Record<string, string>;
}

/** A grant of the API client: `grantType` with the credential's client ID and secret, then `fields`. */
function clientGrant(
	credentials: ICredentialDataDecryptedObject,
	grantType: string,
	fields: Record<string, string>,
): SatelliteGrant {
	const baseUrl = apiRoot(credentials);
	return { baseUrl, fields: { grant_type: grantType, ...clientFields(credentials), ...fields } };
}

/**
 * A call to the token endpoint (`/oauth/v2/token`). Satellite wants JSON bodies here, where OAuth 2
 * clients usually send forms. Client-credentials and password grants change nothing at Satellite; a
 * refresh token is used up by the grant, and so is a one-time password sent as the password.
 */
export function satelliteTokenCall(
	{ baseUrl, fields }: SatelliteGrant,
	repeat: ProviderCall['repeat'],
	ifAnswerLost?: ProviderCall['ifAnswerLost'],
): ProviderCall {
	return {
		provider: PROVIDER,
		method: 'POST',
		url: `${baseUrl}/oauth/v2/token`,
		body: { json: fields },
		repeat,
		ifAnswerLost,
	};
}

/** What a verify item says when Satellite took the code but its answer was lost. */
export const CODE_MAY_BE_USED = {
	message: 'Satellite did not answer the code check, and the code may already be used',
	description:
		'The code is not sent again: Satellite accepts each code once, so a second check would be refused even if the first one worked. Send the user a new code and check that one.',
};

/** Whether Satellite refused the API client itself rather than the grant. */
function isClientRejected(answer: HttpAnswer): boolean {
	return answer.statusCode === 401 || providerErrorCode(answer.body) === 'invalid_client';
}

function grantFailure(answer: HttpAnswer, grantType: string): ProviderError {
	const refusal = oauthRefusal(PROVIDER, answer, {
		client:
			'Check "Client ID" and "Client Secret" in the Satellite API credential: they are the API client set up in Satellite.',
		inputs:
			grantType === 'password'
				? {
						name: 'username or password',
						description:
							'Check "Username" and "Password" in the Satellite API credential. This login is not tried again for 15 minutes unless you change them.',
					}
				: undefined,
		notAllowed: {
			what: 'this grant type for the API client',
			description: 'Allow the grant for the API client in Satellite, or choose the other grant type in the credential.',
		},
	});
	return (
		refusal ??
		new ProviderError(`${PROVIDER} did not issue a token (${describeProviderAnswer(answer.statusCode, answer.body)})`)
	);
}

/**
 * The password grant that trades a user's one-time password for that user's tokens: the code is the
 * password, the address it went to the username. Only the API client's ID and secret come from the
 * credential; the credential's own token plays no part. Throws before anything is sent when the
 * credential is unusable.
 */
export function oneTimePasswordGrant(
	credentials: ICredentialDataDecryptedObject,
	username: string,
	code: string,
): SatelliteGrant {
	return clientGrant(credentials, 'password', { username, password: code });
}

/** Why a one-time password exchange failed, in words for the node's error; `undefined` when it gave tokens. */
export function oneTimePasswordFailure(answer: HttpAnswer): { message: string; description: string } | undefined {
	const status = describeProviderAnswer(answer.statusCode, answer.body);
	if (isClientRejected(answer)) {
		return {
			message: `${PROVIDER} rejected the client ID or client secret (${status})`,
			description: 'Check "Client ID" and "Client Secret" in the Satellite API credential.',
		};
	}
	if (providerErrorCode(answer.body) === 'invalid_grant') {
		return {
			message: `The code is wrong or has expired (${status})`,
			description:
				'Each code works once, for a few minutes (10 by default). Check the email address or phone number, or send a new code.',
		};
	}
	const body = answer.body as { access_token?: unknown } | undefined;
	if (!isSuccess(answer) || typeof body?.access_token !== 'string') {
		return {
			message: `${PROVIDER} did not accept the code (${status})`,
			description: 'Try again, or send a new code.',
		};
	}
	return undefined;
}

function isPasswordGrant(credentials: ICredentialDataDecryptedObject): boolean {
	return textField(credentials, 'grantType') === 'password';
}

/**
 * Client credentials simply ask for a new token whenever one is needed. The password grant keeps
 * the refresh token it is given and trades it (it rotates: each answer carries the next one)
 * before falling back to the username and password.
 */
export const satelliteLifecycle: TokenLifecycle = {
	provider: PROVIDER,
	tokenField: 'accessToken',
	expiresAtField: 'tokenExpiresAt',
	tokenOwnerField: 'tokenOwner',
	validate(credentials) {
		apiRoot(credentials);
		clientFields(credentials);
		if (isPasswordGrant(credentials)) {
			requiredField(credentials, 'username', 'Username', PROVIDER);
			requiredField(credentials, 'password', 'Password', PROVIDER);
		}
	},
	// The username and password decide whose token it is only in the password grant.
	loginInputs: (credentials) => [
		apiRoot(credentials),
		textField(credentials, 'grantType'),
		textField(credentials, 'clientId'),
		textField(credentials, 'clientSecret'),
		...(isPasswordGrant(credentials) ? [textField(credentials, 'username'), String(credentials.password ?? '')] : []),
	],
	async refresh(send, credentials) {
		const refreshToken = textField(credentials, 'refreshToken');
		if (!isPasswordGrant(credentials) || refreshToken === '') return undefined;
		const grant = clientGrant(credentials, 'refresh_token', { refresh_token: refreshToken });
		const answer = await send(
			satelliteTokenCall(grant, 'oneTimeSecret', {
				message: 'Satellite did not answer the token renewal, and the saved refresh token may be used up',
				description:
					'It is not sent again: Satellite accepts a refresh token once. Run the workflow again; if the refresh token is refused then, the credential signs in with the password.',
			}),
		);
		// A refused or expired refresh token is not an error: the password grant below takes over.
		return isSuccess(answer) ? oauthTokenFields(satelliteLifecycle, answer, refreshToken) : undefined;
	},
	async acquire(send: SendCall, credentials) {
		const grantType = isPasswordGrant(credentials) ? 'password' : 'client_credentials';
		const fields: Record<string, string> = {};
		if (grantType === 'password') {
			fields.username = textField(credentials, 'username');
			// Passwords may legitimately start or end with spaces: send exactly what was typed.
			fields.password = String(credentials.password);
		}
		const answer = await send(satelliteTokenCall(clientGrant(credentials, grantType, fields), 'safe'));
		if (!isSuccess(answer)) throw grantFailure(answer, grantType);
		// A client token has no refresh token; clearing the field drops one left from the password grant.
		return oauthTokenFields(satelliteLifecycle, answer);
	},
};

export const satellite: Provider = {
	name: PROVIDER,
	credentialType: 'satelliteApi',
	apiRoot,
	lifecycle: satelliteLifecycle,
	tokenHeader: () => 'Authorization',
	packaging: { id: 'satellite', title: 'Satellite', credentialClass: 'SatelliteApi', nodeFolder: 'Satellite' },
};
