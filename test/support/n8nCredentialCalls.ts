/* eslint-disable @n8n/community-nodes/no-deprecated-workflow-functions -- not shipped: runs in Node, not inside n8n */
/**
 * Calls a credential the way n8n 1.x does from a node, through n8n-core's real request helpers
 * (`helpers.httpRequestWithAuthentication`, and `helpers.requestWithAuthentication`, the legacy one
 * the HTTP Request node uses) in an ExecuteContext, with n8n's credentials-helper semantics
 * (test/support/n8nCredentialsHelper.ts): every request reads a fresh decrypted copy of the stored
 * credential unless the caller passes one in `credentialsDecrypted`, `preAuthentication` runs when
 * the expirable field is empty or after a failure, and what it returns is saved. Requests really go
 * over HTTP, to the bundled provider servers.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeType,
	IRequestOptions,
} from 'n8n-workflow';

import { executeContext } from './n8nCore';
import { CredentialStore, n8nCredentialsHelper } from './n8nCredentialsHelper';

/**
 * A node that may use any credential: n8n gives the HTTP Request node (this type name) access to
 * every credential type, and it is the node that calls `requestWithAuthentication`.
 */
const httpRequestNodeType: INodeType = {
	description: {
		displayName: 'HTTP Request',
		name: 'httpRequest',
		group: ['output'],
		version: 1,
		description: 'Stands in for the HTTP Request node: a node whose credential is chosen by type',
		defaults: { name: 'HTTP Request' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
};

export class StoredCredential {
	private readonly store: CredentialStore;

	private readonly context: IExecuteFunctions;

	private readonly reference = { id: 'stored-credential', name: 'Stored credential' };

	constructor(
		readonly type: ICredentialType,
		data: ICredentialDataDecryptedObject,
	) {
		this.store = new CredentialStore(data);
		const node: INode = {
			id: 'http-request-node',
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: { [type.name]: this.reference },
		};
		const credentialsHelper = n8nCredentialsHelper([type], [{ ...this.reference, type: type.name, store: this.store }]);
		this.context = executeContext({
			nodeType: httpRequestNodeType,
			node,
			items: [{ json: {} }],
			credentialsHelper,
		}).context;
	}

	/** How many times n8n saved what preAuthentication returned. */
	get writes(): number {
		return this.store.writes;
	}

	/** A fresh decrypted copy of what is stored. */
	decrypt(): ICredentialDataDecryptedObject {
		return this.store.data;
	}

	get stored(): ICredentialDataDecryptedObject {
		return this.store.data;
	}

	/** `helpers.httpRequestWithAuthentication` (the nodes' helper); `shared` goes in `credentialsDecrypted`. */
	async httpRequestWithAuthentication(options: IHttpRequestOptions, shared?: ICredentialDataDecryptedObject) {
		const credentialsDecrypted = shared && { ...this.reference, type: this.type.name, data: shared };
		return await this.context.helpers.httpRequestWithAuthentication.call(
			this.context,
			this.type.name,
			{ ...options },
			credentialsDecrypted && { credentialsDecrypted },
		);
	}

	/** `helpers.requestWithAuthentication` (the legacy helper the HTTP Request node uses). */
	async requestWithAuthentication(options: IHttpRequestOptions | IRequestOptions, itemIndex = 0) {
		return await this.context.helpers.requestWithAuthentication.call(
			this.context,
			this.type.name,
			{ ...options } as IRequestOptions,
			undefined,
			itemIndex,
		);
	}
}

/** Runs `send` for `count` items, all at once or one after another, and settles each (Continue On Fail). */
export async function items<T>(
	count: number,
	mode: 'concurrently' | 'one by one',
	send: (itemIndex: number) => Promise<T>,
): Promise<Array<{ ok: true; value: T } | { ok: false; error: Error & { description?: string } }>> {
	const settle = async (itemIndex: number) =>
		await send(itemIndex).then(
			(value) => ({ ok: true as const, value }),
			(error: Error) => ({ ok: false as const, error }),
		);
	if (mode === 'concurrently') return await Promise.all(Array.from({ length: count }, async (_, i) => await settle(i)));
	const results = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) results.push(await settle(itemIndex));
	return results;
}
