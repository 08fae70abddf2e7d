import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';

import { MAX_ID_LENGTH, MAX_NAME_LENGTH } from '../../../../nodeExecution/checkInput';
import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';
import { optionalEmail, requiredParameter } from './parameters';
import { platformScriptTag } from './platformScriptTag';

const show = { resource: ['session'], operation: ['login'] };

export const description: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.userId }}',
		description:
			"Your own system's ID for the reader who just logged in (not a Viafoura ID). The same ID always maps to the same Viafoura user.",
		displayOptions: { show },
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. John Doe',
		description: 'The name Viafoura shows for this reader. A changed name updates the Viafoura user.',
		displayOptions: { show },
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		default: '',
		placeholder: 'name@email.com',
		description: "The reader's email address, if you want Viafoura to have it",
		displayOptions: { show },
	},
];

export interface LoginInput {
	id: string;
	name: string;
	email: string;
}

/** The item's parameters, checked before anything is sent. */
export function readInput(this: IExecuteFunctions, itemIndex: number): LoginInput {
	return {
		id: requiredParameter(this, 'userId', 'User ID', itemIndex, MAX_ID_LENGTH),
		name: requiredParameter(this, 'name', 'Name', itemIndex, MAX_NAME_LENGTH),
		email: optionalEmail(this, 'email', 'Email', itemIndex),
	};
}

export async function execute(
	this: IExecuteFunctions,
	{ id, name, email }: LoginInput,
	itemIndex: number,
	viafoura: ProviderConnection,
): Promise<IDataObject> {
	const fields: Record<string, string> = { id, name };
	if (email !== '') fields.email = email;
	const answer = await viafoura.send(itemIndex, {
		method: 'POST',
		path: '/rest/v1/accounts/login',
		form: fields,
		// Each login opens a new session: not sent twice.
		repeat: 'creates',
		ifAnswerLost: {
			message: 'Viafoura did not answer the login, and it may have opened a session',
			description: 'It is not sent again automatically. Run this item again for a session you know of.',
		},
	});
	const { user_id, session } = (answer ?? {}) as IDataObject;
	if ((typeof user_id !== 'number' && typeof user_id !== 'string') || typeof session !== 'string' || session === '') {
		throw new NodeApiError(this.getNode(), {} as JsonObject, {
			message: 'Viafoura answered the login without a user_id and session',
			description: 'The reader may or may not be logged in to Viafoura; run this item again.',
			itemIndex,
		});
	}
	return { user_id, session, scriptTag: platformScriptTag(String(user_id), session) };
}
