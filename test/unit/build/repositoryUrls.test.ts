/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const SCRIPT = resolve(ROOT, 'scripts', 'build', 'syncRepositoryUrls.mjs');

function check(...extra: string[]) {
	return spawnSync(process.execPath, [SCRIPT, '--check', ...extra], { cwd: ROOT, encoding: 'utf8' });
}

describe('every project URL derives from package.json repository', () => {
	it('package.json, credentials, codex files and README all use the repository in package.json', () => {
		const run = check();
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
	});

	it('a different repository would change every one of those files', () => {
		const run = check('--home', 'git+https://github.com/acme/elsewhere.git');
		expect(run.status).toBe(1);
		const files = run.stderr.trim().split('\n').map((line) => line.split(' ')[0]).sort();
		expect(files).toEqual(
			[
				'README.md',
				'credentials/RingCxApi.credentials.ts',
				'credentials/SatelliteApi.credentials.ts',
				'credentials/ViafouraApi.credentials.ts',
				'credentials/VirtuousApi.credentials.ts',
				'nodes/RingCx/RingCx.node.json',
				'nodes/Satellite/Satellite.node.json',
				'nodes/Viafoura/Viafoura.node.json',
				'nodes/Virtuous/Virtuous.node.json',
				'package.json',
			].sort(),
		);
	});
});
