import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../../src/core/errors';
import { gflAnchors } from '../../../../src/core/heads/gfl/anchors';

describe('gflAnchors', () => {
  it('puts an 8s square on each grid corner, level-major then i·W + j (worked by hand)', () => {
    const anchors = gflAnchors(
      [
        [2, 3],
        [1, 2],
      ],
      [16, 24],
      { strides: [8, 16] },
    );
    assert.equal(anchors.count, 6 + 2);
    assert.deepEqual(
      anchors.levels.map(({ start, stride }) => [start, stride]),
      [
        [0, 8],
        [6, 16],
      ],
    );
    // Level 0, row 1, column 2: corner (16, 8), side 64.
    assert.deepEqual([...anchors.boxes.subarray(4 * 5, 4 * 6)], [-16, -24, 48, 40]);
    assert.deepEqual([...anchors.centres.subarray(2 * 5, 2 * 6)], [16, 8]);
    // Level 1, row 0, column 1: corner (16, 0), side 128.
    assert.deepEqual([...anchors.boxes.subarray(4 * 7, 4 * 8)], [-48, -64, 80, 64]);
    assert.deepEqual([...anchors.inside], [1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('marks anchors beyond ⌈H/s⌉ × ⌈W/s⌉ of the padded image as not inside', () => {
    // 12×20 pixels at stride 8: ⌈1.5⌉ = 2 rows and ⌈2.5⌉ = 3 columns are valid of a 3×4 map.
    const anchors = gflAnchors([[3, 4]], [12, 20], { strides: [8] });
    assert.deepEqual([...anchors.inside], [1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('with allowedBorder ≥ 0 keeps only anchors inside the image grown by the border', () => {
    // Side 2·8 = 16 with octaveBaseScale 2: the anchor at corner (j·8, i·8) spans ±8.
    const anchors = gflAnchors([[3, 3]], [24, 24], { strides: [8], octaveBaseScale: 2, allowedBorder: 8 });
    // x1 = 8j − 8 ≥ −8 always; x2 = 8j + 8 < 32 needs j ≤ 2: every anchor is kept.
    assert.deepEqual([...anchors.inside], [1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const tight = gflAnchors([[3, 3]], [24, 24], { strides: [8], octaveBaseScale: 2, allowedBorder: 0 });
    // x1 ≥ 0 needs j ≥ 1 and x2 < 24 needs j ≤ 1: only the centre anchor.
    assert.deepEqual([...tight.inside], [0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('follows the base anchor of a ratio and a centre offset', () => {
    // ratio 4: h_ratio 2, w_ratio 1/2, so w = 8·8/2 = 32 and h = 8·8·2 = 128; centre offset 0.5 → (4, 4).
    const anchors = gflAnchors([[1, 1]], [8, 8], { strides: [8], ratios: [4], centerOffset: 0.5 });
    assert.deepEqual([...anchors.boxes], [-12, -60, 20, 68]);
    assert.deepEqual([...anchors.centres], [4, 4]);
  });

  it('rejects more than one anchor per location and bad strides with an InputError that names them', () => {
    assert.throws(() => gflAnchors([[1, 1]], [8, 8], { strides: [8], ratios: [0.5, 1] }), (e: unknown) => e instanceof InputError && e.argument === 'options.ratios');
    assert.throws(() => gflAnchors([[1, 1]], [8, 8], { strides: [8], scalesPerOctave: 2 }), (e: unknown) => e instanceof InputError && e.argument === 'options.scalesPerOctave');
    assert.throws(
      () => gflAnchors([[1, 1], [1, 1]], [8, 8], { strides: [8, -16] }),
      (e: unknown) => e instanceof InputError && e.argument === 'options.strides' && e.index?.[0] === 1,
    );
  });
});
