/**
 * A provider's credential `preAuthentication` and `authenticate`, written once for every provider
 * (providers/provider.ts says what differs).
 */
import type { IAuthenticate, ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { HttpHelpers, ProviderCall } from '../requestEngine';
import type { Provider } from '../providers/provider';
import type { SendCall } from './lifecycleContract';
import { requiredField, textField } from './credentialInputs';
import { renewToken } from './renewToken';
import { cachedToken } from './signInFingerprint';

/** Whether the user chose to paste a key or token rather than sign in. */
function usesPastedToken({ pasted }: Provider, credentials: ICredentialDataDecryptedObject): boolean {
	return pasted !== undefined && (textField(credentials, pasted.modeField) || pasted.mode) === pasted.mode;
}

/** The token requests carry: the pasted one, or the one the sign-in got while it still belongs to the inputs. */
export function providerToken(provider: Provider, credentials: ICredentialDataDecryptedObject): string {
	return usesPastedToken(provider, credentials)
		? textField(credentials, provider.pasted!.field)
		: cachedToken(credentials, provider.lifecycle);
}

/**
 * `preAuthentication`: signs in (renewToken) unless the user pasted a key or token, which needs no token
 * trip; an empty one is named here rather than sent.
 */
export async function preAuthenticate(
	helpers: HttpHelpers,
	credentials: ICredentialDataDecryptedObject,
	provider: Provider,
): Promise<IDataObject> {
	if (!usesPastedToken(provider, credentials)) return await renewToken(helpers, credentials, provider.lifecycle);
	requiredField(credentials, provider.pasted!.field, provider.pasted!.label, provider.name);
	return {};
}

/** The header that carries `token` in header `name`: `Bearer <token>` for `Authorization`, the bare token otherwise. */
export function tokenHeader(name: string, token: string): Record<string, string> {
	return { [name]: name.toLowerCase() === 'authorization' ? `Bearer ${token}` : token };
}

/**
 * `authenticate`: the request with the token in the provider's header. Without a token it goes out
 * unchanged: the provider answers 401, and that makes n8n renew the token.
 */
export function authenticateWith(provider: Provider): IAuthenticate {
	return async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => {
		const token = providerToken(provider, credentials);
		if (token === '') return requestOptions;
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, ...tokenHeader(provider.tokenHeader(credentials), token) },
		};
	};
}

/**
 * A lifecycle's `isAccepted`: sends the token in header `headerName` with a request that changes
 * nothing. Only a 401 says the token is refused; any other answer keeps it, so a passing fault never
 * leads to a sign-in that mints a token or texts a code.
 */
export async function isTokenAccepted(
	send: SendCall,
	request: Omit<ProviderCall, 'repeat'>,
	headerName: string,
	token: string,
): Promise<boolean> {
	const answer = await send({
		...request,
		headers: { ...request.headers, ...tokenHeader(headerName, token) },
		repeat: 'safe',
	});
	return answer.statusCode !== 401;
}
