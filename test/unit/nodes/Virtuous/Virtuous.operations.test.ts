/**
 * The Virtuous node's operations, run through the node's own `execute` against the bundled Virtuous
 * server over HTTP, with n8n's execution semantics (test/support/nodeExecutionContext.ts): the exact
 * requests each operation sends in API-key and in email/password mode, what it outputs, how a bad
 * path is refused before anything is sent, and which requests are never sent twice.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { VirtuousApi } from '../../../../credentials/VirtuousApi.credentials';
import { MAX_PATH_LENGTH } from '../../../../nodes/Virtuous/actions/apiRequest/apiPath';
import { Virtuous } from '../../../../nodes/Virtuous/Virtuous.node';
import {
	VIRTUOUS_API_KEY,
	VIRTUOUS_CONTACTS,
	VIRTUOUS_CONTACT_CUSTOM_FIELDS,
	VIRTUOUS_ORGANIZATION,
	VIRTUOUS_USERS,
	createVirtuous,
} from '../../../providers/virtuous';
import { virtuousCredentialData } from '../../../support/credentialFixtures';
import { failureOf } from '../../../support/failureOf';
import { CredentialStore, nodeRunner, type ParameterValue } from '../../../support/nodeExecutionContext';
import { providerFixture } from '../../../support/providerFixture';

const runVirtuousNode = nodeRunner({
	nodeType: Virtuous,
	credentialType: VirtuousApi,
	credential: { id: 'virtuous-credential', name: 'Virtuous demo' },
});
const { server, provider, baseUrl } = providerFixture(createVirtuous);

/** A credential with the demo API key pasted in. */
function apiKeyCredential(overrides: ICredentialDataDecryptedObject = {}): CredentialStore {
	return new CredentialStore({
		accessToken: '',
		refreshToken: '',
		tokenExpiresAt: '',
		baseUrl: baseUrl(),
		authMethod: 'apiKey',
		apiKey: VIRTUOUS_API_KEY,
		...overrides,
	});
}

/** A credential that logs in with the email and password of `user` (no two-factor by default). */
function passwordCredential(user: { email: string; password: string } = VIRTUOUS_USERS.plain): CredentialStore {
	return new CredentialStore(virtuousCredentialData(baseUrl(), user));
}

const organization = (parameters: Record<string, ParameterValue> = {}) => ({
	resource: 'organization',
	operation: 'get',
	...parameters,
});
const apiRequest = (parameters: Record<string, ParameterValue>) => ({
	resource: 'apiRequest',
	operation: 'send',
	...parameters,
});
const requestLines = () => server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
const tokenCalls = () => server.requests('POST', '/Token');
const [, grace] = VIRTUOUS_CONTACTS;
const CITY_QUERY = { groups: [{ conditions: [{ parameter: 'City', operator: 'Is', value: 'Dallas' }] }] };

