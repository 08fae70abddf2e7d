import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	NodeApiError,
} from 'n8n-workflow';

import { encodeForm } from '../tokenLifecycle';
import { sharedCredentials, type NodeRequestSettings } from './nodeRequests';
import { providerApiError, wordedApiError } from './providerApiError';
import { withProviderRetries } from './providerRetries';

/** Where a provider's API lives and which credential reaches it (see providers/). */
export interface ProviderEndpoint {
	/** The provider's name in error text, e.g. "RingCX". */
	provider: string;
	/** The n8n credential type the node authenticates with. */
	credentialType: string;
	/** The root every request path is under, from the credential; throws an error naming a bad field. */
	baseUrl(credentials: ICredentialDataDecryptedObject): string;
}

export interface ProviderRequest {
	method: IHttpRequestMethods;
	/** Under the base URL, e.g. `/v1/admin/users`. */
	path: string;
	/** A JSON body. */
	json?: IDataObject;
	/** A form body, encoded here like the token requests so names with `&`, `+` or accents arrive intact. */
	form?: Record<string, string>;
}

/** The body of the request options, new for every attempt: n8n may add to the options it is handed. */
function bodyOptions({ json, form }: ProviderRequest): Pick<IHttpRequestOptions, 'headers' | 'body'> {
	if (form !== undefined) {
		return {
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
			body: encodeForm(form),
		};
	}
	return json !== undefined ? { body: json } : {};
}

/** One provider's API as one node execution sees it. */
export interface ProviderConnection {
	/** Sends the request with the credential's token and answers the parsed body. */
	send(itemIndex: number, request: ProviderRequest): Promise<unknown>;
	/** The node's credential as every request of this execution sends it. */
	credentials(): Promise<ICredentialDataDecryptedObject>;
	/** Any failure of a call to the provider as the NodeApiError the item fails with. */
	apiError(error: unknown, itemIndex: number): NodeApiError;
}

/**
 * The only place a node calls `httpRequestWithAuthentication`: base URL, authentication (the
 * credential gets and renews the token), retries and error mapping. Everything that is the same for
 * every item is worked out once per execution: the credential (read once and that one object handed
 * to every item's request; n8n writes a renewed token into it, so when the token is refused half-way
 * through a batch the items still in flight and all later ones use the single replacement), the base
 * URL, the timeout, the cancel signal, and the pause a 429 asks of every item.
 */
export function connectProvider(
	context: IExecuteFunctions,
	settings: NodeRequestSettings,
	endpoint: ProviderEndpoint,
): ProviderConnection {
	const credentials = sharedCredentials(context, endpoint.credentialType);
	let baseURL: string | undefined;
	const { timeout, abortSignal, pause } = settings;
	const apiError = (error: unknown, itemIndex: number) =>
		providerApiError(context.getNode(), endpoint.provider, error, itemIndex);

	return {
		async send(itemIndex, request) {
			const { method, path } = request;
			try {
				const shared = await credentials();
				baseURL ??= endpoint.baseUrl(shared.data ?? {});
				return await withProviderRetries(
					method,
					async () =>
						await context.helpers.httpRequestWithAuthentication.call(
							context,
							endpoint.credentialType,
							{ method, baseURL, url: path, ...bodyOptions(request), json: true, timeout, abortSignal },
							{ credentialsDecrypted: shared },
						),
					{ pause, signal: abortSignal },
				);
			} catch (error) {
				throw apiError(error, itemIndex);
			}
		},
		async credentials() {
			return (await credentials()).data ?? {};
		},
		apiError,
	};
}

/** A NodeApiError for a provider answer the node judged itself: fixed wording, the HTTP status, no body. */
export function providerAnswerError(
	context: IExecuteFunctions,
	itemIndex: number,
	statusCode: number,
	wording: { message: string; description: string },
): NodeApiError {
	return wordedApiError(context.getNode(), itemIndex, { ...wording, httpCode: String(statusCode) });
}
