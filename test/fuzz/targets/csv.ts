import { SECRET, loaderTarget } from '../loaderTarget';
import { fixtureFiles, mutate, pick, type Rng } from '../mutate';

const encoder = new TextEncoder();
const BASES = [...fixtureFiles(['csv']), encoder.encode(`a,b\n1,${SECRET}\n`), encoder.encode(`${SECRET},x\n1,2\n`), encoder.encode('a,b\n"1,2\n3,4\n')];

function hostile(rng: Rng): Uint8Array {
  const columns = 1 + Math.floor(rng() * 20_000);
  // Many columns, with a repeat at the end: the duplicate check must stay linear.
  const names = Array.from({ length: columns }, (_, i) => `c${i}`);
  if (rng() < 0.5) names.push('c0');
  return encoder.encode(`${names.join(',')}\n${names.map(() => '1').join(',')}\n`);
}

/** Mutated CSV: broken quoting, ragged rows, up to 20,000 columns with a repeated name (100,000 in test/core/io/hostile.test.ts), cells that must never be echoed. */
export const fuzzTarget = loaderTarget('csv', 'csv', (rng) => (rng() < 0.03 ? hostile(rng) : mutate(pick(rng, BASES), rng)));
