/**
 * A small seeded generator (mulberry32): uniform numbers in [0, 1) that repeat for a seed, for
 * what must not change between runs (a subspace iteration's start, a drawn sample of triplets)
 * and for the tests' and benches' inputs.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
