/**
 * `npm run bench`: runs every workload (or those named on the command line) in its own process and
 * prints one JSON line each: {"workload", "median_ms", "min_ms", "peak_rss_mb", ...}.
 */
import { spawnSync } from 'node:child_process';
import { LATENCY_WORKLOADS } from './latencyWorkloads';
import { workloads } from './workloads';

const requested = process.argv.slice(2);
const names = requested.length > 0 ? requested.filter((name) => !LATENCY_WORKLOADS.includes(name)) : Object.keys(workloads);
const latency = requested.length > 0 ? requested.filter((name) => LATENCY_WORKLOADS.includes(name)) : [...LATENCY_WORKLOADS];
let failed = false;
for (const name of names) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', 'bench/workload.ts', name], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  failed ||= result.status !== 0;
}
// The notebook latency workloads (Run All, re-running a plot cell, activation) share one
// production build, made by bench/latency.ts.
if (latency.length > 0) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/latency.ts', ...latency], { stdio: ['ignore', 'inherit', 'inherit'] });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
