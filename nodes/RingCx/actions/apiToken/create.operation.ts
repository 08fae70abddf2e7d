import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';

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
	ringCx: ProviderConnection,
): Promise<IDataObject> {
	const body = await ringCx.send(itemIndex, {
		method: 'POST',
		path: '/v1/admin/token',
		// Each call makes a token that lives until deleted: never sent twice.
		repeat: 'creates',
		ifAnswerLost: {
			message: 'RingCX did not answer, and the permanent API token may have been created',
			description:
				'It is not created again automatically. List the API tokens (API Token > Get Many) to see whether it was, and delete any you do not need.',
		},
	});
	const apiToken = typeof body === 'string' ? body.trim() : (body as IDataObject | undefined)?.apiToken;
	return { apiToken };
}
