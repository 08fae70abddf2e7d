import type { IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { ringCxApiRoot, ringCxToken } from '../../credentials/RingCxApi.credentials';
import { sharedCredentials, type NodeRequestSettings } from '../../nodeExecution/nodeRequests';
import { providerApiError } from '../../nodeExecution/providerApiError';
import { withProviderRetries } from '../../nodeExecution/providerRetries';

const CREDENTIAL_TYPE = 'ringCxApi';

/** The RingCX portal as one node execution sees it. */
export interface RingCxConnection {
	/** Sends `method path` (e.g. `GET /v1/admin/users`) and answers the parsed body. */
	request(itemIndex: number, method: IHttpRequestMethods, path: string): Promise<unknown>;
	/** The permanent token this node's credential is using, so listings can mark it. */
	credentialToken(): Promise<string>;
}

/**
 * The only place the RingCX node talks HTTP: base URL, authentication, retries and error mapping.
 * The credential is read once per execution and that one object goes with every item's request, so
 * a token minted for the first item is the one every later item uses; the API root, timeout, cancel
 * signal and the pause a 429 asks for are likewise set once.
 */
export function connectRingCx(context: IExecuteFunctions, settings: NodeRequestSettings): RingCxConnection {
	const credentials = sharedCredentials(context, CREDENTIAL_TYPE);
	let baseURL: string | undefined;
	const { timeout, abortSignal, pause } = settings;
	return {
		async request(itemIndex, method, path) {
			try {
				const shared = await credentials();
				baseURL ??= ringCxApiRoot(shared.data ?? {});
				return await withProviderRetries(
					method,
					async () =>
						await context.helpers.httpRequestWithAuthentication.call(
							context,
							CREDENTIAL_TYPE,
							{ method, baseURL, url: path, json: true, timeout, abortSignal },
							{ credentialsDecrypted: shared },
						),
					{ pause, signal: abortSignal },
				);
			} catch (error) {
				throw providerApiError(context.getNode(), 'RingCX', error, itemIndex);
			}
		},
		async credentialToken() {
			return ringCxToken((await credentials()).data ?? {});
		},
	};
}
