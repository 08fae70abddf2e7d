/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
/**
 * What every request of the RingCX, Satellite and Viafoura nodes carries, and how items run at once:
 * the Timeout option and the execution's cancel signal reach each request and take effect; stopping
 * the execution starts no further item; with concurrency, output keeps input order and pairedItem; a
 * 429 with Retry-After pauses every item, not just the one that met it.
 *
 * Every node runs through n8n-core's real execution context and request helpers
 * (test/support/nodeExecutionContext.ts) against the bundled provider servers over HTTP.
 */
import type { IDataObject } from 'n8n-workflow';

import { RingCxApi } from '../../../credentials/RingCxApi.credentials';
import { SatelliteApi } from '../../../credentials/SatelliteApi.credentials';
import { ViafouraApi } from '../../../credentials/ViafouraApi.credentials';
import { DEFAULT_TIMEOUT_MS } from '../../../nodeExecution/nodeRequests';
import { RingCx } from '../../../nodes/RingCx/RingCx.node';
import { Satellite } from '../../../nodes/Satellite/Satellite.node';
import { Viafoura } from '../../../nodes/Viafoura/Viafoura.node';
import { createRingCx } from '../../providers/ringcx';
import { createSatellite } from '../../providers/satellite';
import { createViafoura } from '../../providers/viafoura';
import type { LoggedRequest } from '../../providers/providerServer';
import {
	ringCxCredentialData,
	satelliteCredentialData,
	viafouraCredentialData,
} from '../../support/credentialFixtures';
import { CredentialStore, nodeRunner, type ParameterValue } from '../../support/nodeExecutionContext';
import { providerFixture } from '../../support/providerFixture';

const viafoura = providerFixture(createViafoura);
const ringCx = providerFixture(createRingCx);
const satellite = providerFixture(createSatellite);

const runViafouraNode = nodeRunner({ nodeType: Viafoura, credentialType: ViafouraApi });

/** Each node with a fresh credential on its bundled server, and the path its operation here calls. */
const nodes = () => [
	{
		name: 'Viafoura',
		fixture: viafoura,
		run: runViafouraNode,
		store: () => new CredentialStore(viafouraCredentialData(viafoura.baseUrl())),
		operationPath: '/rest/v1/accounts/login',
		parameters: (extra: Record<string, ParameterValue> = {}) => viafouraLogin(extra),
	},
	{
		name: 'RingCX',
		fixture: ringCx,
		run: nodeRunner({ nodeType: RingCx, credentialType: RingCxApi }),
		store: () => new CredentialStore(ringCxCredentialData(ringCx.baseUrl())),
		operationPath: '/api/v1/admin/users',
		parameters: (extra: Record<string, ParameterValue> = {}) => ({
			resource: 'user',
			operation: 'getAll',
			limit: 1,
			...extra,
		}),
	},
	{
		name: 'Satellite',
		fixture: satellite,
		run: nodeRunner({ nodeType: Satellite, credentialType: SatelliteApi }),
		store: () => new CredentialStore(satelliteCredentialData(satellite.baseUrl())),
		operationPath: '/otp/send',
		parameters: (extra: Record<string, ParameterValue> = {}) => ({
			resource: 'otp',
			operation: 'send',
			channel: 'email',
			email: (i: number) => `item-${i}@example.com`,
			...extra,
		}),
	},
];

const viafouraLogin = (extra: Record<string, ParameterValue> = {}) => ({
	resource: 'session',
	operation: 'login',
	userId: (i: number) => `item-${i}`,
	name: 'Reader',
	email: '',
	...extra,
});

const isOperation = (path: string) => (request: LoggedRequest) => request.path === path;

