// `npm run build:packages`: one publishable package per provider, from the same compiled source as the
// combined package (run `npm run build` first; build:packages does). For each provider it writes
// dist/packages/n8n-nodes-<provider>/ with:
//   - package.json: its own name, the combined package's version, repository and licence, an `n8n` section
//     listing only its credential and node, n8n-workflow as the only (peer) dependency;
//   - dist/: its compiled credential and node, and exactly the shared files they require (the token life
//     cycle, per-item execution), found by following their relative require() calls; its icons and codex;
//   - README.md (short, pointing at the provider's section of the main README) and LICENSE.
// `--out <folder>` writes somewhere else (the unit tests do).
//
// n8n's scan also lints the source the npm provenance points at: it looks in the repository for the
// package.json whose name is the package's, and lints package.json, nodes/ and credentials/ beside it. So
// each provider package has a committed folder packages/n8n-nodes-<provider>/ holding the same package.json
// and symbolic links to its node folder and credential file. The build writes both manifests; the unit
// tests check the committed one is current (`npm run build:packages` after changing package.json).
//
// Every provider has a node: n8n's checks refuse a package whose n8n.nodes is empty
// (n8n-nodes-base/community-package-json-n8n-nodes-empty and @n8n/community-nodes/n8n-object-validation,
// both errors in the scan).
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { repositoryHome } from '../build/syncRepositoryUrls.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');

/**
 * Each provider: its credential and its node folder (which holds the icons too); its documentation is
 * docs/<id>.md. The `packaging` of each provider in providers/, written here again because `npm run release`
 * reads it without a build; a unit test keeps the two the same.
 */
export const PROVIDERS = [
	{ id: 'virtuous', title: 'Virtuous CRM', credential: 'VirtuousApi', node: 'Virtuous' },
	{ id: 'satellite', title: 'Satellite', credential: 'SatelliteApi', node: 'Satellite' },
	{ id: 'ringcx', title: 'RingCX', credential: 'RingCxApi', node: 'RingCx' },
	{ id: 'viafoura', title: 'Viafoura', credential: 'ViafouraApi', node: 'Viafoura' },
];

/** The compiled files `entry` needs: itself and every file reached through relative require() calls. */
function requiredFiles(entry, seen = new Set()) {
	if (seen.has(entry)) return seen;
	seen.add(entry);
	const code = readFileSync(entry, 'utf8');
	for (const [, spec] of code.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
		const base = resolve(dirname(entry), spec);
		const file = [`${base}.js`, join(base, 'index.js'), base].find((candidate) => existsSync(candidate) && candidate.endsWith('.js'));
		if (!file) throw new Error(`${relative(root, entry)} requires ${spec}, which is not in dist/`);
		requiredFiles(file, seen);
	}
	return seen;
}

export function packageJson(provider, combined) {
	const home = repositoryHome(combined);
	const credential = `dist/credentials/${provider.credential}.credentials.js`;
	return {
		name: `n8n-nodes-${provider.id}`,
		version: combined.version,
		description: `n8n credential and node for ${provider.title} that run the whole token life cycle (acquire, cache, refresh, recover from a 401).`,
		keywords: ['n8n-community-node-package', 'n8n', provider.id],
		license: combined.license,
		homepage: `${home}/blob/main/docs/${provider.id}.md`,
		bugs: { url: `${home}/issues` },
		author: combined.author,
		repository: combined.repository,
		engines: combined.engines,
		files: ['dist'],
		n8n: {
			n8nNodesApiVersion: combined.n8n.n8nNodesApiVersion,
			strict: combined.n8n.strict,
			credentials: [credential],
			nodes: [`dist/nodes/${provider.node}/${provider.node}.node.js`],
		},
		peerDependencies: combined.peerDependencies,
		peerDependenciesMeta: combined.peerDependenciesMeta,
	};
}

