import {
	NodeOperationError,
	type GenericValue,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type INodeProperties,
} from 'n8n-workflow';

import { itemParameter } from '../../../../nodeExecution/itemParameter';
import type { ProviderConnection } from '../../../../nodeExecution/providerConnection';
import { checkApiPath } from './apiPath';

const show = { resource: ['apiRequest'], operation: ['send'] };

const METHODS = ['DELETE', 'GET', 'PATCH', 'POST', 'PUT'] as const;
type Method = (typeof METHODS)[number];
/** Methods that change something at Virtuous: sent once, never repeated. */
const WRITES: readonly Method[] = ['PATCH', 'POST', 'PUT'];

export const description: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: METHODS.map((method) => ({ name: method, value: method })),
		default: 'GET',
		description:
			'The HTTP method of the endpoint. A PATCH, POST or PUT request is never sent twice: when Virtuous does not answer it, the item fails rather than risk a second change.',
		displayOptions: { show },
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		required: true,
		default: '',
		placeholder: '/api/Contact/1002',
		description:
			"The endpoint's path as Virtuous's API reference writes it, starting with /api/. Requests go to the Base URL of the credential.",
		displayOptions: { show },
	},
	{
		displayName: 'Query Parameters',
		name: 'queryParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Query Parameter',
		default: {},
		description: 'The query parameters to add to the path, such as skip and take for paging',
		displayOptions: { show },
		options: [
			{
				displayName: 'Parameter',
				name: 'parameters',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'json',
		default: '',
		placeholder: '{"groups": []}',
		description: 'The JSON body to send, an object or an array. Leave it empty to send no body.',
		displayOptions: { show: { ...show, method: [...WRITES] } },
	},
];

export interface SendInput {
	method: Method;
	/** The path with its query string. */
	path: string;
	body?: IDataObject | GenericValue[];
}

function invalid(context: IExecuteFunctions, itemIndex: number, message: string, description: string) {
	return new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

function readMethod(context: IExecuteFunctions, itemIndex: number): Method {
	const value = itemParameter(context, 'method', itemIndex, 'GET');
	const method = (typeof value === 'string' ? value.trim().toUpperCase() : '') as Method;
	if (!METHODS.includes(method)) {
		throw invalid(
			context,
			itemIndex,
			`The "Method" of item ${itemIndex} is not one of ${METHODS.join(', ')}`,
			'Choose one of the methods, or make the expression give one.',
		);
	}
	return method;
}

function readPath(context: IExecuteFunctions, itemIndex: number): string {
	const value = itemParameter(context, 'path', itemIndex, '');
	if (typeof value !== 'string' && value !== undefined && value !== null) {
		throw invalid(
			context,
			itemIndex,
			`The "Path" of item ${itemIndex} is not text`,
			'Map a single field that holds the path, not an object or a list.',
		);
	}
	const checked = checkApiPath(value ?? '');
	if (typeof checked === 'string') return checked;
	throw invalid(context, itemIndex, `The "Path" of item ${itemIndex} ${checked.problem}`, checked.help);
}

function queryText(value: unknown): string | undefined {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

/** `?name=value&…`, every name and value percent-encoded, in the order given; '' without parameters. */
function readQuery(context: IExecuteFunctions, itemIndex: number): string {
	// Not itemParameter: a collection's values can be expressions, which only n8n resolves.
	const parameters = context.getNodeParameter('queryParameters.parameters', itemIndex, []) as Array<{
		name?: unknown;
		value?: unknown;
	}>;
	const pairs: string[] = [];
	for (const [position, parameter] of (Array.isArray(parameters) ? parameters : []).entries()) {
		const name = typeof parameter.name === 'string' ? parameter.name.trim() : '';
		if (name === '') {
			throw invalid(
				context,
				itemIndex,
				`Query parameter ${position + 1} of item ${itemIndex} has no name`,
				'Give every query parameter a name, or remove it.',
			);
		}
		const value = queryText(parameter.value);
		if (value === undefined) {
			throw invalid(
				context,
				itemIndex,
				`The value of query parameter "${name.slice(0, 64)}" of item ${itemIndex} is not text`,
				'A query parameter takes text or a number. Map a single field, not an object or a list.',
			);
		}
		pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
	}
	return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

function notJson(context: IExecuteFunctions, itemIndex: number): NodeOperationError {
	return invalid(
		context,
		itemIndex,
		`The "Body" of item ${itemIndex} is not a JSON object or array`,
		'Give the body as JSON, such as {"groups": []}, or leave it empty to send no body.',
	);
}

/** The JSON body of a write, undefined when left empty. */
function readBody(context: IExecuteFunctions, itemIndex: number): IDataObject | GenericValue[] | undefined {
	const value = itemParameter(context, 'body', itemIndex, '');
	if (value === undefined || value === null) return undefined;
	// An expression can give the object itself rather than its text.
	if (typeof value === 'object') return value as IDataObject | GenericValue[];
	if (typeof value !== 'string') throw notJson(context, itemIndex);
	if (value.trim() === '') return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		throw notJson(context, itemIndex);
	}
	if (parsed === null || typeof parsed !== 'object') throw notJson(context, itemIndex);
	return parsed as IDataObject | GenericValue[];
}

/** The item's request, checked before anything is sent. */
export function readInput(this: IExecuteFunctions, itemIndex: number): SendInput {
	const method = readMethod(this, itemIndex);
	const path = `${readPath(this, itemIndex)}${readQuery(this, itemIndex)}`;
	// Only a write reads its Body: a GET keeps no hidden body from an earlier choice of method.
	return WRITES.includes(method) ? { method, path, body: readBody(this, itemIndex) } : { method, path };
}

/**
 * The answer as output items: one per element of an array (none for an empty array, as n8n's HTTP
 * Request node does), the object itself, or `{ data }` for anything that is not an object.
 */
export function answerItems(answer: unknown): IDataObject[] {
	const asItem = (value: unknown): IDataObject =>
		value !== null && typeof value === 'object' && !Array.isArray(value)
			? (value as IDataObject)
			: { data: value as GenericValue };
	if (Array.isArray(answer)) return answer.map(asItem);
	// An empty answer (204 No Content) still passes the item on.
	if (answer === undefined || answer === null || answer === '') return [{}];
	return [asItem(answer)];
}

export async function execute(
	this: IExecuteFunctions,
	{ method, path, body }: SendInput,
	itemIndex: number,
	virtuous: ProviderConnection,
): Promise<IDataObject[]> {
	const write = WRITES.includes(method);
	const answer = await virtuous.send(itemIndex, {
		method: method as IHttpRequestMethods,
		path,
		json: body,
		// A read, or a delete, does the same the second time; a write might create or change something twice.
		repeat: write ? 'creates' : 'safe',
		ifAnswerLost: write
			? {
					message: `Virtuous did not answer the ${method} request, and it may have been carried out`,
					description:
						'It is not sent again automatically, so that nothing is created or changed twice. Check in Virtuous whether it was carried out before running this item again.',
				}
			: undefined,
	});
	return answerItems(answer);
}
