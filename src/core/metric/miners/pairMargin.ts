/**
 * pml's `PairMarginMiner(pos_margin, neg_margin)` (`miners/pair_margin_miner.py`): the positive
 * pairs farther than `pos_margin` and the negative pairs nearer than `neg_margin`, both strict.
 * For a similarity: positives with s < pos_margin, negatives with s > neg_margin.
 */
import type { MeasuredBatch } from '../distance';
import { PairBuilder, type Pairs } from '../tuples';

/** @returns the pairs past their margins, each list lexicographic. */
export function minePairMargin(batch: MeasuredBatch, labels: Float64Array, posMargin: number, negMargin: number): Pairs {
  const { B, mat } = batch;
  const inverted = batch.distance.isInverted;
  const pairs = new PairBuilder();
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      const v = mat[i * B + j];
      if (labels[i] !== labels[j]) {
        if (inverted ? v > negMargin : v < negMargin) pairs.negative(i, j);
      } else if (i !== j && (inverted ? v < posMargin : v > posMargin)) pairs.positive(i, j);
    }
  }
  return pairs.toPairs();
}
