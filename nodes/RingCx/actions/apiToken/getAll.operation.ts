import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ringCx as provider } from '../../../../providers/ringcx/client';
import { providerToken } from '../../../../tokenLifecycle';
import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';

export const description: INodeProperties[] = [];

/** Nothing to read: the listing is of the credential's user. */
export function readInput(this: IExecuteFunctions): undefined {
	return undefined;
}

export async function execute(
	this: IExecuteFunctions,
	_input: undefined,
	itemIndex: number,
	ringCx: ProviderConnection,
): Promise<IDataObject[]> {
	const body = await ringCx.send(itemIndex, { method: 'GET', path: '/v1/admin/token', repeat: 'safe' });
	const tokens = Array.isArray(body) ? body : [];
	const inUse = providerToken(provider, await ringCx.credentials(itemIndex));
	// Marking the credential's own token lets housekeeping workflows skip it when deleting the rest.
	return tokens.map((apiToken) => ({ apiToken: String(apiToken), usedByThisCredential: String(apiToken) === inUse }));
}
