/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * Saved workflows store each node's type name, version, parameter names, option values and defaults:
 * renaming or re-defaulting any of them silently changes what users' workflows do. The contract of every
 * node is pinned in __snapshots__/descriptions.test.ts.snap, so a change to it must be made (and
 * reviewed) on purpose (`npx jest -u`, with a new node version where it breaks saved workflows). The
 * rules n8n's editor and its AI agents rely on are checked for every node alike.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeProperties, INodeType, INodePropertyOptions } from 'n8n-workflow';

import { RingCx } from '../../../nodes/RingCx/RingCx.node';
import { Satellite } from '../../../nodes/Satellite/Satellite.node';
import { Viafoura } from '../../../nodes/Viafoura/Viafoura.node';
import { Virtuous } from '../../../nodes/Virtuous/Virtuous.node';

const NODES: INodeType[] = [new RingCx(), new Satellite(), new Viafoura(), new Virtuous()];
const EXAMPLES_DIR = join(__dirname, '..', '..', '..', 'examples');

const options = (property: INodeProperties) => (property.options ?? []) as INodePropertyOptions[];

/** What a saved workflow depends on: one line per parameter, where it shows, its type, default and values. */
function contract({ description }: INodeType) {
	return {
		identity: {
			name: description.name,
			version: description.version,
			credentials: description.credentials,
			usableAsTool: description.usableAsTool,
			subtitle: description.subtitle,
		},
		parameters: description.properties.map((property) => {
			const shownFor = Object.entries(property.displayOptions?.show ?? {})
				.map(([name, values]) => `${name}=${(values ?? []).join('|')}`)
				.join(' ');
			const values =
				property.type === 'options'
					? ` [${options(property)
							.map((option) => option.value)
							.join(', ')}]`
					: '';
			// A collection's options and a fixed collection's fields are parameters too, with their defaults.
			const inner = (property.options ?? []) as Array<{ name: string; default?: unknown; values?: INodeProperties[] }>;
			const fields = ({ name, default: value, values }: (typeof inner)[number]) =>
				values
					? `${name}: ${values.map((field) => `${field.name}=${JSON.stringify(field.default)}`).join(', ')}`
					: `${name}=${JSON.stringify(value)}`;
			const collection = property.type.endsWith('ollection') ? ` {${inner.map(fields).join('; ')}}` : '';
			const required = `${property.required ? ' required' : ''}${property.typeOptions?.password ? ' password' : ''}`;
			return `${property.name}${shownFor ? ` (${shownFor})` : ''}: ${property.type}${required} = ${JSON.stringify(property.default)}${values}${collection}`;
		}),
	};
}

describe.each(NODES.map((node) => [node.description.displayName, node] as const))('the %s node', (_name, node) => {
	const { description } = node;

	it('keeps what saved workflows depend on', () => {
		expect(contract(node)).toMatchSnapshot();
	});

	it('lists every options parameter alphabetically, as n8n shows them', () => {
		for (const property of description.properties.filter((candidate) => candidate.type === 'options')) {
			const names = options(property).map((option) => option.name);
			expect([property.name, names]).toEqual([property.name, [...names].sort((a, b) => a.localeCompare(b))]);
		}
	});

	it('gives every operation an action for AI agents and a description that starts with a verb', () => {
		for (const property of description.properties.filter((candidate) => candidate.name === 'operation')) {
			for (const option of options(property)) {
				expect([option.value, typeof option.action]).toEqual([option.value, 'string']);
				expect([option.value, option.description]).toEqual([option.value, expect.stringMatching(/^[A-Z][a-z]+ /)]);
			}
		}
	});
});

describe('the example workflows', () => {
	const byType = new Map(NODES.map((node) => [`n8n-nodes-token-auth.${node.description.name}`, node.description]));
	const examples = readdirSync(EXAMPLES_DIR).filter((file) => file.endsWith('.json'));

	it.each(examples)('%s uses only parameters and option values its nodes have', (file) => {
		const workflow = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as {
			nodes: Array<{ type: string; parameters: Record<string, unknown>; credentials?: Record<string, unknown> }>;
		};
		for (const node of workflow.nodes.filter((candidate) => byType.has(candidate.type))) {
			const description = byType.get(node.type)!;
			expect(Object.keys(node.credentials ?? {})).toEqual(
				description.credentials?.map((credential) => credential.name),
			);
			const { resource, operation } = node.parameters;
			for (const [name, value] of Object.entries(node.parameters)) {
				const candidates = description.properties.filter(
					(property) =>
						property.name === name &&
						[
							['resource', resource],
							['operation', operation],
						].every(
							([key, chosen]) => property.displayOptions?.show?.[key as string]?.includes(chosen as string) ?? true,
						),
				);
				expect([name, candidates.length > 0]).toEqual([name, true]);
				const allowed = candidates.flatMap((property) => (property.type === 'options' ? options(property) : []));
				if (allowed.length > 0) expect(allowed.map((option) => option.value)).toContain(value);
			}
		}
	});
});
