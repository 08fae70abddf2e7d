import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';
import { PHONE_HELP, readRecipient, recipientProperties, type Recipient } from './recipient';

/** Why a success answer proves nothing about the user: said wherever the user types an address. */
const NO_ENUMERATION =
	'Satellite answers success even when no user has it, so that nobody can find out who is registered: a success does not mean the user exists.';

export const description: INodeProperties[] = recipientProperties('send', {
	channel: 'Whether to send the code by email or by SMS',
	email: `Email address to send the code to. ${NO_ENUMERATION}`,
	phone: `Mobile number to text the code to. ${PHONE_HELP}. ${NO_ENUMERATION}`,
});

/** The recipient, checked before anything is sent. */
export function readInput(this: IExecuteFunctions, itemIndex: number): Recipient {
	return readRecipient(this, itemIndex);
}

export async function execute(
	this: IExecuteFunctions,
	{ channel, address }: Recipient,
	itemIndex: number,
	satellite: ProviderConnection,
): Promise<IDataObject> {
	const answer = await satellite.send(itemIndex, {
		method: 'POST',
		path: '/otp/send',
		json: { [channel]: address },
		// Each call sends the user another code.
		repeat: 'creates',
		ifAnswerLost: {
			message: 'Satellite did not answer, and the code may have been sent',
			description:
				'It is not sent again automatically, so the user does not get two codes. Ask the user whether a code arrived before sending another.',
		},
	});
	return (answer && typeof answer === 'object' ? answer : { data: answer }) as IDataObject;
}
