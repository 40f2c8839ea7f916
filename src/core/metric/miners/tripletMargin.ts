/**
 * pml's `TripletMarginMiner(margin, type_of_triplets)` (`miners/triplet_margin_miner.py`): over
 * every valid triplet, the signed margin m = d_an − d_ap (similarity: s_ap − s_an) decides
 *
 * - `easy`: m > margin;
 * - `all`: m ≤ margin (every triplet that is not easy, equality included);
 * - `hard`: m ≤ margin and m ≤ 0 (so d_an = d_ap counts as hard, unlike LossLab's census,
 *   `src/core/mining.ts`, where hard is strict);
 * - `semihard`: 0 < m ≤ margin.
 */
import { checkInterrupt } from '../../interrupt';
import type { MeasuredBatch } from '../distance';
import { TripletBuilder, type Triplets } from '../tuples';

export type TripletType = 'all' | 'hard' | 'semihard' | 'easy';

export const TRIPLET_TYPES: readonly TripletType[] = ['all', 'hard', 'semihard', 'easy'];

/** Whether a triplet with signed margin m is of the given type. */
export function isTripletOfType(type: TripletType, m: number, margin: number): boolean {
  if (type === 'easy') return m > margin;
  if (!(m <= margin)) return false;
  if (type === 'hard') return m <= 0;
  if (type === 'semihard') return m > 0;
  return true;
}

/**
 * @param batch the measured batch (B, B).
 * @param labels (B) integer labels.
 * @returns the triplets of `type`, lexicographic by (a, p, n).
 */
export function mineTripletMargin(batch: MeasuredBatch, labels: Float64Array, margin: number, type: TripletType): Triplets {
  const { B, mat } = batch;
  const inverted = batch.distance.isInverted;
  const triplets = new TripletBuilder();
  for (let i = 0; i < B; i++) {
    checkInterrupt();
    const row = i * B;
    for (let j = 0; j < B; j++) {
      if (j === i || labels[j] !== labels[i]) continue;
      const ap = mat[row + j];
      for (let k = 0; k < B; k++) {
        if (labels[k] === labels[i]) continue;
        const an = mat[row + k];
        if (isTripletOfType(type, inverted ? ap - an : an - ap, margin)) triplets.add(i, j, k);
      }
    }
  }
  return triplets.toTriplets();
}
