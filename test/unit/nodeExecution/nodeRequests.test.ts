/**
 * What every request of the RingCX, Satellite and Viafoura nodes carries, and how items run at once:
 * the Timeout option and the execution's cancel signal reach each request; stopping the execution
 * starts no further item; with concurrency, output keeps input order and pairedItem; a 429 with
 * Retry-After pauses every item, not just the one that met it.
 *
 * The first tests record what the node hands n8n's `httpRequestWithAuthentication` (a recording
 * context: the options are the point, not the network); the 429 test talks HTTP to the bundled
 * Viafoura server through test/support's n8n execution context.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { ViafouraApi } from '../../../credentials/ViafouraApi.credentials';
import { DEFAULT_TIMEOUT_MS } from '../../../nodeExecution/nodeRequests';
import { RingCx } from '../../../nodes/RingCx/RingCx.node';
import { Satellite } from '../../../nodes/Satellite/Satellite.node';
import { Viafoura } from '../../../nodes/Viafoura/Viafoura.node';
import { createViafoura } from '../../providers/viafoura';
import { viafouraCredentialData } from '../../support/credentialFixtures';
import { CredentialStore, nodeRunner } from '../../support/nodeExecutionContext';
import { providerFixture } from '../../support/providerFixture';

interface Recorded {
	options: IHttpRequestOptions;
	itemIndex: number;
}

interface Recording {
	context: IExecuteFunctions;
	requests: Recorded[];
	cancel: AbortController;
}

/**
 * A context that answers parameters from `parameters` (functions of the item index stand for
 * expressions) and records each request; `answer` decides how (and when) each one settles.
 */
function recordingContext(
	parameters: Record<string, unknown>,
	items: number,
	answer: (request: Recorded) => Promise<unknown> = async () => ({ user_id: 1, session: 's' }),
): Recording {
	const requests: Recorded[] = [];
	const cancel = new AbortController();
	const node = {
		id: 'n',
		name: 'Node',
		type: 't',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
	};
	const context = {
		getInputData: () => Array.from({ length: items }, (_, index) => ({ json: { index } })),
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			const value = parameters[name];
			if (typeof value === 'function') return (value as (i: number) => unknown)(itemIndex);
			return value === undefined ? fallback : value;
		},
		getNode: () => node,
		continueOnFail: () => false,
		getCredentials: async () => ({ server: 'custom', baseUrl: 'http://provider.test/api', siteId: 's', apiKey: 'k' }),
		getExecutionCancelSignal: () => cancel.signal,
		helpers: {
			async httpRequestWithAuthentication(_type: string, options: IHttpRequestOptions) {
				const body = String(options.body ?? '');
				const recorded = { options, itemIndex: Number(/id=item-(\d+)/.exec(body)?.[1] ?? requests.length) };
				requests.push(recorded);
				return await answer(recorded);
			},
		},
	} as unknown as IExecuteFunctions;
	return { context, requests, cancel };
}

async function execute(nodeType: new () => INodeType, context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const result = await new nodeType().execute!.call(context);
	return result as INodeExecutionData[][];
}

const viafouraLogin = (extra: Record<string, unknown> = {}) => ({
	resource: 'session',
	operation: 'login',
	userId: (i: number) => `item-${i}`,
	name: 'Reader',
	email: '',
	...extra,
});

describe('Timeout option', () => {
	it.each([
		['Viafoura', Viafoura, viafouraLogin()],
		['RingCX', RingCx, { resource: 'user', operation: 'getAll', returnAll: true }],
		['Satellite', Satellite, { resource: 'otp', operation: 'send', channel: 'email', email: 'a@b.co' }],
	])('%s: every request gets the Timeout option, and 30 s when it is not set', async (_name, nodeType, parameters) => {
		const withOption = recordingContext({ ...parameters, options: { timeout: 1234 } }, 3);
		await execute(nodeType, withOption.context);
		expect(withOption.requests.map((request) => request.options.timeout)).toEqual([1234, 1234, 1234]);

		const without = recordingContext(parameters, 2);
		await execute(nodeType, without.context);
		expect(without.requests.map((request) => request.options.timeout)).toEqual([
			DEFAULT_TIMEOUT_MS,
			DEFAULT_TIMEOUT_MS,
		]);
		expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
	});

	it('is an option of every node, like the HTTP Request node’s, in milliseconds', () => {
		for (const nodeType of [Viafoura, RingCx, Satellite]) {
			const options = new nodeType().description.properties.find((property) => property.name === 'options');
			expect(options).toMatchObject({
				type: 'collection',
				default: {},
				options: [expect.objectContaining({ name: 'timeout', type: 'number', default: 30_000 })],
			});
		}
	});
});

