import type { IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { ringCxApiRoot, ringCxToken } from '../../credentials/RingCxApi.credentials';
import { providerApiError } from '../../nodeExecution/providerApiError';
import { withProviderRetries } from '../../nodeExecution/providerRetries';

/** The only place the RingCX node talks HTTP: base URL, authentication, retries and error mapping. */
export async function ringCxRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	method: IHttpRequestMethods,
	path: string,
): Promise<unknown> {
	try {
		const credentials = await context.getCredentials('ringCxApi', itemIndex);
		return await withProviderRetries(
			method,
			async () =>
				await context.helpers.httpRequestWithAuthentication.call(context, 'ringCxApi', {
					method,
					baseURL: ringCxApiRoot(credentials),
					url: path,
					json: true,
				}),
		);
	} catch (error) {
		throw providerApiError(context.getNode(), 'RingCX', error, itemIndex);
	}
}

/** The permanent token this node's credential is using, so listings can mark it. */
export async function credentialToken(context: IExecuteFunctions, itemIndex: number): Promise<string> {
	return ringCxToken(await context.getCredentials('ringCxApi', itemIndex));
}
