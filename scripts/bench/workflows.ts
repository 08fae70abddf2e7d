/**
 * The bench's rows: each is one workflow (manual trigger → N items → the node measured, always named
 * "Target") with its own credential, so a row's cold run really starts without a token.
 */
import type { IDataObject } from 'n8n-workflow';

import type { WorkflowFixture, WorkflowNodeFixture } from '../../test/n8n/testBed';
import { RINGCX_ACCOUNTS } from '../../test/providers/ringcx';
import { SATELLITE_CLIENT } from '../../test/providers/satellite';
import { VIAFOURA_SITE } from '../../test/providers/viafoura';
import { VIRTUOUS_API_KEY, VIRTUOUS_USERS } from '../../test/providers/virtuous';
import type { RateLimitWindow } from './providerMeter';

export type ProviderName = 'viafoura' | 'ringcx' | 'satellite' | 'virtuous';

export interface BenchRow {
	id: string;
	/** Rows of one group make the same calls at the same latency; ratios are to the group's baseline. */
	group: string;
	label: string;
	provider: ProviderName;
	latencyMs: number;
	items: number;
	/** The HTTP Request node row the group's other rows are compared with. */
	baseline: boolean;
	/** Max Concurrent Requests of a package node row (undefined: the node's default, or not a package node). */
	concurrency?: number;
	credential?: { type: string; data: IDataObject };
	target: { type: string; typeVersion: number; parameters?: IDataObject; [key: string]: unknown };
	/** Requests that fetch a token (POST), counted per run. */
	tokenPaths: string[];
	/** The provider call each item makes (for the 429 window and the request count). */
	callPath: string;
	/** A 429 window half-way through the run (warm run only). */
	rateLimit?: RateLimitWindow;
	/** Run cold (empty token) and warm, or warm only. */
	cold: boolean;
	/** n8n's own node and credential only, for comparison: the package's targets do not apply to it. */
	n8nOnly?: boolean;
}

export interface ProviderUrls {
	viafoura: string;
	ringcx: string;
	satellite: string;
	virtuous: string;
}

const HTTP_REQUEST = { type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2 };
const PACKAGE = 'n8n-nodes-token-auth';

/** The items every row gets: `{ userId, name, email }`. */
export function itemNodes(count: number): WorkflowNodeFixture[] {
	const items = Array.from({ length: count }, (_, i) => ({
		userId: `bench-${i}`,
		name: `Reader ${i} & Co`,
		email: `bench-${i}@example.com`,
	}));
	return [
		{
			name: 'Items',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} },
		},
		{
			name: 'One Item Each',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'items', options: {} },
		},
	];
}

