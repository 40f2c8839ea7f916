import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { boxOverlaps } from '../../../../src/core/boxes';
import { InputError } from '../../../../src/core/errors';
import { yoloCiou } from '../../../../src/core/heads/yolov8/ciou';
import type { Tensor } from '../../../../src/core/tensor';
import { randomBoxes } from '../../../helpers/boxes';
import { assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';
import { referenceAlpha, referenceCiou } from './reference';

const boxes = (rows: number[][]): Tensor => ({ shape: [rows.length, 4], data: Float64Array.from(rows.flat()) });
const e = 1e-7;

describe('yoloCiou: closed forms', () => {
  it('identical 2×2 squares: 4 / (4 + 5e), the eps on h and on the union', () => {
    assertClose('ciou', yoloCiou(boxes([[0, 0, 2, 2]]), boxes([[0, 0, 2, 2]])).value.data, [4 / (4 + 5 * e)], { atol: 0, rtol: 1e-15 });
  });

  it('unit squares side by side, 1 apart: −ρ²/c² = −4 / (10 + e)', () => {
    assertClose('ciou', yoloCiou(boxes([[0, 0, 1, 1]]), boxes([[2, 0, 3, 1]])).value.data, [-4 / (10 + e)], { atol: 0, rtol: 1e-15 });
  });

  it('nested squares with one centre and one aspect: the iou alone, 1 / ((1 + e) + 3·(3 + e) − 1 + e)', () => {
    // box1 (1,1,2,2) inside box2 (0,0,3,3): inter 1, union 1·(1+e) + 3·(3+e) − 1 + e, same aspect (v = 0).
    const want = 1 / (1 + e + 3 * (3 + e) - 1 + e);
    assertClose('ciou', yoloCiou(boxes([[1, 1, 2, 2]]), boxes([[0, 0, 3, 3]])).value.data, [want], { atol: 0, rtol: 1e-15 });
  });

  it('with eps 0 it is the CIoU of boxOverlaps (whose eps guards then never fire), values and gradients', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 8 }), (seed, n) => {
        const [b1, b2] = [randomBoxes(seed, n), randomBoxes(seed + 1, n)];
        const ours = yoloCiou(b1, b2, { eps: 0, grad: true });
        const core = boxOverlaps(b1, b2, 'ciou', 1e-300, { grad: true });
        assertClose('value', ours.value.data, core.value.data, { atol: 1e-13, rtol: 1e-12 });
        assertClose('grad', ours.grad!.box1.data, core.grad!.pred.data, { atol: 1e-13, rtol: 1e-10 });
      }),
      { numRuns: 100 },
    );
  });
});

describe('yoloCiou: gradient', () => {
  it('matches central differences of the written-out CIoU with α held constant, for random pairs', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const [b1, b2] = [randomBoxes(seed, 1), randomBoxes(seed + 7, 1)];
        const alpha = referenceAlpha(b1.data, b2.data, e);
        const analytic = yoloCiou(b1, b2, { grad: true }).grad!.box1.data;
        const numeric = finiteDifference((box) => referenceCiou(box.data, b2.data, e, alpha), b1);
        assertGradientMatches('d ciou / d box1', analytic, numeric, { atol: 1e-8, rtol: 1e-6 });
        assert.ok(Math.abs(yoloCiou(b1, b2).value.data[0] - referenceCiou(b1.data, b2.data, e)) < 1e-14);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a negative eps and non-finite boxes, naming the row', () => {
    assert.throws(() => yoloCiou(boxes([[0, 0, 1, 1]]), boxes([[0, 0, 1, 1]]), { eps: -1 }), InputError);
    assert.throws(() => yoloCiou(boxes([[0, 0, 1, 1], [0, NaN, 1, 1]]), boxes([[0, 0, 1, 1], [0, 0, 1, 1]])), (err: InputError) => err.index?.[0] === 1);
  });
});
