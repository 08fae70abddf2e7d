/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
/** Which n8n runtime N8N_LINE selects, and that the two lines never share a cache folder. */
import { RUNTIMES, defaultRuntimeDir, selectedRuntimeSpec } from '../n8n/runtime';

const saved = { ...process.env };
afterEach(() => {
	process.env = { ...saved };
});

test('unset N8N_LINE means n8n 2.41.1 on Node 24, with nothing extra', () => {
	expect(selectedRuntimeSpec(undefined)).toMatchObject({
		n8nVersion: '2.41.1',
		nodeVersion: '24.21.0',
		env: {},
		overrides: {},
	});
	expect(selectedRuntimeSpec('')).toBe(RUNTIMES['2']);
	expect(selectedRuntimeSpec('2.x')).toBe(RUNTIMES['2']);
});

test('N8N_LINE=1 means n8n 1.123 on Node 20, with its install and expression-engine work-arounds', () => {
	expect(selectedRuntimeSpec('1')).toMatchObject({
		n8nVersion: expect.stringMatching(/^1\.123\.\d+$/),
		nodeVersion: expect.stringMatching(/^20\./),
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		overrides: { xlsx: '0.18.5' },
	});
	expect(selectedRuntimeSpec(' 1.x ')).toBe(RUNTIMES['1']);
});

test('an unknown N8N_LINE is an error naming the known lines, not a silent default', () => {
	expect(() => selectedRuntimeSpec('3')).toThrow('N8N_LINE=3 is not a tested n8n line; use one of: 1, 2');
});

test('each line has its own cache folder, and N8N_RUNTIME_DIR moves only the 2.x one', () => {
	delete process.env.N8N_RUNTIME_DIR;
	delete process.env.N8N_1_RUNTIME_DIR;
	process.env.XDG_CACHE_HOME = '/cache';
	expect(defaultRuntimeDir(RUNTIMES['2'])).toBe('/cache/n8n-nodes-token-auth/n8n-2.41.1');
	expect(defaultRuntimeDir(RUNTIMES['1'])).toBe(`/cache/n8n-nodes-token-auth/n8n-${RUNTIMES['1'].n8nVersion}`);

	process.env.N8N_RUNTIME_DIR = '/elsewhere/n8n-2';
	expect(defaultRuntimeDir(RUNTIMES['2'])).toBe('/elsewhere/n8n-2');
	expect(defaultRuntimeDir(RUNTIMES['1'])).toBe(`/cache/n8n-nodes-token-auth/n8n-${RUNTIMES['1'].n8nVersion}`);
	process.env.N8N_1_RUNTIME_DIR = '/elsewhere/n8n-1';
	expect(defaultRuntimeDir(RUNTIMES['1'])).toBe('/elsewhere/n8n-1');
});
