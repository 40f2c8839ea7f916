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
