import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RingCxConnection } from '../../transport';

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

/** Nothing to read: the token is for the credential's user. */
export function readInput(this: IExecuteFunctions): undefined {
	return undefined;
}

export async function execute(
	this: IExecuteFunctions,
	_input: undefined,
	itemIndex: number,
	ringCx: RingCxConnection,
): Promise<IDataObject> {
	const body = await ringCx.request(itemIndex, 'POST', '/v1/admin/token');
	const apiToken = typeof body === 'string' ? body.trim() : (body as IDataObject | undefined)?.apiToken;
	return { apiToken };
}
