import { loaderTarget } from '../loaderTarget';
import { fixtureFiles, hostileShape, mutate, npyFile, pick } from '../mutate';

const BASES = fixtureFiles(['npy']);

/** Mutated .npy files: the fixtures, and headers declaring hostile shapes (huge, 10^8 × 0, 100,000 axes, 2^63). */
export const fuzzTarget = loaderTarget('npy', 'npy', (rng) => {
  if (rng() < 0.3) return mutate(npyFile(hostileShape(rng), pick(rng, ['<f8', '<f4', '>i8', '|b1', '<f2']), new Uint8Array(64)), rng);
  return mutate(pick(rng, BASES), rng);
});
