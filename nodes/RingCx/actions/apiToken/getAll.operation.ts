import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { credentialToken, ringCxRequest } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const body = await ringCxRequest(this, itemIndex, 'GET', '/v1/admin/token');
	const tokens = Array.isArray(body) ? body : [];
	const inUse = await credentialToken(this, itemIndex);
	// Marking the credential's own token lets housekeeping workflows skip it when deleting the rest.
	return tokens.map((apiToken) => ({ apiToken: String(apiToken), usedByThisCredential: String(apiToken) === inUse }));
}
