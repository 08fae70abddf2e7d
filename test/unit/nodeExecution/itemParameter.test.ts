/**
 * Item parameters that only map a field of the item's JSON (what the editor makes when a field is
 * dragged in) are looked up directly instead of going through n8n's expression sandbox, which
 * `npm run bench --profile` showed is most of a node's own per-item time. Everything else still
 * goes through n8n.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { ViafouraApi } from '../../../credentials/ViafouraApi.credentials';
import { itemParameter, jsonFieldPath } from '../../../nodeExecution/itemParameter';
import { Viafoura } from '../../../nodes/Viafoura/Viafoura.node';
import { createViafoura } from '../../providers/viafoura';
import { viafouraCredentialData } from '../../support/credentialFixtures';
import { CredentialStore, nodeRunner } from '../../support/nodeExecutionContext';
import { providerFixture } from '../../support/providerFixture';

describe('jsonFieldPath', () => {
	it.each([
		['={{ $json.email }}', ['email']],
		['={{$json.email}}', ['email']],
		['={{ $json.user.id }}', ['user', 'id']],
		['={{ $json["first name"] }}', ['first name']],
		["={{ $json['a'].b_2 }}", ['a', 'b_2']],
	])('reads %s as a field path', (raw, path) => {
		expect(jsonFieldPath(raw)).toEqual(path);
	});

	it.each([
		'=x {{ $json.email }}',
		'={{ $json.email }} x',
		'={{ $json.email.trim() }}',
		'={{ $json }}',
		'={{ $json.1a }}',
		'={{ $json["a\\"b"] }}',
		"={{ $('Other').item.json.email }}",
		'={{ $json.a || $json.b }}',
		'$json.email',
		`={{ $json.${'a'.repeat(300)} }}`,
	])('leaves %s to n8n', (raw) => {
		expect(jsonFieldPath(raw)).toBeUndefined();
	});
});

describe('itemParameter', () => {
	const { server, baseUrl } = providerFixture(createViafoura);
	const context = (raw: unknown, evaluated: unknown) =>
		({
			getNodeParameter: (_name: string, _index: number, _fallback: unknown, options?: { rawExpressions?: boolean }) =>
				options?.rawExpressions ? raw : evaluated,
			getInputData: () => [{ json: { email: 'a@b.co', user: { id: 7 } } }, { json: { email: 'c@d.co' } }],
		}) as unknown as IExecuteFunctions;

	it('looks a mapped field up in the item, without the expression engine', () => {
		expect(itemParameter(context('={{ $json.email }}', 'engine'), 'email', 1, '')).toBe('c@d.co');
		expect(itemParameter(context('={{ $json.user.id }}', 'engine'), 'id', 0, '')).toBe(7);
		expect(itemParameter(context('={{ $json.missing.deeper }}', 'engine'), 'id', 0, '')).toBeUndefined();
		expect(itemParameter(context('={{ $json.constructor }}', 'engine'), 'id', 0, '')).toBeUndefined();
	});

	it('gives fixed values as they are, and any other expression to n8n', () => {
		expect(itemParameter(context('fixed', 'engine'), 'email', 0, '')).toBe('fixed');
		expect(itemParameter(context(5, 'engine'), 'limit', 0, 50)).toBe(5);
		expect(itemParameter(context('={{ $json.email.toUpperCase() }}', 'A@B.CO'), 'email', 0, '')).toBe('A@B.CO');
	});

	it('sends what the mapping points at, through the whole Viafoura node', async () => {
		const run = nodeRunner({ nodeType: Viafoura, credentialType: ViafouraApi });
		const store = new CredentialStore(viafouraCredentialData(baseUrl()));
		const items = [
			{ json: { userId: 'mapped-1', profile: { 'display name': 'Zoë' }, email: ' zoe@example.com ' } },
			{ json: { userId: 2002, profile: { 'display name': 'Jo' } } },
		];
		const { output } = await run(store, {
			items,
			parameters: {
				resource: 'session',
				operation: 'login',
				userId: '={{ $json.userId }}',
				name: '={{ $json.profile["display name"] }}',
				email: '={{ $json.email }}',
			},
		});
		expect(output.map((item) => typeof item.json.session)).toEqual(['string', 'string']);
		expect(server.requests('POST', '/rest/v1/accounts/login').map((request) => request.form)).toEqual([
			{ id: 'mapped-1', name: 'Zoë', email: 'zoe@example.com' },
			{ id: '2002', name: 'Jo' },
		]);
	});
});
