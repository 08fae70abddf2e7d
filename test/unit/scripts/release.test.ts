import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'release.mjs');

/** A throw-away git repository holding copies of the files the release script edits. */
function scratchRepository(): string {
	const dir = mkdtempSync(join(tmpdir(), 'release-'));
	for (const file of ['package.json', 'package-lock.json', 'CHANGELOG.md']) copyFileSync(join(ROOT, file), join(dir, file));
	mkdirSync(join(dir, 'packages', 'n8n-nodes-satellite'), { recursive: true });
	copyFileSync(join(ROOT, 'packages', 'n8n-nodes-satellite', 'package.json'), join(dir, 'packages', 'n8n-nodes-satellite', 'package.json'));
	const git = (...args: string[]) => execFileSync('git', args, { cwd: dir });
	git('init', '-q');
	git('config', 'user.email', 'release@test.invalid');
	git('config', 'user.name', 'release test');
	git('add', '.');
	git('commit', '-q', '-m', 'start');
	return dir;
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
		expect(JSON.parse(readFileSync(join(dir, 'packages', 'n8n-nodes-satellite', 'package.json'), 'utf8')).version).toBe(next);
		const changelog = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
		expect(changelog).toContain(`## [Unreleased]\n\n## [${next}] - ${new Date().toISOString().slice(0, 10)}\n`);
		expect(gitOut(dir, 'log', '-1', '--format=%s')).toBe(`Release ${next}`);
		expect(gitOut(dir, 'tag', '--points-at', 'HEAD')).toBe(`v${next}`);
		expect(gitOut(dir, 'status', '--porcelain')).toBe('');

		// The next release refuses an empty Unreleased section.
		const again = release(dir, next.replace(/\d+$/, (patch) => String(Number(patch) + 1)));
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
});
