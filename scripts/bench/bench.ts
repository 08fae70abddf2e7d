/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * `npm run bench`: this package's nodes against n8n's own HTTP Request node doing the same calls,
 * in one real n8n (the cached runtime, test/n8n/runtime.ts), against the bundled provider servers
 * with a set latency. Every row is its own `n8n execute`; a row with a credential runs cold (empty
 * token) and then warm. Rows of a group alternate (cold pass in one order, warm passes in the
 * reverse, then forward again...) so machine noise hits both sides.
 *
 * Node time is n8n's own: the measured node's task `executionTime` in the run data, not the wall
 * clock of the CLI (whose ~4 s of start-up would drown everything).
 *
 *   npm run bench                        1,000 Viafoura logins, 200 items for the other rows
 *   npm run bench -- --quick             50 and 20 items: a smoke run (~3 min)
 *   npm run bench -- --only viafoura     rows whose id contains the text
 *   npm run bench -- --items 300         that many items in every row
 *   npm run bench -- --latency 200       the latency of the rows that have one (default 20 ms)
 *   npm run bench -- --repeat 3          warm runs per row (the median counts)
 *   npm run bench -- --out file.json     where the JSON goes (default docs/bench-results.json;
 *                                        --quick writes it to the temp folder)
 *   npm run bench -- --label before      a label stored in the JSON
 *   npm run bench -- --default-concurrency 5   the nodes' default (DEFAULT_CONCURRENCY unless given),
 *                                        for the latency-bound target of rows that leave it alone
 *   npm run bench -- --profile <row id>  one more warm run of that row with --cpu-prof (the
 *                                        .cpuprofile files land in the printed folder); several
 *                                        ids, comma-separated, are profiled one after another, each
 *                                        in a folder of its own
 *   npm run bench -- --node-options '--require /path/x.cjs'   more Node options for every `n8n
 *                                        execute` (an instrumentation or experiment preload)
 *
 * Needs `npm run build` first (npm run bench does it). Not part of `npm test`: timings are for
 * people, never asserted.
 */
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

import { DEFAULT_CONCURRENCY } from '../../nodeExecution/nodeRequests';
import { N8nTestBed, REPO_ROOT, type ExecuteResult } from '../../test/n8n/testBed';
import { N8N_VERSION } from '../../test/n8n/runtime';
import { ProviderServer } from '../../test/providers/providerServer';
import { createRingCx } from '../../test/providers/ringcx';
import { createSatellite } from '../../test/providers/satellite';
import { VIAFOURA_SITE, createViafoura } from '../../test/providers/viafoura';
import { createVirtuous } from '../../test/providers/virtuous';
import { ProviderMeter } from './providerMeter';
import { benchRows, benchWorkflow, type BenchRow, type ProviderName } from './workflows';

interface Args {
	quick: boolean;
	only?: string;
	repeat: number;
	out: string;
	profile?: string;
	label?: string;
	/** The nodes' default Max Concurrent Requests, for the latency bound of rows that leave it alone. */
	defaultConcurrency: number;
	/** Overrides the item counts (all rows). */
	items?: number;
	/** The latency of the rows that have one (20 ms by default). */
	latencyMs: number;
	/** More Node options for every `n8n execute`. */
	nodeOptions: string;
}

