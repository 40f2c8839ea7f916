import { SECRET, loaderTarget } from '../loaderTarget';
import { deepJson, fixtureFiles, mutate, pick, type Rng } from '../mutate';

const encoder = new TextEncoder();
const BASES = [
  ...fixtureFiles(['json']).filter((bytes) => bytes.length < 100_000),
  encoder.encode(JSON.stringify({ token: SECRET, boxes: [[1, 2, 3, 4]] })),
  encoder.encode(`{"a": [[1, 2], [3]], "b": "${SECRET}"}`),
  encoder.encode(`[[[${Array(50).fill(1).join(',')}]], 2]`),
];

function hostile(rng: Rng): Uint8Array {
  switch (Math.floor(rng() * 4)) {
    case 0:
      return encoder.encode(deepJson(1 + Math.floor(rng() * 200_000), rng() < 0.5));
    case 1: // first elements promising far more numbers than the text holds
      return encoder.encode(`[${'['.repeat(6)}${Array(100).fill(1).join(',')}${']'.repeat(6)}, 1]`);
    case 2:
      return encoder.encode(`${SECRET}`);
    default:
      return encoder.encode(`{"${SECRET}": "${SECRET}"}`);
  }
}

/** Mutated JSON: ragged rows, deep nesting of arrays and objects, strings that must never be echoed. */
export const fuzzTarget = loaderTarget('json', 'json', (rng) => (rng() < 0.3 ? hostile(rng) : mutate(pick(rng, BASES), rng)));
