/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @typescript-eslint/no-require-imports -- not shipped: runs in Node, not inside n8n */
/**
 * The per-provider packages (npm run build:packages): built from the compiled combined package, each holds
 * only its own credential and node plus the shared code they require, has no runtime dependency, loads
 * with require(), passes n8n's scan and packs smaller than the combined package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { PROVIDERS as PROVIDER_LIST } from '../../../providers';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..', '..');
// Inside the repository, so require('n8n-workflow') resolves to the repository's node_modules as n8n's own would.
const OUT = join(ROOT, 'dist', 'unit-test-packages');
const combined = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const PROVIDERS = [
	{ id: 'virtuous', credential: 'VirtuousApi', credentialName: 'virtuousApi', node: 'Virtuous' },
	{ id: 'satellite', credential: 'SatelliteApi', credentialName: 'satelliteApi', node: 'Satellite' },
	{ id: 'ringcx', credential: 'RingCxApi', credentialName: 'ringCxApi', node: 'RingCx' },
	{ id: 'viafoura', credential: 'ViafouraApi', credentialName: 'viafouraApi', node: 'Viafoura' },
];

/** The provider list of scripts/packages/buildProviderPackages.mjs, as the script itself exports it. */
function scriptProviders(): unknown {
	const script = join(ROOT, 'scripts', 'packages', 'buildProviderPackages.mjs');
	const code = `import { PROVIDERS } from ${JSON.stringify(script)}; process.stdout.write(JSON.stringify(PROVIDERS));`;
	return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }));
}

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
	);
}

function packedSize(folder: string): number {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json'], {
		cwd: folder,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	return (JSON.parse(out) as Array<{ size: number }>)[0].size;
}

beforeAll(() => {
	execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
	execFileSync(process.execPath, [join(ROOT, 'scripts', 'packages', 'buildProviderPackages.mjs'), '--out', OUT], {
		cwd: ROOT,
		stdio: 'ignore',
	});
});

describe('one package per provider', () => {
	it('builds one folder per provider, each with its node (n8n refuses a package without one)', () => {
		expect(readdirSync(OUT).sort()).toEqual([
			'n8n-nodes-ringcx',
			'n8n-nodes-satellite',
			'n8n-nodes-viafoura',
			'n8n-nodes-virtuous',
		]);
	});

	it("packages what each provider's `packaging` in providers/ says: the script's list is the same", () => {
		expect(scriptProviders()).toEqual(
			PROVIDER_LIST.map(({ packaging }) => ({
				id: packaging.id,
				title: packaging.title,
				credential: packaging.credentialClass,
				node: packaging.nodeFolder,
			})),
		);
	});

	describe.each(PROVIDERS)('n8n-nodes-$id', ({ id, credential, credentialName, node }) => {
		const folder = join(OUT, `n8n-nodes-${id}`);
		const pkg = () => JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));

		it('has its own package.json: name, version, repository, only its credential and node, no dependencies', () => {
			const manifest = pkg();
			expect(manifest).toMatchObject({
				name: `n8n-nodes-${id}`,
				version: combined.version,
				license: combined.license,
				repository: combined.repository,
				peerDependencies: { 'n8n-workflow': '*' },
				n8n: {
					n8nNodesApiVersion: 1,
					strict: true,
					credentials: [`dist/credentials/${credential}.credentials.js`],
					nodes: [`dist/nodes/${node}/${node}.node.js`],
				},
			});
			expect(manifest.keywords).toContain('n8n-community-node-package');
			expect(manifest.dependencies).toBeUndefined();
			expect(manifest.devDependencies).toBeUndefined();
			expect(manifest.scripts).toBeUndefined();
		});

		it('ships its credential, its node with icons and codex, the shared code, a README and LICENSE, nothing else', () => {
			const files = walk(folder).map((file) => relative(folder, file));
			expect(files.filter((f) => f.startsWith('dist/credentials/'))).toEqual([
				`dist/credentials/${credential}.credentials.js`,
			]);
			const nodeFolders = new Set(files.filter((f) => f.startsWith('dist/nodes/')).map((f) => f.split('/')[2]));
			expect([...nodeFolders]).toEqual([node]);
			for (const asset of [`${node}.node.json`, `${id}.svg`, `${id}.dark.svg`])
				expect(files).toContain(`dist/nodes/${node}/${asset}`);
			expect(files).toContain('dist/tokenLifecycle/index.js');
			expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
			expect(files.filter((f) => /\.(map|d\.ts|ts)$/.test(f))).toEqual([]);
			expect(readFileSync(join(folder, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
		});

		it('loads with require() and exposes its credential and node classes', () => {
			const manifest = pkg();
			const credentialModule = require(join(folder, manifest.n8n.credentials[0]));
			const CredentialClass = credentialModule[credential];
			expect(typeof CredentialClass).toBe('function');
			expect(new CredentialClass()).toMatchObject({ name: credentialName });
			const nodeModule = require(join(folder, manifest.n8n.nodes[0]));
			const instance = new nodeModule[node]();
			expect(instance.description.credentials).toEqual([
				expect.objectContaining({ name: credentialName, required: true }),
			]);
			expect(
				existsSync(join(folder, 'dist', 'nodes', node, instance.description.icon.light.replace('file:', ''))),
			).toBe(true);
		});

		it("has a committed source folder in packages/ that n8n's scan finds through provenance", () => {
			// Same package.json as the built one (run npm run build:packages after changing package.json) ...
			const committed = join(ROOT, 'packages', `n8n-nodes-${id}`);
			expect(readFileSync(join(committed, 'package.json'), 'utf8')).toBe(
				readFileSync(join(folder, 'package.json'), 'utf8'),
			);
			// ... and links to exactly its node folder and credential source.
			expect(readdirSync(join(committed, 'nodes'))).toEqual([node]);
			expect(realpathSync(join(committed, 'nodes', node))).toBe(realpathSync(join(ROOT, 'nodes', node)));
			expect(readdirSync(join(committed, 'credentials'))).toEqual([`${credential}.credentials.ts`]);
			// ... and to the shared folders the package ships, which its sources import.
			const shipped = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
			const shared = shipped
				.map((file) => file.replace('dist/', ''))
				.filter((f) => f !== 'nodes' && f !== 'credentials');
			expect(shared.length).toBeGreaterThan(0);
			for (const folder of shared) {
				expect(realpathSync(join(committed, folder))).toBe(realpathSync(join(ROOT, folder)));
			}
			expect(realpathSync(join(committed, 'credentials', `${credential}.credentials.ts`))).toBe(
				realpathSync(join(ROOT, 'credentials', `${credential}.credentials.ts`)),
			);
		});

		it('packs smaller than the combined package', () => {
			expect(packedSize(folder)).toBeLessThan(packedSize(ROOT));
		});
	});

	it("passes n8n's own community-package scanner: each tarball and its committed source folder", () => {
		const run = spawnSync(
			process.execPath,
			[join(ROOT, 'scripts', 'verify', 'scanPackage.mjs'), ...PROVIDERS.map(({ id }) => join(OUT, `n8n-nodes-${id}`))],
			{ cwd: ROOT, encoding: 'utf8' },
		);
		expect(run.stdout).not.toMatch(/FAIL/);
		expect(run.stdout.match(/^ok /gm)).toHaveLength(2 * PROVIDERS.length);
		expect(run.status).toBe(0);
	});
});
