/**
 * RingCX for RingCentral customers: a RingCentral access token by JWT grant, exchanged at RingCX for a
 * RingCX access token (about 5 minutes) and a refresh token, which is renewed with the refresh token
 * (single use: each answer carries the next one) until RingCX refuses it; only then is the JWT used
 * again. RingCentral limits sign-ins to about 5 per user per minute: a batch shares one (see
 * tokenLifecycle/renewalInFlight.ts), and a 429 is waited out (requestEngine/engine.ts).
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { ProviderError, describeProviderAnswer, isSuccess, type HttpAnswer } from '../../requestEngine';
import {
	REFRESH_TOKEN_FIELD,
	baseUrlField,
	isTokenAccepted,
	oauthRefusal,
	requiredField,
	textField,
	type SendCall,
} from '../../tokenLifecycle';
import type { RingCxSignIn } from './client';
import { PROVIDER, apiRoot } from './servers';

export const RINGCENTRAL_PRODUCTION_URL = 'https://platform.ringcentral.com';
const RINGCENTRAL = 'RingCentral';
const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function ringCentralUrl(credentials: ICredentialDataDecryptedObject): string {
	return baseUrlField(credentials, 'ringCentralUrl', 'RingCentral Server URL', RINGCENTRAL);
}

/** RingCX's sign-in routes are at the API root's origin, under /api/auth (the API itself is under /voice/api). */
function signInOrigin(credentials: ICredentialDataDecryptedObject): string {
	return new URL(apiRoot(credentials)).origin;
}

/** The fields a RingCX token answer (exchange or refresh) saves: the access token and the next refresh token. */
function savedTokens(answer: HttpAnswer): IDataObject {
	const body = (answer.body ?? {}) as { accessToken?: unknown; refreshToken?: unknown };
	if (typeof body.accessToken !== 'string' || body.accessToken === '') {
		throw new ProviderError(`${PROVIDER} answered the sign-in without an access token (HTTP ${answer.statusCode})`);
	}
	const refreshToken = typeof body.refreshToken === 'string' ? body.refreshToken : '';
	return { sessionToken: body.accessToken, [REFRESH_TOKEN_FIELD]: refreshToken };
}

/** Step one: RingCentral's JWT grant, with the app's client ID and secret as HTTP Basic. */
async function ringCentralAccessToken(send: SendCall, credentials: ICredentialDataDecryptedObject): Promise<string> {
	const answer = await send({
		provider: RINGCENTRAL,
		method: 'POST',
		url: `${ringCentralUrl(credentials)}/restapi/oauth/token`,
		// Client IDs and secrets, and JWTs, are used exactly as RingCentral shows them.
		basicAuth: { username: textField(credentials, 'clientId'), password: String(credentials.clientSecret) },
		body: { form: { grant_type: JWT_GRANT, assertion: String(credentials.jwt).trim() } },
		// A grant changes nothing at RingCentral (the rate limit answers 429, which is waited out).
		repeat: 'safe',
	});
	const refusal = oauthRefusal(RINGCENTRAL, answer, {
		client:
			'Check "Client ID" and "Client Secret" in the RingCX API credential: they are your app\'s credentials in the RingCentral Developer Console. This sign-in is not tried again for 15 minutes unless you change them.',
		inputs: {
			name: 'JWT',
			description:
				'The JWT may be mistyped, expired or revoked. Create a new one in the RingCentral Developer Console (Credentials > JWT) for a user with RingCX access, and paste it into "JWT". This sign-in is not tried again for 15 minutes unless you change it.',
		},
		notAllowed: {
			what: 'the JWT sign-in for this app',
			description:
				'In the RingCentral Developer Console, choose "JWT auth flow" for the app, or use an app that has it.',
		},
	});
	if (refusal) throw refusal;
	const accessToken = (answer.body as { access_token?: unknown } | undefined)?.access_token;
	if (!isSuccess(answer) || typeof accessToken !== 'string' || accessToken === '') {
		throw new ProviderError(
			`${RINGCENTRAL} did not issue an access token (${describeProviderAnswer(answer.statusCode, answer.body)})`,
		);
	}
	return accessToken;
}

