import { loaderTarget } from '../loaderTarget';
import { fixtureFiles, mutate, pick } from '../mutate';

const BASES = fixtureFiles(['pt']);

/** Mutated torch.save archives: the pickle, the storages and the zip around them. */
export const fuzzTarget = loaderTarget('torch', 'pt', (rng) => mutate(pick(rng, BASES), rng));
