/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * The layout the package relies on: a provider's requests, probe and life cycle live in
 * providers/<provider>/, used by its credential and its node alike (a credential that exported helpers
 * again would become a client nodes import, and the two would drift apart), and every call to a
 * provider goes through the one request engine in requestEngine/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

function sourceFiles(folder: string): string[] {
	return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
		.map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function importsOf(file: string): string[] {
	const code = readFileSync(join(ROOT, file), 'utf8');
	return [...code.matchAll(/from '([^']+)'/g)].map(([, spec]) => spec);
}

describe('source layout', () => {
	it('no file under nodes/ or providers/ imports from credentials/', () => {
		const offenders = [...sourceFiles('nodes'), ...sourceFiles('providers')].flatMap((file) =>
			importsOf(file)
				.filter((spec) => spec.includes('/credentials/'))
				.map((spec) => `${file} imports ${spec}`),
		);
		expect(offenders).toEqual([]);
	});

	it('every credential file exports its credential class and nothing else', () => {
		for (const file of sourceFiles('credentials')) {
			const exported = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^export\s+(.*)$/gm)].map(
				([, rest]) => rest,
			);
			const className = file.split('/').pop()!.replace('.credentials.ts', '');
			expect([file, exported]).toEqual([file, [`class ${className} implements ICredentialType {`]]);
		}
	});

	const shipped = () =>
		['credentials', 'nodes', 'providers', 'nodeExecution', 'tokenLifecycle', 'requestEngine'].flatMap(sourceFiles);
	const filesWith = (pattern: RegExp) =>
		shipped().filter((file) => pattern.test(readFileSync(join(ROOT, file), 'utf8')));

	it("every call to a provider goes through the request engine: only its transports call n8n's HTTP helpers", () => {
		expect(filesWith(/\.httpRequest(WithAuthentication)?\b|helpers\.request/)).toEqual(['requestEngine/transports.ts']);
	});

	it('Retry-After is read in one place, and only the engine and its pacing wait', () => {
		expect(filesWith(/'retry-after'/i)).toEqual(['requestEngine/engine.ts']);
		// n8n-workflow's sleep: the engine's pacing, and the item starts' turns of the event loop.
		expect(filesWith(/\bsleep\(/)).toEqual(['nodeExecution/itemStarts.ts', 'requestEngine/pacing.ts']);
	});
});
