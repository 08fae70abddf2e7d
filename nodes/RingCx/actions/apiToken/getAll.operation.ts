import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RingCxConnection } from '../../transport';

export const description: INodeProperties[] = [];

/** Nothing to read: the listing is of the credential's user. */
export function readInput(this: IExecuteFunctions): undefined {
	return undefined;
}

export async function execute(
	this: IExecuteFunctions,
	_input: undefined,
	itemIndex: number,
	ringCx: RingCxConnection,
): Promise<IDataObject[]> {
	const body = await ringCx.request(itemIndex, 'GET', '/v1/admin/token');
	const tokens = Array.isArray(body) ? body : [];
	const inUse = await ringCx.credentialToken();
	// Marking the credential's own token lets housekeeping workflows skip it when deleting the rest.
	return tokens.map((apiToken) => ({ apiToken: String(apiToken), usedByThisCredential: String(apiToken) === inUse }));
}
