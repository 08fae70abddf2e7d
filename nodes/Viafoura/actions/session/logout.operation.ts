import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MAX_ID_LENGTH } from '../../../../nodeExecution/checkInput';
import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';
import { requiredParameter } from './parameters';

export const description: INodeProperties[] = [
	{
		displayName: 'Session',
		name: 'session',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.session }}',
		description: 'The session a Log In answered. Viafoura ends it at once.',
		displayOptions: { show: { resource: ['session'], operation: ['logout'] } },
	},
];

export interface LogoutInput {
	session: string;
}

/** The item's parameters, checked before anything is sent. */
export function readInput(this: IExecuteFunctions, itemIndex: number): LogoutInput {
	return { session: requiredParameter(this, 'session', 'Session', itemIndex, MAX_ID_LENGTH) };
}

export async function execute(
	this: IExecuteFunctions,
	{ session }: LogoutInput,
	itemIndex: number,
	viafoura: ProviderConnection,
): Promise<IDataObject> {
	// Viafoura documents no answer body for a logout; success is the 2xx status itself.
	// Ending a session twice ends it once.
	await viafoura.send(itemIndex, {
		method: 'POST',
		path: '/rest/v1/accounts/logout',
		form: { session },
		repeat: 'safe',
	});
	return { session, loggedOut: true };
}
