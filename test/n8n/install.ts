/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
/**
 * `npm run n8n:install`: installs (or confirms) the Node 24 + n8n 2.41.1 runtime the e2e tests use, so
 * the ~8 minute one-time install can happen outside a test run. With N8N_LINE=1 it installs the
 * n8n 1.123 + Node 20 runtime of the compatibility run instead (see runtime.ts).
 */
import { ensureN8nRuntime } from './runtime';

ensureN8nRuntime({ log: (line) => process.stdout.write(`[n8n-runtime] ${line}\n`) })
	.then((runtime) => {
		process.stdout.write(
			`[n8n-runtime] ${runtime.spec.line}: n8n ${runtime.spec.n8nVersion} on Node ${runtime.spec.nodeVersion}\n` +
				`[n8n-runtime] node: ${runtime.nodeBin}\n[n8n-runtime] n8n:  ${runtime.n8nBin}\n`,
		);
	})
	.catch((error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exitCode = 1;
	});
