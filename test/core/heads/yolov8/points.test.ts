import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { anchorLayout, anchorPoints, cellSpan } from '../../../../src/core/heads/yolov8/points';
import { anchorsInside, insideBox } from '../../../../src/core/heads/yolov8/tal';
import { InputError } from '../../../../src/core/errors';
import { seededRandom } from '../../../helpers/random';

describe('yolov8 anchor points', () => {
  it('puts a 2×3 and a 1×1 level on cell centres, level-major then row-major (hand-computed)', () => {
    const layout = anchorLayout([[2, 3], [1, 1]], [8, 16]);
    assert.equal(layout.count, 7);
    assert.deepEqual([...layout.centres], [4, 4, 12, 4, 20, 4, 4, 12, 12, 12, 20, 12, 8, 8]);
    assert.deepEqual([...layout.level], [0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual([...layout.cell], [0, 1, 2, 3, 4, 5, 0]);
    assert.deepEqual(layout.levels.map((l) => l.offset), [0, 6]);
    const { points, strides } = anchorPoints(layout);
    assert.deepEqual([...points.data], [0.5, 0.5, 1.5, 0.5, 2.5, 0.5, 0.5, 1.5, 1.5, 1.5, 2.5, 1.5, 0.5, 0.5]);
    assert.deepEqual([...strides.data], [8, 8, 8, 8, 8, 8, 16]);
  });

  it('honours another grid-cell offset (0: the cell corners)', () => {
    assert.deepEqual([...anchorLayout([[1, 2]], [32], 0).centres], [0, 0, 32, 0]);
  });

  it('rejects a stride per level that is missing or not positive, naming the level', () => {
    assert.throws(() => anchorLayout([[2, 2]], [8, 16]), InputError);
    assert.throws(() => anchorLayout([[2, 2], [1, 1]], [8, 0]), (e: InputError) => e.index?.[0] === 1 && /strides/.test(e.message));
  });

  it('a 640×640 image at strides 8, 16, 32 has 8,400 anchors', () => {
    assert.equal(anchorLayout([[80, 80], [40, 40], [20, 20]], [8, 16, 32]).count, 8400);
  });

  it('the cells a box can hold are a superset of those it holds, and anchorsInside equals a scan of every anchor', () => {
    const layout = anchorLayout([[8, 10], [4, 5], [2, 3]], [8, 16, 32]);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const random = seededRandom(seed);
        const x1 = random() * 90 - 5;
        const y1 = random() * 70 - 5;
        const box = [x1, y1, x1 + random() * 40, y1 + random() * 40];
        const want: number[] = [];
        for (let a = 0; a < layout.count; a++) if (insideBox(layout.centres[2 * a], layout.centres[2 * a + 1], box, 0)) want.push(a);
        const out = new Int32Array(layout.count);
        const got = [...out.subarray(0, anchorsInside(layout, box, 0, out))];
        assert.deepEqual(got, want);
      }),
      { numRuns: 200 },
    );
  });

  it('cellSpan clamps to the grid and is empty for a box beside it', () => {
    assert.deepEqual(cellSpan(-50, 1000, 8, 0.5, 10), [0, 9]);
    const [first, last] = cellSpan(200, 240, 8, 0.5, 10);
    assert.ok(last < first);
  });

  it('the inside test is strict by 1e-9 px: a centre on the border or 1e-10 inside is out, 1e-8 inside is in', () => {
    assert.equal(insideBox(4, 4, [4, 0, 10, 10], 0), false);
    assert.equal(insideBox(4, 4, [4 - 1e-10, 0, 10, 10], 0), false);
    assert.equal(insideBox(4, 4, [4 - 1e-8, 0, 10, 10], 0), true);
  });
});
