import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import {
	ProviderError,
	describeProviderAnswer,
	inputsRejected,
	isSuccess,
	providerErrorCode,
	type HttpAnswer,
	type ProviderCall,
} from '../../requestEngine';
import {
	NEEDS_CODE_FIELD,
	baseUrlField,
	isTokenAccepted,
	oauthTokenFields,
	requiredField,
	textField,
	type SendCall,
	type TokenLifecycle,
} from '../../tokenLifecycle';
import type { Provider } from '../provider';

const PROVIDER = 'Virtuous';

export const VIRTUOUS_BASE_URL = 'https://api.virtuoussoftware.com';

/** The API host (no trailing slash, no /api) the credential points at. */
function apiRoot(credentials: ICredentialDataDecryptedObject): string {
	return baseUrlField(credentials, 'baseUrl', 'Base URL', PROVIDER);
}

/** The code as typed or pasted from the text message ("123 456" works too). */
function verificationCode(credentials: ICredentialDataDecryptedObject): string {
	return textField(credentials, 'otp').replace(/\s+/g, '');
}

/** A call to the token endpoint. None is ever sent twice: each uses up or may text a code. */
function tokenCall(
	credentials: ICredentialDataDecryptedObject,
	fields: Record<string, string>,
	ifAnswerLost: NonNullable<ProviderCall['ifAnswerLost']>,
	headers?: Record<string, string>,
): ProviderCall {
	const url = `${apiRoot(credentials)}/Token`;
	const repeat = fields.grant_type === 'password' && !fields.otp ? 'creates' : 'oneTimeSecret';
	return { provider: PROVIDER, method: 'POST', url, headers, body: { form: fields }, repeat, ifAnswerLost };
}

const RUN_AGAIN = 'The saved sign-in is kept. Run the workflow again later.';
const LOST_SIGN_IN = {
	message: 'Virtuous did not answer the sign-in, and it may have texted a verification code',
	description: `It is not sent again, so that no second code is texted. ${RUN_AGAIN} If a code arrives, enter it in the credential's "Verification Code" field first.`,
};
const LOST_CODE = {
	message: 'Virtuous did not answer the sign-in with the verification code, and the code may already be used',
	description:
		'It is not sent again: Virtuous accepts a code once. Run the workflow again; if Virtuous refuses the code, empty "Verification Code" in the credential, save, and run again for a new one.',
};
const LOST_REFRESH = {
	message: 'Virtuous did not answer the token renewal, and the saved refresh token may be used up',
	description: `It is not sent again: Virtuous accepts a refresh token once. ${RUN_AGAIN}`,
};

/**
 * What a granted token changes in the stored credential; a used verification code is cleared.
 * `refreshTokenIfNone` is kept when the answer carries no refresh token. `needsCode` notes whether
 * this login signs in with a texted code, so that no copy of the credential falls back to a
 * sign-in that texts one after a refresh token was refused moments ago (see renewToken).
 */
function savedTokenFields(answer: HttpAnswer, refreshTokenIfNone: string, needsCode: boolean): IDataObject {
	return {
		...oauthTokenFields(virtuousLifecycle, answer, refreshTokenIfNone),
		otp: '',
		[NEEDS_CODE_FIELD]: needsCode ? 'true' : '',
	};
}

/** Whether Virtuous's refusal is about the password (its own wording is read, never shown). */
function refusalMentionsPassword(body: unknown): boolean {
	const description = (body as { error_description?: unknown } | undefined)?.error_description;
	return typeof description === 'string' && /password/i.test(description);
}

const ENTER_CODE =
	'Open the Virtuous API credential, type the code from the text message into "Verification Code", save, and run the workflow again within a few minutes, before the code expires. The code is needed only this once: afterwards the credential renews its own tokens.';

function codeSentError(codeWasSent: boolean): ProviderError {
	const why = codeWasSent
		? 'Virtuous did not take the verification code and texted a new one'
		: 'Virtuous texted a verification code to the phone of this login';
	return new ProviderError(
		`${why}: enter it in the credential's "Verification Code" field and run again`,
		ENTER_CODE,
		'codeSent',
	);
}

/** "17:42 UTC": times in error text are in UTC, which is what n8n's logs use too. */
function clockTime(time: Date): string {
	return `${time.toISOString().slice(11, 16)} UTC`;
}

function waitingForCodeError(sentAt: Date, nextCodeAt: Date): ProviderError {
	return new ProviderError(
		`Virtuous texted a verification code at ${clockTime(sentAt)}: enter it in the credential's "Verification Code" field and run again`,
		`${ENTER_CODE} No new code is requested before ${clockTime(nextCodeAt)}; after that, a run without a code texts a new one.`,
	);
}

/**
 * The password grant (`grant_type=password`). For a user with two-factor authentication it answers
 * 202 and texts a code; the next grant carries that code as `otp`. The docs show the code as a form
 * field in their example and call it an "OTP header" in their text, so it is sent both ways.
 */
