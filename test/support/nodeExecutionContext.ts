/**
 * The part of n8n 2.41's node execution context (IExecuteFunctions) our nodes use, with n8n's
 * semantics, for any node of this package and the credential its requests authenticate with. Unit
 * tests run the node's real `execute` with it against a bundled provider server over real HTTP
 * (test/support/n8nHttpRequest.ts); the e2e tests run the same nodes inside a real n8n.
 *
 * What it follows, file by file of n8n 2.41.1:
 * - n8n-workflow workflow.js: the node's parameters are the saved ones plus the description's
 *   defaults, without those its display options hide (NodeHelpers.getNodeParameters);
 * - n8n-core node-execution-context.js `_getNodeParameter`: a parameter's value, else the fallback,
 *   else "Could not get parameter"; expressions resolved per item (here: a function of the item
 *   index stands for an expression); `getCredentials` checks the node declares and has the type;
 *   `getNode` answers a copy; base-execute-context.js `continueOnFail`;
 * - n8n credentials-helper.js `getDecrypted`: every `getCredentials` reads the stored credential
 *   afresh, with the credential's defaults applied and the fields its display options hide dropped;
 * - n8n-core request-helpers/authentication.js `httpRequestWithAuthentication` with
 *   credentials-helper.js `preAuthentication`/`authenticate`: uses `credentialsDecrypted.data` when
 *   given (else reads the credential); calls the credential's `preAuthentication` when its
 *   expirable hidden field is empty, and after a 401 (or `preAuthenticationRetryStatusCode`);
 *   persists its output into the stored credential (keeping stored expressions, except in the
 *   expirable field) and merges it into the credentials object only when the output contains the
 *   expirable field; attaches with the credential's `authenticate` (on the retry, given the options
 *   the first attempt was sent with); retries once; wraps every failure in NodeApiError.
 *
 * Not modelled (throws rather than diverge silently): expressions stored in credentials, a
 * declarative (object) `authenticate`, OAuth1/OAuth2 parent types, `ensureType`/`contextNode`
 * parameter options. The workflow engine's handling of an error thrown out of `execute` (with
 * Continue On Fail it passes the input on) is not modelled either: the run rejects with it.
 */
import {
	NodeApiError,
	NodeHelpers,
	NodeOperationError,
	UserError,
	deepCopy,
	isExpression,
	isResourceLocatorValue,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type IGetNodeParameterOptions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type JsonObject,
} from 'n8n-workflow';

import { httpRequest } from './n8nHttpRequest';

/** A parameter's value: fixed, or a function of the item index (what an expression is in n8n). */
export type ParameterValue = unknown | ((itemIndex: number) => unknown);

export interface RunOptions {
	/** The node's parameters as saved in the workflow; the rest get their defaults. */
	parameters: Record<string, ParameterValue>;
	/** The input items, or how many (`{ json: { index } }` each). One by default. */
	items?: number | INodeExecutionData[];
	/** The node's "On Error: Continue" setting. */
	continueOnFail?: boolean;
}

export interface NodeRun {
	/** The node's first output. */
	output: INodeExecutionData[];
	/** Every output of the node. */
	outputs: INodeExecutionData[][];
	/** The stored credential after the run, with whatever n8n would have saved into it. */
	storedCredential: ICredentialDataDecryptedObject;
}

/**
 * The stored credential, as n8n's database holds it (decrypted), plus what tests watch: how often
 * the node read it and how many authenticated requests were under way at once.
 */
export class CredentialStore {
	/** How often `getCredentials` ran (the node's own calls and n8n's when no `credentialsDecrypted` is given). */
	reads = 0;

	/** How often n8n saved the output of `preAuthentication` into the stored credential. */
	writes = 0;

	/** Most `httpRequestWithAuthentication` calls under way at once, across runs. */
	maxInFlight = 0;

	/** `httpRequestWithAuthentication` calls under way now. */
	inFlight = 0;

	constructor(public data: ICredentialDataDecryptedObject) {}

