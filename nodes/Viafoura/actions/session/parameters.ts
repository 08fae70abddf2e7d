import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** A parameter as trimmed text; numbers (an ID from an expression) become text. */
function parameterText(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

/** Trimmed value of a parameter the item must have, or an error naming the parameter and the item. */
export function requiredParameter(context: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = parameterText(context, name, itemIndex);
	if (value === '') {
		throw new NodeOperationError(context.getNode(), `The "${label}" of item ${itemIndex} is empty`, {
			itemIndex,
			description: `Viafoura needs a ${label.toLowerCase()} for every item. Check the expression or the field it reads.`,
		});
	}
	return value;
}

/** Loose on purpose: Viafoura decides what it accepts; this only catches values that are clearly not an address. */
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The trimmed email, '' when not given, or an error naming the item when it is not an email address. */
export function optionalEmail(context: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = parameterText(context, name, itemIndex);
	if (value !== '' && !LOOKS_LIKE_EMAIL.test(value)) {
		throw new NodeOperationError(context.getNode(), `The "${label}" of item ${itemIndex} is not an email address`, {
			itemIndex,
			description: 'Leave it empty, or give an address such as name@example.com.',
		});
	}
	return value;
}