async function passwordGrant(send: SendCall, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
	const code = verificationCode(credentials);
	const fields: Record<string, string> = {
		grant_type: 'password',
		username: textField(credentials, 'email'),
		// Passwords may legitimately start or end with spaces: send exactly what was typed.
		password: String(credentials.password),
	};
	if (code !== '') fields.otp = code;
	// With a code it uses the code up; without, it may text one: neither is sent twice.
	const answer = await send(
		code !== ''
			? tokenCall(credentials, fields, LOST_CODE, { OTP: code })
			: tokenCall(credentials, fields, LOST_SIGN_IN),
	);

	if (answer.statusCode === 202) throw codeSentError(code !== '');
	const status = describeProviderAnswer(answer.statusCode, answer.body);
	if (answer.statusCode === 400 && providerErrorCode(answer.body) === 'invalid_grant') {
		if (code !== '' && !refusalMentionsPassword(answer.body)) {
			throw new ProviderError(
				`Virtuous did not accept the verification code (${status})`,
				'The code was mistyped, already used, or has expired. If you mistyped it, correct "Verification Code" in the Virtuous API credential and run again. Otherwise empty that field, save, and run again: Virtuous will text a new code.',
				'refusal',
			);
		}
		throw inputsRejected(
			PROVIDER,
			'email or password',
			answer,
			'Check "Email" and "Password" in the Virtuous API credential. This login is not tried again for 15 minutes unless you change them.',
		);
	}
	if (!isSuccess(answer)) throw new ProviderError(`Virtuous login failed (${status})`);
	// A login without a refresh token leaves none: the stored one may belong to an earlier login.
	return savedTokenFields(answer, '', code !== '');
}

/**
 * Email and password mode. The access token lives two weeks; the refresh token renews it without the
 * password, so a user with two-factor authentication enters a code only once. A password grant
 * happens only when there is no refresh token or Virtuous refuses it, because for those users it
 * texts a code and stops the workflow until someone types it in.
 */
export const virtuousLifecycle: TokenLifecycle = {
	provider: PROVIDER,
	tokenField: 'accessToken',
	expiresAtField: 'tokenExpiresAt',
	tokenOwnerField: 'tokenOwner',
	validate(credentials) {
		apiRoot(credentials);
		requiredField(credentials, 'email', 'Email', PROVIDER);
		requiredField(credentials, 'password', 'Password', PROVIDER);
	},
	loginInputs: (credentials) => [
		apiRoot(credentials),
		textField(credentials, 'email').toLowerCase(),
		String(credentials.password),
	],
	// The code is not part of whose token it is: the credential clears it once used, and the token stays.
	oneTimeInputs: (credentials) => [verificationCode(credentials)],
	// Only a 401 says the token is bad; a hiccup must not lead to a login that texts a code.
	isAccepted: async (send, token, credentials) =>
		await isTokenAccepted(
			send,
			{ provider: PROVIDER, method: 'GET', url: `${apiRoot(credentials)}/api/Organization/Current` },
			'Authorization',
			token,
		),
	async refresh(send, credentials) {
		const refreshToken = textField(credentials, 'refreshToken');
		if (refreshToken === '') return undefined;
		const answer = await send(
			tokenCall(credentials, { grant_type: 'refresh_token', refresh_token: refreshToken }, LOST_REFRESH),
		);
		// Refused (used, expired or revoked): the caller logs in with the password instead.
		if (answer.statusCode === 400 || answer.statusCode === 401) return undefined;
		if (!isSuccess(answer)) {
			throw new ProviderError(
				`Virtuous could not renew the token (${describeProviderAnswer(answer.statusCode, answer.body)})`,
				'Virtuous may be briefly unavailable. The saved sign-in is kept; run the workflow again later.',
			);
		}
		return savedTokenFields(answer, refreshToken, textField(credentials, NEEDS_CODE_FIELD) === 'true');
	},
	acquire: passwordGrant,
	twoFactor: {
		codeEntered: (credentials) => verificationCode(credentials) !== '',
		knownToNeedCode: (credentials) => textField(credentials, NEEDS_CODE_FIELD) === 'true',
		waitingForCode: waitingForCodeError,
	},
};

/**
 * Requests carry as a Bearer token the API key, or the one the login produced while it still belongs
 * to the email, password and base URL as they are now.
 */
export const virtuous: Provider = {
	name: PROVIDER,
	credentialType: 'virtuousApi',
	apiRoot,
	lifecycle: virtuousLifecycle,
	tokenHeader: () => 'Authorization',
	pasted: { modeField: 'authMethod', mode: 'apiKey', field: 'apiKey', label: 'API Key' },
	packaging: { id: 'virtuous', title: 'Virtuous CRM', credentialClass: 'VirtuousApi', nodeFolder: 'Virtuous' },
};
