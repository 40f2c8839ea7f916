/**
 * pml's `ContrastiveLoss(pos_margin, neg_margin)` (`losses/contrastive_loss.py`, Hadsell et al.
 * 2006): per positive pair relu(d − pos_margin), per negative pair relu(neg_margin − d) (for a
 * similarity relu(pos_margin − s) and relu(s − neg_margin)). Each list is reduced by its own
 * reducer (pml's `MultipleReducers`, default `AvgNonZeroReducer`) and the loss is their sum.
 *
 * pml's quirk (`GenericPairLoss.compute_loss`): when each of a1, p, a2, n has at most one element
 * the loss is 0 with a zero gradient, even if the pairs violate their margins.
 */
import type { MeasuredBatch } from '../distance';
import { reduceLosses, type Reducer } from '../reducers';
import type { Pairs } from '../tuples';
import type { MatrixLoss } from './tripletMargin';

export interface ContrastiveOptions {
  /** Default 0 (pml). */
  readonly posMargin: number;
  /** Default 1 (pml). */
  readonly negMargin: number;
  /** Default `avg_non_zero`, applied to each sub-loss. */
  readonly reducer: Reducer;
}

export interface ContrastiveResult extends MatrixLoss {
  readonly posLoss: number;
  readonly negLoss: number;
  /** (P) and (N) per-pair losses, in the order of the pairs. */
  readonly posLosses: Float64Array;
  readonly negLosses: Float64Array;
  readonly numPosNonzero: number;
  readonly numNegNonzero: number;
}

/** True when pml's GenericPairLoss returns zero losses: no list holds more than one element. */
export function isPmlZeroPairCase(pairs: Pairs): boolean {
  return pairs.a1.length <= 1 && pairs.p.length <= 1 && pairs.a2.length <= 1 && pairs.n.length <= 1;
}

export function contrastiveLoss(batch: MeasuredBatch, pairs: Pairs, options: ContrastiveOptions): ContrastiveResult {
  const { B, mat } = batch;
  const inverted = batch.distance.isInverted;
  const upstream = new Float64Array(B * B);
  const side = (first: Int32Array, second: Int32Array, positive: boolean): { loss: number; losses: Float64Array; nonzero: number } => {
    const losses = new Float64Array(first.length);
    let nonzero = 0;
    for (let k = 0; k < first.length; k++) {
      const v = mat[first[k] * B + second[k]];
      // margin(x, y) = x − y for a distance, y − x for a similarity.
      const raw = positive ? (inverted ? options.posMargin - v : v - options.posMargin) : inverted ? v - options.negMargin : options.negMargin - v;
      losses[k] = raw > 0 ? raw : 0;
      if (raw > 0) nonzero++;
    }
    if (first.length === 0) return { loss: 0, losses, nonzero };
    const reduced = reduceLosses(options.reducer, losses);
    // ∂raw/∂v: +1 for a distance's positive and a similarity's negative, −1 otherwise.
    const slope = positive !== inverted ? 1 : -1;
    for (let k = 0; k < first.length; k++) if (losses[k] > 0 && reduced.weights[k] !== 0) upstream[first[k] * B + second[k]] += slope * reduced.weights[k];
    return { loss: reduced.loss, losses, nonzero };
  };
  if (isPmlZeroPairCase(pairs)) {
    const empty = new Float64Array(0);
    return { loss: 0, upstream, posLoss: 0, negLoss: 0, posLosses: empty, negLosses: empty, numPosNonzero: 0, numNegNonzero: 0 };
  }
  const pos = side(pairs.a1, pairs.p, true);
  const neg = side(pairs.a2, pairs.n, false);
  return {
    loss: pos.loss + neg.loss,
    upstream,
    posLoss: pos.loss,
    negLoss: neg.loss,
    posLosses: pos.losses,
    negLosses: neg.losses,
    numPosNonzero: pos.nonzero,
    numNegNonzero: neg.nonzero,
  };
}
