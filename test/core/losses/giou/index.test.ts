import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { giouLoss } from '../../../../src/core/losses/giou';
import type { Tensor } from '../../../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';
import { randomBoxes } from '../../../helpers/boxes';

const boxes = (rows: number[][]): Tensor => ({ shape: [rows.length, 4], data: Float64Array.from(rows.flat()) });


/** GIoU written out from its definition for two boxes, without eps (areas here are ≫ eps). */
function referenceGiou(p: ArrayLike<number>, t: ArrayLike<number>): number {
  const inter = Math.max(0, Math.min(p[2], t[2]) - Math.max(p[0], t[0])) * Math.max(0, Math.min(p[3], t[3]) - Math.max(p[1], t[1]));
  const union = (p[2] - p[0]) * (p[3] - p[1]) + (t[2] - t[0]) * (t[3] - t[1]) - inter;
  const hull = (Math.max(p[2], t[2]) - Math.min(p[0], t[0])) * (Math.max(p[3], t[3]) - Math.min(p[1], t[1]));
  return inter / union - (hull - union) / hull;
}

describe('giouLoss: closed forms', () => {
  it('half-overlapping unit squares 2/3, identical 0, disjoint 4/3, nested 15/16', () => {
    const result = giouLoss(
      boxes([[0, 0, 1, 1], [2, 2, 5, 7], [0, 0, 1, 1], [0, 0, 4, 4]]),
      boxes([[0.5, 0, 1.5, 1], [2, 2, 5, 7], [2, 0, 3, 1], [1, 1, 2, 2]]),
      { reduction: 'none' },
    );
    assertClose('loss', result.perElement.data, [2 / 3, 0, 4 / 3, 15 / 16], { atol: 1e-15 });
    assertClose('iou', result.iou.data, [1 / 3, 1, 0, 1 / 16], { atol: 1e-15 });
    assertClose('giou', result.giou.data, [1 / 3, 1, -1 / 3, 1 / 16], { atol: 1e-15 });
  });

  it('agrees with the definition on random boxes and stays in [0, 2], above 1 − IoU', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 10 }), (seed, n) => {
        const p = randomBoxes(seed, n);
        const t = randomBoxes(seed + 1, n);
        const result = giouLoss(p, t, { reduction: 'none' });
        for (let i = 0; i < n; i++) {
          const want = 1 - referenceGiou(p.data.subarray(4 * i), t.data.subarray(4 * i));
          assert.ok(Math.abs(result.perElement.data[i] - want) <= 1e-12);
          assert.ok(result.perElement.data[i] >= 0 && result.perElement.data[i] <= 2);
          assert.ok(result.perElement.data[i] >= 1 - result.iou.data[i] - 1e-15);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('giouLoss: reductions', () => {
  const p = randomBoxes(11, 5);
  const t = randomBoxes(12, 5);
  const each = giouLoss(p, t, { reduction: 'none' }).perElement.data;
  const sum = each.reduce((s, v) => s + v, 0);

  it('mean, sum, weight and avgFactor follow mmdetection', () => {
    assert.ok(Math.abs(giouLoss(p, t).loss.data[0] - sum / 5) < 1e-15);
    assert.ok(Math.abs(giouLoss(p, t, { reduction: 'sum' }).loss.data[0] - sum) < 1e-14);
    const weight: Tensor = { shape: [5], data: Float64Array.of(1, 0, 2, 0.5, 3) };
    const weighted = each.reduce((s, v, i) => s + weight.data[i] * v, 0);
    assert.ok(Math.abs(giouLoss(p, t, { weight, avgFactor: 2.5 }).loss.data[0] - weighted / 2.5) < 1e-14);
    assertClose('none weighted', giouLoss(p, t, { reduction: 'none', weight }).loss.data, each.map((v, i) => v * weight.data[i]));
  });

  it('an empty batch has loss 0 and an empty (0, 4) gradient', () => {
    const result = giouLoss(boxes([]), boxes([]), { grad: true });
    assert.equal(result.loss.data[0], 0);
    assert.deepEqual(result.grad!.pred.shape, [0, 4]);
  });
});

describe('giouLoss: gradient', () => {
  it('matches central finite differences of the reported loss for every reduction', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 6 }), fc.constantFrom('none', 'mean', 'sum'), fc.boolean(), (seed, n, reduction, weighted) => {
        const p = randomBoxes(seed, n);
        const t = randomBoxes(seed * 7 + 3, n);
        const weight: Tensor | undefined = weighted ? { shape: [n], data: Float64Array.from({ length: n }, (_, i) => 0.5 + i) } : undefined;
        const options = { reduction, weight } as const;
        const analytic = giouLoss(p, t, { ...options, grad: true }).grad!.pred.data;
        const f = (x: Tensor): number => giouLoss(x, t, options).loss.data.reduce((s, v) => s + v, 0);
        assertGradientMatches('giouLoss', analytic, finiteDifference(f, p));
      }),
      { numRuns: 60 },
    );
  });

  it('non-overlapping boxes still get a gradient that pulls them together', () => {
    const grad = giouLoss(boxes([[0, 0, 1, 1]]), boxes([[3, 0, 4, 1]]), { grad: true }).grad!.pred.data;
    // Moving the right edge towards the target lowers the loss.
    assert.ok(grad[2] < 0);
  });
});

describe('giouLoss: adversarial inputs', () => {
  it('identical, zero-area, inside-out and huge boxes give finite losses and gradients', () => {
    const p = boxes([[5, 5, 9, 8], [1, 1, 1, 1], [3, 3, 1, 1], [0, 0, 0, 5], [-1e12, -1e12, 1e12, 1e12], [1e9, 1e9, 1e9 + 1, 1e9 + 1]]);
    const t = boxes([[5, 5, 9, 8], [1, 1, 1, 1], [0, 0, 1, 1], [0, 0, 1, 5], [0, 0, 1e-3, 1e-3], [1e9, 1e9, 1e9 + 1, 1e9 + 1]]);
    const result = giouLoss(p, t, { reduction: 'none', grad: true });
    assertAllFinite('loss', result.perElement.data);
    assertAllFinite('grad', result.grad!.pred.data);
    assert.equal(result.perElement.data[0], 0);
    assert.equal(result.perElement.data[5], 0);
    // Two zero-area boxes at one point: union and hull are raised to eps, IoU 0, GIoU 0.
    assert.equal(result.perElement.data[1], 1);
    assert.equal(result.report.unionClamped, 1);
    // The huge box around a tiny one: the loss approaches 1 − IoU = 1 from above.
    assert.ok(Math.abs(result.perElement.data[4] - 1) < 1e-12);
  });
});

describe('giouLoss: errors', () => {
  it('rejects bad shapes, non-finite boxes (with the index) and bad options', () => {
    const one = boxes([[0, 0, 1, 1]]);
    assert.throws(() => giouLoss(one, boxes([[0, 0, 1, 1], [0, 0, 1, 1]])), (e: unknown) => e instanceof InputError && e.fn === 'giouLoss' && e.argument === 'target');
    assert.throws(() => giouLoss(one, boxes([[0, 0, Infinity, 1]])), (e: unknown) => e instanceof InputError && e.argument === 'target' && e.index?.join() === '0,2');
    assert.throws(() => giouLoss(one, one, { eps: -1 }), (e: unknown) => e instanceof InputError && e.argument === 'options.eps');
    assert.throws(() => giouLoss(one, one, { reduction: 'avg' as 'mean' }), (e: unknown) => e instanceof InputError && e.argument === 'options.reduction');
  });
});
