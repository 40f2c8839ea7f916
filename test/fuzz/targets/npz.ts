import { loaderTarget } from '../loaderTarget';
import { fixtureFiles, hostileShape, mutate, npyFile, npzFile, pick } from '../mutate';

const BASES = fixtureFiles(['npz']);
const NPY = fixtureFiles(['npy']).slice(0, 12);

/** Mutated .npz archives: overlapping members, directory size lies, and members declaring hostile shapes. */
export const fuzzTarget = loaderTarget('npz', 'npz', (rng) => {
  if (rng() < 0.5) {
    const members: Record<string, Uint8Array> = { a: pick(rng, NPY), b: npyFile(hostileShape(rng)), c: new Uint8Array(4096) };
    const named = Object.fromEntries(Object.entries(members).map(([name, data]) => [`${name}.npy`, data]));
    return mutate(npzFile(named, rng() < 0.5), rng);
  }
  return mutate(pick(rng, BASES), rng);
});
