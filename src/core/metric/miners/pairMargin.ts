/**
 * pml's `PairMarginMiner(pos_margin, neg_margin)` (`miners/pair_margin_miner.py`): the positive
 * pairs farther than `pos_margin` and the negative pairs nearer than `neg_margin`, both strict.
 * For a similarity: positives with s < pos_margin, negatives with s > neg_margin.
 */
import type { MeasuredBatch } from '../distance';
import { PairWriter, type Pairs } from '../tuples';

/** @returns the pairs past their margins, each list lexicographic. */
export function minePairMargin(batch: MeasuredBatch, labels: Float64Array, posMargin: number, negMargin: number): Pairs {
  const { mat } = batch;
  // Negating both sides turns a similarity's comparisons into a distance's, exactly.
  const sign = batch.distance.isInverted ? -1 : 1;
  const pairs = new PairWriter(labels);
  const counts = new Int32Array(2);
  writeMarginPairs(mat, labels, sign * posMargin, sign * negMargin, sign, pairs.a1, pairs.p, pairs.a2, pairs.n, counts);
  return pairs.toPairs(counts[0], counts[1]);
}

/**
 * The kept pairs into a1, p (positives) and a2, n (negatives); their counts into counts[0..1].
 * Typed arrays and numbers only: with the writer object in the loop's function, V8 threw its
 * optimised code away at every call (no type feedback for the writer's use after the loop).
 */
function writeMarginPairs(mat: Float64Array, labels: Float64Array, pm: number, nm: number, sign: number, a1: Int32Array, p: Int32Array, a2: Int32Array, n: Int32Array, counts: Int32Array): void {
  const B = labels.length;
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
  counts[0] = pc;
  counts[1] = nc;
}