	/** What n8n's credentials-helper `getCredentials(...).getData()` answers: the stored fields as they are. */
	raw(): ICredentialDataDecryptedObject {
		return structuredClone(this.data);
	}

	/** n8n's `updateCredentials`: replaces the stored data, serialised as n8n encrypts it (JSON). */
	write(data: ICredentialDataDecryptedObject): void {
		this.writes++;
		this.data = JSON.parse(JSON.stringify(data)) as ICredentialDataDecryptedObject;
	}
}

export interface NodeUnderTest {
	/** The node class, e.g. `Satellite`. */
	nodeType: new () => INodeType;
	/** The class of the credential the node's requests authenticate with, e.g. `SatelliteApi`. */
	credentialType: new () => ICredentialType;
	/** The node's type name inside n8n; `n8n-nodes-token-auth.<description.name>` by default. */
	nodeTypeName?: string;
	/** The node's reference to its stored credential (`getNode().credentials[type]`). */
	credential?: { id: string; name: string };
}

export type NodeRunner = (store: CredentialStore, options: RunOptions) => Promise<NodeRun>;

/** Fields credentials-helper.js `applyDefaultsAndOverwrites` drops from the stored data when they are hidden fields. */
const OAUTH_PINNED_FIELDS = [
	'useDynamicClientRegistration',
	'authUrl',
	'accessTokenUrl',
	'grantType',
	'authentication',
	'usePkce',
	'requestTokenUrl',
	'signatureMethod',
];

/** Stands in a saved parameter for a per-item function, as an expression would. */
const PER_ITEM = /^=\{\{ \$perItem\((\d+)\) \}\}$/;

function pathOf(name: string): string[] {
	return name.replace(/\[(\d+)\]/g, '.$1').split('.');
}

/** lodash `get`, as n8n reads `node.parameters`. */
function valueAt(source: unknown, name: string): unknown {
	let value = source;
	for (const key of pathOf(name)) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/** Saved parameters with each function replaced by a placeholder expression, and the functions by number. */
function saveParameters(parameters: Record<string, ParameterValue>): {
	saved: INodeParameters;
	perItem: Array<(itemIndex: number) => unknown>;
} {
	const perItem: Array<(itemIndex: number) => unknown> = [];
	const save = (value: unknown): unknown => {
		if (typeof value === 'function') {
			perItem.push(value as (itemIndex: number) => unknown);
			return `={{ $perItem(${perItem.length - 1}) }}`;
		}
		if (Array.isArray(value)) return value.map(save);
		if (value !== null && typeof value === 'object') {
			return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, save(inner)]));
		}
		return value;
	};
	return { saved: save(parameters) as INodeParameters, perItem };
}

