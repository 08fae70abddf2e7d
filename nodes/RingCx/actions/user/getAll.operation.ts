import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ringCxRequest } from '../../transport';

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

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const body = await ringCxRequest(this, itemIndex, 'GET', '/v1/admin/users');
	const users = (Array.isArray(body) ? body : []) as IDataObject[];
	if (this.getNodeParameter('returnAll', itemIndex, false) as boolean) return users;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	// The endpoint has no paging: it answers every user at once, so the limit is applied here.
	return users.slice(0, Math.max(1, Math.floor(limit)));
}
