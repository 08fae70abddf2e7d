/**
 * Saved workflows store parameter names and values: renaming one, changing a default or an
 * option value silently changes what existing workflows do. These tests pin them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { Satellite } from '../../../../nodes/Satellite/Satellite.node';

const { description } = new Satellite();

function property(name: string, operation?: string): INodeProperties {
	const found = description.properties.find(
		(candidate) =>
			candidate.name === name &&
			(operation === undefined || candidate.displayOptions?.show?.operation?.includes(operation)),
	);
	if (!found) throw new Error(`No parameter "${name}"${operation ? ` for ${operation}` : ''}`);
	return found;
}

const optionValues = (p: INodeProperties) => (p.options ?? []).map((option) => (option as { value: unknown }).value);
const optionNames = (p: INodeProperties) => (p.options ?? []).map((option) => option.name);

describe('Satellite node description', () => {
	it('keeps its type name, version, credential and tool use', () => {
		expect(description).toMatchObject({
			name: 'satellite',
			displayName: 'Satellite',
			version: 1,
			usableAsTool: true,
			credentials: [{ name: 'satelliteApi', required: true }],
		});
		expect(description.subtitle).toContain('$parameter["operation"]');
	});

	it('keeps the resource and operation values', () => {
		expect(property('resource')).toMatchObject({ default: 'otp' });
		expect(optionValues(property('resource'))).toEqual(['otp']);
		expect(property('operation')).toMatchObject({ default: 'send' });
		expect(optionValues(property('operation'))).toEqual(['send', 'verify']);
	});

	it.each(['send', 'verify'])('keeps the %s parameters and their defaults', (operation) => {
		expect(property('channel', operation)).toMatchObject({ type: 'options', default: 'email' });
		expect(optionValues(property('channel', operation))).toEqual(['email', 'phone']);
		expect(property('email', operation)).toMatchObject({
			type: 'string',
			default: '',
			displayOptions: { show: { resource: ['otp'], operation: [operation], channel: ['email'] } },
		});
		expect(property('phone', operation)).toMatchObject({
			type: 'string',
			default: '',
			displayOptions: { show: { resource: ['otp'], operation: [operation], channel: ['phone'] } },
		});
	});

	it('keeps the verify code hidden like a password', () => {
		expect(property('code', 'verify')).toMatchObject({ type: 'string', default: '', typeOptions: { password: true } });
	});

	it('tells users in the Send help that success does not mean the user exists', () => {
		for (const name of ['email', 'phone']) {
			expect(property(name, 'send').description).toContain('a success does not mean the user exists');
		}
	});

	it('lists options alphabetically', () => {
		for (const candidate of description.properties.filter((p) => p.type === 'options')) {
			const names = optionNames(candidate);
			expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		}
	});
});

describe('the README example workflow', () => {
	const example = JSON.parse(
		readFileSync(join(__dirname, '..', '..', '..', '..', 'examples', 'satellite-send-then-verify.json'), 'utf8'),
	) as { nodes: Array<{ name: string; type: string; parameters: IDataObject; credentials?: IDataObject }> };
	const satelliteNodes = example.nodes.filter((node) => node.type === 'n8n-nodes-token-auth.satellite');

	it('sends, then verifies, with the Satellite credential', () => {
		expect(satelliteNodes.map((node) => node.parameters.operation)).toEqual(['send', 'verify']);
		for (const node of satelliteNodes) expect(Object.keys(node.credentials ?? {})).toEqual(['satelliteApi']);
	});

	it('uses only parameters and option values the node has', () => {
		for (const node of satelliteNodes) {
			const operation = String(node.parameters.operation);
			for (const [name, value] of Object.entries(node.parameters)) {
				const candidates = description.properties.filter(
					(p) =>
						p.name === name &&
						(p.displayOptions?.show?.operation === undefined || p.displayOptions.show.operation.includes(operation)),
				);
				expect(candidates.length).toBeGreaterThan(0);
				const options = candidates.flatMap((p) => (p.type === 'options' ? optionValues(p) : []));
				if (options.length > 0) expect(options).toContain(value);
			}
		}
	});
});
