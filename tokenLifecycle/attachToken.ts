import type { IHttpRequestOptions } from 'n8n-workflow';

/**
 * The request with the token in header `name` (as `Bearer <token>` for `Authorization`). Without a
 * token it goes out unchanged: the provider answers 401, and that makes n8n renew the token.
 */
export function attachToken(requestOptions: IHttpRequestOptions, name: string, token: string): IHttpRequestOptions {
	if (token === '') return requestOptions;
	const value = name.toLowerCase() === 'authorization' ? `Bearer ${token}` : token;
	return { ...requestOptions, headers: { ...requestOptions.headers, [name]: value } };
}
