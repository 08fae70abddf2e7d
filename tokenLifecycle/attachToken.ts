import type { IAuthenticate, ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { textField } from './credentialInputs';
import { sendAuthenticationRequest, type ExchangeRequest, type HttpHelpers } from './httpExchange';
import type { TokenLifecycle } from './lifecycleContract';
import { cachedToken } from './signInFingerprint';

/** The header that carries `token` in header `name`: `Bearer <token>` for `Authorization`, the bare token otherwise. */
export function tokenHeader(name: string, token: string): Record<string, string> {
	return { [name]: name.toLowerCase() === 'authorization' ? `Bearer ${token}` : token };
}

/**
 * The request with the token in header `name`. Without a token it goes out unchanged: the provider
 * answers 401, and that makes n8n renew the token.
 */
export function attachToken(requestOptions: IHttpRequestOptions, name: string, token: string): IHttpRequestOptions {
	if (token === '') return requestOptions;
	return { ...requestOptions, headers: { ...requestOptions.headers, ...tokenHeader(name, token) } };
}

/** A credential's `authenticate`: attaches the token `tokenOf` reads from the credential to every request. */
export function authenticateWithToken(
	headerName: string,
	tokenOf: (credentials: ICredentialDataDecryptedObject) => string,
): IAuthenticate {
	return async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) =>
		attachToken(requestOptions, headerName, tokenOf(credentials));
}

/**
 * The token of a credential whose "Authentication" is a token the user pasted into `pastedField` or
 * a sign-in (`password`): the pasted one, or the one the sign-in got while it still belongs to the
 * inputs as they are now (`''` if not).
 */
export function pastedOrSignedInToken(
	credentials: ICredentialDataDecryptedObject,
	lifecycle: TokenLifecycle,
	pastedField: string,
): string {
	return textField(credentials, 'authMethod') === 'password'
		? cachedToken(credentials, lifecycle)
		: textField(credentials, pastedField);
}

/**
 * A lifecycle's `isAccepted`: sends the token in header `headerName` with a request that changes
 * nothing. Only a 401 says the token is refused; any other answer, a hiccup included, keeps it, so a
 * passing fault never leads to a sign-in that mints a token or texts a code.
 */
export async function isTokenAccepted(
	helpers: HttpHelpers,
	provider: string,
	request: Omit<ExchangeRequest, 'safeToRepeat'>,
	headerName: string,
	token: string,
): Promise<boolean> {
	const answer = await sendAuthenticationRequest(helpers, provider, {
		...request,
		headers: { ...request.headers, ...tokenHeader(headerName, token) },
		safeToRepeat: true,
	});
	return answer.statusCode !== 401;
}
