import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawnCategories, drawnCounts, projectionAtMargin, totalCounts } from '../../../src/core/figures/projection';
import { FIGURE_SPEC_VERSION, type ProjectionFigure } from '../../../src/core/figures/spec';

/* What a projection figure shows at a margin: hand-built spec, hand-computed categories. */

const spec: ProjectionFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'projection',
  dimensions: 2,
  points: [[0, 0], [1, 0], [0, 1], [1, 1]],
  labels: [0, 0, 1, 1],
  explainedVariance: [0.5, 0.5],
  miner: 'every valid triplet',
  distance: 'LpDistance(p 2, raw)',
  inverted: false,
  margin: 0.2,
  // Signed margins d_an − d_ap: 0.5, 0.1, 0, −0.3.
  triplets: { a: [1, 1, 2, 2], p: [2, 2, 1, 1], n: [3, 4, 3, 4], ap: [0.5, 0.5, 0.8, 0.8], an: [1.0, 0.6, 0.8, 0.5] },
  total: 10,
  drawn: 'hardest',
  counts: { margins: [0, 0.25, 0.5], hard: [4, 4, 4], semihard: [0, 3, 5], easy: [6, 3, 1] },
  sliders: [{ name: 'margin', min: 0, max: 0.5, step: 0.25, value: 0.2 }],
};

describe('projection figure helpers', () => {
  it('colours the drawn triplets at the figure margin', () => {
    assert.deepEqual(drawnCategories(spec), ['easy', 'semihard', 'hard', 'hard']);
    assert.deepEqual(drawnCounts(spec), { hard: 2, semihard: 1, easy: 1 });
  });

  it('recolours at another margin: at 0.6 every triplet with m > 0 is semi-hard, at 0 only easy and hard remain', () => {
    assert.deepEqual(drawnCategories(projectionAtMargin(spec, 0.6)), ['semihard', 'semihard', 'hard', 'hard']);
    assert.deepEqual(drawnCategories(projectionAtMargin(spec, 0)), ['easy', 'easy', 'hard', 'hard']);
    assert.deepEqual(drawnCategories(projectionAtMargin(spec, 0.1)), ['easy', 'semihard', 'hard', 'hard']);
  });

  it("reads the total counts at the tabulated step nearest the margin, and moves the slider's value with it", () => {
    assert.deepEqual(totalCounts(spec), { hard: 4, semihard: 3, easy: 3 });
    const moved = projectionAtMargin(spec, 0.5);
    assert.deepEqual(totalCounts(moved), { hard: 4, semihard: 5, easy: 1 });
    assert.equal(moved.sliders?.[0].value, 0.5);
    assert.equal(spec.margin, 0.2, 'the original is not modified');
  });
});