function readme(provider, pkg, combined) {
	const home = repositoryHome(combined);
	const what = `the **${provider.title} API** credential and the **${provider.node}** node`;
	return `# ${pkg.name}

An [n8n](https://n8n.io) community package with ${what}. The credential runs the whole token life
cycle on its own: it gets a token, keeps it, renews it before it expires and recovers from a 401.

It is built from the same source as [n8n-nodes-token-auth](https://www.npmjs.com/package/${combined.name}),
which holds all four providers (Virtuous CRM, Satellite, RingCX, Viafoura). Install one or the other, not both:
they declare the same credential and node types.

## Install

In n8n: **Settings > Community Nodes > Install**, enter \`${pkg.name}\`.

Manual install (self-hosted), in \`~/.n8n/nodes\`: \`npm install --omit=peer ${pkg.name}\`, then restart n8n.

## Use

Set-up, fields and troubleshooting: [${provider.title} in the project's documentation](${home}/blob/main/docs/${provider.id}.md).

## Licence

${combined.license}, see LICENSE.
`;
}

/**
 * The shared source folders every package ships beside its node and credential. The committed source
 * folders link them too, so that the relative imports of the linked credential resolve there (n8n's
 * `n8n-node lint` at the repository root resolves imports from the link's own path).
 */
export const SHARED_SOURCE_FOLDERS = ['nodeExecution', 'providers', 'requestEngine', 'tokenLifecycle'];

/** The committed source folder of one provider package: its package.json and links to its sources. */
export function writeSourceFolder(provider, combined) {
	const folder = join(root, 'packages', `n8n-nodes-${provider.id}`);
	mkdirSync(join(folder, 'nodes'), { recursive: true });
	mkdirSync(join(folder, 'credentials'), { recursive: true });
	writeFileSync(join(folder, 'package.json'), `${JSON.stringify(packageJson(provider, combined), null, 2)}\n`);
	const links = [
		[join('nodes', provider.node), join('..', '..', '..', 'nodes', provider.node)],
		[join('credentials', `${provider.credential}.credentials.ts`), join('..', '..', '..', 'credentials', `${provider.credential}.credentials.ts`)],
		...SHARED_SOURCE_FOLDERS.map((shared) => [shared, join('..', '..', shared)]),
	];
	for (const [link, target] of links) {
		const path = join(folder, link);
		if (!existsSync(path) && !isLink(path)) symlinkSync(target, path);
	}
}

function isLink(path) {
	try {
		return lstatSync(path).isSymbolicLink();
	} catch {
		return false;
	}
}

export function buildProviderPackages(out = join(root, 'dist/packages')) {
	if (!existsSync(join(dist, 'credentials'))) throw new Error('dist/ is missing: run npm run build first');
	const combined = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
	rmSync(out, { recursive: true, force: true });
	const built = [];
	for (const provider of PROVIDERS) {
		if (out === join(root, 'dist/packages')) writeSourceFolder(provider, combined);
		const target = join(out, `n8n-nodes-${provider.id}`);
		const entries = [
			join(dist, 'credentials', `${provider.credential}.credentials.js`),
			join(dist, 'nodes', provider.node, `${provider.node}.node.js`),
		];
		const files = new Set();
		for (const entry of entries) requiredFiles(entry, files);
		// Icons and the codex file sit beside the node (the credential's icon points there too).
		const assets = join(dist, 'nodes', provider.node);
		for (const file of readdirSync(assets)) if (/\.(svg|png|node\.json)$/.test(file)) files.add(join(assets, file));
		for (const file of files) {
			const destination = join(target, 'dist', relative(dist, file));
			mkdirSync(dirname(destination), { recursive: true });
			cpSync(file, destination);
		}
		const pkg = packageJson(provider, combined);
		writeFileSync(join(target, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
		writeFileSync(join(target, 'README.md'), readme(provider, pkg, combined));
		cpSync(join(root, 'LICENSE'), join(target, 'LICENSE'));
		built.push({ name: pkg.name, folder: target, files: [...files].map((f) => relative(dist, f)).sort() });
	}
	return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const outFlag = process.argv.indexOf('--out');
	const built = buildProviderPackages(outFlag > 0 ? resolve(process.argv[outFlag + 1]) : undefined);
	for (const { name, folder, files } of built) process.stdout.write(`${name}: ${files.length} files in ${relative(root, folder)}\n`);
}
