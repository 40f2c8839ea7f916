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
import { keptBounds, type Reducer } from '../reducers';
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
  const { all, low, high } = keptBounds(options.reducer);
  // w = d, or −s for a similarity: the positive loss is relu(w − w₊) and the negative relu(w₋ − w),
  // with w₊ = ±pos_margin and w₋ = ±neg_margin (negation is exact, so are the losses).
  const sign = inverted ? -1 : 1;
  const totals = new Float64Array(2);
  const side = (first: Int32Array, second: Int32Array, positive: boolean): { loss: number; losses: Float64Array; nonzero: number } => {
    const losses = new Float64Array(first.length);
    // relu(±(w − m)): raw = direction·w − direction·m.
    const direction = positive ? 1 : -1;
    const scale = direction * sign;
    const offset = direction * sign * (positive ? options.posMargin : options.negMargin);
    const loss = sideLoss(mat, B, first, second, scale, offset, all, low, high, losses, upstream, totals);
    return { loss, losses, nonzero: totals[0] };
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

/**
 * One side's hinge losses relu(scale·mat[first[k], second[k]] − offset) into `losses`, reduced
 * (each kept loss weighs 1/kept, reducers.ts) in the same pass, and the kept losses' gradient,
 * scale/kept, added to `upstream`; returns the reduced loss, with the non-zero count in totals[0].
 * Typed arrays and numbers only, so that V8 keeps the loops optimised (see tuples.ts's PairWriter).
 */
function sideLoss(mat: Float64Array, B: number, first: Int32Array, second: Int32Array, scale: number, offset: number, all: boolean, low: number, high: number, losses: Float64Array, upstream: Float64Array, totals: Float64Array): number {
  const N = first.length;
  let nonzero = 0;
  let kept = 0;
  let sum = 0;
  for (let k = 0; k < N; k++) {
    const raw = scale * mat[first[k] * B + second[k]] - offset;
    const loss = raw > 0 ? raw : 0;
    losses[k] = loss;
    nonzero += raw > 0 ? 1 : 0;
    const keep = all || (loss > low && loss < high);
    kept += keep ? 1 : 0;
    sum += keep ? loss : 0;
  }
  totals[0] = nonzero;
  if (N === 0 || kept === 0) return 0;
  // ∂raw/∂v = scale.
  const g = scale * (1 / kept);
  for (let k = 0; k < N; k++) {
    const loss = losses[k];
    if (loss > 0 && (all || (loss > low && loss < high))) upstream[first[k] * B + second[k]] += g;
  }
  return sum / kept;
}
