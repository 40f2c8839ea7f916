/**
 * pml's `PairMarginMiner(pos_margin, neg_margin)` (`miners/pair_margin_miner.py`): the positive
 * pairs farther than `pos_margin` and the negative pairs nearer than `neg_margin`, both strict.
 * For a similarity: positives with s < pos_margin, negatives with s > neg_margin.
 */
import type { MeasuredBatch } from '../distance';
import { PairWriter, type Pairs } from '../tuples';

/** @returns the pairs past their margins, each list lexicographic. */
export function minePairMargin(batch: MeasuredBatch, labels: Float64Array, posMargin: number, negMargin: number): Pairs {
  const { B, mat } = batch;
  // Negating both sides turns a similarity's comparisons into a distance's, exactly.
  const sign = batch.distance.isInverted ? -1 : 1;
  const [pm, nm] = [sign * posMargin, sign * negMargin];
  const pairs = new PairWriter(labels);
  const { a1, p, a2, n } = pairs;
  let pc = 0;
  let nc = 0;
  for (let i = 0; i < B; i++) {
    const own = labels[i];
    const row = i * B;
    const [p0, n0] = [pc, nc];
    for (let j = 0; j < B; j++) {
      const v = sign * mat[row + j];
      if (labels[j] === own) {
        if (j !== i && v > pm) p[pc++] = j;
      } else if (v < nm) n[nc++] = j;
    }
    a1.fill(i, p0, pc);
    a2.fill(i, n0, nc);
  }
  return pairs.toPairs(pc, nc);
}
