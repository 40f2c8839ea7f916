/**
 * pml's `MultiSimilarityMiner(epsilon)` (`miners/multi_similarity_miner.py`, Wang et al. 2019):
 * with a similarity, a positive pair is kept iff s_ap − ε < max_n s_an (the anchor's hardest
 * negative) and a negative pair iff s_an + ε > min_p s_ap (its hardest positive); with a distance
 * the mirror image, d_ap + ε > min_n d_an and d_an − ε < max_p d_ap. All strict.
 *
 * An anchor with no negative keeps no positive, and one with no positive (a singleton) keeps no
 * negative: pml compares against a row of ±finfo.max there, which no pair passes.
 */
import type { MeasuredBatch } from '../distance';
import { PairBuilder, type Pairs } from '../tuples';

/** @returns the kept pairs, each list lexicographic (pml returns them in sorted-value order). */
export function mineMultiSimilarity(batch: MeasuredBatch, labels: Float64Array, epsilon: number): Pairs {
  const { B, mat } = batch;
  const inverted = batch.distance.isInverted;
  const pairs = new PairBuilder();
  for (let i = 0; i < B; i++) {
    const row = i * B;
    // Closest negative and farthest positive of the anchor, in the distance's own sense.
    let hardestNegative = NaN;
    let hardestPositive = NaN;
    for (let j = 0; j < B; j++) {
      if (j === i) continue;
      const v = mat[row + j];
      if (labels[j] === labels[i]) {
        if (Number.isNaN(hardestPositive) || (inverted ? v < hardestPositive : v > hardestPositive)) hardestPositive = v;
      } else if (Number.isNaN(hardestNegative) || (inverted ? v > hardestNegative : v < hardestNegative)) hardestNegative = v;
    }
    if (Number.isNaN(hardestNegative) || Number.isNaN(hardestPositive)) continue;
    for (let j = 0; j < B; j++) {
      if (j === i) continue;
      const v = mat[row + j];
      if (labels[j] !== labels[i]) {
        if (inverted ? v + epsilon > hardestPositive : v - epsilon < hardestPositive) pairs.negative(i, j);
      } else if (inverted ? v - epsilon < hardestNegative : v + epsilon > hardestNegative) pairs.positive(i, j);
    }
  }
  return pairs.toPairs();
}
