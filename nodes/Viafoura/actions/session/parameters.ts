import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { MAX_EMAIL_LENGTH, isEmailAddress } from '../../../../nodeExecution/checkInput';
import { itemParameter } from '../../../../nodeExecution/itemParameter';

/** A parameter as trimmed text; numbers (an ID from an expression) become text. */
function parameterText(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = itemParameter(context, name, itemIndex, '');
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

function tooLong(context: IExecuteFunctions, label: string, itemIndex: number, maxLength: number): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`The "${label}" of item ${itemIndex} is longer than ${maxLength} characters`,
		{
			itemIndex,
			description: `Check the expression or the field it reads: it gives more than a ${label.toLowerCase()}.`,
		},
	);
}

/**
 * Trimmed value of a parameter the item must have, at most `maxLength` characters, or an error
 * naming the parameter and the item.
 */
export function requiredParameter(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	maxLength: number,
): string {
	const value = parameterText(context, name, itemIndex);
	if (value === '') {
		throw new NodeOperationError(context.getNode(), `The "${label}" of item ${itemIndex} is empty`, {
			itemIndex,
			description: `Viafoura needs a ${label.toLowerCase()} for every item. Check the expression or the field it reads.`,
		});
	}
	if (value.length > maxLength) throw tooLong(context, label, itemIndex, maxLength);
	return value;
}

/**
 * The trimmed email, '' when not given, or an error naming the item when it is not an email
 * address. Loose on purpose (Viafoura decides what it accepts), and linear in time with a length
 * cap, so a huge value from an expression is refused at once.
 */
export function optionalEmail(context: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = parameterText(context, name, itemIndex);
	if (value !== '' && !isEmailAddress(value)) {
		throw new NodeOperationError(context.getNode(), `The "${label}" of item ${itemIndex} is not an email address`, {
			itemIndex,
			description:
				value.length > MAX_EMAIL_LENGTH
					? `It is longer than the ${MAX_EMAIL_LENGTH} characters an address can have. Leave it empty, or give an address such as name@example.com.`
					: 'Leave it empty, or give an address such as name@example.com.',
		});
	}
	return value;
}
