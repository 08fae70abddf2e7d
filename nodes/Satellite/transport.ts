import {
	NodeApiError,
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
import { providerApiError } from '../../nodeExecution/providerApiError';
import { withProviderRetries } from '../../nodeExecution/providerRetries';
import { describeProviderAnswer, isSuccess, providerErrorCode, type HttpAnswer } from '../../tokenLifecycle';

const PROVIDER = 'Satellite';
const CREDENTIAL_TYPE = 'satelliteApi';

/**
 * The only place the Satellite node calls the API with the credential's token: base URL,
 * authentication (the credential gets and renews the token) and error mapping.
 */
export async function satelliteRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	method: IHttpRequestMethods,
	path: string,
	body: IDataObject,
): Promise<unknown> {
	try {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE, itemIndex);
		return await withProviderRetries(
			method,
			async () =>
				await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
					method,
					baseURL: satelliteBaseUrl(credentials),
					url: path,
					body,
					json: true,
				}),
		);
	} catch (error) {
		throw providerApiError(context.getNode(), PROVIDER, error, itemIndex);
	}
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
export async function exchangeOneTimePassword(
	context: IExecuteFunctions,
	itemIndex: number,
	username: string,
	code: string,
): Promise<IDataObject> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE, itemIndex);
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
