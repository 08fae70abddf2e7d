// `npm run release -- <version>`: prepares a release locally, with no network.
//   1. refuses unless the git work tree is clean, <version> is a plain semver above package.json's, and
//      package.json's author has a real e-mail address;
//   2. sets the version in package.json and package-lock.json, and rewrites each per-provider manifest
//      packages/n8n-nodes-<provider>/package.json exactly as `npm run build:packages` writes it for that
//      version (the publish workflow refuses a tag whose committed manifests differ from the built ones);
//   3. turns CHANGELOG.md's "## [Unreleased]" section into "## [<version>] - <date>" under a fresh, empty
//      Unreleased heading (refusing if Unreleased is empty);
//   4. commits "Release <version>" and makes the annotated tag v<version>.
// Then `git push --follow-tags` starts .github/workflows/publish.yml, which publishes the per-provider
// packages with provenance.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageJson, PROVIDERS } from './packages/buildProviderPackages.mjs';

const root = process.cwd();
const fail = (message) => {
	process.stderr.write(`release: ${message}\n`);
	process.exit(1);
};
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

const version = process.argv[2];
const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
if (!version || !SEMVER.test(version)) fail('usage: npm run release -- <version>   (for example 0.2.0)');

if (git('status', '--porcelain').trim() !== '')
	fail('the work tree has uncommitted changes; commit or stash them first');
if (git('tag', '--list', `v${version}`).trim() !== '') fail(`tag v${version} already exists`);

const pkgPath = join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const parts = (v) => SEMVER.exec(v).slice(1, 4).map(Number);
const [a, b] = [parts(version), parts(pkg.version)];
const newer = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
if (newer < 0 || (newer === 0 && version === pkg.version))
	fail(`${version} is not above the current version ${pkg.version}`);

// n8n verifies only packages whose author has a name and an e-mail (valid-author, an error in its lint and
// scanner), so package.json cannot go without one; until the maintainers set theirs it holds an address
// under a reserved, never-real domain (RFC 2606), and nothing is released with it.
const authorEmail = String(pkg.author?.email ?? '');
if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(authorEmail) || /\.(invalid|example|test|localhost)$/i.test(authorEmail))
	fail(`package.json's author e-mail (${authorEmail || 'none'}) is not a real address: set the maintainers' own first`);

// The per-provider packages build:packages makes (a provider with a node) and their committed folders:
// the same set, or the committed folders are out of step with the build.
const published = PROVIDERS.filter((provider) => provider.node);
const expected = published.map((provider) => `n8n-nodes-${provider.id}`).sort();
const committed = existsSync(join(root, 'packages'))
	? readdirSync(join(root, 'packages'))
			.filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
			.sort()
	: [];
if (committed.join() !== expected.join()) {
	fail(
		`packages/ holds ${committed.join(', ') || 'nothing'} but build:packages writes ${expected.join(', ')}: run npm run build:packages and commit packages/`,
	);
}

const changelogPath = join(root, 'CHANGELOG.md');
const changelog = readFileSync(changelogPath, 'utf8');
const unreleased = /^## \[Unreleased\]\n([\s\S]*?)(?=^## \[)/m.exec(changelog);
if (!unreleased) fail('CHANGELOG.md has no "## [Unreleased]" section followed by a released one');
if (unreleased[1].trim() === '') fail('the Unreleased section of CHANGELOG.md is empty: say what this release changes');
const date = new Date().toISOString().slice(0, 10);
writeFileSync(changelogPath, changelog.replace('## [Unreleased]\n', `## [Unreleased]\n\n## [${version}] - ${date}\n`));

for (const file of ['package.json', 'package-lock.json']) {
	const path = join(root, file);
	const json = JSON.parse(readFileSync(path, 'utf8'));
	json.version = version;
	if (file === 'package-lock.json' && json.packages?.['']) json.packages[''].version = version;
	writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
}
// Same function and formatting as build:packages, from the bumped package.json.
const providerManifests = [];
for (const provider of published) {
	const file = join('packages', `n8n-nodes-${provider.id}`, 'package.json');
	writeFileSync(join(root, file), `${JSON.stringify(packageJson(provider, { ...pkg, version }), null, 2)}\n`);
	providerManifests.push(file);
}

git('add', 'package.json', 'package-lock.json', 'CHANGELOG.md', ...providerManifests);
git('commit', '-q', '-m', `Release ${version}`);
git('tag', '-a', `v${version}`, '-m', `Release ${version}`);
process.stdout.write(`Release ${version} committed and tagged v${version}. Publish it with: git push --follow-tags\n`);
