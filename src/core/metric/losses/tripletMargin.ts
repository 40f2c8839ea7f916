/**
 * pml's `TripletMarginLoss(margin, swap, smooth_loss)` (`losses/triplet_margin_loss.py`) over
 * given triplets: per triplet, violation = margin(ap, an) + margin, where margin(x, y) = x − y for
 * a distance and y − x for a similarity, and loss = relu(violation), or softplus(violation) with
 * `smooth_loss` (PyTorch's: x itself above 20). With `swap`, an is replaced by the closer of
 * (a, n) and (p, n) (min for a distance, max for a similarity). The losses are then reduced.
 */
import type { MeasuredBatch } from '../distance';
import { checkInterrupt } from '../../interrupt';
import { keptBounds, type Reducer } from '../reducers';
import { gatherNegatives, sameLabelCounts, type Triplets } from '../tuples';

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

/**
 * The triplet loss over given triplets. One pass computes each loss and the reducer's sum and
 * count; a second adds the kept triplets' gradients, each weighing 1/kept (reducers.ts).
 * `upstream` (B, B), zero-filled, receives ∂L/∂mat (metricLoss passes a scratch array).
 */
export function tripletMarginLoss(batch: MeasuredBatch, triplets: Triplets, options: TripletMarginOptions, upstream: Float64Array = new Float64Array(batch.B * batch.B)): TripletMarginResult {
  const { B, mat } = batch;
  const inverted = batch.distance.isInverted;
  const { a, p, n } = triplets;
  const N = a.length;
  if (N === 0) return { loss: 0, upstream, losses: new Float64Array(0), numTriplets: 0, numPastFilter: 0 };
  const { margin, swap, smoothLoss } = options;
  const { all, low, high } = keptBounds(options.reducer);
  const losses = new Float64Array(N);
  // Which distance stands for an: 0 = (a, n), 1 = (p, n), 0.5 = tied (the gradient splits, as torch.minimum's).
  const swapped = new Float64Array(swap ? N : 0);
  const slopes = new Float64Array(smoothLoss ? N : 0);
  let kept = 0;
  let sum = 0;
  for (let k = 0; k < N; k++) {
    const ap = mat[a[k] * B + p[k]];
    let an = mat[a[k] * B + n[k]];
    if (swap) {
      const pn = mat[p[k] * B + n[k]];
      const pnCloser = inverted ? pn > an : pn < an;
      swapped[k] = pn === an ? 0.5 : pnCloser ? 1 : 0;
      if (pnCloser) an = pn;
    }
    const violation = (inverted ? an - ap : ap - an) + margin;
    let loss: number;
    if (smoothLoss) {
      const soft = torchSoftplus(violation);
      loss = soft.value;
      slopes[k] = soft.slope;
    } else loss = violation > 0 ? violation : 0;
    losses[k] = loss;
    if (all || (loss > low && loss < high)) {
      kept++;
      sum += loss;
    }
  }
  if (kept === 0) return { loss: 0, upstream, losses, numTriplets: N, numPastFilter: 0 };
  const weight = 1 / kept;
  const sign = inverted ? -1 : 1;
  for (let k = 0; k < N; k++) {
    const loss = losses[k];
    if (!(all || (loss > low && loss < high))) continue;
    // A hinge's slope is 1 exactly where its loss is positive.
    const g = weight * (smoothLoss ? slopes[k] : loss > 0 ? 1 : 0);
    if (g === 0) continue;
    upstream[a[k] * B + p[k]] += sign * g;
    const toPn = swap ? swapped[k] : 0;
    if (toPn !== 1) upstream[a[k] * B + n[k]] -= sign * g * (1 - toPn);
    if (toPn !== 0) upstream[p[k] * B + n[k]] -= sign * g * toPn;
  }
  return { loss: sum / kept, upstream, losses, numTriplets: N, numPastFilter: kept };
}

/**
 * The triplet loss over every valid triplet of the batch without swap, in the order of
 * `allTriplets` (lexicographic), without reading the triplets: per anchor its negatives' values are
 * gathered once and each positive runs over them. The gradient is accumulated as kept slopes in
 * `upstream` and scaled by ±1/kept at the end; it equals tripletMarginLoss's up to the order of
 * the additions.
 * `upstream` (B, B), zero-filled, receives ∂L/∂mat (metricLoss passes a scratch array).
 */