/** Runs `nodeUnderTest`'s `execute` with a context that behaves as n8n 2.41's. */
export function nodeRunner(nodeUnderTest: NodeUnderTest): NodeRunner {
	const nodeType = new nodeUnderTest.nodeType();
	const credentialType = new nodeUnderTest.credentialType();
	const { description } = nodeType;
	const credentialTypeName = credentialType.name;
	const expirableField = credentialType.properties.find(
		(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
	)?.name;
	if (typeof credentialType.authenticate === 'object') {
		throw new Error(`${credentialTypeName}: a declarative authenticate is not modelled by this test context`);
	}
	if (credentialType.extends?.some((parent) => parent === 'oAuth1Api' || parent === 'oAuth2Api')) {
		throw new Error(`${credentialTypeName}: OAuth parent types are not modelled by this test context`);
	}

	/** credentials-helper.js getDecrypted → applyDefaultsAndOverwrites. */
	function decrypt(stored: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
		const data = { ...stored };
		for (const field of OAUTH_PINNED_FIELDS) {
			if (credentialType.properties.some((property) => property.name === field && property.type === 'hidden')) {
				delete data[field];
			}
		}
		const expression = Object.keys(data).find((key) => isExpression(data[key]));
		if (expression !== undefined) {
			throw new Error(`The stored "${expression}" is an expression, which this test context does not resolve`);
		}
		const decrypted = (NodeHelpers.getNodeParameters(
			credentialType.properties,
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		for (const kept of ['oauthTokenData', 'allowedHttpRequestDomains', 'allowedDomains']) {
			if (decrypted[kept] === undefined && stored[kept] !== undefined) decrypted[kept] = stored[kept];
		}
		return decrypted;
	}

	return async (store, options) => {
		const { saved, perItem } = saveParameters(options.parameters);
		const node: INode = {
			id: `${description.name}-node`,
			name: String(description.defaults.name ?? description.displayName),
			type: nodeUnderTest.nodeTypeName ?? `n8n-nodes-token-auth.${description.name}`,
			typeVersion: Array.isArray(description.version) ? Math.max(...description.version) : description.version,
			position: [0, 0],
			parameters: {},
			credentials: {
				[credentialTypeName]: nodeUnderTest.credential ?? {
					id: `${credentialTypeName}-credential`,
					name: `${credentialType.displayName} account`,
				},
			},
			continueOnFail: options.continueOnFail === true,
		};
		node.parameters =
			NodeHelpers.getNodeParameters(description.properties, saved, true, false, node, description) ?? {};

		const items =
			typeof options.items === 'object'
				? options.items
				: Array.from({ length: options.items ?? 1 }, (_, index) => ({ json: { index } }));

		/** What resolving the parameter's expressions for `itemIndex` gives. */
		const resolve = (value: unknown, itemIndex: number): unknown => {
			if (typeof value === 'string') {
				const placeholder = PER_ITEM.exec(value);
				return placeholder ? perItem[Number(placeholder[1])](itemIndex) : value;
			}
			if (Array.isArray(value)) return value.map((inner) => resolve(inner, itemIndex));
			if (value !== null && typeof value === 'object') {
				return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner, itemIndex)]));
			}
			return value;
		};

		function getNodeParameter(
			name: string,
			itemIndex: number,
			fallbackValue?: unknown,
			parameterOptions?: IGetNodeParameterOptions,
		): unknown {
			const unsupported = Object.keys(parameterOptions ?? {}).filter(
				(option) => !['extractValue', 'rawExpressions', 'skipValidation'].includes(option),
			);
			if (unsupported.length > 0) throw new Error(`getNodeParameter options not modelled: ${unsupported.join(', ')}`);
			const found = valueAt(node.parameters, name);
			const value = found === undefined ? fallbackValue : found;
			if (value === undefined)
				throw new UserError(`Could not get parameter "${name}"`, { extra: { parameterName: name } });
			if (parameterOptions?.rawExpressions) return deepCopy(value);
			let resolved = resolve(deepCopy(value), itemIndex);
			// extract-value.js for resource locators: the value part (the extractValue regexes are not modelled).
			if (parameterOptions?.extractValue && isResourceLocatorValue(resolved)) resolved = resolved.value;
			return resolved;
		}

		/** node-execution-context.js _getCredentials, then credentials-helper.js getDecrypted. */
		async function getCredentials(type: string): Promise<ICredentialDataDecryptedObject> {
			if (!description.credentials?.some((declared) => declared.name === type)) {
				throw new NodeOperationError(
					node,
					`Node type "${node.type}" does not have any credentials of type "${type}" defined`,
					{
						level: 'warning',
					},
				);
			}
			if (!node.credentials?.[type]) {
				throw new NodeOperationError(node, `Node does not have any credentials set for "${type}"`, {
					level: 'warning',
				});
			}
			store.reads++;
			return decrypt(store.raw());
		}

		const helpers = {
			httpRequest: async (requestOptions: IHttpRequestOptions) => await httpRequest(requestOptions),
		};

		/** credentials-helper.js preAuthentication. */
		async function preAuthenticate(
			credentials: ICredentialDataDecryptedObject,
			credentialsExpired: boolean,
		): Promise<ICredentialDataDecryptedObject | undefined> {
			if (expirableField === undefined || typeof credentialType.preAuthentication !== 'function') return undefined;
			if (credentials[expirableField] !== '' && !credentialsExpired) return undefined;
			// restrictToCredentialDomains: `this` has only helpers.httpRequest.
			const output = await credentialType.preAuthentication.call(
				{ helpers: { httpRequest: helpers.httpRequest } } as never,
				credentials,
			);
			if (output[expirableField] === undefined) return undefined;
			const storedData = store.raw();
			const dataToPersist: ICredentialDataDecryptedObject = { ...storedData };
			for (const [key, value] of Object.entries(output)) {
				if (key === expirableField || !isExpression(storedData[key]))
					dataToPersist[key] = value as ICredentialDataDecryptedObject[string];
			}
			store.write(dataToPersist);
			return Object.assign(credentials, output);
		}

		async function authenticate(
			credentials: ICredentialDataDecryptedObject,
			requestOptions: IHttpRequestOptions,
		): Promise<IHttpRequestOptions> {
			if (typeof credentialType.authenticate !== 'function') return requestOptions;
			return await credentialType.authenticate(credentials, requestOptions);
		}

		/** request-helpers/authentication.js httpRequestWithAuthentication (no OAuth parents here). */
		async function httpRequestWithAuthentication(
			type: string,
			requestOptions: IHttpRequestOptions,
			additional?: {
				credentialsDecrypted?: ICredentialsDecrypted;
				preAuthenticationRetryStatusCode?: number | number[];
			},
		): Promise<unknown> {
			if (type !== credentialTypeName) {
				throw new Error(`This test context authenticates with "${credentialTypeName}", not "${type}"`);
			}
			let options = requestOptions;
			let credentials: ICredentialDataDecryptedObject | undefined;
			try {
				credentials = additional?.credentialsDecrypted
					? additional.credentialsDecrypted.data
					: await getCredentials(type);
				if (credentials === undefined) {
					throw new NodeOperationError(
						node,
						`Node "${node.name}" does not have any credentials of type "${type}" set`,
						{
							level: 'warning',
						},
					);
				}
				const data = await preAuthenticate(credentials, false);
				if (data) Object.assign(credentials, data);
				options = await authenticate(credentials, options);
				return await httpRequest(options);
			} catch (error) {
				const status = (error as { response?: { status?: number } }).response?.status;
				const retryOn = additional?.preAuthenticationRetryStatusCode ?? 401;
				const expired = Array.isArray(retryOn) ? retryOn.includes(status as number) : status === retryOn;
				if (expired && credentials !== undefined) {
					try {
						const data = await preAuthenticate(credentials, true);
						if (data) Object.assign(credentials, data);
						options = await authenticate(credentials, options);
						return await httpRequest(options);
					} catch (retryError) {
						throw new NodeApiError(deepCopy(node), retryError as JsonObject);
					}
				}
				throw new NodeApiError(deepCopy(node), error as JsonObject);
			}
		}

		const context = {
			getInputData: () => items,
			getNodeParameter,
			getNode: () => deepCopy(node),
			continueOnFail: () => node.continueOnFail === true,
			getCredentials: async (type: string) => await getCredentials(type),
			helpers: {
				...helpers,
				httpRequestWithAuthentication: async (
					type: string,
					requestOptions: IHttpRequestOptions,
					additional?: { credentialsDecrypted?: ICredentialsDecrypted },
				) => {
					store.inFlight++;
					store.maxInFlight = Math.max(store.maxInFlight, store.inFlight);
					try {
						return await httpRequestWithAuthentication(type, requestOptions, additional);
					} finally {
						store.inFlight--;
					}
				},
			},
		} as unknown as IExecuteFunctions;

		if (!nodeType.execute) throw new Error(`${node.type} has no execute method`);
		const outputs = ((await nodeType.execute.call(context)) ?? []) as INodeExecutionData[][];
		return { output: outputs[0] ?? [], outputs, storedCredential: store.raw() };
	};
}
