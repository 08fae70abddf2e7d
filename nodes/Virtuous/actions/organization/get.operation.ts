import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';

export const description: INodeProperties[] = [];

/** Nothing to read: the organization is the credential's. */
export function readInput(this: IExecuteFunctions): undefined {
	return undefined;
}

export async function execute(
	this: IExecuteFunctions,
	_input: undefined,
	itemIndex: number,
	virtuous: ProviderConnection,
): Promise<IDataObject> {
	// The call the credential test makes: it proves the credential works and says which organization it reaches.
	const organization = await virtuous.send(itemIndex, {
		method: 'GET',
		path: '/api/Organization/Current',
		repeat: 'safe',
	});
	return (organization && typeof organization === 'object' ? organization : {}) as IDataObject;
}
