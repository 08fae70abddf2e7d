import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { satelliteRequest } from '../../transport';
import { PHONE_HELP, readRecipient, recipientProperties } from './recipient';

/** Why a success answer proves nothing about the user: said wherever the user types an address. */
const NO_ENUMERATION =
	'Satellite answers success even when no user has it, so that nobody can find out who is registered: a success does not mean the user exists.';

export const description: INodeProperties[] = recipientProperties('send', {
	channel: 'Whether to send the code by email or by SMS',
	email: `Email address to send the code to. ${NO_ENUMERATION}`,
	phone: `Mobile number to text the code to. ${PHONE_HELP}. ${NO_ENUMERATION}`,
});

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { channel, address } = readRecipient(this, itemIndex);
	const answer = await satelliteRequest(this, itemIndex, 'POST', '/otp/send', { [channel]: address });
	return (answer && typeof answer === 'object' ? answer : { data: answer }) as IDataObject;
}
