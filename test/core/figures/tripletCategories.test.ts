import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { categoryOfMargin, signedMargin, tripletCategory } from '../../../src/core/figures/tripletCategories';

/* pml's TripletMarginMiner categories, hand-computed (test/fixtures/metric-learning.json's README quotes the code). */

describe('tripletCategory', () => {
  it('follows pml: easy above the margin, semi-hard in (0, margin], hard at or below 0', () => {
    const cases: [ap: number, an: number, margin: number, want: string][] = [
      [0.5, 1.0, 0.2, 'easy'], // m = 0.5 > 0.2
      [0.5, 0.7, 0.2, 'semihard'], // m = 0.2: ≤ margin, equality included
      [0.5, 0.6, 0.2, 'semihard'], // m = 0.1
      [0.5, 0.5, 0.2, 'hard'], // m = 0: d_an = d_ap is hard in pml (semi-hard in LossLab's census)
      [0.5, 0.3, 0.2, 'hard'], // m = −0.2
      [0.5, 0.6, 0, 'easy'], // margin 0: only easy and hard
      [0.5, 0.5, 0, 'hard'],
    ];
    for (const [ap, an, margin, want] of cases) assert.equal(tripletCategory(ap, an, margin, false), want, `d_ap ${ap}, d_an ${an}, margin ${margin}`);
  });

  it('inverts the comparison for a similarity: the margin is on s_ap − s_an', () => {
    assert.equal(signedMargin(0.9, 0.4, true), 0.5);
    assert.equal(tripletCategory(0.9, 0.4, 0.2, true), 'easy');
    assert.equal(tripletCategory(0.9, 0.8, 0.2, true), 'semihard');
    assert.equal(tripletCategory(0.6, 0.6, 0.2, true), 'hard');
    assert.equal(tripletCategory(0.4, 0.9, 0.2, true), 'hard');
  });

  it('has no semi-hard triplets at a negative margin, as pml (m ≤ margin < 0 is hard, the rest easy)', () => {
    assert.equal(categoryOfMargin(-0.05, -0.1), 'easy');
    assert.equal(categoryOfMargin(0.05, -0.1), 'easy');
    assert.equal(categoryOfMargin(-0.1, -0.1), 'hard');
    assert.equal(categoryOfMargin(-0.3, -0.1), 'hard');
  });
});
