/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'release.mjs');
// The per-provider packages npm run build:packages writes: one per provider.
const PACKAGES = ['n8n-nodes-ringcx', 'n8n-nodes-satellite', 'n8n-nodes-viafoura', 'n8n-nodes-virtuous'];
const manifest = (dir: string, name: string) => join(dir, 'packages', name, 'package.json');

/** The address the maintainers would set: the repository holds none until they do. */
const AUTHOR = { name: 'A Maintainer', email: 'maintainer@example.org' };

/**
 * A throw-away git repository holding copies of the files the release script edits, its package.json
 * with `author` (the repository's own holds no real address; see the test that refuses it).
 */
function scratchRepository(author: { name: string; email: string } = AUTHOR): string {
	const dir = mkdtempSync(join(tmpdir(), 'release-'));
	for (const file of ['package.json', 'package-lock.json', 'CHANGELOG.md'])
		copyFileSync(join(ROOT, file), join(dir, file));
	const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
	writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ ...pkg, author }, null, 2)}\n`);
	for (const name of PACKAGES) {
		mkdirSync(join(dir, 'packages', name), { recursive: true });
		copyFileSync(manifest(ROOT, name), manifest(dir, name));
	}
	const git = (...args: string[]) => execFileSync('git', args, { cwd: dir });
	git('init', '-q');
	git('config', 'user.email', 'release@test.invalid');
	git('config', 'user.name', 'release test');
	git('add', '.');
	git('commit', '-q', '-m', 'start');
	return dir;
}

/** The package.json `npm run build:packages` writes for one package, from the package.json in `dir`. */
function builtManifest(dir: string, name: string): string {
	const build = join(ROOT, 'scripts', 'packages', 'buildProviderPackages.mjs');
	const code = `import { readFileSync } from 'node:fs';
		import { packageJson, PROVIDERS } from ${JSON.stringify(build)};
		const provider = PROVIDERS.find((p) => 'n8n-nodes-' + p.id === ${JSON.stringify(name)});
		const combined = JSON.parse(readFileSync('package.json', 'utf8'));
		process.stdout.write(JSON.stringify(packageJson(provider, combined), null, 2) + '\\n');`;
	return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, encoding: 'utf8' });
}

const release = (dir: string, ...args: string[]) =>
	spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: 'utf8' });
const gitOut = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

describe('npm run release -- <version>', () => {
	let dir: string;
	beforeEach(() => {
		dir = scratchRepository();
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('bumps the version, dates the Unreleased changes, commits and tags', () => {
		const current = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;
		const next = current.replace(/\d+$/, (patch) => String(Number(patch) + 1));
		const run = release(dir, next);
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);

		expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version).toBe(next);
		const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
		expect([lock.version, lock.packages[''].version]).toEqual([next, next]);
		// Each per-provider manifest is exactly what build:packages writes from the bumped package.json.
		for (const name of PACKAGES) {
			expect(readFileSync(manifest(dir, name), 'utf8')).toBe(builtManifest(dir, name));
			expect(JSON.parse(readFileSync(manifest(dir, name), 'utf8')).version).toBe(next);
		}
		const changelog = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
		expect(changelog).toContain(`## [Unreleased]\n\n## [${next}] - ${new Date().toISOString().slice(0, 10)}\n`);
		expect(gitOut(dir, 'log', '-1', '--format=%s')).toBe(`Release ${next}`);
		expect(gitOut(dir, 'tag', '--points-at', 'HEAD')).toBe(`v${next}`);
		expect(gitOut(dir, 'status', '--porcelain')).toBe('');

		// The next release refuses an empty Unreleased section.
		const again = release(
			dir,
			next.replace(/\d+$/, (patch) => String(Number(patch) + 1)),
		);
		expect(again.status).toBe(1);
		expect(again.stderr).toMatch(/Unreleased section .* is empty/);
	});

	it('refuses a dirty work tree, a version that is not above the current one, and no version', () => {
		writeFileSync(join(dir, 'CHANGELOG.md'), `${readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')}\nedit\n`);
		expect(release(dir, '9.0.0').stderr).toMatch(/uncommitted changes/);
		execFileSync('git', ['checkout', '--', 'CHANGELOG.md'], { cwd: dir });

		const current = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;
		expect(release(dir, current).stderr).toMatch(/is not above/);
		expect(release(dir, '0.0.0').stderr).toMatch(/is not above/);
		expect(release(dir).stderr).toMatch(/usage/);
		expect(gitOut(dir, 'tag')).toBe('');
		expect(gitOut(dir, 'log', '--format=%s')).toBe('start');
	});

	it("refuses while package.json's author e-mail is not a real address, as in this repository until the maintainers set it", () => {
		const committed = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).author as {
			name: string;
			email: string;
		};
		for (const author of [committed, { name: 'A Maintainer', email: '' }]) {
			const placeholder = scratchRepository(author);
			const run = release(placeholder, '9.0.0');
			expect(run.status).toBe(1);
			expect(run.stderr).toMatch(/author e-mail .* is not a real address/);
			expect(gitOut(placeholder, 'tag')).toBe('');
			rmSync(placeholder, { recursive: true, force: true });
		}
	});

	it('refuses when packages/ does not hold exactly the packages build:packages writes', () => {
		const current = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;
		const next = current.replace(/\d+$/, (patch) => String(Number(patch) + 1));
		execFileSync('git', ['rm', '-q', manifest(dir, 'n8n-nodes-viafoura')], { cwd: dir });
		execFileSync('git', ['commit', '-q', '-m', 'drop viafoura'], { cwd: dir });
		const run = release(dir, next);
		expect(run.status).toBe(1);
		expect(run.stderr).toMatch(/run npm run build:packages and commit packages\//);
		expect(gitOut(dir, 'status', '--porcelain')).toBe('');
		expect(gitOut(dir, 'tag')).toBe('');
	});
});
