'use strict';
/**
 * An experiment, not a fix: `npm run bench -- --node-options '--require <this file>'` runs n8n as if its
 * HTTP Request node handed n8n-core's legacy requestWithAuthentication the copy of a predefined credential
 * it has just read for the item (`additionalCredentialOptions.credentialsDecrypted`, which n8n-core
 * already accepts), so n8n-core does not read and decrypt it a second time. It wraps two functions in
 * the `n8n execute` process and changes nothing on disk.
 */
if (process.argv.includes('execute')) {
	const Module = require('node:module');
	const load = Module._load;
	/** Per node context: the last copy getCredentials returned, by `type:itemIndex`. */
	const lastRead = new WeakMap();
	let contextWrapped = false;
	let helperWrapped = false;
	Module._load = function (request) {
		const loaded = load.apply(this, arguments);
		if (!contextWrapped && loaded?.BaseExecuteContext) {
			contextWrapped = true;
			const context = loaded.BaseExecuteContext.prototype;
			const getCredentials = context.getCredentials;
			context.getCredentials = async function (type, itemIndex) {
				const data = await getCredentials.call(this, type, itemIndex);
				if (!lastRead.has(this)) lastRead.set(this, new Map());
				lastRead.get(this).set(`${type}:${itemIndex}`, data);
				return data;
			};
		}
		if (
			!helperWrapped &&
			request.endsWith('authentication') &&
			loaded?.requestWithAuthentication &&
			loaded?.httpRequestWithAuthentication
		) {
			helperWrapped = true;
			const requestWithAuthentication = loaded.requestWithAuthentication;
			loaded.requestWithAuthentication = async function (
				type,
				options,
				workflow,
				node,
				additionalData,
				extra,
				itemIndex,
			) {
				const reads = lastRead.get(this);
				const key = `${type}:${itemIndex}`;
				const data = reads?.get(key);
				if (data !== undefined && !extra?.credentialsDecrypted) {
					// Used once: the node's read after the request (for redaction) must not be handed on.
					reads.delete(key);
					extra = { ...extra, credentialsDecrypted: { id: node.credentials?.[type]?.id, name: '', type, data } };
				}
				return await requestWithAuthentication.call(
					this,
					type,
					options,
					workflow,
					node,
					additionalData,
					extra,
					itemIndex,
				);
			};
		}
		return loaded;
	};
}
