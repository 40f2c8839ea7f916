/**
 * Times one workload in a process of its own, so that the peak RSS it reports belongs to that
 * workload alone. Prints one JSON line.
 */
import type { ScaleWorkload } from './scaleWorkloads';
import { workloads } from './workloads';

const name = process.argv[2];
const make = name === undefined ? undefined : workloads[name];
if (make === undefined) {
  console.error(`bench/workload.ts: unknown workload '${name}'; known: ${Object.keys(workloads).join(', ')}`);
  process.exit(2);
}
const runs = Number(process.env.BENCH_RUNS ?? 9);
const workload: ScaleWorkload = make();
const { gradBytes, step } = workload;
// A parallel workload's pool must be online before timing: workers start only while the event loop turns.
void Promise.resolve(workload.ready).then(measure);

function measure(): void {
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const rssBefore = process.memoryUsage().rss;
// Typed-array memory is external to the JS heap and is not collected within a call, so the growth
// of `arrayBuffers` over one call counts every array it allocated, kept or temporary.
const buffersBefore = process.memoryUsage().arrayBuffers;
step(); // also the warm-up that lets the JIT compile the kernels before timing
const allocatedBytes = process.memoryUsage().arrayBuffers - buffersBefore;
for (let i = 0; i < 2; i++) step();
const times: number[] = [];
let peakRss = process.memoryUsage().rss;
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  step();
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
// maxRSS (KiB) is the kernel's own peak, which also catches transient allocations between samples.
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
times.sort((a, b) => a - b);
const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
console.log(
  JSON.stringify({
    workload: name,
    median_ms: Math.round(times[Math.floor(times.length / 2)] * 100) / 100,
    min_ms: Math.round(times[0] * 100) / 100,
    peak_rss_mb: mib(peakRss),
    peak_extra_mb: mib(peakRss - rssBefore),
    alloc_per_call_mb: mib(allocatedBytes),
    grad_mb: mib(gradBytes),
    threads: workload.threads ?? 1,
  }),
);
workload.cleanup?.();
process.exit(0);
}
