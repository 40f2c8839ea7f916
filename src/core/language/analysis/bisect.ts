/**
 * The first index in [0, count) whose item is not `before` the sought place, given that `before`
 * holds for a prefix of the items and for none after it (count when it holds for all). The
 * analyses look tokens and definitions up by offset with it: they run on the extension host's
 * thread, where a scan from the start for each of a hostile cell's thousands of calls or errors
 * would be quadratic.
 */
export function partitionPoint(count: number, before: (index: number) => boolean): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
