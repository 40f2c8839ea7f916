/**
 * pml's `PairMarginMiner(pos_margin, neg_margin)` (`miners/pair_margin_miner.py`): the positive
 * pairs farther than `pos_margin` and the negative pairs nearer than `neg_margin`, both strict.
 * For a similarity: positives with s < pos_margin, negatives with s > neg_margin.
 */
import type { MeasuredBatch } from '../distance';
import { scratchInt32 } from '../../scratch';
import { SCREEN_BLOCK, aboveInA, belowInA, exactEntry, forEachScreenBlock, gramBelow, type ScreenedBatch } from '../screen';
import { PairWriter, BlockPairList, classGroups, type Pairs } from '../tuples';

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

/**
 * minePairMargin's pairs from a screen (screen.ts) instead of the matrix: the same pairs. Each
 * unordered pair is visited once, in the screen's upper-triangle blocks, and kept both ways (its
 * value and both margins' tests are symmetric). An entry is decided by its interval
 * [a − e, a + e] where that lies on one side of the margin, else by its exact value.
 */
export function minePairMarginScreened(screen: ScreenedBatch, labels: Float64Array, posMargin: number, negMargin: number): Pairs {
  const { B, cosine, bound, x, d, squaredNorms } = screen;
  const groups = classGroups(labels);
  let largestClass = 1;
  for (let i = 0; i < B; i++) largestClass = Math.max(largestClass, groups.end[i] - groups.after[i] + 1);
  const rows = Math.min(B, SCREEN_BLOCK);
  const positives = new BlockPairList(scratchInt32('pair margin positive rows', rows * (largestClass - 1)), scratchInt32('pair margin positive columns', rows * (largestClass - 1)));
  const negatives = new BlockPairList(scratchInt32('pair margin negative rows', rows * B), scratchInt32('pair margin negative columns', rows * B));
  // A distance keeps positives above pos_margin and negatives below neg_margin; a similarity the reverse.
  const posAbove = !screen.distance.isInverted;
  const margins = Float64Array.of(posMargin, aboveInA(cosine, posMargin), belowInA(cosine, posMargin), negMargin, aboveInA(cosine, negMargin), belowInA(cosine, negMargin));
  const counts = new Int32Array(2);
  forEachScreenBlock(screen, (block, width, i0, i1) => {
    writeScreenedMarginBlock(block, width, i0, i1, squaredNorms, screen.smallestSquaredNorm, bound, x, d, cosine, posAbove, labels, margins, groups.members, groups.after, groups.end, positives.first, positives.second, negatives.first, negatives.second, counts);
    positives.append(counts[0]);
    negatives.append(counts[1]);
  });
  const [a1, p] = positives.toLists(B);
  const [a2, n] = negatives.toLists(B);
  return { a1, p, a2, n };
}

/**
 * The kept pairs (i < j) among rows [i0, i1) of one screen block, in ascending order, into
 * (posFirst, posSecond) and (negFirst, negSecond), their counts into counts[0..1] (typed arrays
 * only, as writeMarginPairs). margins = [t, above, below] for the positives, then for the
 * negatives (aboveInA, belowInA); positives are kept above their margin when `posAbove`, and
 * negatives on the other side of theirs. Positives run over the row's class; the negatives' loop
 * over every later column first passes over what is surely not kept (most pairs, for pml's
 * margins) with one comparison.
 */
function writeScreenedMarginBlock(
  block: Float64Array, width: number, i0: number, i1: number, squaredNorms: Float64Array, smallestSquaredNorm: number, bound: Float64Array, x: Float64Array, d: number,
  cosine: boolean, posAbove: boolean, labels: Float64Array, margins: Float64Array, members: Int32Array, after: Int32Array, end: Int32Array,
  posFirst: Int32Array, posSecond: Int32Array, negFirst: Int32Array, negSecond: Int32Array, counts: Int32Array,
): void {
  const B = labels.length;
  const pm = margins[0];
  const pHigh = margins[1];
  const pLow = margins[2];
  const nm = margins[3];
  const nHigh = margins[4];
  const nLow = margins[5];
  // σ·a > skip[i] means surely not kept as a negative: a − e > nHigh for a distance, a + e < nLow
  // for a similarity; nudged outward so that the rounding of the sum cannot skip a doubtful pair.
  let pc = 0;
  let nc = 0;
  for (let i = i0; i < i1; i++) {
    const own = labels[i];
    const e = bound[i];
    const from = (i - i0) * width - i0;
    const norm = squaredNorms[i];
    for (let k = after[i]; k < end[i]; k++) {
      const j = members[k];
      const s = block[from + j];
      const a = cosine ? s : norm + squaredNorms[j] - 2 * s;
      posFirst[pc] = i;
      posSecond[pc] = j;
      pc += +(a - e > pHigh ? posAbove : a + e < pLow ? !posAbove : keptBeyond(exactEntry(x, d, i, j, cosine), pm, posAbove));
    }
    // Negatives are kept at small distances or large similarities, so at large s̃ for either:
    // below `skip` an entry is surely not kept (a − e > nHigh, or a + e < nLow for a similarity).
    const skip = gramBelow(cosine, norm, smallestSquaredNorm, posAbove ? nHigh + e : nLow - e);
    for (let j = i + 1; j < B; j++) {
      const s = block[from + j];
      if (s < skip || labels[j] === own) continue;
      const a = cosine ? s : norm + squaredNorms[j] - 2 * s;
      if (a - e > nHigh ? !posAbove : a + e < nLow ? posAbove : keptBeyond(exactEntry(x, d, i, j, cosine), nm, !posAbove)) {
        negFirst[nc] = i;
        negSecond[nc] = j;
        nc++;
      }
    }
  }
  counts[0] = pc;
  counts[1] = nc;
}

/** Whether v is strictly above t (`above`) or strictly below it. */
function keptBeyond(v: number, t: number, above: boolean): boolean {
  return above ? v > t : v < t;
}