describe('stopping the execution', () => {
	it('hands every request the execution’s cancel signal', async () => {
		const recording = recordingContext(viafouraLogin(), 3);
		await execute(Viafoura, recording.context);
		expect(recording.requests).toHaveLength(3);
		for (const request of recording.requests) expect(request.options.abortSignal).toBe(recording.cancel.signal);
	});

	it('aborts the requests in flight and starts no further item', async () => {
		const recording = recordingContext(viafouraLogin({ concurrency: 3 }), 20, async ({ options }) => {
			// What n8n's HTTP client does with `abortSignal`: the request ends when the signal fires.
			await new Promise((_resolve, reject) => {
				options.abortSignal?.addEventListener?.('abort', () => reject(new Error('canceled')), { once: true });
			});
		});
		const run = execute(Viafoura, recording.context);
		await new Promise((resolve) => setImmediate(resolve));
		recording.cancel.abort();
		await expect(run).rejects.toThrow();
		// Only the first item, which goes alone, had been sent.
		expect(recording.requests).toHaveLength(1);
	});
});

describe('many items at once', () => {
	it.each([
		['Viafoura', Viafoura, viafouraLogin({ concurrency: 4 })],
		[
			'RingCX',
			RingCx,
			{ resource: 'apiToken', operation: 'delete', apiToken: (i: number) => `item-${i}`, concurrency: 4 },
		],
		[
			'Satellite',
			Satellite,
			{ resource: 'otp', operation: 'send', channel: 'email', email: (i: number) => `item-${i}@b.co`, concurrency: 4 },
		],
	])(
		'%s: answers that arrive out of order still come out in input order, each paired with its item',
		async (_n, nodeType, parameters) => {
			const items = 12;
			let inFlight = 0;
			let peak = 0;
			const recording = recordingContext(parameters, items, async ({ options }) => {
				inFlight++;
				peak = Math.max(peak, inFlight);
				const index = Number(
					/item-(\d+)/.exec(`${options.url} ${String(options.body ?? '')} ${JSON.stringify(options.body ?? '')}`)?.[1],
				);
				// Later items answer sooner: without the ordering, the output would come out reversed.
				await new Promise((resolve) => setTimeout(resolve, (items - index) * 3));
				inFlight--;
				return { user_id: index, session: `s${index}`, echo: index };
			});
			const [output] = await execute(nodeType, recording.context);
			expect(peak).toBe(4);
			expect(output.map((item) => item.pairedItem)).toEqual(Array.from({ length: items }, (_, item) => ({ item })));
			if (nodeType === Viafoura)
				expect(output.map((item) => (item.json as IDataObject).user_id)).toEqual([...Array(items).keys()]);
			if (nodeType === Satellite)
				expect(output.map((item) => (item.json as IDataObject).echo)).toEqual([...Array(items).keys()]);
		},
	);
});

describe('a 429 with Retry-After', () => {
	const { server, baseUrl } = providerFixture(createViafoura);
	const runViafouraNode = nodeRunner({ nodeType: Viafoura, credentialType: ViafouraApi });

	it('pauses every item, not just the one that met it, and resends only that one', async () => {
		const store = new CredentialStore(viafouraCredentialData(baseUrl()));
		await runViafouraNode(store, { parameters: viafouraLogin() }); // a token, so the run below is all logins
		server.clearLog();
		server.setLatency(40);
		const logins = () => server.requests('POST', '/rest/v1/accounts/login');
		// The first item goes alone; the 3rd login request (one of five then in flight) is told to wait 1 s.
		const items = 12;
		const run = runViafouraNode(store, { items, parameters: viafouraLogin({ concurrency: 5 }) });
		const waitFor = async (condition: () => boolean) => {
			while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
		};
		await waitFor(() => logins().length >= 2);
		server.failNext(1, { status: 429, retryAfter: 1, pathPrefix: '/rest/v1/accounts/login' });
		await waitFor(() => logins().some((entry) => entry.status === 429));
		const answeredAt = Date.parse(logins().find((entry) => entry.status === 429)!.at) + 40;
		const { output } = await run;

		expect(output.map((item) => item.pairedItem)).toEqual(Array.from({ length: items }, (_, item) => ({ item })));
		expect(output.every((item) => typeof item.json.session === 'string')).toBe(true);
		expect(logins()).toHaveLength(items + 1);
		// Nothing was sent while the pause lasted (a little slack for the clock and the answer's travel).
		const sentDuringPause = logins().filter((entry) => {
			const at = Date.parse(entry.at);
			return at > answeredAt + 50 && at < answeredAt + 900;
		});
		expect(sentDuringPause).toEqual([]);
	});
});
