/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * `npx tsx scripts/bench/coldBatch.ts`: the bench's "HTTP Request node, Viafoura API credential" row
 * (1,000 Viafoura logins) run cold again and again in one real n8n, each run after the credential was
 * imported anew with an empty token, then once warm. Per run it prints what the provider server saw
 * (token requests, logins with their answers, logout probes) and what n8n's CredentialsHelper did
 * (credentialCalls.cjs): decrypts, preAuthentication asks, those that reached the credential, saves.
 *
 *   npx tsx scripts/bench/coldBatch.ts                   5 cold runs at 0 ms and at 20 ms
 *   npx tsx scripts/bench/coldBatch.ts --runs 10 --items 300 --latency 0,200
 *   npx tsx scripts/bench/coldBatch.ts --start revoked   each run starts with a token the provider
 *                                                        no longer accepts (unexpired, issued for
 *                                                        these inputs): every item read before the
 *                                                        renewal gets a 401, and n8n asks again
 *
 * Needs `npm run build` first. Counts, not timings: they do not change with the load on the machine.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { N8nTestBed, REPO_ROOT } from '../../test/n8n/testBed';
import { ProviderServer } from '../../test/providers/providerServer';
import { createViafoura } from '../../test/providers/viafoura';
import { viafoura } from '../../providers/viafoura/client';
import { tokenOwnerFingerprint } from '../../tokenLifecycle/signInFingerprint';
import { benchRows, benchWorkflow } from './workflows';

const CALLS = join(REPO_ROOT, 'scripts', 'bench', 'credentialCalls.cjs');

function option(name: string, fallback: string): string {
	const at = process.argv.indexOf(`--${name}`);
	return at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
	const runs = Number(option('runs', '5'));
	const items = Number(option('items', '1000'));
	const latencies = option('latency', '0,20').split(',').map(Number);
	const start = option('start', 'cold');
	if (start !== 'cold' && start !== 'revoked') throw new Error('--start is cold or revoked');
	const server = new ProviderServer(createViafoura());
	await server.listen();
	const urls = { viafoura: server.url, ringcx: '', satellite: '', virtuous: '' };
	const bed = await N8nTestBed.create({ name: 'cold-batch' });
	const callsDir = await mkdtemp(join(tmpdir(), 'n8n-bench-calls-'));
	const lines = [
		'| latency | run | token requests | logins answered 200 / 401 | logout probes | decrypts per item | preAuthentication asks (after a failure) | reached the credential | credential saves |',
		'|---|---|---|---|---|---|---|---|---|',
	];
	try {
		for (const latencyMs of latencies) {
			const row = benchRows(urls, { items, smallItems: items }, latencyMs).find(
				(candidate) => candidate.id === `viafoura-login-${latencyMs}ms-http`,
			)!;
			const credential = { id: `coldbatch${latencyMs}ms`.slice(0, 20), name: `cold batch ${latencyMs} ms` };
			const [workflowId] = await bed.importWorkflows([benchWorkflow(row, credential.id)]);
			server.setLatency(latencyMs);
			for (let run = 1; run <= runs + 1; run++) {
				const warm = run > runs;
				// Imported anew, the credential has an empty token (cold) or one the provider never issued (revoked).
				const data = row.credential!.data;
				const revoked = {
					accessToken: 'revoked+token/=',
					tokenExpiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
					tokenOwner: tokenOwnerFingerprint(data as ICredentialDataDecryptedObject, viafoura.lifecycle),
				};
				if (!warm) {
					await bed.importCredentials([
						{ ...credential, type: row.credential!.type, data: start === 'cold' ? data : { ...data, ...revoked } },
					]);
				}
				server.clearLog();
				const callsFile = join(callsDir, `${latencyMs}-${run}.json`);
				bed.env.NODE_OPTIONS = `--require ${CALLS}`;
				bed.env.BENCH_CALLS_FILE = callsFile;
				const result = await bed.execute(workflowId, { timeoutMs: 15 * 60 * 1000 });
				const calls = (await readFile(callsFile, 'utf8').then(JSON.parse, () => ({}))) as Record<string, number>;
				const logins = server.log.filter((entry) => entry.path === row.callPath);
				const line = [
					`${latencyMs} ms`,
					`${warm ? 'warm' : `${start} ${run}`}${result.ok ? '' : ' (failed)'}`,
					server.log.filter((entry) => entry.method === 'POST' && row.tokenPaths.includes(entry.path)).length,
					`${logins.filter((entry) => entry.status === 200).length} / ${logins.filter((entry) => entry.status === 401).length}`,
					server.log.filter((entry) => entry.path === '/rest/v1/accounts/logout').length,
					((calls.getDecrypted ?? 0) / items).toFixed(2),
					`${calls.preAuthentication ?? 0} (${calls['preAuthentication after a failure'] ?? 0})`,
					calls["credential's preAuthentication"] ?? 0,
					calls.updateCredentials ?? 0,
				];
				lines.push(`| ${line.join(' | ')} |`);
				process.stderr.write(`[cold batch] ${lines.at(-1)}\n`);
			}
		}
	} finally {
		delete bed.env.NODE_OPTIONS;
		await bed.dispose();
		await server.close();
	}
	process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
