import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import type { NodeRequestSettings } from '../../nodeExecution/nodeRequests';
import { connectProvider, providerAnswerError } from '../../nodeExecution/providerRequest';
import {
	oneTimePasswordFailure,
	oneTimePasswordGrant,
	requestSatelliteToken,
	satelliteEndpoint,
} from '../../providers/satellite/client';

/** The Satellite API as one node execution sees it. */
export interface SatelliteConnection {
	/** Sends a JSON request with the credential's token and answers the parsed body. */
	request(itemIndex: number, method: IHttpRequestMethods, path: string, body: IDataObject): Promise<unknown>;
	/** Trades a one-time password for that user's tokens (see oneTimePasswordGrant). */
	exchangeOneTimePassword(itemIndex: number, username: string, code: string): Promise<IDataObject>;
}

/** The Satellite node's calls: the API with the credential's token, and the token endpoint for codes. */
export function connectSatellite(context: IExecuteFunctions, settings: NodeRequestSettings): SatelliteConnection {
	const satellite = connectProvider(context, settings, satelliteEndpoint);
	return {
		async request(itemIndex, method, path, body) {
			return await satellite.send(itemIndex, { method, path, json: body });
		},
		async exchangeOneTimePassword(itemIndex, username, code) {
			const failed = (error: unknown) => {
				throw satellite.apiError(error, itemIndex);
			};
			// An unusable credential fails here as it is, before anything is sent, not as a provider failure.
			const grant = oneTimePasswordGrant(await satellite.credentials().catch(failed), username, code);
			const answer = await requestSatelliteToken(context.helpers, grant).catch(failed);
			const failure = oneTimePasswordFailure(answer);
			if (failure) throw providerAnswerError(context, itemIndex, answer.statusCode, failure);
			return answer.body as IDataObject;
		},
	};
}