describe('Organization > Get', () => {
	it('GETs /api/Organization/Current with the API key as Bearer token, and outputs the organization', async () => {
		const store = apiKeyCredential();

		const { output } = await runVirtuousNode(store, { parameters: organization() });

		expect(requestLines()).toEqual(['GET /api/Organization/Current 200']);
		expect(server.log[0].headers.authorization).toBe(`Bearer ${VIRTUOUS_API_KEY}`);
		expect(server.log[0].headers.accept).toBe('application/json');
		expect(output).toEqual([{ json: VIRTUOUS_ORGANIZATION, pairedItem: { item: 0 } }]);
		// A pasted key is the user's: no sign-in, nothing saved into the credential.
		expect(store.writes).toBe(0);
	});

	it('with email and password, logs in once for a batch of items and sends each with that token', async () => {
		const store = passwordCredential();

		const { output, storedCredential } = await runVirtuousNode(store, {
			items: 5,
			parameters: organization({ concurrency: 5 }),
		});

		expect(tokenCalls()).toHaveLength(1);
		expect(tokenCalls()[0].form).toMatchObject({ grant_type: 'password', username: VIRTUOUS_USERS.plain.email });
		const calls = server.requests('GET', '/api/Organization/Current');
		expect(calls).toHaveLength(5);
		const token = String(storedCredential.accessToken);
		for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${token}`);
		expect(output).toEqual(
			Array.from({ length: 5 }, (_, item) => ({ json: VIRTUOUS_ORGANIZATION, pairedItem: { item } })),
		);
	});

	it('a two-factor login without a code fails every item with one sign-in, which texts one code', async () => {
		const { output } = await runVirtuousNode(passwordCredential(VIRTUOUS_USERS.twoFactor), {
			items: 4,
			continueOnFail: true,
			parameters: organization({ concurrency: 4 }),
		});

		expect(output.map((item) => item.json.error)).toEqual(
			Array(4).fill(
				'Virtuous texted a verification code to the phone of this login: enter it in the credential\'s "Verification Code" field and run again',
			),
		);
		expect(tokenCalls()).toHaveLength(1);
		expect(provider.state.sentCodes.filter((sent) => sent.email === VIRTUOUS_USERS.twoFactor.email)).toHaveLength(1);
		expect(server.requests('GET', '/api/Organization/Current')).toHaveLength(0);
	});
});

describe('API Request > Send', () => {
	it('GETs the path under the Base URL with the API key and outputs the answer', async () => {
		const { output } = await runVirtuousNode(apiKeyCredential(), {
			parameters: apiRequest({ method: 'GET', path: ` /api/Contact/${grace.id} ` }),
		});

		expect(requestLines()).toEqual([`GET /api/Contact/${grace.id} 200`]);
		expect(server.log[0].headers.authorization).toBe(`Bearer ${VIRTUOUS_API_KEY}`);
		expect(server.log[0].rawBody).toBe('');
		expect(output).toEqual([{ json: grace, pairedItem: { item: 0 } }]);
	});

	it('takes the path without its leading slash too', async () => {
		await runVirtuousNode(apiKeyCredential(), { parameters: apiRequest({ path: 'api/Organization/Current' }) });
		expect(requestLines()).toEqual(['GET /api/Organization/Current 200']);
	});

	it('outputs one item per element of an array answer, each paired with its input item', async () => {
		const { output } = await runVirtuousNode(apiKeyCredential(), {
			items: 2,
			parameters: apiRequest({ method: 'GET', path: '/api/Contact/CustomFields' }),
		});

		expect(output).toEqual([
			...VIRTUOUS_CONTACT_CUSTOM_FIELDS.map((json) => ({ json, pairedItem: { item: 0 } })),
			...VIRTUOUS_CONTACT_CUSTOM_FIELDS.map((json) => ({ json, pairedItem: { item: 1 } })),
		]);
	});

	it('with email and password, POSTs the JSON body and query parameters of each item, logging in once', async () => {
		const store = passwordCredential();
		const cities = ['Dallas', 'Austin', 'Nowhere'];

		const { output, storedCredential } = await runVirtuousNode(store, {
			items: 3,
			parameters: apiRequest({
				method: 'POST',
				path: '/api/Contact/Query',
				queryParameters: {
					parameters: [
						{ name: 'skip', value: '0' },
						{ name: 'take', value: (i: number) => 10 + i },
					],
				},
				body: (i: number) =>
					JSON.stringify({ groups: [{ conditions: [{ parameter: 'City', operator: 'Is', value: cities[i] }] }] }),
				concurrency: 3,
			}),
		});

		expect(tokenCalls()).toHaveLength(1);
		const queries = server.requests('POST', '/api/Contact/Query');
		expect(queries).toHaveLength(3);
		const byCity = new Map(queries.map((call) => [JSON.stringify(call.json), call]));
		cities.forEach((city, i) => {
			const call = byCity.get(
				JSON.stringify({ groups: [{ conditions: [{ parameter: 'City', operator: 'Is', value: city }] }] }),
			)!;
			expect(call.contentType).toBe('application/json');
			expect(call.query).toEqual({ skip: '0', take: String(10 + i) });
			expect(call.headers.authorization).toBe(`Bearer ${String(storedCredential.accessToken)}`);
		});
		expect(output).toEqual([
			{ json: { list: [grace], total: 1 }, pairedItem: { item: 0 } },
			{ json: { list: [VIRTUOUS_CONTACTS[0]], total: 1 }, pairedItem: { item: 1 } },
			{ json: { list: [], total: 0 }, pairedItem: { item: 2 } },
		]);
	});

	it('percent-encodes query parameter names and values, in the order given', async () => {
		const { sentRequests } = await runVirtuousNode(apiKeyCredential(), {
			parameters: apiRequest({
				path: '/api/Contact/CustomFields',
				queryParameters: {
					parameters: [
						{ name: 'a&b', value: 'x=1 + y?#' },
						{ name: 'tag', value: 'Señal' },
						{ name: 'tag', value: '' },
					],
				},
			}),
		});
		expect(sentRequests.map((request) => request.url)).toEqual([
			`${baseUrl()}/api/Contact/CustomFields?a%26b=x%3D1%20%2B%20y%3F%23&tag=Se%C3%B1al&tag=`,
		]);
		expect(requestLines()).toEqual(['GET /api/Contact/CustomFields 200']);
		expect(server.log[0].query).toEqual({ 'a&b': 'x=1 + y?#', tag: '' });
	});

	it('sends no body when Body is empty, and an array body exactly as given', async () => {
		await runVirtuousNode(apiKeyCredential(), {
			items: 2,
			continueOnFail: true,
			parameters: apiRequest({
				method: 'POST',
				path: '/api/Gift/Transactions',
				body: (i: number) => (i === 0 ? '  ' : '[{"transactionSource": "n8n", "amount": 25.5}]'),
				concurrency: 1,
			}),
		});
		const [empty, array] = server.requests('POST', '/api/Gift/Transactions');
		expect([empty.rawBody, empty.contentType]).toEqual(['', '']);
		expect(array.contentType).toBe('application/json');
		expect(array.json).toEqual([{ transactionSource: 'n8n', amount: 25.5 }]);
	});

	it('does not send the body of a GET', async () => {
		await runVirtuousNode(apiKeyCredential(), {
			parameters: apiRequest({ method: 'GET', path: '/api/Organization/Current', body: '{"left": "over"}' }),
		});
		expect(server.log[0].rawBody).toBe('');
	});

	it('renews an expired token with the refresh token, then resends the request', async () => {
		const store = passwordCredential();
		await runVirtuousNode(store, { parameters: apiRequest({ path: '/api/Organization/Current' }) });
		provider.expireAllTokens();
		server.clearLog();

		const { output, storedCredential } = await runVirtuousNode(store, {
			parameters: apiRequest({ path: `/api/Contact/${grace.id}` }),
		});

		expect(requestLines()).toEqual([
			`GET /api/Contact/${grace.id} 401`,
			// n8n calls preAuthentication after the 401: it asks whether the token still works, then renews it.
			'GET /api/Organization/Current 401',
			'POST /Token 200',
			`GET /api/Contact/${grace.id} 200`,
		]);
		expect(tokenCalls()[0].form).toMatchObject({ grant_type: 'refresh_token' });
		expect(server.log[3].headers.authorization).toBe(`Bearer ${String(storedCredential.accessToken)}`);
		expect(output).toEqual([{ json: grace, pairedItem: { item: 0 } }]);
	});
});

describe('API Request > Send: the path', () => {
	const HOST_HELP =
		'Give only the path, such as /api/Contact/1002 or /api/Contact/Query. Requests go to the Base URL of the Virtuous API credential, so that its token is only sent to Virtuous.';

	it.each([
		['a full URL', 'https://api.virtuoussoftware.com/api/Contact/1002', 'is not a path: it names a host', HOST_HELP],
		['another host', 'https://attacker.example/api/Contact/1002', 'is not a path: it names a host', HOST_HELP],
		['a protocol-relative URL', '//attacker.example/api/Contact', 'is not a path: it names a host', HOST_HELP],
		['a backslash', '/api\\..\\Token', 'is not a path: it names a host', HOST_HELP],
		['a scheme without slashes', 'javascript:alert(1)', 'is not a path: it names a host', HOST_HELP],
		[
			'a path outside /api/',
			'/Token',
			'is not under /api/',
			"Give the endpoint's path as Virtuous's API reference writes it, such as /api/Contact/1002 or /api/Contact/Query.",
		],
		['/api/ alone', '/api/', 'is not under /api/', expect.any(String)],
		['/api//host', '/api//attacker.example', 'is not under /api/', expect.any(String)],
		['a ".." segment', '/api/../Token', 'has a "." or ".." segment', expect.any(String)],
		['an encoded ".." segment', '/api/%2E%2e/Token', 'has a "." or ".." segment', expect.any(String)],
		['a "." segment', '/api/./Organization/Current', 'has a "." or ".." segment', expect.any(String)],
		[
			'a query string',
			'/api/Contact/Query?skip=0',
			'has a query string',
			'Put each query parameter in "Query Parameters" instead, with its name and value.',
		],
		['a fragment', '/api/Contact/1002#top', 'has a query string', expect.any(String)],
		['a space', '/api/Contact/ 1002', 'has spaces or control characters', expect.any(String)],
		['a line break', '/api/Contact/1002\r\nX-Injected: 1', 'has spaces or control characters', expect.any(String)],
		['nothing', '   ', 'is empty', "Give the endpoint's path, such as /api/Contact/1002 or /api/Contact/Query."],
		[
			'a huge value',
			`/api/${'a'.repeat(MAX_PATH_LENGTH)}`,
			`is longer than ${MAX_PATH_LENGTH} characters`,
			expect.any(String),
		],
	])('refuses %s, naming the field and the item, before anything is sent', async (_case, path, problem, help) => {
		const error = await failureOf(
			runVirtuousNode(passwordCredential(), {
				items: 3,
				parameters: apiRequest({ path: (i: number) => (i === 2 ? path : '/api/Organization/Current') }),
			}),
		);
		expect(error.message).toBe(`The "Path" of item 2 ${problem}`);
		expect(error.description).toEqual(help);
		expect(error.context?.itemIndex).toBe(2);
		// Not even the sign-in: every item is checked first.
		expect(server.log).toEqual([]);
	});

	it('refuses a path that is not text, such as an object from an expression', async () => {
		const error = await failureOf(
			runVirtuousNode(apiKeyCredential(), { parameters: apiRequest({ path: () => ({ path: '/api/Contact/1' }) }) }),
		);
		expect(error.message).toBe('The "Path" of item 0 is not text');
		expect(server.log).toEqual([]);
	});

	it('with Continue On Fail, a bad path and a Virtuous refusal fail only their items', async () => {
		const paths = [
			'/api/Organization/Current',
			'https://attacker.example/api/x',
			`/api/Contact/${grace.id}`,
			'/api/Contact/9999',
		];

		const { output } = await runVirtuousNode(apiKeyCredential(), {
			items: 4,
			continueOnFail: true,
			parameters: apiRequest({ path: (i: number) => paths[i], concurrency: 1 }),
		});

		expect(output).toEqual([
			{ json: VIRTUOUS_ORGANIZATION, pairedItem: { item: 0 } },
			{ json: { error: 'The "Path" of item 1 is not a path: it names a host' }, pairedItem: { item: 1 } },
			{ json: grace, pairedItem: { item: 2 } },
			{ json: { error: 'Virtuous answered HTTP 404' }, pairedItem: { item: 3 } },
		]);
		expect(requestLines()).toEqual([
			'GET /api/Organization/Current 200',
			`GET /api/Contact/${grace.id} 200`,
			'GET /api/Contact/9999 404',
		]);
	});
});

describe('API Request > Send: other bad input', () => {
	it.each([
		[
			'a Body that is not JSON',
			{ method: 'POST', body: '{groups: []}' },
			'The "Body" of item 0 is not a JSON object or array',
		],
		[
			'a Body that is a bare value',
			{ method: 'PUT', body: '42' },
			'The "Body" of item 0 is not a JSON object or array',
		],
		[
			'an unknown method',
			{ method: () => 'FETCH' },
			'The "Method" of item 0 is not one of DELETE, GET, PATCH, POST, PUT',
		],
		[
			'a query parameter without a name',
			{
				queryParameters: {
					parameters: [
						{ name: 'skip', value: '0' },
						{ name: ' ', value: '10' },
					],
				},
			},
			'Query parameter 2 of item 0 has no name',
		],
		[
			'a query parameter value that is an object',
			{ queryParameters: { parameters: [{ name: 'take', value: () => ({ n: 1 }) }] } },
			'The value of query parameter "take" of item 0 is not text',
		],
	])('refuses %s before anything is sent', async (_case, parameters, message) => {
		const error = await failureOf(
			runVirtuousNode(passwordCredential(), {
				parameters: apiRequest({ path: '/api/Contact/Query', ...parameters }),
			}),
		);
		expect(error.message).toBe(message);
		expect(error.context?.itemIndex).toBe(0);
		expect(server.log).toEqual([]);
	});

	it('takes the method from an expression, in any case', async () => {
		await runVirtuousNode(apiKeyCredential(), {
			parameters: apiRequest({ method: () => ' post ', path: '/api/Contact/Query', body: '{"groups": []}' }),
		});
		expect(requestLines()).toEqual(['POST /api/Contact/Query 200']);
	});

	it('a wrong API key fails each item with the 401 and never signs in', async () => {
		const { output } = await runVirtuousNode(apiKeyCredential({ apiKey: 'vk_live_wrong' }), {
			items: 2,
			continueOnFail: true,
			parameters: apiRequest({ path: '/api/Organization/Current' }),
		});
		expect(output.map((item) => item.json.error)).toEqual(['Virtuous answered HTTP 401', 'Virtuous answered HTTP 401']);
		expect(tokenCalls()).toHaveLength(0);
		expect(JSON.stringify(output)).not.toContain('vk_live_wrong');
	});
});

describe('API Request > Send: what is sent again', () => {
	it.each(['POST', 'PUT', 'PATCH'])(
		'a %s that gets a 503 is not sent again: the item fails saying so',
		async (method) => {
			server.failNext(1, { status: 503, pathPrefix: '/api/Contact' });

			const error = await failureOf(
				runVirtuousNode(apiKeyCredential(), {
					parameters: apiRequest({ method, path: '/api/Contact/Query', body: JSON.stringify(CITY_QUERY) }),
				}),
			);

			expect(error.message).toBe(
				`Virtuous did not answer the ${method} request, and it may have been carried out (HTTP 503)`,
			);
			expect(error.description).toBe(
				'It is not sent again automatically, so that nothing is created or changed twice. Check in Virtuous whether it was carried out before running this item again.',
			);
			expect(error.context?.itemIndex).toBe(0);
			expect(requestLines()).toEqual([`${method} /api/Contact/Query 503`]);
		},
	);

	it('a POST whose answer is lost is not sent again either', async () => {
		server.failNext(1, { status: 200, dropAnswer: true, pathPrefix: '/api/Contact/Query' });

		const { output } = await runVirtuousNode(apiKeyCredential(), {
			continueOnFail: true,
			parameters: apiRequest({ method: 'POST', path: '/api/Contact/Query', body: JSON.stringify(CITY_QUERY) }),
		});

		expect(output).toEqual([
			{
				json: { error: 'Virtuous did not answer the POST request, and it may have been carried out' },
				pairedItem: { item: 0 },
			},
		]);
		expect(server.requests('POST', '/api/Contact/Query')).toHaveLength(1);
	});

	it('a GET that gets a 503 is sent again and succeeds', async () => {
		server.failNext(1, { status: 503, pathPrefix: '/api/Contact' });

		const { output } = await runVirtuousNode(apiKeyCredential(), {
			parameters: apiRequest({ method: 'GET', path: `/api/Contact/${grace.id}` }),
		});

		expect(requestLines()).toEqual([`GET /api/Contact/${grace.id} 503`, `GET /api/Contact/${grace.id} 200`]);
		expect(output).toEqual([{ json: grace, pairedItem: { item: 0 } }]);
	});

	it('a DELETE that keeps getting a 503 is sent three times, then fails with the status', async () => {
		server.failNext(3, { status: 503, pathPrefix: '/api/Contact' });

		const error = await failureOf(
			runVirtuousNode(apiKeyCredential(), { parameters: apiRequest({ method: 'DELETE', path: '/api/Contact/1003' }) }),
		);

		expect(error.message).toBe('Virtuous answered HTTP 503 forced_failure');
		expect(requestLines()).toEqual(Array(3).fill('DELETE /api/Contact/1003 503'));
	});
});
