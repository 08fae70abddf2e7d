/**
 * The part of n8n 2.41's node execution context the Viafoura node uses, with n8n's semantics, so
 * unit tests can run the node's real `execute` against the bundled Viafoura server over real HTTP:
 *
 * - `getCredentials` reads the stored credential afresh for every call (n8n reads its database);
 * - `helpers.httpRequestWithAuthentication` (n8n-core request-helpers/authentication.js with
 *   credentials-helper.js): uses `credentialsDecrypted.data` when given, calls the credential's
 *   `preAuthentication` when the expirable field is empty or after a 401, saves and merges what it
 *   returns only when that contains the expirable field, attaches the token with `authenticate`
 *   (on the retry, given the options the first attempt was sent with), retries once, and wraps
 *   failures in NodeApiError;
 * - `continueOnFail`, per-item parameters (a value or a function of the item index).
 *
 * The e2e tests run the same node inside a real n8n; this exists so the exact requests can be
 * pinned quickly and without an n8n install.
 */
import {
	NodeApiError,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { ViafouraApi } from '../../../credentials/ViafouraApi.credentials';
import { httpRequest, preAuthenticationContext } from '../../../test/support/n8nHttpRequest';
import { Viafoura } from '../Viafoura.node';

const credentialType = new ViafouraApi();

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
	/** How often `getCredentials` was called: the node should read the credential once per run. */
	reads = 0;

	/** Most requests the node had under way at once, across runs. */
	maxInFlight = 0;

	inFlight = 0;

	constructor(public data: ICredentialDataDecryptedObject) {}

	read(): ICredentialDataDecryptedObject {
		this.reads++;
		return structuredClone(this.data);
	}

	save(fields: ICredentialDataDecryptedObject): void {
		this.data = { ...this.data, ...fields };
	}
}

const node: INode = {
	id: 'viafoura-node',
	name: 'Viafoura',
	type: 'n8n-nodes-token-auth.viafoura',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { viafouraApi: { id: 'viafoura-credential', name: 'Viafoura demo' } },
};

/** credentials-helper.js preAuthentication: persists and merges only output that has the expirable field. */
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

async function authenticate(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions) {
	const attach = credentialType.authenticate as (
		c: ICredentialDataDecryptedObject,
		o: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions>;
	return await attach(credentials, options);
}

async function httpRequestWithAuthentication(
	store: CredentialStore,
	requestOptions: IHttpRequestOptions,
	credentialsDecrypted: ICredentialsDecrypted | undefined,
): Promise<unknown> {
	const credentials = credentialsDecrypted?.data ?? store.read();
	let options = requestOptions;
	try {
		await preAuthenticate(store, credentials, false);
		options = await authenticate(credentials, options);
		return await httpRequest(options);
	} catch (error) {
		const status = (error as { response?: { status?: number } }).response?.status;
		if (status !== 401) throw new NodeApiError(node, error as JsonObject);
		try {
			await preAuthenticate(store, credentials, true);
			options = await authenticate(credentials, options);
			return await httpRequest(options);
		} catch (retryError) {
			throw new NodeApiError(node, retryError as JsonObject);
		}
	}
}

/** Runs the Viafoura node's `execute` once over `items` input items. */
export async function runViafouraNode(store: CredentialStore, options: RunOptions): Promise<NodeRun> {
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
			httpRequestWithAuthentication: async (
				_type: string,
				requestOptions: IHttpRequestOptions,
				additional?: { credentialsDecrypted?: ICredentialsDecrypted },
			) => {
				store.inFlight++;
				store.maxInFlight = Math.max(store.maxInFlight, store.inFlight);
				try {
					return await httpRequestWithAuthentication(store, requestOptions, additional?.credentialsDecrypted);
				} finally {
					store.inFlight--;
				}
			},
		},
	} as unknown as IExecuteFunctions;
	const [output] = await new Viafoura().execute.call(context);
	return { output, storedCredential: structuredClone(store.data) };
}
