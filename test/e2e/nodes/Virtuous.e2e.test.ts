/**
 * The Virtuous node inside a real n8n: Organization > Get and API Request > Send with an
 * email/password credential (one password grant, the token kept in the stored credential for the next
 * execution) and with an API key (an array answer split into items), and a path naming another host
 * refused before anything is sent.
 */
import type { IDataObject } from 'n8n-workflow';

import { N8nTestBed, type WorkflowFixture, type WorkflowNodeFixture } from '../../n8n/testBed';
import { ProviderServer } from '../../providers/providerServer';
import {
	VIRTUOUS_API_KEY,
	VIRTUOUS_CONTACTS,
	VIRTUOUS_CONTACT_CUSTOM_FIELDS,
	VIRTUOUS_ORGANIZATION,
	VIRTUOUS_USERS,
	createVirtuous,
} from '../../providers/virtuous';

jest.setTimeout(15 * 60 * 1000);

const provider = createVirtuous();
const server = new ProviderServer(provider);
let bed: N8nTestBed;

const LOGIN = { id: 'virtuousLogin0001', name: 'Virtuous demo login' };
const API_KEY = { id: 'virtuousApiKey001', name: 'Virtuous demo API key' };

function workflow(name: string, nodes: WorkflowNodeFixture[]): WorkflowFixture {
	const all = [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 }, ...nodes];
	const connections = Object.fromEntries(
		all.slice(0, -1).map((node, i) => [node.name, { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { name, nodes: all, connections };
}

function virtuous(
	name: string,
	parameters: IDataObject,
	credential: { id: string; name: string },
): WorkflowNodeFixture {
	return {
		name,
		type: 'n8n-nodes-token-auth.virtuous',
		typeVersion: 1,
		parameters,
		credentials: { virtuousApi: credential },
	};
}

let loginWorkflowId: string;
let apiKeyWorkflowId: string;
let otherHostWorkflowId: string;

beforeAll(async () => {
	const baseUrl = await server.listen();
	bed = await N8nTestBed.create({ name: 'virtuous' });
	await bed.importCredentials([
		{
			...LOGIN,
			type: 'virtuousApi',
			data: {
				baseUrl,
				authMethod: 'password',
				email: VIRTUOUS_USERS.plain.email,
				password: VIRTUOUS_USERS.plain.password,
			},
		},
		{ ...API_KEY, type: 'virtuousApi', data: { baseUrl, authMethod: 'apiKey', apiKey: VIRTUOUS_API_KEY } },
	]);
	[loginWorkflowId, apiKeyWorkflowId, otherHostWorkflowId] = await bed.importWorkflows([
		workflow('Virtuous organization, then contacts in Austin', [
			virtuous('Organization', { resource: 'organization', operation: 'get' }, LOGIN),
			virtuous(
				'Contacts in Austin',
				{
					resource: 'apiRequest',
					operation: 'send',
					method: 'POST',
					path: '/api/Contact/Query',
					queryParameters: { parameters: [{ name: 'take', value: '={{ 5 }}' }] },
					body: '{"groups": [{"conditions": [{"parameter": "City", "operator": "Is", "value": "Austin"}]}]}',
				},
				LOGIN,
			),
		]),
		workflow('Virtuous custom fields with an API key', [
			virtuous(
				'Custom Fields',
				{ resource: 'apiRequest', operation: 'send', method: 'GET', path: '/api/Contact/CustomFields' },
				API_KEY,
			),
		]),
		workflow('Virtuous path naming another host', [
			virtuous(
				'Other Host',
				{ resource: 'apiRequest', operation: 'send', method: 'GET', path: 'https://attacker.example/api/Contact' },
				API_KEY,
			),
		]),
	]);
});

afterAll(async () => {
	await bed?.dispose();
	await server.close();
});

test('email and password: one password grant, then the stored token serves the next execution', async () => {
	const first = await bed.execute(loginWorkflowId);
	first.assertOk();
	expect(first.nodeOutput('Organization')).toEqual([VIRTUOUS_ORGANIZATION]);
	expect(first.nodeOutput('Contacts in Austin')).toEqual([{ list: [VIRTUOUS_CONTACTS[0]], total: 1 }]);
	const [query] = server.requests('POST', '/api/Contact/Query');
	expect(query.query).toEqual({ take: '5' });
	expect(query.json).toEqual({ groups: [{ conditions: [{ parameter: 'City', operator: 'Is', value: 'Austin' }] }] });

	const second = await bed.execute(loginWorkflowId);
	second.assertOk();
	expect(provider.state.passwordGrants).toBe(1);
	const stored = await bed.readCredential(LOGIN.id);
	const calls = [
		...server.requests('GET', '/api/Organization/Current'),
		...server.requests('POST', '/api/Contact/Query'),
	];
	expect(calls).toHaveLength(4);
	expect(calls.every((call) => call.headers.authorization === `Bearer ${String(stored.accessToken)}`)).toBe(true);
});

test('API key: an array answer becomes one item per element', async () => {
	const result = await bed.execute(apiKeyWorkflowId);
	result.assertOk();
	expect(result.nodeOutput('Custom Fields')).toEqual(VIRTUOUS_CONTACT_CUSTOM_FIELDS);
	expect(server.requests('GET', '/api/Contact/CustomFields').at(-1)?.headers.authorization).toBe(
		`Bearer ${VIRTUOUS_API_KEY}`,
	);
});

test('a path naming another host fails the node before anything is sent', async () => {
	server.clearLog();
	const result = await bed.execute(otherHostWorkflowId);
	expect(result.nodeError('Other Host')?.message).toBe('The "Path" of item 0 is not a path: it names a host');
	expect(server.log).toEqual([]);
});
