/**
 * Saved workflows store these names and values: renaming or re-defaulting any of them breaks users'
 * workflows, so a change here must be deliberate (and come with a new node version).
 */
import type { INodeProperties } from 'n8n-workflow';

import { RingCx } from '../../../../nodes/RingCx/RingCx.node';

const { description } = new RingCx();

function parameter(name: string, operation?: string): INodeProperties {
	const found = description.properties.find(
		(property) =>
			property.name === name && (!operation || property.displayOptions?.show?.operation?.includes(operation)),
	);
	if (!found) throw new Error(`No parameter "${name}"${operation ? ` for ${operation}` : ''}`);
	return found;
}

function optionValues(property: INodeProperties): string[] {
	return (property.options ?? []).map((option) => (option as { value: string }).value);
}

test('node identity', () => {
	expect(description).toMatchObject({
		name: 'ringCx',
		displayName: 'RingCX',
		version: 1,
		usableAsTool: true,
		credentials: [{ name: 'ringCxApi', required: true }],
	});
});

test('resources and operations', () => {
	expect(optionValues(parameter('resource'))).toEqual(['apiToken', 'user']);
	expect(parameter('resource').default).toBe('apiToken');
	const operations = description.properties.filter((property) => property.name === 'operation');
	expect(operations.map((property) => [property.displayOptions?.show?.resource, optionValues(property)])).toEqual([
		[['apiToken'], ['create', 'delete', 'getAll']],
		[['user'], ['getAll']],
	]);
});

test('operation parameters', () => {
	expect(parameter('apiToken', 'delete')).toMatchObject({
		type: 'string',
		required: true,
		default: '',
		typeOptions: { password: true },
	});
	expect(parameter('returnAll', 'getAll')).toMatchObject({ type: 'boolean', default: false });
	expect(parameter('limit', 'getAll')).toMatchObject({ type: 'number', default: 50 });
});

test('options are sorted by name, as n8n lists them', () => {
	for (const property of description.properties.filter((p) => p.type === 'options')) {
		const names = (property.options ?? []).map((option) => (option as { name: string }).name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	}
});
