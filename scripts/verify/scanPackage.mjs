// n8n's community-package scan, run locally (offline) on the per-provider packages before they are published.
//
// n8n verifies a package with @n8n/scan-community-package's `analyzePackageByName`: it checks the npm
// provenance, fetches the source checkout the provenance names, finds in it the package.json whose name is the
// package's, and lints two legs with `analyzePackage`; any ESLint error fails the package:
//   - source: that package.json's folder, with SOURCE_FILE_PATTERNS (package.json, nodes/, credentials/);
//     for us, the committed folder packages/<name>/ (its package.json and links to the real sources);
//   - tarball: the unpacked published tarball, with ['**/*.js', 'package.json'].
// This script runs those two legs with n8n's own `analyzePackage` on what `npm run build:packages` built;
// only the provenance and download steps, which need the published package, are left out.
//
//   node scripts/verify/scanPackage.mjs               # every built package in dist/packages/
//   node scripts/verify/scanPackage.mjs <package>...  # a package name (in dist/packages/) or a built folder
//
// Prints one line per leg and the scanner's findings on failure; exits 1 if any leg fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// n8n's scanner, not a copy of it. Importing it makes a temporary folder and sets axios defaults; harmless here.
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];
// The scanner's own fast-glob, to count the files it lints exactly as it finds them.
const glob = createRequire(import.meta.resolve('@n8n/scan-community-package/scanner/scanner.mjs'))('fast-glob');

// eslint-plugin-n8n-nodes-base reads its own test fixtures when NODE_ENV is 'test' (Jest sets it).
if (process.env.NODE_ENV === 'test') process.env.NODE_ENV = 'production';

/** One leg: `analyzePackage` on a folder, plus the number of files it lints (none is a failure: it proved nothing). */
async function leg(folder, patterns) {
	const files = glob.sync(patterns, { cwd: folder, ignore: ['node_modules/**', '**/package-lock.json'] }).length;
	if (files === 0) return { passed: false, files, message: `no files matching ${patterns.join(', ')}` };
	return { files, ...(await analyzePackage(folder, patterns)) };
}

/** `npm pack` of a built package, unpacked as n8n unpacks the tarball it downloads; returns the folder. */
function packAndUnpack(folder, work) {
	const run = spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: folder, encoding: 'utf8' });
	if (run.status !== 0) throw new Error(`npm pack failed in ${folder}: ${run.stderr}`);
	const [{ filename }] = JSON.parse(run.stdout);
	const unpacked = join(work, filename.replace(/\.tgz$/, ''));
	mkdirSync(unpacked);
	const untar = spawnSync('tar', ['-xzf', join(work, filename), '-C', unpacked, '--strip-components=1'], {
		encoding: 'utf8',
	});
	if (untar.status !== 0) throw new Error(`tar failed on ${filename}: ${untar.stderr}`);
	return { tarball: filename, unpacked };
}

function builtFolders(args) {
	const out = join(root, 'dist/packages');
	if (args.length === 0) {
		if (!existsSync(out)) throw new Error('dist/packages/ is missing: run npm run build:packages first');
		return readdirSync(out).map((name) => join(out, name));
	}
	return args.map((arg) => {
		const folder = existsSync(arg) && statSync(arg).isDirectory() ? resolve(arg) : join(out, arg);
		if (!existsSync(join(folder, 'package.json')))
			throw new Error(`${arg}: no built package there (npm run build:packages)`);
		return folder;
	});
}

async function main(args) {
	const work = mkdtempSync(join(tmpdir(), 'scan-'));
	let failed = 0;
	const report = (ok, what, name, where, result) => {
		if (!ok) failed++;
		process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what.padEnd(7)} ${name}: ${where}, ${result.files} files\n`);
		if (!ok) process.stdout.write(`${[result.message, result.details].filter(Boolean).join('\n')}\n`);
	};
	try {
		for (const folder of builtFolders(args)) {
			const { name } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
			// Source leg: the committed packages/<name>/, which n8n finds in the checkout by its package.json's name.
			const source = join(root, 'packages', name);
			const sourceManifest = join(source, 'package.json');
			const sourceName = existsSync(sourceManifest) ? JSON.parse(readFileSync(sourceManifest, 'utf8')).name : undefined;
			if (sourceName !== name) {
				report(false, 'source', name, relative(root, source), {
					files: 0,
					message: `${relative(root, sourceManifest)} is missing or names another package: n8n would find no source for ${name}`,
				});
			} else {
				const result = await leg(source, SOURCE_FILE_PATTERNS);
				report(result.passed, 'source', name, relative(root, source), result);
			}
			// Tarball leg: what npm publish would upload.
			const { tarball, unpacked } = packAndUnpack(folder, work);
			const result = await leg(unpacked, TARBALL_FILE_PATTERNS);
			report(result.passed, 'tarball', name, tarball, result);
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	return failed;
}

try {
	process.exit((await main(process.argv.slice(2))) === 0 ? 0 : 1);
} catch (error) {
	process.stderr.write(`scan: ${error.message}\n`);
	process.exit(1);
}
