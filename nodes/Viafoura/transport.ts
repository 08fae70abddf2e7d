import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { viafouraBaseUrl } from '../../credentials/ViafouraApi.credentials';
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
 * The credentials are read once per execution and that one object is handed to every item's request.
 * n8n writes a renewed token into it, so when the token is refused half-way through a batch the
 * items still in flight and all later ones use the single replacement instead of each fetching its own.
 */
export function connectViafoura(context: IExecuteFunctions): ViafouraConnection {
	let shared: Promise<ICredentialsDecrypted> | undefined;
	const sharedCredentials = async (): Promise<ICredentialsDecrypted> => {
		shared ??= context.getCredentials(CREDENTIAL_TYPE).then((data) => {
			const { id, name } = context.getNode().credentials?.[CREDENTIAL_TYPE] ?? {};
			return { id: id ?? '', name: name ?? '', type: CREDENTIAL_TYPE, data };
		});
		return await shared;
	};

	return {
		async post(itemIndex, path, fields) {
			try {
				const credentials = await sharedCredentials();
				const body: unknown = await withProviderRetries(
					'POST',
					async () =>
						await context.helpers.httpRequestWithAuthentication.call(
							context,
							CREDENTIAL_TYPE,
							{
								method: 'POST',
								url: `${viafouraBaseUrl(credentials.data ?? {})}${path}`,
								headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
								// Encoded here, like the token request, so names with `&`, `+` or accents arrive intact.
								body: encodeForm(fields),
								json: true,
							},
							{ credentialsDecrypted: credentials },
						),
				);
				return body !== null && typeof body === 'object' ? (body as IDataObject) : {};
			} catch (error) {
				throw providerApiError(context.getNode(), 'Viafoura', error, itemIndex);
			}
		},
	};
}
