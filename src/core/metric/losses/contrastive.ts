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
import { scratchInt32 } from '../../scratch';
import { keptBounds, type Reducer } from '../reducers';
import { allPairCounts, allPositivePairs, type Pairs } from '../tuples';
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

/**
 * pml's ContrastiveLoss over the given pairs, with the reducer's sum and count in the same pass.
 * `upstream` (B, B), zero-filled, receives ∂L/∂mat (metricLoss passes a scratch array).
 */
export function contrastiveLoss(batch: MeasuredBatch, pairs: Pairs, options: ContrastiveOptions, upstream: Float64Array = new Float64Array(batch.B * batch.B)): ContrastiveResult {
  const { B, mat } = batch;
  const inverted = batch.distance.isInverted;
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

/**
 * contrastiveLoss over every pair of the batch (pml's default, no miner), along the rows by label
 * rather than through 1M-entry pair lists: the pairs in the same (lexicographic) order, so the
 * same sums and the same bits (a test holds the two to each other). `upstream` as contrastiveLoss's.
 */
export function contrastiveLossAllPairs(batch: MeasuredBatch, labels: Float64Array, options: ContrastiveOptions, upstream: Float64Array = new Float64Array(batch.B * batch.B)): ContrastiveResult {
  const { mat } = batch;
  const inverted = batch.distance.isInverted;
  const { all, low, high } = keptBounds(options.reducer);
  const sign = inverted ? -1 : 1;
  const { positives, negatives } = allPairCounts(labels);
  if (positives <= 1 && negatives <= 1) {
    const empty = new Float64Array(0);
    return { loss: 0, upstream, posLoss: 0, negLoss: 0, posLosses: empty, negLosses: empty, numPosNonzero: 0, numNegNonzero: 0 };
  }
  const totals = new Float64Array(2);
  const positive = allPositivePairs(labels);
  const posLosses = new Float64Array(positives);
  const posLoss = sideLoss(mat, labels.length, positive.a1, positive.p, sign, sign * options.posMargin, all, low, high, posLosses, upstream, totals);
  const numPosNonzero = totals[0];
  const negLosses = new Float64Array(negatives);
  const negLoss = negativeSideLoss(mat, labels, -sign, -sign * options.negMargin, all, low, high, negLosses, upstream, totals);
  return { loss: posLoss + negLoss, upstream, posLoss, negLoss, posLosses, negLosses, numPosNonzero, numNegNonzero: totals[0] };
}

/**
 * sideLoss over every negative pair, each row's columns of another label ascending, in row order,
 * which is the order of allPairs' negative list. The pass that computes the losses lists the
 * non-zero ones (the only ones with a gradient), so the gradient pass reads those alone: one
 * negative pair in ~70 for pml's margins on a random batch.
 */
function negativeSideLoss(
  mat: Float64Array, labels: Float64Array, scale: number, offset: number,
  all: boolean, low: number, high: number, losses: Float64Array, upstream: Float64Array, totals: Float64Array,
): number {
  const B = labels.length;
  const columns = new Int32Array(B);
  const activeEntry = scratchInt32('contrastive active entries', losses.length);
  const activeLoss = scratchInt32('contrastive active losses', losses.length);
  // [non-zero, kept, sum, k]
  const counts = Float64Array.of(0, 0, 0, 0);
  for (let i = 0; i < B; i++) {
    const count = otherLabelColumns(labels, i, columns);
    addRowLosses(mat, i * B, columns, count, scale, offset, all, low, high, losses, activeEntry, activeLoss, counts);
  }
  const [nonzero, kept, sum, k] = counts;
  totals[0] = nonzero;
  if (k === 0 || kept === 0) return 0;
  addActiveGradient(activeEntry, activeLoss, nonzero, all, low, high, losses, scale * (1 / kept), upstream);
  return sum / kept;
}

/** Row i's columns of another label into `columns`, ascending; returns how many. */
function otherLabelColumns(labels: Float64Array, i: number, columns: Int32Array): number {
  const own = labels[i];
  const B = labels.length;
  let count = 0;
  for (let j = 0; j < B; j++) {
    columns[count] = j;
    count += +(labels[j] !== own);
  }
  return count;
}

/**
 * The hinge losses of one row's listed columns into losses[k …] (k = counts[3]), with the
 * reducer's non-zero count, kept count and sum added to counts[0..2]; the non-zero ones' matrix
 * entry and loss index are appended to activeEntry and activeLoss (typed arrays only).
 */
function addRowLosses(
  mat: Float64Array, row: number, columns: Int32Array, count: number, scale: number, offset: number, all: boolean, low: number, high: number,
  losses: Float64Array, activeEntry: Int32Array, activeLoss: Int32Array, counts: Float64Array,
): void {
  let nonzero = counts[0];
  let kept = 0;
  let sum = counts[2];
  const k = counts[3];
  for (let c = 0; c < count; c++) {
    const raw = scale * mat[row + columns[c]] - offset;
    const loss = raw > 0 ? raw : 0;
    losses[k + c] = loss;
    // A branch, not a branch-free store: a side's losses are mostly zero or mostly not.
    if (raw > 0) {
      activeEntry[nonzero] = row + columns[c];
      activeLoss[nonzero++] = k + c;
    }
    const keep = all || (loss > low && loss < high);
    kept += keep ? 1 : 0;
    sum += keep ? loss : 0;
  }
  counts[0] = nonzero;
  counts[1] += kept;
  counts[2] = sum;
  counts[3] = k + count;
}

/** g added to the matrix entry of every kept non-zero loss (each entry once per side). */
function addActiveGradient(activeEntry: Int32Array, activeLoss: Int32Array, active: number, all: boolean, low: number, high: number, losses: Float64Array, g: number, upstream: Float64Array): void {
  for (let t = 0; t < active; t++) {
    const loss = losses[activeLoss[t]];
    if (all || (loss > low && loss < high)) upstream[activeEntry[t]] += g;
  }
}
