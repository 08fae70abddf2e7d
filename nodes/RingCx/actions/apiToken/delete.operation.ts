import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { MAX_ID_LENGTH, hasNoSpace } from '../../../../nodeExecution/checkInput';
import { itemParameter } from '../../../../nodeExecution/itemParameter';
import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';

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

/** The token to delete, checked before anything is sent. */
export function readInput(this: IExecuteFunctions, itemIndex: number): string {
	const value = itemParameter(this, 'apiToken', itemIndex, '');
	const apiToken = typeof value === 'string' ? value.trim() : '';
	if (apiToken === '') {
		throw new NodeOperationError(this.getNode(), `The "API Token" of item ${itemIndex} is empty`, {
			itemIndex,
			description: 'Give the permanent API token to delete, for example from the API Token > Get Many operation.',
		});
	}
	if (apiToken.length > MAX_ID_LENGTH || !hasNoSpace(apiToken)) {
		throw new NodeOperationError(this.getNode(), `The "API Token" of item ${itemIndex} is not an API token`, {
			itemIndex,
			description: `A permanent API token has no spaces and at most ${MAX_ID_LENGTH} characters, such as aws80:c2353445-bc74-af1a-2850-1d55a371c0a9.`,
		});
	}
	return apiToken;
}

export async function execute(
	this: IExecuteFunctions,
	apiToken: string,
	itemIndex: number,
	ringCx: ProviderConnection,
): Promise<IDataObject> {
	// Tokens contain ':' (aws80:…); encode it so the token stays one path segment.
	await ringCx.send(itemIndex, {
		method: 'DELETE',
		path: `/v1/admin/token/${encodeURIComponent(apiToken)}`,
		repeat: 'safe',
	});
	return { deleted: true };
}
