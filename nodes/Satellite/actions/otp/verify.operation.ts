import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { MAX_CODE_LENGTH } from '../../../../nodeExecution/checkInput';
import { itemParameter } from '../../../../nodeExecution/itemParameter';
import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';
import {
	CODE_MAY_BE_USED,
	oneTimePasswordFailure,
	oneTimePasswordGrant,
	satelliteTokenCall,
} from '../../../../providers/satellite/client';
import { readRecipient, recipientProperties } from './recipient';

export const description: INodeProperties[] = [
	...recipientProperties('verify', {
		channel: 'Whether the code was sent by email or by SMS',
		email: 'Email address the code was sent to',
		phone: 'Mobile number the code was sent to, typed the same way as when sending',
	}),
	{
		displayName: 'Code',
		name: 'code',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		placeholder: 'e.g. 123456',
		description: 'The one-time password the user received and typed back, for example in a form',
		displayOptions: { show: { resource: ['otp'], operation: ['verify'] } },
	},
];

export interface VerifyInput {
	address: string;
	code: string;
}

/** The recipient and the code, checked before anything is sent. */
export function readInput(this: IExecuteFunctions, itemIndex: number): VerifyInput {
	const { address } = readRecipient(this, itemIndex);
	const value = itemParameter(this, 'code', itemIndex, '');
	const code = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (code === '') {
		throw new NodeOperationError(this.getNode(), `The "Code" of item ${itemIndex} is empty`, {
			itemIndex,
			description: 'Map the code the user typed back, for example from the form that asked for it.',
		});
	}
	if (code.length > MAX_CODE_LENGTH) {
		throw new NodeOperationError(this.getNode(), `The "Code" of item ${itemIndex} is not a one-time password`, {
			itemIndex,
			description: `A one-time password has at most ${MAX_CODE_LENGTH} characters. Map only the code the user typed back.`,
		});
	}
	return { address, code };
}

export async function execute(
	this: IExecuteFunctions,
	{ address, code }: VerifyInput,
	itemIndex: number,
	satellite: ProviderConnection,
): Promise<IDataObject> {
	// The code is the user's password for this one sign-in: the username is where it was sent. Only the
	// credential's client ID and secret are used; an unusable credential fails before anything is sent.
	const grant = oneTimePasswordGrant(await satellite.credentials(itemIndex), address, code);
	const answer = await satellite.sendPlain(itemIndex, satelliteTokenCall(grant, 'oneTimeSecret', CODE_MAY_BE_USED));
	const failure = oneTimePasswordFailure(answer);
	if (failure) throw satellite.answerError(itemIndex, answer.statusCode, failure);
	const tokens = answer.body as IDataObject;
	return {
		access_token: tokens.access_token,
		refresh_token: tokens.refresh_token,
		expires_in: tokens.expires_in,
		token_type: tokens.token_type,
	};
}
