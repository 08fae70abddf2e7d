import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { ringCxRequest } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'API Token',
		name: 'apiToken',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		placeholder: 'aws80:c2353445-bc74-af1a-2850-1d55a371c0a9',
		description: 'The permanent API token to delete, for example from the API Token > Get Many operation',
		displayOptions: { show: { resource: ['apiToken'], operation: ['delete'] } },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const apiToken = String(this.getNodeParameter('apiToken', itemIndex, '')).trim();
	if (apiToken === '') {
		throw new NodeOperationError(this.getNode(), `The "API Token" of item ${itemIndex} is empty`, {
			itemIndex,
			description: 'Give the permanent API token to delete, for example from the API Token > Get Many operation.',
		});
	}
	// Tokens contain ':' (aws80:…); encode it so the token stays one path segment.
	await ringCxRequest(this, itemIndex, 'DELETE', `/v1/admin/token/${encodeURIComponent(apiToken)}`);
	return { deleted: true };
}
