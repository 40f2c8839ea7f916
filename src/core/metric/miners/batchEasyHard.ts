/**
 * pml's `BatchEasyHardMiner(pos_strategy, neg_strategy, allowed_pos_range, allowed_neg_range)`
 * (`miners/batch_easy_hard_miner.py`, v2.8.1) and `BatchHardMiner` (hard/hard, as triplets).
 *
 * Each anchor picks one positive and one negative (for a distance; a similarity swaps max/min):
 * positive `hard`/`semihard` = farthest, `easy` = nearest; negative `hard`/`semihard` = nearest,
 * `easy` = farthest. `semihard` on one side picks the other side first and keeps only candidates
 * strictly on its own side of that pick (positives nearer than the negative, negatives farther
 * than the positive). An allowed range [lo, hi] keeps lo ≤ value ≤ hi. Ties go to the lowest index
 * (torch.min/max on CPU). An anchor is returned only if both sides found a candidate; `all` on one
 * side returns every pair of that side instead, and the other side's one pair per anchor.
 */
import { InputError, describeValue } from '../../errors';
import type { MeasuredBatch } from '../distance';
import { forEachScreenBlock, offerBlockPicks, resolvePicks, screenPicks, type ScreenedBatch } from '../screen';
import { IndexList, allPairs, classGroups, type Pairs, type Triplets } from '../tuples';

export type PairStrategy = 'easy' | 'semihard' | 'hard' | 'all';

export const PAIR_STRATEGIES: readonly PairStrategy[] = ['easy', 'semihard', 'hard', 'all'];

export interface BatchEasyHardOptions {
  /** Default `easy` (pml). */
  readonly posStrategy: PairStrategy;
  /** Default `semihard` (pml). */
  readonly negStrategy: PairStrategy;
  /** [lo, hi] of allowed positive values, or null (default). */
  readonly allowedPosRange: readonly [number, number] | null;
  readonly allowedNegRange: readonly [number, number] | null;
}

/** pml's constructor checks, as sentences. */
export function checkStrategies(fn: string, pos: unknown, neg: unknown): void {
  for (const [name, value] of [['pos_strategy', pos], ['neg_strategy', neg]] as const) {
    if (!PAIR_STRATEGIES.includes(value as PairStrategy)) throw new InputError(fn, `options.${name}`, "one of 'easy', 'semihard', 'hard', 'all'", describeValue(value));
  }
  if (pos === 'semihard' && neg === 'semihard') throw new InputError(fn, 'options.neg_strategy', "not 'semihard' when pos_strategy is 'semihard' (pml forbids both)", "'semihard'");
  if ((pos === 'all' && neg === 'semihard') || (neg === 'all' && pos === 'semihard')) {
    throw new InputError(fn, 'options.pos_strategy', "not combined as 'semihard' with 'all' (pml forbids it)", `${describeValue(pos)} with neg_strategy ${describeValue(neg)}`);
  }
}

