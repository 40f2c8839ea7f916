import type { Tensor } from '../../src/core/tensor';
import { seededRandom } from './random';

/** n random well-formed boxes (x1, y1, x2, y2), sides 0.5–30 near the origin: exact ties have probability 0. */
export function randomBoxes(seed: number, n: number): Tensor {
  const random = seededRandom(seed);
  const data = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const x = random() * 40 - 20;
    const y = random() * 40 - 20;
    data.set([x, y, x + 0.5 + random() * 30, y + 0.5 + random() * 30], 4 * i);
  }
  return { shape: [n, 4], data };
}
