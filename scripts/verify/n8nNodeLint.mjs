// `npm run lint`: n8n's own `n8n-node lint` (from @n8n/node-cli, strict mode, eslint.config.mjs unmodified)
// over exactly what the package ships.
//
// `n8n-node lint` runs `eslint .` with n8n's config, whose only ignore is `dist`: from the repository root it
// would also hold the tests, the test bed and the dev scripts (which must spawn processes and read files) to
// the rules for code that runs inside n8n. So this script copies the shipped sources (the folders listed in
// package.json `files`, as TypeScript), package.json, tsconfig.json and the unmodified eslint.config.mjs into
// .verify/lint/ and runs `n8n-node lint` there. Node's resolution walks up to the repository's node_modules.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stage = join(root, '.verify', 'lint');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const sourceFolders = pkg.files.filter((f) => f.startsWith('dist/')).map((f) => f.slice('dist/'.length));
const fix = process.argv.includes('--fix');

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const file of ['package.json', 'tsconfig.json', 'eslint.config.mjs']) cpSync(join(root, file), join(stage, file));
for (const folder of sourceFolders) {
	if (!existsSync(join(root, folder))) throw new Error(`package.json files names dist/${folder}, but ${folder}/ does not exist`);
	cpSync(join(root, folder), join(stage, folder), { recursive: true });
}

const bin = join(root, 'node_modules', '.bin', 'n8n-node');
const run = spawnSync(bin, ['lint', ...(fix ? ['--fix'] : [])], { cwd: stage, stdio: 'inherit' });
if (fix && run.status === 0) {
	// Bring --fix results back into the real sources.
	for (const folder of sourceFolders) cpSync(join(stage, folder), join(root, folder), { recursive: true });
}
process.exit(run.status ?? 1);
