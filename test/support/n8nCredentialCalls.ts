/**
 * How n8n 2.x calls a credential from a node, reproduced from its source so that unit tests meet
 * the same call pattern the package meets in n8n (n8n-core `RequestHelperFunctions` and
 * `CredentialsHelper.preAuthentication`):
 *   - every request decrypts a FRESH COPY of the stored credential (`getCredentials`), unless the
 *     node passes one object in `credentialsDecrypted`;
 *   - `preAuthentication` is called when the first hidden `expirable` field is empty, or with
 *     "expired" after a failure; its answer is saved into the stored credential only when it holds
 *     that field, and merged into the copy;
 *   - `httpRequestWithAuthentication` retries once after a 401;
 *   - `requestWithAuthentication` (the legacy helper the HTTP Request node uses) calls
 *     `preAuthentication` again after ANY failure, including a failure of `preAuthentication`, and
 *     resends when it answered anything.
 * Requests really go over HTTP, to the bundled provider servers.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { httpRequest } from './n8nHttpRequest';

export class StoredCredential {
	/** How many times n8n saved what preAuthentication returned. */
	writes = 0;

	constructor(
		readonly type: ICredentialType,
		private data: ICredentialDataDecryptedObject,
	) {}

	/** `getCredentials`: a fresh decrypted copy of what is stored. */
	decrypt(): ICredentialDataDecryptedObject {
		return structuredClone(this.data);
	}

	get stored(): ICredentialDataDecryptedObject {
		return this.decrypt();
	}

	/** `CredentialsHelper.preAuthentication`. */
	async preAuthenticate(copy: ICredentialDataDecryptedObject, expired: boolean): Promise<IDataObject | undefined> {
		const expirable = this.type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || typeof this.type.preAuthentication !== 'function') return undefined;
		if (copy[expirable.name] !== '' && !expired) return undefined;
		const output = await this.type.preAuthentication.call({ helpers: { httpRequest } } as never, copy);
		if (output[expirable.name] === undefined) return undefined;
		// n8n saves the copy with the answer merged in (updateCredentials), and returns the same.
		this.data = structuredClone(Object.assign(copy, output));
		this.writes++;
		return copy;
	}

	private async signed(copy: ICredentialDataDecryptedObject, options: IHttpRequestOptions) {
		const authenticate = this.type.authenticate as (
			credentials: ICredentialDataDecryptedObject,
			requestOptions: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;
		return await authenticate(copy, { ...options, headers: { ...options.headers } });
	}

	/** `helpers.httpRequestWithAuthentication` (the nodes' helper). */
	async httpRequestWithAuthentication(options: IHttpRequestOptions, shared?: ICredentialDataDecryptedObject) {
		const copy = shared ?? this.decrypt();
		const data = await this.preAuthenticate(copy, false);
		if (data) Object.assign(copy, data);
		try {
			return await httpRequest(await this.signed(copy, options));
		} catch (error) {
			if ((error as { response?: { status?: number } }).response?.status !== 401) throw error;
			const renewed = await this.preAuthenticate(copy, true);
			if (renewed) Object.assign(copy, renewed);
			return await httpRequest(await this.signed(copy, options));
		}
	}

	/** `helpers.requestWithAuthentication` (the legacy helper the HTTP Request node uses). */
	async requestWithAuthentication(options: IHttpRequestOptions) {
		const copy = this.decrypt();
		try {
			const data = await this.preAuthenticate(copy, false);
			if (data) Object.assign(copy, data);
			return await httpRequest(await this.signed(copy, options));
		} catch (error) {
			const data = await this.preAuthenticate(copy, true);
			if (!data) throw error;
			Object.assign(copy, data);
			return await httpRequest(await this.signed(copy, options));
		}
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
