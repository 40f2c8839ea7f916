import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seededRandom } from '../helpers/random';
import {
  bbox2distance,
  boxOverlaps,
  distance2bbox,
  distance2bboxBackward,
  type OverlapMode,
} from '../../src/core/boxes';
import { InputError } from '../../src/core/errors';
import type { Tensor } from '../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../helpers/gradcheck';
import { randomBoxes } from '../helpers/boxes';

const boxes = (rows: number[][]): Tensor => ({ shape: [rows.length, 4], data: Float64Array.from(rows.flat()) });
const single = (mode: OverlapMode, p: number[], t: number[]): number => boxOverlaps(boxes([p]), boxes([t]), mode).value.data[0];


const ASPECT = 4 / Math.PI ** 2;

describe('boxOverlaps: closed forms', () => {
  const a = [0, 0, 1, 1];
  it('two unit squares overlapping by half: IoU 1/3, GIoU 1/3, DIoU 1/3 − 0.25/3.25', () => {
    const b = [0.5, 0, 1.5, 1];
    assert.ok(Math.abs(single('iou', a, b) - 1 / 3) < 1e-15);
    // The enclosing box (1.5 × 1) equals the union, so GIoU adds nothing.
    assert.ok(Math.abs(single('giou', a, b) - 1 / 3) < 1e-15);
    assert.ok(Math.abs(single('diou', a, b) - (1 / 3 - 0.25 / 3.25)) < 1e-15);
    // Same aspect ratio: v = 0, CIoU = DIoU.
    assert.ok(Math.abs(single('ciou', a, b) - (1 / 3 - 0.25 / 3.25)) < 1e-15);
  });

  it('disjoint squares: IoU 0, GIoU = −(3 − 2)/3', () => {
    const b = [2, 0, 3, 1];
    assert.equal(single('iou', a, b), 0);
    assert.ok(Math.abs(single('giou', a, b) + 1 / 3) < 1e-15);
    // Centres 2 apart, enclosing diagonal² = 9 + 1.
    assert.ok(Math.abs(single('diou', a, b) + 4 / 10) < 1e-15);
  });

  it('nested boxes: IoU = GIoU = 1/16, DIoU = 1/16 − 0.5/32', () => {
    const outer = [0, 0, 4, 4];
    const inner = [1, 1, 2, 2];
    assert.ok(Math.abs(single('iou', outer, inner) - 1 / 16) < 1e-15);
    assert.ok(Math.abs(single('giou', outer, inner) - 1 / 16) < 1e-15);
    assert.ok(Math.abs(single('diou', outer, inner) - 3 / 64) < 1e-15);
  });

  it('identical boxes: 1 in every mode', () => {
    for (const mode of ['iou', 'giou', 'diou', 'ciou'] as const) assert.equal(single(mode, [3, 4, 7, 9], [3, 4, 7, 9]), 1);
  });

  it('CIoU of a 2×1 box against the unit square it contains', () => {
    // IoU 1/2, ρ² = 0.25, c² = 5; v = 4/π²·(atan 1 − atan 2)², α = v / (1/2 + v).
    const v = ASPECT * (Math.atan(1) - Math.atan(2)) ** 2;
    const want = 0.5 - 0.25 / 5 - (v / (0.5 + v)) * v;
    assert.ok(Math.abs(single('ciou', [0, 0, 2, 1], [0, 0, 1, 1]) - want) < 1e-15);
  });

  it('raises a union below eps to eps, as mmdetection, and counts it', () => {
    const result = boxOverlaps(boxes([[1, 1, 1, 1]]), boxes([[1, 1, 1, 1]]), 'giou', 1e-6);
    assert.equal(result.iou.data[0], 0);
    // GIoU = 0 − (eps − eps)/eps.
    assert.equal(result.value.data[0], 0);
    assert.deepEqual(result.report, { unionClamped: 1, enclosureClamped: 1 });
  });
});

