/**
 * The part of n8n 2.41's node execution context the Satellite node uses, with n8n's semantics, so
 * unit tests can run the node's real `execute` against the bundled provider server over real HTTP:
 *
 * - `getCredentials` reads the stored credential afresh for every call (n8n reads its database);
 * - `helpers.httpRequestWithAuthentication` calls the credential's `preAuthentication` when the
 *   expirable field is empty, saves what it returns (only when that contains the expirable
 *   field), attaches the token with `authenticate`, and after a 401 renews once and retries once;
 *   failures are wrapped in NodeApiError as n8n does;
 * - `continueOnFail`, per-item parameters (a value or a function of the item index).
 *
 * The e2e tests run the same node inside a real n8n; this exists so the exact requests can be
 * pinned quickly and without an n8n install.
 */
import {
	NodeApiError,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { SatelliteApi } from '../../../credentials/SatelliteApi.credentials';
import { httpRequest, preAuthenticationContext } from '../../../test/support/n8nHttpRequest';
import { Satellite } from '../Satellite.node';

const credentialType = new SatelliteApi();

export type ParameterValue = unknown | ((itemIndex: number) => unknown);

export interface NodeRun {
	output: INodeExecutionData[];
	/** The stored credential after the run, with whatever n8n would have saved into it. */
	storedCredential: ICredentialDataDecryptedObject;
}

export interface RunOptions {
	parameters: Record<string, ParameterValue>;
	items?: number;
	continueOnFail?: boolean;
}

export class CredentialStore {
	constructor(public data: ICredentialDataDecryptedObject) {}

	read(): ICredentialDataDecryptedObject {
		return structuredClone(this.data);
	}

	save(fields: ICredentialDataDecryptedObject): void {
		this.data = { ...this.data, ...fields };
	}
}

const node: INode = {
	id: 'satellite-node',
	name: 'Satellite',
	type: 'n8n-nodes-token-auth.satellite',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { satelliteApi: { id: 'satellite-credential', name: 'Satellite demo' } },
};

async function preAuthenticate(
	store: CredentialStore,
	credentials: ICredentialDataDecryptedObject,
	expired: boolean,
): Promise<void> {
	if (credentials.accessToken !== '' && !expired) return;
	const fields = await credentialType.preAuthentication.call(preAuthenticationContext, credentials);
	if (fields.accessToken === undefined) return;
	store.save(fields as ICredentialDataDecryptedObject);
	Object.assign(credentials, fields);
}

async function authenticated(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions) {
	const authenticate = credentialType.authenticate as (
		c: ICredentialDataDecryptedObject,
		o: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions>;
	return await httpRequest(await authenticate(credentials, options));
}

async function httpRequestWithAuthentication(store: CredentialStore, options: IHttpRequestOptions): Promise<unknown> {
	const credentials = store.read();
	try {
		await preAuthenticate(store, credentials, false);
		return await authenticated(credentials, options);
	} catch (error) {
		const status = (error as { response?: { status?: number } }).response?.status;
		if (status !== 401) throw new NodeApiError(node, error as JsonObject);
		try {
			await preAuthenticate(store, credentials, true);
			return await authenticated(credentials, options);
		} catch (retryError) {
			throw new NodeApiError(node, retryError as JsonObject);
		}
	}
}

/** Runs the Satellite node's `execute` once over `items` input items. */
export async function runSatelliteNode(store: CredentialStore, options: RunOptions): Promise<NodeRun> {
	const itemCount = options.items ?? 1;
	const parameter = (name: string, itemIndex: number, fallback?: unknown) => {
		const value = options.parameters[name];
		if (value === undefined) return fallback;
		return typeof value === 'function' ? (value as (index: number) => unknown)(itemIndex) : value;
	};
	const context = {
		getInputData: () => Array.from({ length: itemCount }, (_, index) => ({ json: { index } })),
		getNodeParameter: parameter,
		getNode: () => node,
		continueOnFail: () => options.continueOnFail === true,
		getCredentials: async () => store.read(),
		helpers: {
			httpRequest,
			httpRequestWithAuthentication: async (_type: string, requestOptions: IHttpRequestOptions) =>
				await httpRequestWithAuthentication(store, requestOptions),
		},
	} as unknown as IExecuteFunctions;
	const [output] = await new Satellite().execute.call(context);
	return { output, storedCredential: store.read() };
}