export const ringCentralLogin: RingCxSignIn = {
	validate(credentials) {
		const server = textField(credentials, 'server') || 'vacd';
		if (server !== 'ringcx' && server !== 'custom') {
			throw new ProviderError(
				`The ${PROVIDER} credential's "Server" is a legacy portal, which has no RingCentral login`,
				'Choose "ringcx.ringcentral.com" as the Server for a RingCentral login, or sign in to the legacy portal with a username and password.',
			);
		}
		apiRoot(credentials);
		ringCentralUrl(credentials);
		requiredField(credentials, 'clientId', 'Client ID', PROVIDER);
		requiredField(credentials, 'clientSecret', 'Client Secret', PROVIDER);
		requiredField(credentials, 'jwt', 'JWT', PROVIDER);
	},
	loginInputs: (credentials) => [
		apiRoot(credentials),
		'ringCentralJwt',
		ringCentralUrl(credentials),
		textField(credentials, 'clientId'),
		String(credentials.clientSecret ?? ''),
		String(credentials.jwt ?? '').trim(),
	],
	isAccepted: async (send, token, credentials) =>
		await isTokenAccepted(
			send,
			{ provider: PROVIDER, method: 'GET', url: `${apiRoot(credentials)}/v1/admin/token` },
			'Authorization',
			token,
		),
	async refresh(send, credentials) {
		const refreshToken = textField(credentials, REFRESH_TOKEN_FIELD);
		if (refreshToken === '') return undefined;
		const answer = await send({
			provider: PROVIDER,
			method: 'POST',
			url: `${signInOrigin(credentials)}/api/auth/token/refresh`,
			body: { form: { refresh_token: refreshToken } },
			repeat: 'oneTimeSecret',
			ifAnswerLost: {
				message: 'RingCX did not answer the token renewal, and the saved refresh token may be used up',
				description:
					'It is not sent again: RingCX accepts a refresh token once. Run the workflow again; if RingCX refuses the refresh token then, the credential signs in with the JWT.',
			},
		});
		// Refused (used, expired or revoked): the caller signs in with the JWT instead.
		if (answer.statusCode === 400 || answer.statusCode === 401 || answer.statusCode === 403) return undefined;
		if (!isSuccess(answer)) {
			throw new ProviderError(
				`${PROVIDER} could not renew the token (${describeProviderAnswer(answer.statusCode, answer.body)})`,
				'The saved sign-in is kept; run the workflow again later.',
			);
		}
		return savedTokens(answer);
	},
	async acquire(send, credentials) {
		const rcAccessToken = await ringCentralAccessToken(send, credentials);
		const answer = await send({
			provider: PROVIDER,
			method: 'POST',
			url: `${signInOrigin(credentials)}/api/auth/login/rc/accesstoken?includeRefresh=true`,
			body: { form: { rcAccessToken, rcTokenType: 'Bearer' } },
			// An exchange opens a RingCX session and nothing that lasts.
			repeat: 'safe',
		});
		if (answer.statusCode === 401 || answer.statusCode === 403) {
			throw new ProviderError(
				`${PROVIDER} did not accept the RingCentral sign-in (${describeProviderAnswer(answer.statusCode, answer.body)})`,
				answer.statusCode === 403
					? 'The RingCentral user of the JWT has no RingCX access: create the JWT for a user with a RingCX seat.'
					: 'Check that the Server (or Base URL) is the RingCX of this RingCentral account.',
				'refusal',
			);
		}
		if (!isSuccess(answer)) {
			throw new ProviderError(`${PROVIDER} sign-in failed (${describeProviderAnswer(answer.statusCode, answer.body)})`);
		}
		return savedTokens(answer);
	},
};
