import {
	NodeApiError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type JsonObject,
} from 'n8n-workflow';

import {
	isClientRejected,
	requestSatelliteToken,
	satelliteBaseUrl,
	satelliteClientFields,
} from '../../credentials/SatelliteApi.credentials';
import { sharedCredentials, type NodeRequestSettings } from '../../nodeExecution/nodeRequests';
import { providerApiError } from '../../nodeExecution/providerApiError';
import { withProviderRetries } from '../../nodeExecution/providerRetries';
import { describeProviderAnswer, isSuccess, providerErrorCode, type HttpAnswer } from '../../tokenLifecycle';

const PROVIDER = 'Satellite';
const CREDENTIAL_TYPE = 'satelliteApi';

/** The Satellite API as one node execution sees it. */
export interface SatelliteConnection {
	/** Sends a JSON request with the credential's token and answers the parsed body. */
	request(itemIndex: number, method: IHttpRequestMethods, path: string, body: IDataObject): Promise<unknown>;
	/** Trades a one-time password for that user's tokens (see exchangeOneTimePassword). */
	exchangeOneTimePassword(itemIndex: number, username: string, code: string): Promise<IDataObject>;
}

/**
 * The only place the Satellite node calls the API with the credential's token: base URL,
 * authentication (the credential gets and renews the token) and error mapping. The credential is
 * read once per execution and that one object goes with every item's request, so the client token
 * fetched for the first item serves all the others; base URL, timeout, cancel signal and the pause
 * a 429 asks for are likewise set once.
 */
export function connectSatellite(context: IExecuteFunctions, settings: NodeRequestSettings): SatelliteConnection {
	const credentials = sharedCredentials(context, CREDENTIAL_TYPE);
	let baseURL: string | undefined;
	const { timeout, abortSignal, pause } = settings;
	return {
		async request(itemIndex, method, path, body) {
			try {
				const shared = await credentials();
				baseURL ??= satelliteBaseUrl(shared.data ?? {});
				return await withProviderRetries(
					method,
					async () =>
						await context.helpers.httpRequestWithAuthentication.call(
							context,
							CREDENTIAL_TYPE,
							{ method, baseURL, url: path, body, json: true, timeout, abortSignal },
							{ credentialsDecrypted: shared },
						),
					{ pause, signal: abortSignal },
				);
			} catch (error) {
				throw providerApiError(context.getNode(), PROVIDER, error, itemIndex);
			}
		},
		async exchangeOneTimePassword(itemIndex, username, code) {
			const shared = await credentials().catch((error: unknown) => {
				throw providerApiError(context.getNode(), PROVIDER, error, itemIndex);
			});
			return await exchangeOneTimePassword(context, itemIndex, shared.data ?? {}, username, code);
		},
	};
}

function apiError(
	context: IExecuteFunctions,
	itemIndex: number,
	answer: HttpAnswer,
	message: string,
	description: string,
): NodeApiError {
	const httpCode = String(answer.statusCode);
	return new NodeApiError(context.getNode(), { message, description, httpCode } as JsonObject, {
		message,
		description,
		httpCode,
		itemIndex,
	});
}

/**
 * Trades a one-time password for that user's tokens with the password grant (the code is the
 * password, the address it went to is the username). Only the API client's ID and secret come
 * from the credential; the credential's own token plays no part.
 */
async function exchangeOneTimePassword(
	context: IExecuteFunctions,
	itemIndex: number,
	credentials: ICredentialDataDecryptedObject,
	username: string,
	code: string,
): Promise<IDataObject> {
	const answer = await requestSatelliteToken(context.helpers, satelliteBaseUrl(credentials), {
		grant_type: 'password',
		...satelliteClientFields(credentials),
		username,
		password: code,
	}).catch((error: unknown) => error as Error);
	if (answer instanceof Error) throw providerApiError(context.getNode(), PROVIDER, answer, itemIndex);

	const status = describeProviderAnswer(answer.statusCode, answer.body);
	if (isClientRejected(answer)) {
		throw apiError(
			context,
			itemIndex,
			answer,
			`${PROVIDER} rejected the client ID or client secret (${status})`,
			'Check "Client ID" and "Client Secret" in the Satellite API credential.',
		);
	}
	if (providerErrorCode(answer.body) === 'invalid_grant') {
		throw apiError(
			context,
			itemIndex,
			answer,
			`The code is wrong or has expired (${status})`,
			'Each code works once, for a few minutes (10 by default). Check the email address or phone number, or send a new code.',
		);
	}
	const body = answer.body as IDataObject | undefined;
	if (!isSuccess(answer) || typeof body?.access_token !== 'string') {
		throw apiError(
			context,
			itemIndex,
			answer,
			`${PROVIDER} did not accept the code (${status})`,
			'Try again, or send a new code.',
		);
	}
	return body;
}
