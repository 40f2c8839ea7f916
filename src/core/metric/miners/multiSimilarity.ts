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
import { PairWriter, type Pairs } from '../tuples';

/** @returns the kept pairs, each list lexicographic (pml returns them in sorted-value order). */
export function mineMultiSimilarity(batch: MeasuredBatch, labels: Float64Array, epsilon: number): Pairs {
  const { mat } = batch;
  // u = s for a similarity and −d for a distance (larger is closer either way). Rounding is
  // symmetric, so fl(−d − ε) = −fl(d + ε): d − ε < max_p d ⟺ u + ε > min_p u, and likewise for the
  // positives, so one set of comparisons on u is exact for both.
  const sign = batch.distance.isInverted ? 1 : -1;
  const pairs = new PairWriter(labels);
  const counts = new Int32Array(2);
  writeMultiSimilarityPairs(mat, labels, sign, epsilon, pairs.a1, pairs.p, pairs.a2, pairs.n, counts);
  return pairs.toPairs(counts[0], counts[1]);
}

/** The kept pairs into a1, p and a2, n, their counts into counts[0..1] (typed arrays only, as pairMargin.ts's). */
function writeMultiSimilarityPairs(mat: Float64Array, labels: Float64Array, sign: number, epsilon: number, a1: Int32Array, p: Int32Array, a2: Int32Array, n: Int32Array, counts: Int32Array): void {
  const B = labels.length;
  let pc = 0;
  let nc = 0;
  for (let i = 0; i < B; i++) {
    const row = i * B;
    const own = labels[i];
    // The anchor's hardest negative (largest u) and hardest positive (smallest u).
    let hardestNegative = -Infinity;
    let hardestPositive = Infinity;
    let negatives = 0;
    let positives = 0;
    for (let j = 0; j < B; j++) {
      const u = sign * mat[row + j];
      if (labels[j] !== own) {
        negatives++;
        hardestNegative = u > hardestNegative ? u : hardestNegative;
      } else if (j !== i) {
        positives++;
        hardestPositive = u < hardestPositive ? u : hardestPositive;
      }
    }
    if (negatives === 0 || positives === 0) continue;
    const [p0, n0] = [pc, nc];
    for (let j = 0; j < B; j++) {
      const u = sign * mat[row + j];
      if (labels[j] === own) {
        if (j !== i && u - epsilon < hardestNegative) p[pc++] = j;
      } else if (u + epsilon > hardestPositive) n[nc++] = j;
    }
    a1.fill(i, p0, pc);
    a2.fill(i, n0, nc);
  }
  counts[0] = pc;
  counts[1] = nc;
}
