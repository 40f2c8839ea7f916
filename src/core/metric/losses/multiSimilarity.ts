/**
 * pml's `MultiSimilarityLoss(alpha, beta, base)` (`losses/multi_similarity_loss.py`, Wang et al.
 * 2019): per anchor i,
 *   L_i = (1/α)·log(1 + Σ_{p∈P_i} exp(α·(base − s_ip))) + (1/β)·log(1 + Σ_{n∈N_i} exp(β·(s_in − base)))
 * for a similarity; for a distance the exponents are α·(d − base) and β·(base − d). P_i and N_i
 * are the anchor's positive and negative pairs (all of them, or the given ones); an empty set
 * contributes exactly 0. The loss is the mean of L over all B rows (pml's `MeanReducer`).
 *
 * Each log(1 + Σ exp) is a log-sum-exp over the kept values and a 0, shifted by its maximum.
 * The quirk of `contrastive.ts` (at most one element per list: loss 0) applies here too.
 */
import { EXP_ARGUMENT_LIMIT, expInRange } from '../../heads/yolov8/exp';
import type { MeasuredBatch } from '../distance';
import { allPairCounts, allPositivePairs, type Pairs } from '../tuples';
import { isPmlZeroPairCase } from './contrastive';
import type { MatrixLoss } from './tripletMargin';

export interface MultiSimilarityOptions {
  /** Default 2 (pml). */
  readonly alpha: number;
  /** Default 50. */
  readonly beta: number;
  /** Default 0.5. */
  readonly base: number;
}

export interface MultiSimilarityResult extends MatrixLoss {
  /** (B) per-anchor losses. */
  readonly losses: Float64Array;
}

/** Each row's listed columns, ascending and each once: cols[start[i]..start[i + 1]) for row i. */
interface RowColumns {
  readonly start: Int32Array;
  readonly cols: Int32Array;
}

/**
 * The set of (B, B) entries listed by (first[k], second[k]) as rows of columns (pml builds a mask:
 * a pair listed twice counts once); `skipDiagonal` drops i = j. A miner's lists are already strictly
 * lexicographic, off the diagonal, and are read as they are; others go through a (B, B) mask.
 */
function rowColumns(B: number, first: Int32Array, second: Int32Array, skipDiagonal: boolean): RowColumns {
  const start = new Int32Array(B + 1);
  // Strictly lexicographic and off the diagonal (where skipped): the lists are the rows as they are.
  let plain = true;
  for (let k = 0; k < first.length; k++) {
    const i = first[k];
    start[i + 1]++;
    if (k > 0 && !(i > first[k - 1] || (i === first[k - 1] && second[k] > second[k - 1]))) plain = false;
    if (skipDiagonal && i === second[k]) plain = false;
  }
  if (plain) {
    for (let i = 0; i < B; i++) start[i + 1] += start[i];
    return { start, cols: second };
  }
  start.fill(0);
  const mask = new Uint8Array(B * B);
  let count = 0;
  for (let k = 0; k < first.length; k++) {
    if (skipDiagonal && first[k] === second[k]) continue;
    count += 1 - mask[first[k] * B + second[k]];
    mask[first[k] * B + second[k]] = 1;
  }
  const cols = new Int32Array(count);
  let c = 0;
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) if (mask[i * B + j] !== 0) cols[c++] = j;
    start[i + 1] = c;
  }
  return { start, cols };
}

// Read once: under tsx an imported binding is reached through a getter at every call.
const expFrom = expInRange;

/**
 * e^t for t ≤ 0, bit for bit as numerics' fastExp: the table-driven exponential down to −708, and
 * Math.exp below (subnormal results, and exactly 0 for −∞). A one-sided test inlines into the
 * loops, where fastExp's call took a third of the loss's exponentials' time.
 */
function exp(t: number): number {
  return t >= -EXP_ARGUMENT_LIMIT ? expFrom(t) : Math.exp(t);
}

/**
 * Adds (1/scale)·log(1 + Σ_kept exp(scale·e_j)) of row i to `losses[i]` and its gradient
 * ∂/∂mat = softmax weight · ∂e/∂mat (= `sign`) to `upstream`, times `weight`. The exponent is
 * e = slope·v + offset with slope ±1, which is exactly v − base or base − v. Typed arrays and
 * numbers only, so that V8 keeps the loops optimised (see tuples.ts's PairWriter).
 */
function addSoftTerm(mat: Float64Array, B: number, start: Int32Array, cols: Int32Array, scale: number, slope: number, offset: number, sign: number, weight: number, losses: Float64Array, upstream: Float64Array): void {
  // The row's kept exponents and their exp(z − max), each computed once.
  const z = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const row = i * B;
    const [k0, k1] = [start[i], start[i + 1]];
    if (k1 === k0) continue;
    let max = 0;
    for (let k = k0; k < k1; k++) {
      const value = scale * (slope * mat[row + cols[k]] + offset);
      z[k - k0] = value;
      max = value > max ? value : max;
    }
    let sum = exp(-max);
    for (let k = 0; k < k1 - k0; k++) {
      const e = exp(z[k] - max);
      z[k] = e;
      sum += e;
    }
    losses[i] += (max + Math.log(sum)) / scale;
    const factor = (weight * sign) / sum;
    for (let k = k0; k < k1; k++) upstream[row + cols[k]] += factor * z[k - k0];
  }
}

