import { loaderTarget } from '../loaderTarget';
import { fixtureFiles, hostileShape, mutate, pick, safetensorsFile } from '../mutate';

const BASES = fixtureFiles(['safetensors']);

/** Mutated .safetensors files: header length lies, hostile shapes, offsets that overlap or run past the end. */
export const fuzzTarget = loaderTarget('safetensors', 'safetensors', (rng) => {
  if (rng() < 0.4) {
    const shape = hostileShape(rng).map((extent) => (typeof extent === 'string' ? 2 ** 60 : extent));
    const end = pick(rng, [0, 8, 64, 2 ** 40]);
    return mutate(safetensorsFile({ t: { dtype: pick(rng, ['F32', 'F64', 'I64', 'BF16', 'X9']), shape, data_offsets: [0, end] }, __metadata__: { note: 'x' } }, new Uint8Array(64)), rng);
  }
  return mutate(pick(rng, BASES), rng);
});