describe('Timeout option', () => {
	it.each(['Viafoura', 'RingCX', 'Satellite'])(
		'%s: every request gets the Timeout option, and 30 s when it is not set',
		async (name) => {
			const node = nodes().find((candidate) => candidate.name === name)!;
			const withOption = await node.run(node.store(), {
				items: 3,
				parameters: node.parameters({ options: { timeout: 1234 } }),
			});
			expect(withOption.sentRequests.map((request) => request.timeout)).toEqual([1234, 1234, 1234]);

			const without = await node.run(node.store(), { items: 2, parameters: node.parameters() });
			expect(without.sentRequests.map((request) => request.timeout)).toEqual([DEFAULT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS]);
			expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
		},
	);

	it('ends a request the provider takes longer to answer, with an error on that item', async () => {
		const store = new CredentialStore(viafouraCredentialData(viafoura.baseUrl()));
		await runViafouraNode(store, { parameters: viafouraLogin() }); // a token first: only the login is slow
		viafoura.server.setLatency((request) => (request.path === '/rest/v1/accounts/login' ? 1_000 : 0));
		const { output } = await runViafouraNode(store, {
			continueOnFail: true,
			parameters: viafouraLogin({ options: { timeout: 100 } }),
		});
		expect(output).toHaveLength(1);
		expect(output[0].json).toEqual({
			error: `Viafoura did not answer in time (${viafoura.baseUrl()}, 0.1 s)`,
			// n8n's Continue On Fail output carries the message; the description is on the error itself.
		});
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
		let cancel: AbortController | undefined;
		const { sentRequests } = await runViafouraNode(new CredentialStore(viafouraCredentialData(viafoura.baseUrl())), {
			items: 3,
			parameters: viafouraLogin(),
			onStart: (execution) => (cancel = execution.cancel),
		});
		expect(sentRequests).toHaveLength(3);
		for (const request of sentRequests) expect(request.abortSignal).toBe(cancel!.signal);
	});

	it('aborts the requests in flight and starts no further item', async () => {
		const store = new CredentialStore(viafouraCredentialData(viafoura.baseUrl()));
		await runViafouraNode(store, { parameters: viafouraLogin() }); // a token first: the run below is all logins
		viafoura.server.clearLog();
		viafoura.server.setLatency(500);
		let cancel: AbortController | undefined;
		const run = runViafouraNode(store, {
			items: 20,
			parameters: viafouraLogin({ concurrency: 3 }),
			onStart: (execution) => (cancel = execution.cancel),
		});
		const logins = () => viafoura.server.log.filter(isOperation('/rest/v1/accounts/login'));
		while (logins().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		const stoppedAt = Date.now();
		cancel!.abort();
		await expect(run).rejects.toThrow('The execution was stopped before every item was sent');
		await new Promise((resolve) => setTimeout(resolve, 700));
		// At most the items in flight (Max Concurrent Requests 3) had been sent; nothing was sent after the stop.
		expect(logins().length).toBeLessThanOrEqual(3);
		expect(logins().filter((login) => Date.parse(login.at) > stoppedAt + 300)).toEqual([]);
	});
});

describe('many items at once', () => {
	it.each(['Viafoura', 'RingCX', 'Satellite'])(
		'%s: answers that arrive out of order still come out in input order, each paired with its item',
		async (name) => {
			const node = nodes().find((candidate) => candidate.name === name)!;
			const store = node.store();
			await node.run(store, { parameters: node.parameters() }); // a token first: the run below is all operations
			const items = 12;
			let arrived = 0;
			// Later items answer sooner: without the ordering, the output would come out reversed.
			node.fixture.server.setLatency((request) => (request.path === node.operationPath ? (items - arrived++) * 5 : 0));
			const { output } = await node.run(store, { items, parameters: node.parameters({ concurrency: 4 }) });
			expect(store.maxInFlight).toBe(4);
			expect(arrived).toBe(items);
			expect(output.map((item) => item.pairedItem)).toEqual(Array.from({ length: items }, (_, item) => ({ item })));
			if (name === 'Viafoura') {
				const viafouraIds = new Map(viafoura.provider.users().map((user) => [user.id, user.user_id]));
				expect(output.map((item) => (item.json as IDataObject).user_id)).toEqual(
					Array.from({ length: items }, (_, i) => viafouraIds.get(`item-${i}`)),
				);
			}
		},
	);
});