function parseArgs(argv: string[]): Args {
	const args: Args = {
		quick: false,
		repeat: 1,
		out: '',
		defaultConcurrency: DEFAULT_CONCURRENCY,
		latencyMs: 20,
		nodeOptions: '',
	};
	for (let i = 0; i < argv.length; i++) {
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${argv[i - 1]} needs a value`);
			return next;
		};
		switch (argv[i]) {
			case '--quick':
				args.quick = true;
				break;
			case '--only':
				args.only = value();
				break;
			case '--repeat':
				args.repeat = Math.max(1, Number(value()) || 1);
				break;
			case '--out':
				args.out = value();
				break;
			case '--profile':
				args.profile = value();
				break;
			case '--label':
				args.label = value();
				break;
			case '--items':
				args.items = Number(value());
				break;
			case '--latency':
				args.latencyMs = Number(value());
				break;
			case '--node-options':
				args.nodeOptions = value();
				break;
			case '--default-concurrency':
				args.defaultConcurrency = Number(value());
				break;
			default:
				throw new Error(`Unknown option ${argv[i]} (see scripts/bench/bench.ts)`);
		}
	}
	args.out ||= args.quick
		? join(tmpdir(), 'n8n-nodes-token-auth-bench-results.quick.json')
		: join(REPO_ROOT, 'docs', 'bench-results.json');
	return args;
}

export interface Measurement {
	ok: boolean;
	failure?: string;
	/** The node's executionTime in n8n's run data, ms. */
	nodeMs: number;
	/** CPU time the n8n process spent while the node ran, ms (cpuMeter.cjs; NaN when it wrote nothing). */
	nodeCpuMs: number;
	outputItems: number;
	tokenRequests: number;
	/** Requests on the row's call path (retries included). */
	callRequests: number;
	/** Of those, answered 429 by the rate-limit window. */
	limited: number;
	peakInFlight: number;
}

export interface RowResult {
	id: string;
	group: string;
	label: string;
	latencyMs: number;
	items: number;
	concurrency?: number;
	baseline: boolean;
	/** n8n's own node and credential only (the Header Auth row): no package target applies. */
	n8nOnly?: boolean;
	cold?: Measurement;
	warm: Measurement[];
	/** Median warm node time, ms. */
	nodeMs: number;
	perItemMs: number;
	/** Median warm CPU time of the n8n process while the node ran, per item, ms. */
	cpuPerItemMs: number;
	/** nodeMs / the group's baseline nodeMs. */
	ratio?: number;
}

/** A valid token from the bundled Viafoura server, for the Header Auth row (tokens live an hour). */
async function viafouraToken(baseUrl: string): Promise<string> {
	const response = await fetch(`${baseUrl}/oauth2/token`, {
		method: 'POST',
		headers: {
			Authorization: `Basic ${Buffer.from(`${VIAFOURA_SITE.siteId}:${VIAFOURA_SITE.apiKey}`).toString('base64')}`,
			'Content-Type': 'application/x-www-form-urlencoded',
		},
		body: 'grant_type=client_credentials&scope=accounts',
	});
	const { access_token: token } = (await response.json()) as { access_token?: string };
	if (!response.ok || !token) throw new Error(`The Viafoura server issued no token (HTTP ${response.status})`);
	return token;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function log(line: string): void {
	process.stderr.write(`[bench] ${line}\n`);
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const servers: Record<ProviderName, ProviderServer> = {
		viafoura: new ProviderServer(createViafoura()),
		ringcx: new ProviderServer(createRingCx()),
		satellite: new ProviderServer(createSatellite()),
		virtuous: new ProviderServer(createVirtuous()),
	};
	for (const server of Object.values(servers)) await server.listen();
	const meters = Object.fromEntries(
		Object.entries(servers).map(([name, server]) => [name, new ProviderMeter(server)]),
	) as Record<ProviderName, ProviderMeter>;
	const urls = {
		viafoura: servers.viafoura.url,
		ringcx: servers.ringcx.url,
		satellite: servers.satellite.url,
		virtuous: servers.virtuous.url,
	};
	const sizes = args.items
		? { items: args.items, smallItems: args.items }
		: args.quick
			? { items: 50, smallItems: 20 }
			: { items: 1000, smallItems: 200 };
	const rows = benchRows(urls, sizes, args.latencyMs, await viafouraToken(urls.viafoura)).filter(
		(row) => !args.only || row.id.includes(args.only),
	);
	if (rows.length === 0) throw new Error(`No row id contains "${args.only}"`);

	log(`Starting a test bed (n8n ${N8N_VERSION}) and importing ${rows.length} rows`);
	const bed = await N8nTestBed.create({ name: 'bench' });
	const results: RowResult[] = [];
	try {
		const credentialId = (row: BenchRow) => `bench${String(rows.indexOf(row)).padStart(4, '0')}credential`.slice(0, 20);
		await bed.importCredentials(
			rows
				.filter((row) => row.credential)
				.map((row) => ({
					id: credentialId(row),
					name: `bench ${row.id}`,
					type: row.credential!.type,
					data: row.credential!.data,
				})),
		);
		const workflowIds = await bed.importWorkflows(rows.map((row) => benchWorkflow(row, credentialId(row))));
		const workflowOf = new Map(rows.map((row, i) => [row, workflowIds[i]]));

		const cpuDir = await mkdtemp(join(tmpdir(), 'n8n-bench-cpu-'));
		let runs = 0;
		const run = async (row: BenchRow, phase: string, nodeOptions = ''): Promise<Measurement> => {
			const server = servers[row.provider];
			const meter = meters[row.provider];
			server.resetFaults();
			server.setLatency(row.latencyMs);
			meter.reset(phase === 'cold' ? undefined : row.rateLimit);
			const cpuFile = join(cpuDir, `run-${++runs}.json`);
			bed.env.NODE_OPTIONS = `--require ${CPU_METER} ${args.nodeOptions} ${nodeOptions}`.trim();
			bed.env.BENCH_CPU_FILE = cpuFile;
			const result = await bed.execute(workflowOf.get(row)!, { timeoutMs: 15 * 60 * 1000 });
			const cpu = await readFile(cpuFile, 'utf8').then(
				(text) => JSON.parse(text) as CpuSample[],
				() => [],
			);
			const measurement = measure(row, result, server, meter, cpu);
			log(
				`${row.id} ${phase}: ${measurement.nodeMs} ms (CPU ${fmt(measurement.nodeCpuMs)} ms), ${measurement.tokenRequests} token requests, peak ${measurement.peakInFlight} in flight` +
					(measurement.ok ? '' : `, FAILED: ${measurement.failure}`),
			);
			return measurement;
		};

		const groups = [...new Set(rows.map((row) => row.group))];
		for (const group of groups) {
			const members = rows.filter((row) => row.group === group);
			const cold = new Map<BenchRow, Measurement>();
			const warm = new Map<BenchRow, Measurement[]>(members.map((row) => [row, []]));
			for (const row of members) if (row.cold) cold.set(row, await run(row, 'cold'));
			for (let pass = 0; pass < args.repeat; pass++) {
				// Alternate the order between passes: the cold pass went forward, so the first warm pass goes back.
				const order = pass % 2 === 0 ? [...members].reverse() : members;
				for (const row of order) warm.get(row)!.push(await run(row, `warm ${pass + 1}`));
			}
			const baseline = members.find((row) => row.baseline);
			const baselineMs = baseline ? median(warm.get(baseline)!.map((m) => m.nodeMs)) : undefined;
			for (const row of members) {
				const nodeMs = median(warm.get(row)!.map((m) => m.nodeMs));
				results.push({
					id: row.id,
					group: row.group,
					label: row.label,
					latencyMs: row.latencyMs,
					items: row.items,
					concurrency: row.concurrency,
					baseline: row.baseline,
					n8nOnly: row.n8nOnly,
					cold: cold.get(row),
					warm: warm.get(row)!,
					nodeMs,
					perItemMs: nodeMs / row.items,
					cpuPerItemMs:
						median(
							warm
								.get(row)!
								.map((m) => m.nodeCpuMs)
								.filter(Number.isFinite),
						) / row.items,
					ratio: baselineMs ? nodeMs / baselineMs : undefined,
				});
			}
		}

		if (args.profile) {
			const profiled = args.profile.split(',').map((id) => {
				const row = rows.find((candidate) => candidate.id === id);
				if (!row) throw new Error(`No row "${id}" to profile`);
				return row;
			});
			const dir = await mkdtemp(join(tmpdir(), 'n8n-bench-cpuprofile-'));
			for (const row of profiled) {
				const rowDir = join(dir, row.id);
				await run(row, 'profiled', `--cpu-prof --cpu-prof-dir=${rowDir}`);
				log(`CPU profiles of ${row.id}: ${rowDir} (${(await readdir(rowDir)).join(', ')})`);
			}
		}
	} finally {
		await bed.dispose();
		for (const server of Object.values(servers)) await server.close();
	}

	const report = {
		date: new Date().toISOString(),
		label: args.label,
		// A preload can change what n8n does: results under one are not the plain bench's.
		nodeOptions: args.nodeOptions || undefined,
		mode: args.quick ? 'quick' : 'full',
		machine: {
			cpus: cpus().length,
			cpuModel: cpus()[0]?.model,
			memoryGb: Math.round(totalmem() / 2 ** 30),
			node: process.version,
			n8n: N8N_VERSION,
		},
		rows: results,
		targets: targets(results, args.defaultConcurrency),
	};
	await writeFile(args.out, `${JSON.stringify(report, null, '\t')}\n`);
	process.stdout.write(
		`${table(results)}\n\n${report.targets.map((t) => `${t.measured === 0 ? 'NOT RUN' : t.met ? 'MET    ' : 'NOT MET'} ${t.target}: ${t.detail}`).join('\n')}\n\nJSON: ${args.out}\n`,
	);
}

/** `[epoch ms, CPU ms so far]`, as cpuMeter.cjs writes them. */
type CpuSample = [number, number];

const CPU_METER = join(REPO_ROOT, 'scripts', 'bench', 'cpuMeter.cjs');

/** The process's CPU time at `time`, interpolated between the samples around it (NaN outside them). */
function cpuAt(samples: CpuSample[], time: number): number {
	const after = samples.findIndex(([at]) => at >= time);
	if (after <= 0) return after === 0 && samples[0][0] === time ? samples[0][1] : NaN;
	const [t0, c0] = samples[after - 1];
	const [t1, c1] = samples[after];
	return c0 + ((c1 - c0) * (time - t0)) / (t1 - t0);
}

function measure(
	row: BenchRow,
	result: ExecuteResult,
	server: ProviderServer,
	meter: ProviderMeter,
	cpu: CpuSample[],
): Measurement {
	const task = result.nodeRuns('Target').at(-1);
	const error = result.nodeError('Target');
	const output = result.nodeOutput('Target');
	const tokenRequests = server.log.filter(
		(entry) => entry.method === 'POST' && row.tokenPaths.includes(entry.path),
	).length;
	return {
		ok: result.ok && error === undefined,
		failure: result.ok ? undefined : result.failureSummary().split('\n').slice(0, 3).join(' | '),
		// With Retry On Fail the node runs again: its time is the sum of its tries.
		nodeMs:
			result.nodeRuns('Target').reduce((sum, run) => sum + (run.executionTime ?? 0), 0) || (task?.executionTime ?? NaN),
		nodeCpuMs: result
			.nodeRuns('Target')
			.reduce(
				(sum, run) =>
					sum + (cpuAt(cpu, (run.startTime ?? NaN) + (run.executionTime ?? NaN)) - cpuAt(cpu, run.startTime ?? NaN)),
				0,
			),
		outputItems: output.length,
		tokenRequests,
		callRequests: server.log.filter((entry) => entry.path === row.callPath).length,
		limited: meter.limited,
		peakInFlight: meter.peakInFlight,
	};
}

function fmt(value: number | undefined, digits = 0): string {
	return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

export function table(results: RowResult[]): string {
	const lines = [
		'| row | latency | items | node time (ms) | per item (ms) | CPU per item (ms) | vs HTTP Request | token requests cold / warm | peak in flight | requests sent (429s) |',
		'|---|---|---|---|---|---|---|---|---|---|',
	];
	for (const row of results) {
		const warm = row.warm[0];
		const failed = [row.cold, ...row.warm].some((m) => m && !m.ok) ? ' (failed runs: see JSON)' : '';
		lines.push(
			`| ${row.label}${failed} | ${row.latencyMs} ms | ${row.items} | ${fmt(row.nodeMs)} | ${fmt(row.perItemMs, 2)} | ${fmt(row.cpuPerItemMs, 2)} | ${row.baseline ? 'baseline' : `${fmt(row.ratio, 2)}×`} | ${row.cold ? row.cold.tokenRequests : '–'} / ${row.warm.map((m) => m.tokenRequests).join(', ')} | ${warm?.peakInFlight ?? '–'} | ${warm ? `${warm.callRequests} (${warm.limited})` : '–'} |`,
		);
	}
	return lines.join('\n');
}

interface TargetCheck {
	target: string;
	met: boolean;
	/** Rows the target was checked on: 0 when `--only` left none (printed as NOT RUN). */
	measured: number;
	detail: string;
}

/** Issue 11's targets, checked on the measured rows. */
export function targets(results: RowResult[], defaultConcurrency: number): TargetCheck[] {
	const packageRows = results.filter(
		(row) => !row.baseline && !row.n8nOnly && !row.id.startsWith('virtuous') && !row.id.includes('-429-'),
	);
	const checks: TargetCheck[] = [];
	const ratios = packageRows.filter((row) => row.ratio !== undefined);
	checks.push({
		target: 'per-item node time ≤ 0.5× the HTTP Request node (0 ms and the set latency)',
		met: ratios.length > 0 && ratios.every((row) => (row.ratio ?? Infinity) <= 0.5),
		measured: ratios.length,
		detail: ratios.map((row) => `${row.id} ${fmt(row.ratio, 2)}×`).join(', '),
	});
	const bound: string[] = [];
	let boundMet = true;
	for (const row of packageRows.filter((candidate) => candidate.latencyMs > 0)) {
		const atZero = results.find((candidate) => candidate.id === row.id.replace(`-${row.latencyMs}ms-`, '-0ms-'));
		const concurrency = row.concurrency ?? defaultConcurrency;
		if (!atZero) continue;
		const limit = 1.5 * Math.max((row.items * row.latencyMs) / concurrency, atZero.nodeMs);
		boundMet &&= row.nodeMs <= limit;
		bound.push(`${row.id} ${fmt(row.nodeMs)} ms vs ≤ ${fmt(limit)} ms`);
	}
	checks.push({
		target: 'with latency, node time ≤ 1.5× max(N·latency/c, own time at 0 ms)',
		met: bound.length > 0 && boundMet,
		measured: bound.length,
		detail: bound.join(', '),
	});
	const tokenRows = results.filter((row) => row.cold && !row.id.endsWith('-plain'));
	const tokenMet = tokenRows.every(
		(row) => row.cold!.tokenRequests === 1 && row.warm.every((m) => m.tokenRequests === 0),
	);
	checks.push({
		target: 'token requests: 1 cold, 0 warm (every row with a credential)',
		met: tokenRows.length > 0 && tokenMet,
		measured: tokenRows.length,
		detail:
			tokenRows
				.filter((row) => row.cold!.tokenRequests !== 1 || row.warm.some((m) => m.tokenRequests !== 0))
				.map(
					(row) => `${row.id} ${row.cold!.tokenRequests} cold / ${row.warm.map((m) => m.tokenRequests).join(',')} warm`,
				)
				.join(', ') || 'all rows',
	});
	// The HTTP Request node with this package's credential against the same node with n8n's Header Auth, chosen
	// as a generic credential (its own, cheaper path through the node) and as a predefined type (the same path).
	for (const [suffix, which] of [
		['-header-auth', "n8n's Header Auth"],
		['-header-auth-predefined', "n8n's Header Auth on the same path (a predefined credential type)"],
	]) {
		const pairs = results
			.filter((row) => row.id.endsWith(suffix))
			.flatMap((headerAuth) => {
				const credential = results.find((row) => row.group === headerAuth.group && row.baseline);
				return credential ? [{ headerAuth, credential }] : [];
			});
		checks.push({
			target: `HTTP Request node: the package's credential per item ≤ ${which}`,
			met:
				pairs.length > 0 && pairs.every(({ headerAuth, credential }) => credential.perItemMs <= headerAuth.perItemMs),
			measured: pairs.length,
			detail: pairs
				.map(
					({ headerAuth, credential }) =>
						`${credential.group} ${fmt(credential.perItemMs, 2)} vs ${fmt(headerAuth.perItemMs, 2)} ms (${fmt(credential.perItemMs / headerAuth.perItemMs, 2)}×), CPU ${fmt(credential.cpuPerItemMs, 2)} vs ${fmt(headerAuth.cpuPerItemMs, 2)} ms (${fmt(credential.cpuPerItemMs / headerAuth.cpuPerItemMs, 2)}×)`,
				)
				.join(', '),
		});
	}
	const limited = results.filter((row) => row.id.includes('-429-'));
	checks.push({
		target: 'a 429 with Retry-After: requests sent ≤ items + 429s answered, and no burst',
		met:
			limited.length > 0 &&
			limited
				.filter((row) => !row.baseline)
				.every((row) => row.warm.every((m) => m.ok && m.callRequests <= row.items + m.limited)),
		measured: limited.length,
		detail: limited
			.map(
				(row) =>
					`${row.id}: ${row.warm.map((m) => `${m.callRequests} sent, ${m.limited} answered 429, ${m.outputItems} items out${m.ok ? '' : ', failed'}`).join('; ')}`,
			)
			.join(' / '),
	});
	return checks;
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
