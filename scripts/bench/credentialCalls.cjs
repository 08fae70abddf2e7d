'use strict';
/**
 * Preloaded into `n8n execute` by coldBatch.ts (NODE_OPTIONS=--require): counts the calls of n8n's own
 * CredentialsHelper (n8n/dist/credentials-helper.js) and writes them to BENCH_CALLS_FILE as the process
 * exits. It wraps the methods and changes nothing else, so a run shows how often n8n decrypts the
 * credential, asks its preAuthentication and saves what that returned, per item.
 */
const file = process.env.BENCH_CALLS_FILE;
if (file && process.argv.includes('execute')) {
	const Module = require('node:module');
	const { writeFileSync } = require('node:fs');
	const counts = {};
	const count = (name) => (counts[name] = (counts[name] ?? 0) + 1);
	const load = Module._load;
	let wrapped = false;
	Module._load = function (request) {
		const loaded = load.apply(this, arguments);
		if (!wrapped && request.endsWith('credentials-helper') && loaded?.CredentialsHelper) {
			wrapped = true;
			const helper = loaded.CredentialsHelper.prototype;
			for (const name of ['getDecrypted', 'preAuthentication', 'authenticate', 'updateCredentials']) {
				const original = helper[name];
				helper[name] = function (...args) {
					count(name);
					if (name === 'preAuthentication') {
						// n8n calls the credential's own preAuthentication only when the token field is empty or expired.
						const [, credentials, typeName, , expired] = args;
						const type = this.credentialTypes.getByName(typeName);
						const tokenField = type.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable)?.name;
						if (expired) count('preAuthentication after a failure');
						if (tokenField && (credentials[tokenField] === '' || expired)) count("credential's preAuthentication");
					}
					return original.apply(this, args);
				};
			}
		}
		return loaded;
	};
	process.on('exit', () => writeFileSync(file, JSON.stringify(counts)));
}
