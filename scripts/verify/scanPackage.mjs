// n8n's community-package scan, run locally before publishing.
//
// n8n vets a package with @n8n/scan-community-package (`analyzePackage`): it lints the provenance-attested
// source checkout (package.json and nodes/, credentials/) and the published tarball (its compiled .js and
// package.json) with @n8n/eslint-plugin-community-nodes' recommended rules plus eslint-plugin-n8n-nodes-base's
// community, credentials and nodes rule sets, inline `eslint-disable` comments ignored; any error fails the
// package. The published @n8n/scan-community-package 0.32.0 cannot run on its own (its CLI imports a
// scanner.mjs the tarball does not contain), so this script builds the same lint from the same plugins.
//
//   node scripts/verify/scanPackage.mjs --pack [folder...]  # source leg + `npm pack` of the repository and of
//                                                            # each folder given (e.g. dist-packages/*)
//   node scripts/verify/scanPackage.mjs pkg.tgz dir/ ...    # source leg + tarballs or unpacked package folders
//   source:<folder> as an argument adds a source leg on that folder (a per-provider package's committed
//   folder in packages/, as n8n's scan finds it through the package's provenance)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import glob from 'fast-glob';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The source files the scan reads in a checkout, and the files it reads in a tarball. */
export const SOURCE_PATTERNS = ['package.json', '{nodes,credentials}/**/*.{js,ts,json}'];
export const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

function scanConfig() {
	return [
		n8nCommunityNodesPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
		{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
		{
			files: ['**/credentials/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: ['**/nodes/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
		{ files: ['**/*.json', '**/*.ts'], languageOptions: { parser: tsParser } },
	];
}

/** Lints one package folder as the scan does; returns the findings (errors and warnings) as text. */
export async function scanFolder(folder, patterns) {
	const eslint = new ESLint({ cwd: folder, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: scanConfig() });
	const files = glob.sync(patterns, { cwd: folder, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	if (files.length === 0) throw new Error(`no files to scan in ${folder}`);
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((n, r) => n + r.errorCount, 0);
	const warnings = results.reduce((n, r) => n + r.warningCount, 0);
	const report = errors + warnings > 0 ? await (await eslint.loadFormatter('stylish')).format(results) : '';
	return { files: files.length, errors, warnings, report };
}

/** Unpacks a tarball into a temporary folder and scans it as the tarball leg does. */
export async function scanTarball(tarball) {
	const folder = mkdtempSync(join(tmpdir(), 'scan-'));
	try {
		const untar = spawnSync('tar', ['-xzf', resolve(tarball), '-C', folder, '--strip-components=1']);
		if (untar.status !== 0) throw new Error(`tar failed on ${tarball}: ${untar.stderr}`);
		return await scanFolder(folder, TARBALL_PATTERNS);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

/** `npm pack` of a package folder into a temporary folder; returns the tarball's path. */
export function pack(folder, destination) {
	const run = spawnSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: folder, encoding: 'utf8' });
	if (run.status !== 0) throw new Error(`npm pack failed in ${folder}: ${run.stderr}`);
	const [{ filename }] = JSON.parse(run.stdout);
	return join(destination, filename);
}

async function main(args) {
	const legs = [['source (repository)', () => scanFolder(root, SOURCE_PATTERNS)]];
	let targets = args.filter((a) => a !== '--pack');
	if (args.includes('--pack')) {
		const destination = mkdtempSync(join(tmpdir(), 'pack-'));
		const sources = targets.filter((t) => t.startsWith('source:'));
		targets = [...sources, ...[root, ...targets.filter((t) => !sources.includes(t))].map((folder) => pack(folder, destination))];
	}
	for (const source of targets.filter((t) => t.startsWith('source:'))) {
		const folder = resolve(source.slice('source:'.length));
		legs.push([`source ${folder}`, () => scanFolder(folder, SOURCE_PATTERNS)]);
	}
	targets = targets.filter((t) => !t.startsWith('source:'));
	for (const target of targets) {
		legs.push([target, () => (statSync(target).isDirectory() ? scanFolder(resolve(target), TARBALL_PATTERNS) : scanTarball(target))]);
	}
	let findings = 0;
	for (const [name, scan] of legs) {
		const result = await scan();
		findings += result.errors + result.warnings;
		process.stdout.write(`${result.errors + result.warnings === 0 ? 'ok  ' : 'FAIL'} ${name}: ${result.files} files, ${result.errors} errors, ${result.warnings} warnings\n${result.report}`);
	}
	process.exit(findings === 0 ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	await main(process.argv.slice(2));
}
