// Every URL that points at the project's home is derived from ONE field: package.json `repository.url`.
// Moving the project is a one-line change there followed by `npm run build` (which runs this first), or
// `node scripts/build/syncRepositoryUrls.mjs` alone. It writes:
//   - package.json `homepage` and `bugs.url`;
//   - each credential's `documentationUrl` (<home>/blob/main/docs/<provider>.md) and each codex file's
//     documentation URLs;
//   - README.md links to files in the repository, as absolute URLs so they also work on the npm page
//     (images through /raw/, everything else through /blob/).
// `--check` changes nothing and exits 1 when a file is out of step (the unit tests run it); `--home <url>`
// checks against another home instead of package.json's (the tests use it to see every place is covered).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BRANCH = 'main';

/** https://github.com/<owner>/<name> from `git+https://github.com/<owner>/<name>.git` and similar. */
export function repositoryHome(pkg) {
	const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	const match = /github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(url ?? '');
	if (!match) throw new Error(`package.json repository.url must be a GitHub repository, got ${JSON.stringify(url)}`);
	return `https://github.com/${match[1]}/${match[2]}`;
}

const HOME_PATTERN = String.raw`https://github\.com/[\w.-]+/[\w.-]+?`;
/** A provider's page in docs/ (what credentials and codex files link to), or an anchor of the README. */
const DOC_PAGE_PATTERN = String.raw`(?:#[\w-]+|/blob/[\w.-]+/docs/[\w.-]+\.md)`;

/** Returns [relative path, new text] for every file whose text differs from what `home` requires. */
export function plannedChanges(home) {
	const changes = [];
	const update = (file, transform) => {
		const path = join(root, file);
		const before = readFileSync(path, 'utf8');
		const after = transform(before);
		if (after !== before) changes.push([file, after]);
	};

	update('package.json', (text) => {
		const pkg = JSON.parse(text);
		const next = { ...pkg, homepage: `${home}#readme`, bugs: { url: `${home}/issues` } };
		// Keep the field order: homepage where it was, bugs right after it.
		const ordered = {};
		for (const [key, value] of Object.entries(next)) {
			if (key === 'bugs') continue;
			ordered[key] = value;
			if (key === 'homepage') ordered.bugs = next.bugs;
		}
		return `${JSON.stringify(ordered, null, 2)}\n`;
	});

	for (const file of readdirSync(join(root, 'credentials')).filter((f) => f.endsWith('.credentials.ts'))) {
		update(`credentials/${file}`, (text) =>
			text.replace(new RegExp(`(documentationUrl = ')${HOME_PATTERN}(${DOC_PAGE_PATTERN}')`), `$1${home}$2`),
		);
	}
	for (const node of readdirSync(join(root, 'nodes'))) {
		for (const file of readdirSync(join(root, 'nodes', node)).filter((f) => f.endsWith('.node.json'))) {
			update(`nodes/${node}/${file}`, (text) =>
				text.replace(new RegExp(`("url": ")${HOME_PATTERN}(${DOC_PAGE_PATTERN}")`, 'g'), `$1${home}$2`),
			);
		}
	}

	update('README.md', (text) =>
		text.replace(
			new RegExp(`\\]\\((?:${HOME_PATTERN}/(?:blob|raw)/[\\w.-]+/)?((?:docs|examples|\\.github)/[^)\\s#]+|LICENSE|CHANGELOG\\.md)\\)`, 'g'),
			(_, path) => `](${home}/${/\.(png|jpe?g|gif|svg)$/.test(path) ? 'raw' : 'blob'}/${BRANCH}/${path})`,
		),
	);
	return changes;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const homeFlag = process.argv.indexOf('--home');
	const home =
		homeFlag > 0
			? repositoryHome({ repository: process.argv[homeFlag + 1] })
			: repositoryHome(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
	const changes = plannedChanges(home);
	if (process.argv.includes('--check')) {
		for (const [file] of changes) process.stderr.write(`${file} does not use ${home}: run node scripts/build/syncRepositoryUrls.mjs\n`);
		process.exit(changes.length === 0 ? 0 : 1);
	}
	for (const [file, text] of changes) {
		writeFileSync(join(root, file), text);
		process.stdout.write(`${file}: URLs now derive from ${home}\n`);
	}
}
