/** Timing helpers shared by the bench scripts. */

/** Wall time of one call, in milliseconds. */
export function timedMs(call: () => unknown): number {
  const start = process.hrtime.bigint();
  call();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The median of `values` (the upper one for an even count), without reordering them. */
export function medianOf(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}

/** A buffer for Atomics.wait, the main thread's only synchronous sleep. */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));
/** A quiet window: the other threads used less than QUIET_CPU_MS of CPU over SETTLE_STEP_MS. */
const SETTLE_STEP_MS = 5;
const QUIET_CPU_MS = 0.1;
const SETTLE_LIMIT_MS = 250;

/**
 * Waits, outside any timed span, until the collector's concurrent work has finished. V8's
 * `gc()` returns with marking and sweeping tasks still queued on its worker threads; before this
 * wait they ran during the next timed call, and a call's process CPU time included 3–6 ms of the
 * harness's own collection (measured per thread from /proc/self/task: 5.8 ms on the workers during
 * an 8 ms miner call, 1.1 ms after a settle). While the main thread sleeps, the process's CPU time
 * is the other threads'. Returns the milliseconds waited.
 */
export function settleCollector(): number {
  let waited = 0;
  while (waited < SETTLE_LIMIT_MS) {
    const before = process.cpuUsage();
    Atomics.wait(SLEEPER, 0, 0, SETTLE_STEP_MS);
    waited += SETTLE_STEP_MS;
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 < QUIET_CPU_MS) break;
  }
  return waited;
}