describe('boxOverlaps: identities', () => {
  it('IoU ∈ [0, 1], GIoU ∈ (−1, IoU], DIoU ≤ IoU, symmetric and invariant to translation and scale', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 8 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (seed, n, k) => {
        const p = randomBoxes(seed, n);
        const t = randomBoxes(seed + 1, n);
        const iou = boxOverlaps(p, t, 'iou').value.data;
        const giou = boxOverlaps(p, t, 'giou').value.data;
        const diou = boxOverlaps(p, t, 'diou').value.data;
        for (let i = 0; i < n; i++) {
          assert.ok(iou[i] >= 0 && iou[i] <= 1);
          assert.ok(giou[i] > -1 && giou[i] <= iou[i] + 1e-15);
          assert.ok(diou[i] <= iou[i] + 1e-15 && diou[i] > -1);
        }
        for (const mode of ['iou', 'giou', 'diou', 'ciou'] as const) {
          const base = boxOverlaps(p, t, mode).value.data;
          assertClose(`${mode} symmetric`, boxOverlaps(t, p, mode).value.data, base, { atol: 1e-12 });
          const shift = (b: Tensor): Tensor => ({ shape: b.shape, data: b.data.map((v, j) => v + (j % 2 === 0 ? 7.25 : -3.5)) });
          assertClose(`${mode} translated`, boxOverlaps(shift(p), shift(t), mode).value.data, base, { atol: 1e-12 });
          const scale = (b: Tensor): Tensor => ({ shape: b.shape, data: b.data.map((v) => v * k) });
          assertClose(`${mode} scaled`, boxOverlaps(scale(p), scale(t), mode, 1e-12).value.data, base, { atol: 1e-9 });
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('boxOverlaps: gradient', () => {
  for (const mode of ['iou', 'giou', 'diou'] as const) {
    it(`${mode}: matches central finite differences on random boxes (n = 0 included)`, () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 0, max: 6 }), (seed, n) => {
          const p = randomBoxes(seed, n);
          const t = randomBoxes(seed ^ 0x5bd1e995, n);
          const upstream: Tensor = { shape: [n], data: Float64Array.from({ length: n }, (_, i) => 1 - 0.3 * i) };
          const analytic = boxOverlaps(p, t, mode, 1e-6, { grad: true, upstream }).grad!.pred.data;
          const f = (x: Tensor): number => {
            const v = boxOverlaps(x, t, mode).value.data;
            return v.reduce((sum, value, i) => sum + upstream.data[i] * value, 0);
          };
          assertGradientMatches(mode, analytic, finiteDifference(f, p));
        }),
        { numRuns: 40 },
      );
    });
  }

  it('ciou: the DIoU gradient minus α·∇v, with α held constant (CIoU paper)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 5 }), (seed, n) => {
        const p = randomBoxes(seed, n);
        const t = randomBoxes(seed + 17, n);
        const ciou = boxOverlaps(p, t, 'ciou', 1e-6, { grad: true }).grad!.pred.data;
        const diou = boxOverlaps(p, t, 'diou', 1e-6, { grad: true }).grad!.pred.data;
        const iou = boxOverlaps(p, t, 'iou').value.data;
        for (let i = 0; i < n; i++) {
          const tb = t.data.subarray(4 * i, 4 * i + 4);
          const aspectV = (x: Tensor): number => ASPECT * (Math.atan((tb[2] - tb[0]) / (tb[3] - tb[1])) - Math.atan((x.data[2] - x.data[0]) / (x.data[3] - x.data[1]))) ** 2;
          const row: Tensor = { shape: [1, 4], data: p.data.slice(4 * i, 4 * i + 4) };
          const v = aspectV(row);
          const alpha = v / (1 - iou[i] + v);
          const dv = finiteDifference(aspectV, row);
          const want = Float64Array.from({ length: 4 }, (_, k) => diou[4 * i + k] - alpha * dv[k]);
          assertGradientMatches('ciou', ciou.subarray(4 * i, 4 * i + 4), want);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('splits the gradient in half where sides tie, as PyTorch max/min do', () => {
    // pred [0,0,1,1] inside target [0,0,2,1]: x1, y1 and y2 tie. IoU = overlap/union = 1/2.
    // ∂/∂x1: overlap' = −½ (half of the tied max), area' = −1, union' = −½ → (−½·2 − 1·(−½))/4 = −⅛.
    // ∂/∂x2: overlap' = 1 (no tie), area' = 1, union' = 0 → ½. ∂/∂y1 = −⅛, ∂/∂y2 = ⅛ likewise.
    const grad = boxOverlaps(boxes([[0, 0, 1, 1]]), boxes([[0, 0, 2, 1]]), 'iou', 1e-6, { grad: true }).grad!.pred.data;
    assertClose('tie gradient', grad, [-1 / 8, -1 / 8, 1 / 2, 1 / 8]);
  });

  it('identical boxes: GIoU is at its maximum, its tie-split gradient is 0 and finite', () => {
    const square = boxes([[2, 3, 4, 5]]);
    const result = boxOverlaps(square, square, 'giou', 1e-6, { grad: true });
    assert.equal(result.value.data[0], 1);
    assertClose('identical', result.grad!.pred.data, [0, 0, 0, 0]);
  });
});

describe('boxOverlaps: adversarial inputs', () => {
  it('zero-area, inside-out and huge boxes give finite values and gradients in every mode', () => {
    const p = boxes([
      [1, 1, 1, 1],
      [3, 3, 1, 1],
      [0, 0, 0, 5],
      [-1e12, -1e12, 1e12, 1e12],
      [1e12, 1e12, 1e12 + 1, 1e12 + 1],
    ]);
    const t = boxes([
      [1, 1, 1, 1],
      [0, 0, 1, 1],
      [0, 0, 1, 5],
      [0, 0, 1e-3, 1e-3],
      [1e12, 1e12, 1e12 + 1, 1e12 + 1],
    ]);
    for (const mode of ['iou', 'giou', 'diou', 'ciou'] as const) {
      const result = boxOverlaps(p, t, mode, 1e-6, { grad: true });
      assertAllFinite(`${mode} value`, result.value.data);
      assertAllFinite(`${mode} grad`, result.grad!.pred.data);
      assert.equal(result.value.data[4], 1, `${mode}: identical boxes far from the origin`);
    }
  });
});

describe('boxOverlaps: errors', () => {
  it('names the argument, the index and what was expected', () => {
    assert.throws(() => boxOverlaps(boxes([[0, 0, 1, 1]]), boxes([[0, 0, 1, 1], [0, 0, 1, 1]])), (e: unknown) => e instanceof InputError && e.argument === 'target');
    assert.throws(() => boxOverlaps({ shape: [1, 3], data: new Float64Array(3) }, boxes([[0, 0, 1, 1]])), (e: unknown) => e instanceof InputError && e.argument === 'pred');
    assert.throws(
      () => boxOverlaps(boxes([[0, 0, 1, 1], [0, 0, NaN, 1]]), boxes([[0, 0, 1, 1], [0, 0, 1, 1]])),
      (e: unknown) => e instanceof InputError && e.argument === 'pred' && e.index?.join() === '1,2' && /finite/.test(e.message),
    );
    assert.throws(() => boxOverlaps(boxes([]), boxes([]), 'iou', 0), (e: unknown) => e instanceof InputError && e.argument === 'eps');
    assert.throws(() => boxOverlaps(boxes([]), boxes([]), 'biou' as OverlapMode), (e: unknown) => e instanceof InputError && e.argument === 'mode');
  });
});

describe('distance2bbox / bbox2distance', () => {
  const points = (rows: number[][]): Tensor => ({ shape: [rows.length, 2], data: Float64Array.from(rows.flat()) });

  it('decode by hand, and clamp to the image when maxShape is given', () => {
    const p = points([[10, 20]]);
    const d: Tensor = { shape: [1, 4], data: Float64Array.of(3, 4, 5, 6) };
    assert.deepEqual([...distance2bbox(p, d).data], [7, 16, 15, 26]);
    // maxShape is [height, width]: x into [0, 12], y into [0, 100].
    const far: Tensor = { shape: [1, 4], data: Float64Array.of(30, 4, 5, 6) };
    assert.deepEqual([...distance2bbox(p, far, [100, 12]).data], [0, 16, 12, 26]);
  });

  it('round-trip: bbox2distance(points, distance2bbox(points, d)) = d', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 8 }), (seed, n) => {
        const random = seededRandom(seed);
        const p = { shape: [n, 2], data: Float64Array.from({ length: 2 * n }, () => random() * 100) };
        const d = { shape: [n, 4], data: Float64Array.from({ length: 4 * n }, () => random() * 20 - 5) };
        const back = bbox2distance(p, distance2bbox(p, d));
        assertClose('round trip', back.distance.data, d.data, { atol: 1e-12 });
        assert.equal(back.report.clamped, 0);
      }),
      { numRuns: 50 },
    );
  });

  it('bbox2distance clamps into [0, maxDis − eps] and counts the clamps', () => {
    const p = points([[10, 10]]);
    const b = boxes([[12, 0, 40, 11]]);
    const result = bbox2distance(p, b, 16, 0.1);
    // l = −2 → 0, t = 10, r = 30 → 15.9, b = 1.
    assertClose('clamped', result.distance.data, [0, 10, 15.9, 1]);
    assert.equal(result.report.clamped, 2);
  });

  it('distance2bboxBackward matches finite differences, and blocks clamped coordinates', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 5 }), fc.boolean(), (seed, n, clamp) => {
        const random = seededRandom(seed);
        const p = { shape: [n, 2], data: Float64Array.from({ length: 2 * n }, () => 10 + random() * 30) };
        const d = { shape: [n, 4], data: Float64Array.from({ length: 4 * n }, () => random() * 30) };
        const g = { shape: [n, 4], data: Float64Array.from({ length: 4 * n }, () => random() - 0.5) };
        const maxShape: [number, number] | undefined = clamp ? [45, 50] : undefined;
        const back = distance2bboxBackward(p, d, g, maxShape);
        const dot = (b: Tensor): number => b.data.reduce((s, v, i) => s + v * g.data[i], 0);
        assertGradientMatches('distance', back.distance.data, finiteDifference((x) => dot(distance2bbox(p, x, maxShape)), d));
        assertGradientMatches('points', back.points.data, finiteDifference((x) => dot(distance2bbox(x, d, maxShape)), p));
      }),
      { numRuns: 40 },
    );
  });

  it('rejects mismatched shapes and bad limits', () => {
    const p = points([[0, 0]]);
    assert.throws(() => distance2bbox(p, { shape: [2, 4], data: new Float64Array(8) }), (e: unknown) => e instanceof InputError && e.argument === 'distance');
    assert.throws(() => bbox2distance(p, boxes([[0, 0, 1, 1]]), 0.05), (e: unknown) => e instanceof InputError && e.argument === 'maxDis');
    assert.throws(() => distance2bbox(p, boxes([[0, 0, 1, 1]]), [Infinity, 3]), (e: unknown) => e instanceof InputError && e.argument === 'maxShape');
  });
});
