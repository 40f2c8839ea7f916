import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { gflAnchors } from '../../../../src/core/heads/gfl/anchors';
import { atssAssign } from '../../../../src/core/heads/gfl/atss';
import { seededRandom } from '../../../helpers/random';

describe('atssAssign: hand-worked cases', () => {
  it('one level of 3×3 anchors that all contain the GT: thr = 1/16 + 0, and only the centre passes the 0.01 test', () => {
    // Anchors are 64×64 on the corners (8j, 8i); the GT [0, 0, 16, 16] (area 256) lies inside each,
    // so every IoU is 256 / 4096 = 1/16: mean 1/16, std 0. Only the centre (8, 8) is strictly inside.
    const anchors = gflAnchors([[3, 3]], [24, 24], { strides: [8] });
    const result = atssAssign(anchors, Float64Array.of(0, 0, 16, 16));
    assert.equal(result.gtMean[0], 1 / 16);
    assert.equal(result.gtStd[0], 0);
    assert.equal(result.gtThreshold[0], 1 / 16);
    assert.deepEqual([...result.candidate], [1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual([...result.gt], [-1, -1, -1, -1, 0, -1, -1, -1, -1]);
    assert.equal(result.numPos, 1);
    // Why the corner anchor is not positive: IoU at the threshold, but its centre (0, 0) is on the border.
    assert.equal(result.iou[0], 1 / 16);
    assert.equal(result.centreInside[0], 0);
    assert.equal(result.centreInside[4], 1);
  });

  it('two candidates: thr = mean + |a − b|/√2 (unbiased std), above both IoUs, so no positive', () => {
    // Anchors centred on (0, 0), (8, 0), (16, 0), 64 px wide; GT [20, −10, 60, 10] centred at (40, 0).
    // The two nearest (top-k 2) are anchors 2 and 1, with overlaps 28·20 and 20·20.
    const anchors = gflAnchors([[1, 3]], [8, 24], { strides: [8] });
    const result = atssAssign(anchors, Float64Array.of(20, -10, 60, 10), { topk: 2 });
    const a = 560 / (4096 + 800 - 560);
    const b = 400 / (4096 + 800 - 400);
    assert.deepEqual([...result.candidate], [0, 1, 1]);
    assert.ok(Math.abs(result.gtMean[0] - (a + b) / 2) < 1e-16);
    assert.ok(Math.abs(result.gtStd[0] - Math.abs(a - b) / Math.SQRT2) < 1e-16);
    assert.deepEqual([...result.gt], [-1, -1, -1]);
    // The non-candidate anchor 0 still reports its IoU with the GT (16·20 overlap) and the threshold.
    assert.ok(Math.abs(result.iou[0] - 240 / (4096 + 800 - 240)) < 1e-16);
    assert.equal(result.threshold[0], result.gtThreshold[0]);
  });

  it('an anchor positive for two identical GTs goes to the lower index; for two GTs, to the larger IoU', () => {
    const anchors = gflAnchors([[3, 3]], [24, 24], { strides: [8] });
    const twice = atssAssign(anchors, Float64Array.of(0, 0, 16, 16, 0, 0, 16, 16));
    assert.deepEqual([...twice.gt], [-1, -1, -1, -1, 0, -1, -1, -1, -1]);
    // GT 1 is the larger box around the same centre: anchor 4 has the larger IoU with it.
    const nested = atssAssign(anchors, Float64Array.of(0, 0, 16, 16, -8, -8, 24, 24));
    assert.equal(nested.gt[4], 1);
  });

  it('an image without GT has every anchor background, with no reference GT', () => {
    const anchors = gflAnchors([[2, 2]], [16, 16], { strides: [8] });
    const result = atssAssign(anchors, new Float64Array(0));
    assert.deepEqual([...result.gt], [-1, -1, -1, -1]);
    assert.deepEqual([...result.reference], [-1, -1, -1, -1]);
    assert.equal(result.numPos, 0);
  });
});

describe('atssAssign: properties', () => {
  it('gives the same assignment whatever the order of (non-tied) GT boxes', () => {
    const anchors = gflAnchors(
      [
        [8, 10],
        [4, 5],
        [2, 3],
      ],
      [64, 80],
      { strides: [8, 16, 32] },
    );
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 7 }), (seed, G) => {
        const random = seededRandom(seed);
        const boxes = new Float64Array(4 * G);
        for (let g = 0; g < G; g++) {
          const w = 4 + random() * 50;
          const h = 4 + random() * 40;
          const x = random() * (80 - w);
          const y = random() * (64 - h);
          boxes.set([x, y, x + w, y + h], 4 * g);
        }
        const order = Array.from({ length: G }, (_, g) => g).sort(() => random() - 0.5);
        const permuted = new Float64Array(4 * G);
        order.forEach((g, k) => permuted.set(boxes.subarray(4 * g, 4 * g + 4), 4 * k));
        const base = atssAssign(anchors, boxes);
        const moved = atssAssign(anchors, permuted);
        for (let a = 0; a < anchors.count; a++) {
          const want = base.gt[a];
          const got = moved.gt[a] < 0 ? -1 : order[moved.gt[a]];
          assert.equal(got, want, `anchor ${a}`);
          assert.equal(moved.candidate[a], base.candidate[a]);
        }
        order.forEach((g, k) => assert.equal(moved.gtThreshold[k], base.gtThreshold[g]));
      }),
      { numRuns: 60 },
    );
  });

  it('every positive passed both tests for its GT, and took the largest IoU among the GTs it passed for', () => {
    const anchors = gflAnchors([[6, 6], [3, 3]], [48, 48], { strides: [8, 16] });
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const random = seededRandom(seed);
        const boxes = Float64Array.from({ length: 12 }, (_, k) => (k % 4 < 2 ? random() * 20 : 24 + random() * 24));
        const result = atssAssign(anchors, boxes);
        for (let a = 0; a < anchors.count; a++) {
          if (result.gt[a] < 0) continue;
          assert.equal(result.reference[a], result.gt[a]);
          assert.equal(result.candidate[a], 1);
          assert.equal(result.centreInside[a], 1);
          assert.ok(result.iou[a] >= result.threshold[a]);
        }
      }),
      { numRuns: 40 },
    );
  });
});
