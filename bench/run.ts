/**
 * `npm run bench`: runs every workload (or those named on the command line: a loss workload, a
 * latency workload, or `renderer`) in its own process and prints one JSON line each:
 * {"workload", "median_ms", "min_ms", "peak_rss_mb", ...}.
 */
import { spawnSync } from 'node:child_process';
import { withMallocTunables } from '../src/node/mallocTunables';
import { LATENCY_WORKLOADS } from './latencyWorkloads';
import { workloads } from './workloads';

const requested = process.argv.slice(2);
const RENDERER = 'renderer';
const names = requested.length > 0 ? requested.filter((name) => !LATENCY_WORKLOADS.includes(name) && name !== RENDERER) : Object.keys(workloads);
const latency = requested.length > 0 ? requested.filter((name) => LATENCY_WORKLOADS.includes(name)) : [...LATENCY_WORKLOADS];
let failed = false;
for (const name of names) {
  // Workloads run with the notebook kernel process's malloc settings, as a cell's losses would.
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', 'bench/timeOneWorkload.ts', name], {
    env: withMallocTunables(process.env),
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
// The figure renderer in headless Chromium: first render of each figure kind and slider updates.
if (requested.length === 0 || requested.includes(RENDERER)) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/renderer.ts'], { stdio: ['ignore', 'inherit', 'inherit'] });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
