import { loaderTarget } from '../loaderTarget';
import { fixtureFiles, hostileShape, mutate, pick, safetensorsFile } from '../mutate';

// The fixtures' valid files hold int64 beyond 2^53, which the conversion refuses; two plain files
// keep accepted cases in the mix.
const BASES = [
  ...fixtureFiles(['safetensors']),
  safetensorsFile({ a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: 'I64', shape: [3], data_offsets: [16, 40] } }, new Uint8Array(40)),
  safetensorsFile({ z: { dtype: 'F64', shape: [10 ** 8, 0], data_offsets: [0, 0] }, __metadata__: { k: 'v' } }, new Uint8Array(0)),
];

/** Mutated .safetensors files: header length lies, hostile shapes, offsets that overlap or run past the end. */
export const fuzzTarget = loaderTarget('safetensors', 'safetensors', (rng) => {
  if (rng() < 0.4) {
    const shape = hostileShape(rng).map((extent) => (typeof extent === 'string' ? 2 ** 60 : extent));
    const end = pick(rng, [0, 8, 64, 2 ** 40]);
    return mutate(safetensorsFile({ t: { dtype: pick(rng, ['F32', 'F64', 'I64', 'BF16', 'X9']), shape, data_offsets: [0, end] }, __metadata__: { note: 'x' } }, new Uint8Array(64)), rng);
  }
  return mutate(pick(rng, BASES), rng);
});