/**
 * The loss over the given pairs, read as rows of columns.
 * `upstream` (B, B), zero-filled, receives ∂L/∂mat (metricLoss passes a scratch array).
 */
export function multiSimilarityLoss(batch: MeasuredBatch, pairs: Pairs, options: MultiSimilarityOptions, upstream: Float64Array = new Float64Array(batch.B * batch.B)): MultiSimilarityResult {
  const { B } = batch;
  const inverted = batch.distance.isInverted;
  const losses = new Float64Array(B);
  if (isPmlZeroPairCase(pairs) || B === 0) return { loss: 0, upstream, losses };
  const { alpha, beta, base } = options;
  const weight = 1 / B;
  // pos exponent: margin(v, base); neg exponent: margin(base, v); margin(x, y) = x − y, or y − x when inverted.
  const posSlope = inverted ? -1 : 1;
  const positives = rowColumns(B, pairs.a1, pairs.p, true);
  const negatives = rowColumns(B, pairs.a2, pairs.n, false);
  addSoftTerm(batch.mat, B, positives.start, positives.cols, alpha, posSlope, -posSlope * base, posSlope, weight, losses, upstream);
  addSoftTerm(batch.mat, B, negatives.start, negatives.cols, beta, -posSlope, posSlope * base, -posSlope, weight, losses, upstream);
  let total = 0;
  for (let i = 0; i < B; i++) total += losses[i];
  return { loss: total / B, upstream, losses };
}

/**
 * multiSimilarityLoss over every pair of the batch (pml's default, no miner), along the rows by
 * label rather than through 1M-entry pair lists: the same sums in the same order, so the same
 * bits (a test holds the two to each other). `upstream` (B, B) may hold anything: every entry is
 * written (the negatives' pass stores each row whole, then the positives add theirs).
 */
export function multiSimilarityLossAllPairs(batch: MeasuredBatch, labels: Float64Array, options: MultiSimilarityOptions, upstream: Float64Array = new Float64Array(batch.B * batch.B)): MultiSimilarityResult {
  const { B } = batch;
  const inverted = batch.distance.isInverted;
  const losses = new Float64Array(B);
  const { positives, negatives } = allPairCounts(labels);
  // pml's zero-pair case (isPmlZeroPairCase) for the all-pairs lists.
  if ((positives <= 1 && negatives <= 1) || B === 0) return { loss: 0, upstream: upstream.fill(0), losses };
  const { alpha, beta, base } = options;
  const weight = 1 / B;
  const posSlope = inverted ? -1 : 1;
  const positive = allPositivePairs(labels);
  const rows = rowColumns(B, positive.a1, positive.p, true);
  setNegativeTerms(batch.mat, labels, beta, -posSlope, posSlope * base, -posSlope, weight, losses, upstream);
  addSoftTerm(batch.mat, B, rows.start, rows.cols, alpha, posSlope, -posSlope * base, posSlope, weight, losses, upstream);
  let total = 0;
  for (let i = 0; i < B; i++) total += losses[i];
  return { loss: total / B, upstream, losses };
}

/**
 * addSoftTerm over each row's negatives, every column of another label, storing each row of
 * `upstream` whole: a column of the row's own label takes z = −∞, whose exponential is exactly 0,
 * so the row runs without an index list (+ 0 turns the −0 that a negative factor gives it into the
 * +0 a cleared array holds, as in addSoftTerm's rows).
 */
function setNegativeTerms(mat: Float64Array, labels: Float64Array, scale: number, slope: number, offset: number, sign: number, weight: number, losses: Float64Array, upstream: Float64Array): void {
  const B = labels.length;
  const z = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const row = i * B;
    const own = labels[i];
    let max = 0;
    let count = 0;
    for (let j = 0; j < B; j++) {
      const other = labels[j] !== own;
      const value = other ? scale * (slope * mat[row + j] + offset) : -Infinity;
      z[j] = value;
      max = value > max ? value : max;
      count += +other;
    }
    if (count === 0) {
      upstream.fill(0, row, row + B);
      continue;
    }
    let sum = exp(-max);
    for (let j = 0; j < B; j++) {
      const e = exp(z[j] - max);
      z[j] = e;
      sum += e;
    }
    losses[i] += (max + Math.log(sum)) / scale;
    const factor = (weight * sign) / sum;
    for (let j = 0; j < B; j++) upstream[row + j] = factor * z[j] + 0;
  }
}
