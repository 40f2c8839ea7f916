/**
 * `npm run bench`: runs every workload (or those named on the command line) in its own process and
 * prints one JSON line each: {"workload", "median_ms", "min_ms", "peak_rss_mb", ...}.
 */
import { spawnSync } from 'node:child_process';
import { workloads } from './workloads';

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(workloads);
let failed = false;
for (const name of names) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', 'bench/workload.ts', name], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
