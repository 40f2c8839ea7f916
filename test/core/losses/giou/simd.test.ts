/**
 * The GIoU SIMD kernel (`giou_f64`) against boxes.ts's scalar overlapRows, the reference: the
 * kernel performs the same float64 operations in the same order, so every output must be the same
 * bits (Object.is, so signed zeros count), on boxes built to hit every branch of the scalar kernel:
 * ties of sides (the ½ gradient shares), identical boxes, zero-width boxes, disjoint pairs, union
 * and enclosure clamps, per-row and scalar weights, odd n (the last row runs on overlapRows).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { giouLoss, type GiouOptions, type GiouResult } from '../../../../src/core/losses/giou';
import { simdSupported } from '../../../../src/core/simd/memory';
import { setKernelPath } from '../../../../src/core/simd/path';
import { onPath } from '../../../helpers/kernelPath';
import type { Tensor } from '../../../../src/core/tensor';
import { seededRandom } from '../../../helpers/random';

after(() => setKernelPath('auto'));


const tensor = (shape: number[], data: Float64Array): Tensor => ({ shape, data });

function assertSameBits(label: string, a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined): void {
  assert.equal(a === undefined, b === undefined, `${label}: presence`);
  if (a === undefined || b === undefined) return;
  assert.equal(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${label}[${i}]: simd ${a[i]} vs scalar ${b[i]}`);
}

function assertPathsAgree(pred: Tensor, target: Tensor, options: GiouOptions): GiouResult {
  const simd = onPath('simd', () => giouLoss(pred, target, options));
  const scalar = onPath('typescript', () => giouLoss(pred, target, options));
  assertSameBits('giou', simd.giou.data, scalar.giou.data);
  assertSameBits('iou', simd.iou.data, scalar.iou.data);
  assertSameBits('perElement', simd.perElement.data, scalar.perElement.data);
  assertSameBits('loss', simd.loss.data, scalar.loss.data);
  assertSameBits('grad', simd.grad?.pred.data, scalar.grad?.pred.data);
  assert.deepEqual(simd.report, scalar.report);
  return simd;
}

/** Boxes on a coarse grid (so that sides tie often), some degenerate, some copied from the other set. */
function gridBoxes(random: () => number, n: number, other?: Float64Array): Float64Array {
  const boxes = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const u = random();
    if (other !== undefined && u < 0.1) {
      boxes.set(other.subarray(i * 4, i * 4 + 4), i * 4);
      continue;
    }
    const x = Math.floor(random() * 6) * 10;
    const y = Math.floor(random() * 6) * 10 - 20;
    const w = u < 0.2 ? 0 : Math.floor(random() * 5) * 10 + (random() < 0.3 ? random() : 0);
    const h = u > 0.9 ? 0 : Math.floor(random() * 5) * 10;
    boxes.set([x, y, x + w, y + h], i * 4);
  }
  return boxes;
}

describe('GIoU SIMD kernel vs the scalar overlapRows', { skip: !simdSupported() }, () => {
  it('gives the same bits on random grid boxes (ties, degenerate, identical), weights, reductions, eps, odd n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 11 }),
        fc.constantFrom('none' as const, 'mean' as const, 'sum' as const),
        fc.constantFrom('none', 'rows', 'scalar'),
        fc.boolean(),
        fc.constantFrom(1e-7, 1e-6, 50),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, reduction, weighting, grad, eps, seed) => {
          const random = seededRandom(seed);
          const target = gridBoxes(random, n);
          const pred = gridBoxes(random, n, target);
          const weight =
            weighting === 'rows'
              ? { weight: tensor([n], Float64Array.from({ length: n }, () => random() * 2 - 0.5)) }
              : weighting === 'scalar'
                ? { weight: tensor([], Float64Array.of(0.7)) }
                : {};
          assertPathsAgree(tensor([n, 4], pred), tensor([n, 4], target), { reduction, grad, eps, ...weight });
        },
      ),
      { seed: 19, numRuns: 200 },
    );
  });

  it('gives the same bits across block boundaries, with clamps counted', () => {
    const random = seededRandom(13);
    const n = 4099;
    const target = gridBoxes(random, n);
    const pred = gridBoxes(random, n, target);
    const result = assertPathsAgree(tensor([n, 4], pred), tensor([n, 4], target), { grad: true, eps: 1 });
    assert.ok(result.report.unionClamped > 0 && result.report.enclosureClamped > 0);
  });

  it('names a non-finite coordinate as the scalar path does', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [1, 4 * 4 + 2, 6 * 4 + 3]) {
        const pred = new Float64Array(7 * 4).fill(1);
        pred[at] = bad;
        const messages = (['simd', 'typescript'] as const).map((path) => {
          try {
            onPath(path, () => giouLoss(tensor([7, 4], pred), tensor([7, 4], new Float64Array(7 * 4).fill(2)), { grad: true }));
          } catch (error) {
            assert.ok(error instanceof InputError, String(error));
            return error.message;
          }
          return 'no error';
        });
        assert.match(messages[0], new RegExp(`${Math.floor(at / 4)}, ${at % 4}`));
        assert.equal(messages[0], messages[1]);
      }
    }
  });
});