/** One pick per anchor row: index −1 where the row had no candidate. */
interface RowPicks {
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/**
 * For each anchor, the min (or max) of mat over the candidates of one side (same label and not
 * itself, or other label), within `range`, and strictly beyond `thresholds` when given (a min pick
 * keeps v > threshold, a max pick v < threshold). Rows without a candidate hold pml's ±finfo.max.
 */
function pickPerRow(batch: MeasuredBatch, labels: Float64Array, positive: boolean, takeMax: boolean, range: readonly [number, number] | null, thresholds: Float64Array | null): RowPicks {
  const { B, mat } = batch;
  const index = new Int32Array(B).fill(-1);
  const value = new Float64Array(B).fill(takeMax ? -Number.MAX_VALUE : Number.MAX_VALUE);
  for (let i = 0; i < B; i++) {
    const row = i * B;
    for (let j = 0; j < B; j++) {
      if (positive ? j === i || labels[j] !== labels[i] : labels[j] === labels[i]) continue;
      const v = mat[row + j];
      if (thresholds !== null && (takeMax ? v >= thresholds[i] : v <= thresholds[i])) continue;
      if (range !== null && (v > range[1] || v < range[0])) continue;
      if (index[i] < 0 || (takeMax ? v > value[i] : v < value[i])) {
        index[i] = j;
        value[i] = v;
      }
    }
  }
  return { index, value };
}

/** Positive pairs and negative pairs as pml's BatchEasyHardMiner returns them, lexicographic. */
export function mineBatchEasyHard(batch: MeasuredBatch, labels: Float64Array, options: BatchEasyHardOptions): Pairs {
  const { posStrategy, negStrategy } = options;
  checkStrategies('mineBatchEasyHard', posStrategy, negStrategy);
  const inverted = batch.distance.isInverted;
  // A distance's hard positive is its max; a similarity's its min.
  const posMax = (posStrategy !== 'easy') !== inverted;
  const negMax = (negStrategy === 'easy') !== inverted;
  const positives = (thresholds: Float64Array | null): RowPicks => pickPerRow(batch, labels, true, posMax, options.allowedPosRange, thresholds);
  const negatives = (thresholds: Float64Array | null): RowPicks => pickPerRow(batch, labels, false, negMax, options.allowedNegRange, thresholds);
  let pos: RowPicks | null = null;
  let neg: RowPicks | null = null;
  if (posStrategy === 'semihard' && negStrategy !== 'all') {
    neg = negatives(null);
    pos = positives(neg.value);
  } else if (negStrategy === 'semihard' && posStrategy !== 'all') {
    pos = positives(null);
    neg = negatives(pos.value);
  } else {
    if (posStrategy !== 'all') pos = positives(null);
    if (negStrategy !== 'all') neg = negatives(null);
  }
  const all = pos === null || neg === null ? allPairs(labels) : null;
  const both = pos !== null && neg !== null;
  const side = (picks: RowPicks | null, fallbackA: Int32Array | undefined, fallbackB: Int32Array | undefined): [Int32Array, Int32Array] => {
    if (picks === null) return [fallbackA as Int32Array, fallbackB as Int32Array];
    const a = new IndexList();
    const b = new IndexList();
    for (let i = 0; i < picks.index.length; i++) {
      if (picks.index[i] < 0) continue;
      if (both && ((pos as RowPicks).index[i] < 0 || (neg as RowPicks).index[i] < 0)) continue;
      a.push(i);
      b.push(picks.index[i]);
    }
    return [a.toArray(), b.toArray()];
  };
  const [a1, p] = side(pos, all?.a1, all?.p);
  const [a2, n] = side(neg, all?.a2, all?.n);
  return { a1, p, a2, n };
}

/** pml's `BatchHardMiner`: hardest positive and hardest negative per anchor, as triplets. */
export function mineBatchHard(batch: MeasuredBatch, labels: Float64Array): Triplets {
  const { B, mat } = batch;
  // u = s for a similarity and −d for a distance, so the hardest positive is the smallest u and
  // the hardest negative the largest, for both; negation keeps every tie. Strict comparisons keep
  // the lowest index among ties, as pickPerRow's do. One pass per row finds both picks.
  const sign = batch.distance.isInverted ? 1 : -1;
  const a = new Int32Array(B + 1);
  const p = new Int32Array(B + 1);
  const n = new Int32Array(B + 1);
  let count = 0;
  for (let i = 0; i < B; i++) {
    const row = i * B;
    const own = labels[i];
    let positive = -1;
    let negative = -1;
    let lowest = Infinity;
    let highest = -Infinity;
    for (let j = 0; j < B; j++) {
      const u = sign * mat[row + j];
      if (labels[j] === own) {
        if (j !== i && (positive < 0 || u < lowest)) {
          positive = j;
          lowest = u;
        }
      } else if (negative < 0 || u > highest) {
        negative = j;
        highest = u;
      }
    }
    a[count] = i;
    p[count] = positive;
    n[count] = negative;
    count += +(positive >= 0 && negative >= 0);
  }
  return { a: a.slice(0, count), p: p.slice(0, count), n: n.slice(0, count) };
}

/**
 * mineBatchHard's triplets from a screen (screen.ts) instead of the matrix: the same triplets, or
 * null when ties are so many that the matrix route is cheaper.
 */
export function mineBatchHardScreened(screen: ScreenedBatch, labels: Float64Array): Triplets | null {
  const { B, squaredNorms, smallestSquaredNorm, cosine, bound } = screen;
  const groups = classGroups(labels);
  // A distance's hardest positive is its largest value and hardest negative its smallest; a similarity's the reverse.
  const posSign = screen.distance.isInverted ? -1 : 1;
  const picks = screenPicks(B);
  forEachScreenBlock(screen, (block, width, i0, i1) => {
    offerBlockPicks(block, width, i0, i1, squaredNorms, smallestSquaredNorm, cosine, bound, labels, groups.members, groups.after, groups.end, posSign, picks.edge, picks.columns, picks.values, picks.length, picks.overflow, picks.negLimit);
  });
  const pick = new Int32Array(2 * B);
  if (!resolvePicks(screen, labels, posSign, picks, pick, new Float64Array(2 * B))) return null;
  const a = new Int32Array(B + 1);
  const p = new Int32Array(B + 1);
  const n = new Int32Array(B + 1);
  let count = 0;
  for (let i = 0; i < B; i++) {
    a[count] = i;
    p[count] = pick[i];
    n[count] = pick[B + i];
    count += +(pick[i] >= 0 && pick[B + i] >= 0);
  }
  return { a: a.slice(0, count), p: p.slice(0, count), n: n.slice(0, count) };
}
