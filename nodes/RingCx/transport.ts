import type { IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import type { NodeRequestSettings } from '../../nodeExecution/nodeRequests';
import { connectProvider } from '../../nodeExecution/providerRequest';
import { ringCxEndpoint, ringCxToken } from '../../providers/ringcx/client';

/** The RingCX portal as one node execution sees it. */
export interface RingCxConnection {
	/** Sends `method path` (e.g. `GET /v1/admin/users`) and answers the parsed body. */
	request(itemIndex: number, method: IHttpRequestMethods, path: string): Promise<unknown>;
	/** The permanent token this node's credential is using, so listings can mark it. */
	credentialToken(): Promise<string>;
}

/** The RingCX node's calls; a token minted for the first item is the one every later item uses. */
export function connectRingCx(context: IExecuteFunctions, settings: NodeRequestSettings): RingCxConnection {
	const ringCx = connectProvider(context, settings, ringCxEndpoint);
	return {
		async request(itemIndex, method, path) {
			return await ringCx.send(itemIndex, { method, path });
		},
		async credentialToken() {
			return ringCxToken(await ringCx.credentials());
		},
	};
}
