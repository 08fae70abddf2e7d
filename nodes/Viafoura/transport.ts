import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { NodeRequestSettings } from '../../nodeExecution/nodeRequests';
import { connectProvider } from '../../nodeExecution/providerRequest';
import { viafouraEndpoint } from '../../providers/viafoura/client';

/** The Viafoura API as one node execution sees it: every item's request goes through `post`. */
export interface ViafouraConnection {
	/** POSTs form fields to `path` (e.g. `/rest/v1/accounts/login`) and answers the parsed JSON body. */
	post(itemIndex: number, path: string, fields: Record<string, string>): Promise<IDataObject>;
}

/** The Viafoura node's calls: form posts, as Viafoura's account endpoints take them. */
export function connectViafoura(context: IExecuteFunctions, settings: NodeRequestSettings): ViafouraConnection {
	const viafoura = connectProvider(context, settings, viafouraEndpoint);
	return {
		async post(itemIndex, path, fields) {
			const answer = await viafoura.send(itemIndex, { method: 'POST', path, form: fields });
			return answer !== null && typeof answer === 'object' ? (answer as IDataObject) : {};
		},
	};
}
