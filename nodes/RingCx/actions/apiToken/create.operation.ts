import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ringCxRequest } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName:
			"Each run creates another permanent API token for the credential's user. Store it somewhere safe: it stays valid until deleted.",
		name: 'createNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['apiToken'], operation: ['create'] } },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body = await ringCxRequest(this, itemIndex, 'POST', '/v1/admin/token');
	const apiToken = typeof body === 'string' ? body.trim() : (body as IDataObject | undefined)?.apiToken;
	return { apiToken };
}
