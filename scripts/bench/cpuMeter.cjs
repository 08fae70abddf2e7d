'use strict';
/**
 * Preloaded into `n8n execute` by the bench (NODE_OPTIONS=--require): samples the process's CPU time
 * (user + system, all its threads: sqlite and crypto work included) every 5 ms and writes the samples
 * to BENCH_CPU_FILE as the process exits. The bench reads the CPU the measured node used off them;
 * other jobs on the machine stretch a node's wall time far more than its CPU time.
 */
const file = process.env.BENCH_CPU_FILE;
// n8n's task runners inherit NODE_OPTIONS: only the `n8n execute` process writes.
if (file && process.argv.includes('execute')) {
	const { performance } = require('node:perf_hooks');
	const { writeFileSync } = require('node:fs');
	/** [epoch ms, CPU ms so far] */
	const samples = [];
	const take = () => {
		const { user, system } = process.cpuUsage();
		samples.push([performance.timeOrigin + performance.now(), (user + system) / 1000]);
	};
	take();
	setInterval(take, 5).unref();
	process.on('exit', () => {
		take();
		writeFileSync(file, JSON.stringify(samples));
	});
}
