/** The core's seeded generator (mulberry32), so that every bench run sees the same inputs. */
export { seededRandom } from '../../src/core/seededRandom';

/** Standard normal samples by Box–Muller. */
export function gaussian(random: () => number, count: number, scale = 1): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    out[i] = scale * radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = scale * radius * Math.sin(angle);
  }
  return out;
}
