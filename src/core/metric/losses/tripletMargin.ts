/**
 * pml's `TripletMarginLoss(margin, swap, smooth_loss)` (`losses/triplet_margin_loss.py`) over
 * given triplets: per triplet, violation = margin(ap, an) + margin, where margin(x, y) = x − y for
 * a distance and y − x for a similarity, and loss = relu(violation), or softplus(violation) with
 * `smooth_loss` (PyTorch's: x itself above 20). With `swap`, an is replaced by the closer of
 * (a, n) and (p, n) (min for a distance, max for a similarity). The losses are then reduced.
 */
import type { MeasuredBatch } from '../distance';
import { reduceLosses, type Reducer } from '../reducers';
import type { Triplets } from '../tuples';

export interface TripletMarginOptions {
  /** Default 0.05 (pml). */
  readonly margin: number;
  /** Default false. */
  readonly swap: boolean;
  /** Default false. */
  readonly smoothLoss: boolean;
  /** Default `avg_non_zero` (pml). */
  readonly reducer: Reducer;
}

/** What a pair or triplet loss returns before the backward through the distance. */
export interface MatrixLoss {
  readonly loss: number;
  /** (B, B) ∂loss/∂mat, for `measureBackward`. */
  readonly upstream: Float64Array;
}

export interface TripletMarginResult extends MatrixLoss {
  /** (N) per-triplet losses, in the order of the triplets. */
  readonly losses: Float64Array;
  readonly numTriplets: number;
  readonly numPastFilter: number;
}

/** PyTorch's `F.softplus` (beta 1, threshold 20) and its derivative. */
function torchSoftplus(x: number): { value: number; slope: number } {
  if (x > 20) return { value: x, slope: 1 };
  const e = Math.exp(x);
  return { value: Math.log1p(e), slope: e / (1 + e) };
}

export function tripletMarginLoss(batch: MeasuredBatch, triplets: Triplets, options: TripletMarginOptions): TripletMarginResult {
  const { B, mat } = batch;
  const inverted = batch.distance.isInverted;
  const { a, p, n } = triplets;
  const N = a.length;
  const upstream = new Float64Array(B * B);
  if (N === 0) return { loss: 0, upstream, losses: new Float64Array(0), numTriplets: 0, numPastFilter: 0 };
  const losses = new Float64Array(N);
  const slopes = new Float64Array(N);
  // Which distance stands for an: 0 = (a, n), 1 = (p, n), 0.5 = tied (the gradient splits, as torch.minimum's).
  const swapped = new Float64Array(options.swap ? N : 0);
  for (let k = 0; k < N; k++) {
    const ap = mat[a[k] * B + p[k]];
    let an = mat[a[k] * B + n[k]];
    if (options.swap) {
      const pn = mat[p[k] * B + n[k]];
      const pnCloser = inverted ? pn > an : pn < an;
      swapped[k] = pn === an ? 0.5 : pnCloser ? 1 : 0;
      if (pnCloser) an = pn;
    }
    const violation = (inverted ? an - ap : ap - an) + options.margin;
    if (options.smoothLoss) {
      const s = torchSoftplus(violation);
      losses[k] = s.value;
      slopes[k] = s.slope;
    } else {
      losses[k] = violation > 0 ? violation : 0;
      slopes[k] = violation > 0 ? 1 : 0;
    }
  }
  const reduced = reduceLosses(options.reducer, losses);
  const sign = inverted ? -1 : 1;
  for (let k = 0; k < N; k++) {
    const g = reduced.weights[k] * slopes[k];
    if (g === 0) continue;
    upstream[a[k] * B + p[k]] += sign * g;
    const toPn = options.swap ? swapped[k] : 0;
    if (toPn !== 1) upstream[a[k] * B + n[k]] -= sign * g * (1 - toPn);
    if (toPn !== 0) upstream[p[k] * B + n[k]] -= sign * g * toPn;
  }
  return { loss: reduced.loss, upstream, losses, numTriplets: N, numPastFilter: reduced.numPastFilter };
}
