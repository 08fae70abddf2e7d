import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { viafouraBaseUrl } from '../../credentials/ViafouraApi.credentials';
import { sharedCredentials, type NodeRequestSettings } from '../../nodeExecution/nodeRequests';
import { providerApiError } from '../../nodeExecution/providerApiError';
import { withProviderRetries } from '../../nodeExecution/providerRetries';
import { encodeForm } from '../../tokenLifecycle';

const CREDENTIAL_TYPE = 'viafouraApi';

/** The Viafoura API as one node execution sees it: every item's request goes through `post`. */
export interface ViafouraConnection {
	/** POSTs form fields to `path` (e.g. `/rest/v1/accounts/login`) and answers the parsed JSON body. */
	post(itemIndex: number, path: string, fields: Record<string, string>): Promise<IDataObject>;
}

/**
 * The only place the Viafoura node talks HTTP: base URL, authentication and error mapping.
 *
 * Everything that is the same for every item is worked out once per execution: the credential
 * (read once and that one object handed to every item's request; n8n writes a renewed token into
 * it, so when the token is refused half-way through a batch the items still in flight and all
 * later ones use the single replacement), the base URL, the timeout, the cancel signal, and the
 * pause a 429 asks of every item.
 */
export function connectViafoura(context: IExecuteFunctions, settings: NodeRequestSettings): ViafouraConnection {
	const credentials = sharedCredentials(context, CREDENTIAL_TYPE);
	let baseUrl: string | undefined;
	const { timeout, abortSignal, pause } = settings;

	return {
		async post(itemIndex, path, fields) {
			try {
				const shared = await credentials();
				baseUrl ??= viafouraBaseUrl(shared.data ?? {});
				const url = `${baseUrl}${path}`;
				// Encoded here, like the token request, so names with `&`, `+` or accents arrive intact.
				const body = encodeForm(fields);
				const answer: unknown = await withProviderRetries(
					'POST',
					async () =>
						await context.helpers.httpRequestWithAuthentication.call(
							context,
							CREDENTIAL_TYPE,
							{
								method: 'POST',
								url,
								headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
								body,
								json: true,
								timeout,
								abortSignal,
							},
							{ credentialsDecrypted: shared },
						),
					{ pause, signal: abortSignal },
				);
				return answer !== null && typeof answer === 'object' ? (answer as IDataObject) : {};
			} catch (error) {
				throw providerApiError(context.getNode(), 'Viafoura', error, itemIndex);
			}
		},
	};
}
