/**
 * The layout the provider clients rely on: a provider's requests, probe and life cycle live in
 * providers/<provider>/, used by its credential and its node alike. A credential that exported
 * helpers again would become a client nodes import, and the two would drift apart.
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

	it('only the shared request helper calls httpRequestWithAuthentication', () => {
		const callers = [...sourceFiles('nodes'), ...sourceFiles('providers'), ...sourceFiles('nodeExecution')].filter(
			(file) => readFileSync(join(ROOT, file), 'utf8').includes('httpRequestWithAuthentication.call'),
		);
		expect(callers).toEqual(['nodeExecution/providerRequest.ts']);
	});
});
