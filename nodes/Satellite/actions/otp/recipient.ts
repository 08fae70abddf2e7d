import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { MAX_TYPED_PHONE_LENGTH, isEmailAddress } from '../../../../nodeExecution/checkInput';
import { itemParameter } from '../../../../nodeExecution/itemParameter';

export type Channel = 'email' | 'phone';

export interface Recipient {
	channel: Channel;
	/** The trimmed email address, or the phone number reduced to digits and an optional leading +. */
	address: string;
}

/** E.164 allows at most 15 digits; shorter than 6 is not a mobile number anywhere. */
const PHONE = /^\+?\d{6,15}$/;
/** Formatting people type in phone numbers, dropped before the check. */
const PHONE_FORMATTING = /[\s().-]/g;

export const PHONE_HELP =
	'Digits with an optional leading +, 6 to 15 digits, such as +64 21 123 4567; spaces, dashes, dots and parentheses are ignored';

/** The Channel, Email and Phone parameters of one operation. */
export function recipientProperties(
	operation: string,
	help: { channel: string; email: string; phone: string },
): INodeProperties[] {
	const show = { resource: ['otp'], operation: [operation] };
	return [
		{
			displayName: 'Channel',
			name: 'channel',
			type: 'options',
			options: [
				{ name: 'Email', value: 'email', description: 'Identify the user by email address' },
				{ name: 'Phone', value: 'phone', description: 'Identify the user by mobile number' },
			],
			default: 'email',
			description: help.channel,
			displayOptions: { show },
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			required: true,
			default: '',
			description: help.email,
			displayOptions: { show: { ...show, channel: ['email'] } },
		},
		{
			displayName: 'Phone',
			name: 'phone',
			type: 'string',
			placeholder: '+64 21 123 4567',
			required: true,
			default: '',
			description: help.phone,
			displayOptions: { show: { ...show, channel: ['phone'] } },
		},
	];
}

function invalid(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

/** Reads and checks the item's email address or phone number, before anything is sent. */
export function readRecipient(context: IExecuteFunctions, itemIndex: number): Recipient {
	const channel = itemParameter(context, 'channel', itemIndex, 'email') as Channel;
	// Only the parameter of the chosen channel is read: each item's parameters are read once.
	if (channel === 'phone') {
		const typed = String(itemParameter(context, 'phone', itemIndex, '') ?? '').trim();
		if (typed === '') {
			throw invalid(
				context,
				itemIndex,
				`The "Phone" of item ${itemIndex} is empty`,
				`Give a mobile number. ${PHONE_HELP}.`,
			);
		}
		// Checked for length first, so the clean-up and the pattern only ever see a few characters.
		const address = typed.length > MAX_TYPED_PHONE_LENGTH ? typed : typed.replace(PHONE_FORMATTING, '');
		if (typed.length > MAX_TYPED_PHONE_LENGTH || !PHONE.test(address)) {
			throw invalid(
				context,
				itemIndex,
				`The "Phone" of item ${itemIndex} is not a valid phone number`,
				`${PHONE_HELP}.`,
			);
		}
		return { channel, address };
	}
	if (channel !== 'email') {
		throw invalid(
			context,
			itemIndex,
			`The "Channel" of item ${itemIndex} must be Email or Phone`,
			'Choose Email or Phone.',
		);
	}
	const address = String(itemParameter(context, 'email', itemIndex, '') ?? '').trim();
	if (address === '') {
		throw invalid(
			context,
			itemIndex,
			`The "Email" of item ${itemIndex} is empty`,
			'Give an email address such as someone@example.com.',
		);
	}
	// Something@somewhere.tld, without spaces, at most 254 characters; Satellite does the final check.
	if (!isEmailAddress(address)) {
		throw invalid(
			context,
			itemIndex,
			`The "Email" of item ${itemIndex} is not a valid email address`,
			'Use an address such as someone@example.com, without spaces or a display name.',
		);
	}
	return { channel, address };
}
