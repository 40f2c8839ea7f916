/**
 * Times one workload in a process of its own, so that the peak RSS it reports belongs to that
 * workload alone. Prints one JSON line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { enableRelaxedSimd } from '../src/node/relaxedSimd';
import type { ScaleWorkload } from './scaleWorkloads';
import { medianOf, settleCollector, timedMs } from './timing';
import { workloads } from './workloads';

// As the notebook kernel does at start-up (src/node/kernel/worker.ts).
enableRelaxedSimd();
const name = process.argv[2];
const make = name === undefined ? undefined : workloads[name];
if (make === undefined) {
  console.error(`bench/timeOneWorkload.ts: unknown workload '${name}'; known: ${Object.keys(workloads).join(', ')}`);
  process.exit(2);
}
/**
 * Timed calls: at least MIN_RUNS, and more for a short workload until TIMED_MS of calls are timed
 * (up to MAX_RUNS). This 2-core VM's speed drifts by up to 2× over a second or so (neighbours on
 * the host), and a median of 9 calls of a 5 ms loss moved as much between two processes; of ~100
 * it moves a few percent. BENCH_RUNS fixes the count instead.
 */
const MIN_RUNS = 9;
const MAX_RUNS = 201;
const TIMED_MS = 1000;
/** Pairs (pooled call, one-thread call) timed after the pooled calls, for `paired_ratio`. */
const MAX_PAIRS = 61;
const fixedRuns = process.env.BENCH_RUNS === undefined ? undefined : Number(process.env.BENCH_RUNS);
/** Warm-up calls between two collections (as many as the default warm-up, which needs none). */
const WARMUP_CALLS_PER_COLLECTION = 3;
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
// A long warm-up is collected every few calls: garbage piled up over many calls would stay mapped by
// the allocator (the kernel process's malloc settings keep up to 256 MB) and count as peak memory.
// Not before every call: a collection between the first calls slowed the JIT's tier-up
// (triplet_batch_hard's median 19.2 → 26.5 ms).
const single = workload.singleThreadStep;
for (let i = 1; i < (workload.warmupCalls ?? 3); i++) {
  if (i % WARMUP_CALLS_PER_COLLECTION === 0) gc?.();
  step();
}
const times: number[] = [];
// The previous call's result is garbage but not yet collected: without a collection between calls
// two results would overlap (a 200 MB load would count twice). Collected outside the timed span.
gc?.();
const hwmReset = resetPeakRss();
let peakRss = process.memoryUsage().rss;
let timedTotalMs = 0;
// Process CPU time per call beside the wall time: on this shared, loaded VM a call's wall time
// includes waiting for a core, its CPU time does not (and a pooled call's counts every thread).
const cpuTimes: number[] = [];
while (fixedRuns !== undefined ? times.length < fixedRuns : times.length < MIN_RUNS || (timedTotalMs < TIMED_MS && times.length < MAX_RUNS)) {
  gc?.();
  settleCollector();
  const cpuBefore = process.cpuUsage();
  const ms = timedMs(step);
  const cpu = process.cpuUsage(cpuBefore);
  cpuTimes.push((cpu.user + cpu.system) / 1000);
  times.push(ms);
  timedTotalMs += ms;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
// Then, apart (the twin's buffers would cool the caches and count as memory), the pairs.
const singleTimes: number[] = [];
const ratios: number[] = [];
if (single !== undefined) {
  if (hwmReset) peakRss = Math.max(peakRss, highWaterRss() ?? 0);
  for (let i = 0; i < 3; i++) single();
  for (let i = 0; i < Math.min(times.length, MAX_PAIRS); i++) {
    gc?.();
    settleCollector();
    const pooledMs = timedMs(step);
    gc?.();
    settleCollector();
    const singleMs = timedMs(single);
    singleTimes.push(singleMs);
    ratios.push(pooledMs / singleMs);
  }
}
// The kernel's high-water mark also catches transient allocations between samples; it was reset
// after the warm-up calls, whose overlapping garbage would otherwise count.
if (hwmReset && single === undefined) peakRss = Math.max(peakRss, highWaterRss() ?? 0);
times.sort((a, b) => a - b);
const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
console.log(
  JSON.stringify({
    workload: name,
    median_ms: Math.round(times[Math.floor(times.length / 2)] * 100) / 100,
    min_ms: Math.round(times[0] * 100) / 100,
    cpu_median_ms: Math.round(medianOf(cpuTimes) * 100) / 100,
    runs: times.length,
    peak_rss_mb: mib(peakRss),
    peak_extra_mb: mib(peakRss - rssBefore),
    alloc_per_call_mb: mib(allocatedBytes),
    grad_mb: mib(gradBytes),
    threads: workload.threads ?? 1,
    // The pooled workloads: the one-thread twin's median, and the median of pool / one thread per pair.
    ...(single !== undefined
      ? { one_thread_median_ms: Math.round(medianOf(singleTimes) * 100) / 100, paired_ratio: Math.round(medianOf(ratios) * 1000) / 1000 }
      : {}),
  }),
);
workload.cleanup?.();
process.exit(0);
}

/** Resets the process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0); false where that is unavailable. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return highWaterRss() !== undefined;
  } catch {
    return false;
  }
}

/** VmHWM, the peak RSS since start or the last reset, in bytes. */
function highWaterRss(): number | undefined {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match === null ? undefined : Number(match[1]) * 1024;
}
