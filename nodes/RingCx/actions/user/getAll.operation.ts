import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { itemParameter } from '../../../../nodeExecution/itemParameter';
import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: { resource: ['user'], operation: ['getAll'] } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { resource: ['user'], operation: ['getAll'], returnAll: [false] } },
	},
];

export interface GetAllInput {
	returnAll: boolean;
	limit: number;
}

export function readInput(this: IExecuteFunctions, itemIndex: number): GetAllInput {
	const returnAll = itemParameter(this, 'returnAll', itemIndex, false) === true;
	const limit = returnAll ? 0 : Number(itemParameter(this, 'limit', itemIndex, 50));
	return { returnAll, limit: Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 50 };
}

export async function execute(
	this: IExecuteFunctions,
	{ returnAll, limit }: GetAllInput,
	itemIndex: number,
	ringCx: ProviderConnection,
): Promise<IDataObject[]> {
	const body = await ringCx.send(itemIndex, { method: 'GET', path: '/v1/admin/users', repeat: 'safe' });
	const users = (Array.isArray(body) ? body : []) as IDataObject[];
	// The endpoint has no paging: it answers every user at once, so the limit is applied here.
	return returnAll ? users : users.slice(0, limit);
}