export function allTripletsMarginLoss(batch: MeasuredBatch, labels: Float64Array, options: TripletMarginOptions, upstream: Float64Array = new Float64Array(batch.B * batch.B)): TripletMarginResult {
  const { B, mat } = batch;
  const { margin, smoothLoss } = options;
  const { all, low, high } = keptBounds(options.reducer);
  const same = sameLabelCounts(labels);
  let N = 0;
  for (let i = 0; i < B; i++) N += (same[i] - 1) * (B - same[i]);
  const losses = new Float64Array(N);
  // w = d, or −s for a similarity, so the violation is (w_ap − w_an) + margin for both, exactly.
  const sign = batch.distance.isInverted ? -1 : 1;
  const negatives = new Int32Array(B);
  const values = new Float64Array(B);
  const slopeSums = new Float64Array(B);
  // kept, sum of kept losses, and the current positive's kept slopes (set by each run).
  const totals = new Float64Array(3);
  let c = 0;
  for (let i = 0; i < B; i++) {
    checkInterrupt();
    const row = i * B;
    const own = labels[i];
    const nn = gatherNegatives(mat, labels, i, sign, negatives, values);
    if (nn === 0 || same[i] === 1) continue;
    slopeSums.fill(0, 0, nn);
    for (let j = 0; j < B; j++) {
      if (j === i || labels[j] !== own) continue;
      const ap = sign * mat[row + j];
      const run = smoothLoss ? smoothRun : hingeRun;
      run(values, nn, ap, margin, losses, c, slopeSums, all, low, high, totals);
      c += nn;
      upstream[row + j] += totals[2];
    }
    for (let k = 0; k < nn; k++) upstream[row + negatives[k]] -= slopeSums[k];
  }
  const [kept, sum] = totals;
  if (kept === 0) {
    upstream.fill(0);
    return { loss: 0, upstream, losses, numTriplets: N, numPastFilter: 0 };
  }
  const scale = sign / kept;
  for (let k = 0; k < upstream.length; k++) upstream[k] *= scale;
  return { loss: sum / kept, upstream, losses, numTriplets: N, numPastFilter: kept };
}

/**
 * One (anchor, positive) run of the hinge over the anchor's negatives: losses from `at` on, each
 * kept slope added to `slopeSums[k]`, and kept count, kept sum and the run's slope total into
 * totals[0..2]. Typed arrays and numbers only, and one loop per form, so V8 keeps it optimised.
 */
function hingeRun(values: Float64Array, nn: number, ap: number, margin: number, losses: Float64Array, at: number, slopeSums: Float64Array, all: boolean, low: number, high: number, totals: Float64Array): void {
  let kept = 0;
  let sum = 0;
  let slopes = 0;
  for (let k = 0; k < nn; k++) {
    const violation = ap - values[k] + margin;
    const loss = violation > 0 ? violation : 0;
    losses[at + k] = loss;
    const keep = all || (loss > low && loss < high);
    kept += keep ? 1 : 0;
    sum += keep ? loss : 0;
    const g = keep && violation > 0 ? 1 : 0;
    slopes += g;
    slopeSums[k] += g;
  }
  totals[0] += kept;
  totals[1] += sum;
  totals[2] = slopes;
}

/** hingeRun's twin for the smooth form: softplus of the violation and its sigmoid slope. */
function smoothRun(values: Float64Array, nn: number, ap: number, margin: number, losses: Float64Array, at: number, slopeSums: Float64Array, all: boolean, low: number, high: number, totals: Float64Array): void {
  let kept = 0;
  let sum = 0;
  let slopes = 0;
  for (let k = 0; k < nn; k++) {
    const soft = torchSoftplus(ap - values[k] + margin);
    losses[at + k] = soft.value;
    const keep = all || (soft.value > low && soft.value < high);
    kept += keep ? 1 : 0;
    sum += keep ? soft.value : 0;
    const g = keep ? soft.slope : 0;
    slopes += g;
    slopeSums[k] += g;
  }
  totals[0] += kept;
  totals[1] += sum;
  totals[2] = slopes;
}
