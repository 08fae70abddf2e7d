/**
 * The only way a node of this package talks to its provider: every request goes through the request
 * engine (requestEngine/) with the node's Timeout and the execution's Stop, and every failure becomes
 * a NodeApiError with fixed wording that names the item. What is the same for every item is worked out
 * once per execution: the credential (read once and that one object handed to every item's request,
 * so n8n writes a renewed token into it and items in flight use the single replacement), the API root
 * and the settings, which the credential's sign-in reads too (requestEngine/callSettings.ts).
 */
import {
	NodeApiError,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type GenericValue,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type JsonObject,
} from 'n8n-workflow';

import type { Provider } from '../providers/provider';
import {
	ProviderError,
	callProvider,
	credentialTransport,
	isSuccess,
	plainTransport,
	providerErrorCode,
	useSettingsFor,
	type HttpAnswer,
	type LostAnswerWording,
	type ProviderCall,
	type Repeat,
} from '../requestEngine';
import type { NodeRequestSettings } from './nodeRequests';

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Under the provider's API root, e.g. `/v1/admin/users`, with its query string if it has one. */
	path: string;
	/** A form body, or a JSON body. */
	form?: Record<string, string>;
	json?: IDataObject | GenericValue[];
	/** What sending it twice would do (see requestEngine/engine.ts). */
	repeat: Repeat;
	/** The item's error when a request that is not `safe` loses its answer. */
	ifAnswerLost?: LostAnswerWording;
}

/** One provider's API as one node execution sees it. */
export interface ProviderConnection {
	/** Sends the request with the credential's token; the parsed body of a 2xx answer, else the item's error. */
	send(itemIndex: number, request: ApiRequest): Promise<unknown>;
	/** Sends a call without the credential's token (the provider's answer, any status), by the same rules. */
	sendPlain(itemIndex: number, call: ProviderCall): Promise<HttpAnswer>;
	/** The node's credential as every request of this execution sends it. */
	credentials(itemIndex: number): Promise<ICredentialDataDecryptedObject>;
	/** The item's error for a provider answer the operation judged itself: fixed wording and the HTTP status. */
	answerError(itemIndex: number, statusCode: number, wording: { message: string; description: string }): NodeApiError;
}

const HINTS: Record<number, string> = {
	400: 'The provider did not accept the request; check the parameters of this item.',
	401: 'The provider rejected the credential, even after the credential renewed its token. Check the credential.',
	403: 'The credential is valid but not allowed to do this.',
	404: 'The provider found nothing at this address; check the ID or token given.',
	409: 'The provider reports a conflict with existing data.',
	422: 'The provider did not accept the values of this item.',
	429: 'The provider is limiting requests; try again later or send fewer at once.',
};

/**
 * A NodeApiError with only the given wording (and HTTP status), for item `itemIndex`: never built
 * around a client error, which carries the request and so its token header.
 */
function wordedApiError(
	context: IExecuteFunctions,
	itemIndex: number,
	{ message, description, httpCode }: { message: string; description?: string; httpCode?: string },
): NodeApiError {
	const wording = httpCode === undefined ? { message, description } : { message, description, httpCode };
	return new NodeApiError(context.getNode(), wording as JsonObject, { ...wording, itemIndex });
}

/** The item's error for a provider answer that is not a success: the status and the provider's error code. */
function answerFailure(
	context: IExecuteFunctions,
	provider: string,
	itemIndex: number,
	answer: HttpAnswer,
): NodeApiError {
	const status = answer.statusCode;
	const code = providerErrorCode(answer.body);
	return wordedApiError(context, itemIndex, {
		message: `${provider} answered HTTP ${status}${code ? ` ${code}` : ''}`,
		description: HINTS[status] ?? (status >= 500 ? `${provider} had a problem answering; try again later.` : undefined),
		httpCode: String(status),
	});
}

/** Any failure of a call as the item's error; n8n's own errors (a missing credential) keep their words. */
function itemFailure(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof ProviderError) {
		return wordedApiError(context, itemIndex, { message: error.message, description: error.description });
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error instanceof Error ? error.message : String(error), {
		itemIndex,
	});
}

/**
 * Connects a node execution to `provider`. When the credential's sign-in fails, every later item of
 * the execution gets the same error without asking again: one sign-in failure per batch, and the next
 * execution tries once more.
 */
export function connectProvider(
	context: IExecuteFunctions,
	settings: NodeRequestSettings,
	provider: Provider,
): ProviderConnection {
	const callSettings = { timeoutMs: settings.timeout, signal: settings.abortSignal };
	let shared: Promise<{ credentials: ICredentialsDecrypted; apiRoot: string }> | undefined;
	let signInFailure: ProviderError | undefined;

	const connection = async () => {
		shared ??= context.getCredentials(provider.credentialType).then((data) => {
			const { id, name } = context.getNode().credentials?.[provider.credentialType] ?? {};
			// The sign-in n8n runs for these requests gets this data object: it runs with the node's settings.
			useSettingsFor(data, callSettings);
			return {
				credentials: { id: id ?? '', name: name ?? '', type: provider.credentialType, data },
				apiRoot: provider.apiRoot(data),
			};
		});
		return await shared;
	};

	return {
		async send(itemIndex, { method, path, form, json, repeat, ifAnswerLost }) {
			let answer: HttpAnswer;
			try {
				if (signInFailure) throw signInFailure;
				const { credentials, apiRoot } = await connection();
				const body = form !== undefined ? { form } : json !== undefined ? { json } : undefined;
				const call = { provider: provider.name, method, url: `${apiRoot}${path}`, body, repeat, ifAnswerLost };
				answer = await callProvider(credentialTransport(context, credentials, provider.name), call, callSettings);
			} catch (error) {
				if (error instanceof ProviderError && error.signIn) signInFailure = error;
				throw itemFailure(context, error, itemIndex);
			}
			if (isSuccess(answer)) return answer.body;
			const refusal = provider.describeRefusal?.((await connection()).credentials.data ?? {}, answer.statusCode);
			if (refusal) throw wordedApiError(context, itemIndex, { ...refusal, httpCode: String(answer.statusCode) });
			throw answerFailure(context, provider.name, itemIndex, answer);
		},
		async sendPlain(itemIndex, call) {
			try {
				return await callProvider(plainTransport(context.helpers, provider.name), call, callSettings);
			} catch (error) {
				throw itemFailure(context, error, itemIndex);
			}
		},
		async credentials(itemIndex) {
			try {
				return (await connection()).credentials.data ?? {};
			} catch (error) {
				throw itemFailure(context, error, itemIndex);
			}
		},
		answerError: (itemIndex, statusCode, wording) =>
			wordedApiError(context, itemIndex, { ...wording, httpCode: String(statusCode) }),
	};
}