export function benchWorkflow(row: BenchRow, credentialId: string): WorkflowFixture {
	const target: WorkflowNodeFixture = {
		...row.target,
		name: 'Target',
		...(row.credential
			? { credentials: { [row.credential.type]: { id: credentialId, name: `bench ${row.id}` } } }
			: {}),
	};
	const nodes: WorkflowNodeFixture[] = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 },
		...itemNodes(row.items),
		target,
	];
	const connections = Object.fromEntries(
		nodes.slice(0, -1).map((node, i) => [node.name, { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { name: `bench: ${row.label}`, nodes, connections };
}

const expr = (field: string) => `={{ $json.${field} }}`;

/**
 * The bench's rows: each call at 0 ms and at `setLatencyMs` of provider latency (20 ms unless `--latency`).
 * `viafouraToken` is a valid Viafoura access token for the Header Auth row, which sends it as it is.
 */
export function benchRows(
	urls: ProviderUrls,
	{ items, smallItems }: { items: number; smallItems: number },
	setLatencyMs = 20,
	viafouraToken = '',
): BenchRow[] {
	const rows: BenchRow[] = [];
	const viafouraCredential = {
		type: 'viafouraApi',
		data: { baseUrl: urls.viafoura, siteId: VIAFOURA_SITE.siteId, apiKey: VIAFOURA_SITE.apiKey },
	};
	const viafouraNode = (concurrency?: number) => ({
		type: `${PACKAGE}.viafoura`,
		typeVersion: 1,
		parameters: {
			resource: 'session',
			operation: 'login',
			userId: expr('userId'),
			name: expr('name'),
			email: expr('email'),
			...(concurrency === undefined ? {} : { concurrency }),
		},
	});
	const viafouraHttp = (
		extra: IDataObject = {},
		authentication: IDataObject = { authentication: 'predefinedCredentialType', nodeCredentialType: 'viafouraApi' },
	) => ({
		...HTTP_REQUEST,
		parameters: {
			method: 'POST',
			url: `${urls.viafoura}/rest/v1/accounts/login`,
			...authentication,
			sendBody: true,
			contentType: 'form-urlencoded',
			bodyParameters: {
				parameters: [
					{ name: 'id', value: expr('userId') },
					{ name: 'name', value: expr('name') },
					{ name: 'email', value: expr('email') },
				],
			},
			options: {},
		},
		...extra,
	});
	const viafouraCommon = {
		provider: 'viafoura' as const,
		items,
		credential: viafouraCredential,
		tokenPaths: ['/oauth2/token'],
		callPath: '/rest/v1/accounts/login',
		cold: true,
	};
	for (const latencyMs of [0, setLatencyMs]) {
		const group = `viafoura-login-${latencyMs}ms`;
		rows.push(
			{
				...viafouraCommon,
				id: `${group}-http`,
				group,
				latencyMs,
				baseline: true,
				label: 'Viafoura login: HTTP Request node, Viafoura API credential',
				target: viafouraHttp(),
			},
			{
				...viafouraCommon,
				id: `${group}-header-auth`,
				group,
				latencyMs,
				baseline: false,
				// Its token is fixed, fetched before the run: nothing to do cold, and no token request ever.
				cold: false,
				n8nOnly: true,
				label: "Viafoura login: HTTP Request node, n8n's Header Auth (fixed token)",
				credential: {
					type: 'httpHeaderAuth',
					data: { name: 'Authorization', value: `Bearer ${viafouraToken}` },
				},
				target: viafouraHttp({}, { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' }),
			},
			{
				...viafouraCommon,
				id: `${group}-header-auth-predefined`,
				group,
				latencyMs,
				baseline: false,
				cold: false,
				n8nOnly: true,
				// The same credential chosen as a predefined type takes the Viafoura API credential's path through the
				// node (requestWithAuthentication): the two Header Auth rows tell the path's cost from the credential's.
				label: "Viafoura login: HTTP Request node, n8n's Header Auth as a predefined credential type",
				credential: {
					type: 'httpHeaderAuth',
					data: { name: 'Authorization', value: `Bearer ${viafouraToken}` },
				},
				target: viafouraHttp({}, { authentication: 'predefinedCredentialType', nodeCredentialType: 'httpHeaderAuth' }),
			},
			{
				...viafouraCommon,
				id: `${group}-node`,
				group,
				latencyMs,
				baseline: false,
				label: 'Viafoura login: Viafoura node, default concurrency',
				target: viafouraNode(),
			},
			{
				...viafouraCommon,
				id: `${group}-node-c100`,
				group,
				latencyMs,
				baseline: false,
				concurrency: 100,
				label: 'Viafoura login: Viafoura node, concurrency 100',
				target: viafouraNode(100),
			},
		);
	}

	const ringCxRoot = `${urls.ringcx}/api`;
	const admin = RINGCX_ACCOUNTS[0];
	const ringCxCommon = {
		provider: 'ringcx' as const,
		items: smallItems,
		credential: {
			type: 'ringCxApi',
			data: {
				server: 'custom',
				baseUrl: ringCxRoot,
				authMethod: 'password',
				username: admin.username,
				password: admin.password,
			},
		},
		// A cold RingCX credential logs in, then mints a permanent token: the login is counted.
		tokenPaths: ['/api/v1/auth/login'],
		callPath: '/api/v1/admin/users',
		cold: true,
	};
	const satelliteCommon = {
		provider: 'satellite' as const,
		items: smallItems,
		credential: {
			type: 'satelliteApi',
			data: {
				baseUrl: urls.satellite,
				grantType: 'clientCredentials',
				clientId: SATELLITE_CLIENT.clientId,
				clientSecret: SATELLITE_CLIENT.clientSecret,
			},
		},
		tokenPaths: ['/oauth/v2/token'],
		callPath: '/otp/send',
		cold: true,
	};
	const virtuousCommon = {
		provider: 'virtuous' as const,
		items: smallItems,
		tokenPaths: ['/Token'],
		callPath: '/api/Organization/Current',
		cold: true,
	};
	for (const latencyMs of [0, setLatencyMs]) {
		let group = `ringcx-users-${latencyMs}ms`;
		rows.push(
			{
				...ringCxCommon,
				id: `${group}-http`,
				group,
				latencyMs,
				baseline: true,
				label: 'RingCX users list: HTTP Request node',
				target: {
					...HTTP_REQUEST,
					parameters: {
						url: `${ringCxRoot}/v1/admin/users`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'ringCxApi',
						options: {},
					},
				},
			},
			{
				...ringCxCommon,
				id: `${group}-node`,
				group,
				latencyMs,
				baseline: false,
				label: 'RingCX users list: RingCX node, default concurrency',
				target: {
					type: `${PACKAGE}.ringCx`,
					typeVersion: 1,
					parameters: { resource: 'user', operation: 'getAll', returnAll: true },
				},
			},
		);
		group = `satellite-otp-${latencyMs}ms`;
		rows.push(
			{
				...satelliteCommon,
				id: `${group}-http`,
				group,
				latencyMs,
				baseline: true,
				label: 'Satellite OTP send: HTTP Request node',
				target: {
					...HTTP_REQUEST,
					parameters: {
						method: 'POST',
						url: `${urls.satellite}/otp/send`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'satelliteApi',
						sendBody: true,
						contentType: 'json',
						specifyBody: 'keypair',
						bodyParameters: { parameters: [{ name: 'email', value: expr('email') }] },
						options: {},
					},
				},
			},
			{
				...satelliteCommon,
				id: `${group}-node`,
				group,
				latencyMs,
				baseline: false,
				label: 'Satellite OTP send: Satellite node, default concurrency',
				target: {
					type: `${PACKAGE}.satellite`,
					typeVersion: 1,
					parameters: { resource: 'otp', operation: 'send', channel: 'email', email: expr('email') },
				},
			},
		);
		group = `virtuous-org-${latencyMs}ms`;
		rows.push(
			{
				...virtuousCommon,
				id: `${group}-plain`,
				group,
				latencyMs,
				baseline: true,
				label: 'Virtuous call: HTTP Request node, plain API-key header',
				target: {
					...HTTP_REQUEST,
					parameters: {
						url: `${urls.virtuous}/api/Organization/Current`,
						sendHeaders: true,
						headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${VIRTUOUS_API_KEY}` }] },
						options: {},
					},
				},
			},
			{
				...virtuousCommon,
				id: `${group}-credential`,
				group,
				latencyMs,
				baseline: false,
				label: 'Virtuous call: HTTP Request node, virtuousApi (password)',
				credential: {
					type: 'virtuousApi',
					data: {
						baseUrl: urls.virtuous,
						authMethod: 'password',
						email: VIRTUOUS_USERS.plain.email,
						password: VIRTUOUS_USERS.plain.password,
					},
				},
				target: {
					...HTTP_REQUEST,
					parameters: {
						url: `${urls.virtuous}/api/Organization/Current`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'virtuousApi',
						options: {},
					},
				},
			},
		);
	}

	// A rate limit half-way through: every login request in the next second gets 429, Retry-After: 1.
	const group = `viafoura-429-${setLatencyMs}ms`;
	const rateLimit = { path: '/rest/v1/accounts/login', afterRequests: Math.floor(items / 2), seconds: 1 };
	rows.push(
		{
			...viafouraCommon,
			id: `${group}-http`,
			group,
			latencyMs: setLatencyMs,
			baseline: true,
			cold: false,
			rateLimit,
			label: 'Viafoura login, 429 half-way: HTTP Request node, Retry On Fail (3 tries, 1 s)',
			target: viafouraHttp({ retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 }),
		},
		{
			...viafouraCommon,
			id: `${group}-node`,
			group,
			latencyMs: setLatencyMs,
			baseline: false,
			cold: false,
			rateLimit,
			label: 'Viafoura login, 429 half-way: Viafoura node, default concurrency',
			target: viafouraNode(),
		},
	);
	return rows;
}
