/**
 * Saved workflows store these names and values: renaming or re-defaulting any of them breaks users'
 * workflows, so a change here must be deliberate (and come with a new node version).
 */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from '../../../../nodeExecution/nodeRequests';
import { Virtuous } from '../../../../nodes/Virtuous/Virtuous.node';

const { description } = new Virtuous();

function parameter(name: string, resource?: string): INodeProperties {
	const found = description.properties.find(
		(property) => property.name === name && (!resource || property.displayOptions?.show?.resource?.includes(resource)),
	);
	if (!found) throw new Error(`No parameter "${name}"${resource ? ` for ${resource}` : ''}`);
	return found;
}

function optionValues(property: INodeProperties): unknown[] {
	return (property.options ?? []).map((option) => (option as { value: unknown }).value);
}

test('node identity', () => {
	expect(description).toMatchObject({
		name: 'virtuous',
		displayName: 'Virtuous',
		version: 1,
		defaults: { name: 'Virtuous' },
		usableAsTool: true,
		credentials: [{ name: 'virtuousApi', required: true }],
		icon: { light: 'file:virtuous.svg', dark: 'file:virtuous.dark.svg' },
	});
	// An API request's subtitle is what it sends; the other operations read "get: organization".
	expect(description.subtitle).toContain('$parameter["method"] + " " + $parameter["path"]');
	expect(description.subtitle).toContain('$parameter["operation"] + ": " + $parameter["resource"]');
});

test('parameters, in the order the editor shows them', () => {
	expect(description.properties.map((property) => property.name)).toEqual([
		'resource',
		'operation',
		'method',
		'path',
		'queryParameters',
		'body',
		'operation',
		'concurrency',
		'options',
	]);
});

test('resources and operations', () => {
	expect(optionValues(parameter('resource'))).toEqual(['apiRequest', 'organization']);
	expect(parameter('resource').default).toBe('organization');
	const operations = description.properties.filter((property) => property.name === 'operation');
	expect(
		operations.map((property) => [property.displayOptions?.show?.resource, optionValues(property), property.default]),
	).toEqual([
		[['apiRequest'], ['send'], 'send'],
		[['organization'], ['get'], 'get'],
	]);
});

test('API Request parameters', () => {
	const send = { show: { resource: ['apiRequest'], operation: ['send'] } };
	expect(parameter('method')).toMatchObject({ type: 'options', default: 'GET', displayOptions: send });
	expect(optionValues(parameter('method'))).toEqual(['DELETE', 'GET', 'PATCH', 'POST', 'PUT']);
	expect(parameter('path')).toMatchObject({ type: 'string', default: '', required: true, displayOptions: send });
	expect(parameter('queryParameters')).toMatchObject({
		type: 'fixedCollection',
		default: {},
		typeOptions: { multipleValues: true },
		displayOptions: send,
		options: [
			{
				name: 'parameters',
				values: [
					expect.objectContaining({ name: 'name', type: 'string', default: '' }),
					expect.objectContaining({ name: 'value', type: 'string', default: '' }),
				],
			},
		],
	});
	// Only a write has a body.
	expect(parameter('body')).toMatchObject({
		type: 'json',
		default: '',
		displayOptions: { show: { ...send.show, method: ['PATCH', 'POST', 'PUT'] } },
	});
});

test('request settings shared with the other nodes', () => {
	expect(parameter('concurrency')).toMatchObject({ type: 'number', default: DEFAULT_CONCURRENCY });
	expect(parameter('concurrency').displayOptions).toBeUndefined();
	expect(parameter('options')).toMatchObject({
		type: 'collection',
		default: {},
		options: [expect.objectContaining({ name: 'timeout', default: DEFAULT_TIMEOUT_MS })],
	});
});

test('options are sorted by name, as n8n lists them', () => {
	for (const property of description.properties.filter((p) => p.type === 'options')) {
		const names = (property.options ?? []).map((option) => (option as { name: string }).name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	}
});

test('operations have actions for AI tool use and descriptions that start with a verb', () => {
	const options = description.properties
		.filter((property) => property.name === 'operation')
		.flatMap((property) => property.options as Array<{ action?: string; description?: string }>);
	expect(options.map((option) => option.action)).toEqual(['Send an API request', 'Get the current organization']);
	for (const option of options) expect(option.description).toMatch(/^(Get|Send) /);
});
