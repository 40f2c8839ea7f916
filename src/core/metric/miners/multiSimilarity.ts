/**
 * pml's `MultiSimilarityMiner(epsilon)` (`miners/multi_similarity_miner.py`, Wang et al. 2019):
 * with a similarity, a positive pair is kept iff s_ap − ε < max_n s_an (the anchor's hardest
 * negative) and a negative pair iff s_an + ε > min_p s_ap (its hardest positive); with a distance
 * the mirror image, d_ap + ε > min_n d_an and d_an − ε < max_p d_ap. All strict.
 *
 * An anchor with no negative keeps no positive, and one with no positive (a singleton) keeps no
 * negative: pml compares against a row of ±finfo.max there, which no pair passes.
 */
import type { MeasuredBatch } from '../distance';
import { scratchInt32 } from '../../scratch';
import { SCREEN_BLOCK, aboveInA, belowInA, exactRowEntries, forEachScreenBlock, gramAbove, gramBelow, negativeLimit, offer, resolvePicks, screenPicks, type ScreenedBatch } from '../screen';
import { PairWriter, BlockPairList, classGroups, type Pairs } from '../tuples';

/** @returns the kept pairs, each list lexicographic (pml returns them in sorted-value order). */
export function mineMultiSimilarity(batch: MeasuredBatch, labels: Float64Array, epsilon: number): Pairs {
  const { mat } = batch;
  // u = s for a similarity and −d for a distance (larger is closer either way). Rounding is
  // symmetric, so fl(−d − ε) = −fl(d + ε): d − ε < max_p d ⟺ u + ε > min_p u, and likewise for the
  // positives, so one set of comparisons on u is exact for both.
  const sign = batch.distance.isInverted ? 1 : -1;
  const pairs = new PairWriter(labels);
  const counts = new Int32Array(2);
  writeMultiSimilarityPairs(mat, labels, sign, epsilon, pairs.a1, pairs.p, pairs.a2, pairs.n, counts);
  return pairs.toPairs(counts[0], counts[1]);
}

/** The kept pairs into a1, p and a2, n, their counts into counts[0..1] (typed arrays only, as pairMargin.ts's). */
function writeMultiSimilarityPairs(mat: Float64Array, labels: Float64Array, sign: number, epsilon: number, a1: Int32Array, p: Int32Array, a2: Int32Array, n: Int32Array, counts: Int32Array): void {
  const B = labels.length;
  let pc = 0;
  let nc = 0;
  for (let i = 0; i < B; i++) {
    const row = i * B;
    const own = labels[i];
    // The anchor's hardest negative (largest u) and hardest positive (smallest u).
    let hardestNegative = -Infinity;
    let hardestPositive = Infinity;
    let negatives = 0;
    let positives = 0;
    for (let j = 0; j < B; j++) {
      const u = sign * mat[row + j];
      if (labels[j] !== own) {
        negatives++;
        hardestNegative = u > hardestNegative ? u : hardestNegative;
      } else if (j !== i) {
        positives++;
        hardestPositive = u < hardestPositive ? u : hardestPositive;
      }
    }
    if (negatives === 0 || positives === 0) continue;
    const [p0, n0] = [pc, nc];
    for (let j = 0; j < B; j++) {
      const u = sign * mat[row + j];
      if (labels[j] === own) {
        if (j !== i && u - epsilon < hardestNegative) p[pc++] = j;
      } else if (u + epsilon > hardestPositive) n[nc++] = j;
    }
    a1.fill(i, p0, pc);
    a2.fill(i, n0, nc);
  }
  counts[0] = pc;
  counts[1] = nc;
}

// Read once: under tsx an imported binding is reached through a getter at every use, and these
// run per candidate pair.
const offerPick = offer;
const pickLimit = negativeLimit;

/**
 * Above this many positive pairs per row, on average, measuring every positive pair exactly would
 * cost more than the matrix route saves (classes of more than ~64 rows).
 */
const MAX_POSITIVE_PAIRS_PER_ROW = 32;

/**
 * mineMultiSimilarity's pairs from a screen (screen.ts) instead of the matrix: the same pairs, or
 * null where the matrix route is cheaper (large classes, or ties beyond the picks' room).
 *
 * Positive pairs are few (a class's): they are measured exactly first, which gives each row's
 * hardest positive and so its negatives' threshold before the screen streams by. One pass over the
 * screen's upper triangle then offers the negatives to each row's hardest-negative pick and lists
 * the few negatives not surely kept; nearly every negative is kept for pml's ε (all but ~0.5 % of
 * a random batch's), and a row's kept negatives are written as runs of consecutive columns
 * between its class and its dropped ones. The doubtful ones are compared exactly, as the matrix's
 * entries would be.
 */
export function mineMultiSimilarityScreened(screen: ScreenedBatch, labels: Float64Array, epsilon: number): Pairs | null {
  const { B, x, d, cosine, bound, squaredNorms, smallestSquaredNorm, largestSquaredNorm } = screen;
  // u = sign·v: larger is closer, for a similarity (sign 1) and a distance (−1) alike.
  const sign = screen.distance.isInverted ? 1 : -1;
  const { members, start, after, end } = classGroups(labels);
  let positivePairs = 0;
  for (let i = 0; i < B; i++) positivePairs += end[i] - start[i] - 1;
  if (positivePairs > 2 * MAX_POSITIVE_PAIRS_PER_ROW * B) return null;
  // Row i's class members' exact u, at rowBase[i] + (k − start[i]) for members[k].
  const rowBase = new Int32Array(B + 1);
  for (let i = 0; i < B; i++) rowBase[i + 1] = rowBase[i] + end[i] - start[i];
  const memberU = new Float64Array(rowBase[B]);
  const hardestPositive = new Float64Array(B).fill(Infinity);
  measurePositives(x, d, cosine, sign, members, start, after, end, rowBase, memberU, hardestPositive);
  // Gram values above keep[i] are negatives surely kept by row i (u + ε > its hardest positive);
  // a row without a positive or a negative keeps nothing and records nothing (−∞).
  // Below drop[i] they are surely dropped; between the two, doubtful.
  const keep = new Float64Array(B);
  const drop = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    if (hardestPositive[i] === Infinity || end[i] - start[i] === B) {
      keep[i] = -Infinity;
      drop[i] = -Infinity;
      continue;
    }
    // Kept iff u + ε > hardestPositive: v beyond t (above for a similarity, below for a distance).
    const t = sign * (hardestPositive[i] - epsilon);
    const zeta = 2 ** -50 * (Math.abs(t) + Math.abs(epsilon)) + Number.MIN_VALUE;
    const [above, below] = [aboveInA(cosine, t + zeta) + bound[i], belowInA(cosine, t - zeta) - bound[i]];
    keep[i] = gramAbove(cosine, squaredNorms[i], largestSquaredNorm, sign > 0 ? above : below);
    drop[i] = gramBelow(cosine, squaredNorms[i], smallestSquaredNorm, sign > 0 ? below : above);
  }
  const picks = screenPicks(B);
  const room = 2 * Math.min(B, SCREEN_BLOCK) * B;
  const doubtful = new BlockPairList(scratchInt32('multi-similarity doubtful rows', room), scratchInt32('multi-similarity doubtful columns', room));
  const counts = new Int32Array(1);
  forEachScreenBlock(screen, (block, width, i0, i1) => {
    streamNegatives(block, width, i0, i1, squaredNorms, smallestSquaredNorm, cosine, bound, labels, sign, keep, drop, picks.edge, picks.columns, picks.values, picks.length, picks.overflow, picks.negLimit, doubtful.first, doubtful.second, counts);
    doubtful.append(counts[0]);
  });
  const pick = new Int32Array(2 * B);
  const pickValue = new Float64Array(2 * B);
  if (!resolvePicks(screen, labels, -sign, picks, pick, pickValue)) return null;
  // The doubtful negatives that the exact comparison drops, per row, ascending.
  const [doubtStart, doubtColumns] = doubtful.toDirected(B);
  const dropped = new Uint8Array(doubtColumns.length);
  const droppedCount = resolveDoubts(x, d, cosine, sign, epsilon, hardestPositive, doubtStart, doubtColumns, dropped);
  let positives = 0;
  let negatives = -droppedCount;
  for (let i = 0; i < B; i++) {
    if (keep[i] === -Infinity) continue;
    positives += end[i] - start[i] - 1;
    negatives += B - (end[i] - start[i]);
  }
  const [a1, p, a2, n] = [new Int32Array(positives), new Int32Array(positives), new Int32Array(negatives), new Int32Array(negatives)];
  const written = Int32Array.of(0, 0);
  writeMultiSimilarityRows(B, sign, epsilon, keep, pickValue, members, start, end, rowBase, memberU, doubtStart, doubtColumns, dropped, a1, p, a2, n, written);
  return { a1: a1.subarray(0, written[0]), p: p.subarray(0, written[0]), a2, n };
}

/**
 * Marks the listed negatives that row r drops (dropped[k] = 1): surely dropped ones (listed as
 * −1 − column, restored here) at once, doubtful ones by the matrix's comparison on their exact
 * values, measured per row four at a time. Returns how many are dropped.
 */
function resolveDoubts(
  x: Float64Array, d: number, cosine: boolean, sign: number, epsilon: number, hardestPositive: Float64Array,
  doubtStart: Int32Array, doubtColumns: Int32Array, dropped: Uint8Array,
): number {
  const B = hardestPositive.length;
  const measured = new Int32Array(B);
  const columns = new Int32Array(B);
  const exact = new Float64Array(B);
  let count = 0;
  for (let r = 0; r < B; r++) {
    let m = 0;
    for (let k = doubtStart[r]; k < doubtStart[r + 1]; k++) {
      const c = doubtColumns[k];
      if (c < 0) {
        doubtColumns[k] = -1 - c;
        dropped[k] = 1;
        count++;
      } else measured[m++] = k;
    }
    if (m === 0) continue;
    for (let t = 0; t < m; t++) columns[t] = doubtColumns[measured[t]];
    exactRowEntries(x, d, r, columns, 0, m, cosine, exact);
    for (let t = 0; t < m; t++) {
      const k = measured[t];
      dropped[k] = +(sign * exact[t] + epsilon <= hardestPositive[r]);
      count += dropped[k];
    }
  }
  return count;
}

/**
 * Every positive pair's exact u (exactEntry), both ways, into memberU, and each row's smallest
 * (its hardest positive) into hardestPositive (typed arrays only).
 */
function measurePositives(
  x: Float64Array, d: number, cosine: boolean, sign: number, members: Int32Array, start: Int32Array, after: Int32Array, end: Int32Array,
  rowBase: Int32Array, memberU: Float64Array, hardestPositive: Float64Array,
): void {
  const B = start.length;
  const exact = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    exactRowEntries(x, d, i, members, after[i], end[i], cosine, exact);
    for (let k = after[i]; k < end[i]; k++) {
      const j = members[k];
      const u = sign * exact[k - after[i]];
      memberU[rowBase[i] + k - start[i]] = u;
      memberU[rowBase[j] + after[i] - 1 - start[j]] = u;
      hardestPositive[i] = Math.min(hardestPositive[i], u);
      hardestPositive[j] = Math.min(hardestPositive[j], u);
    }
  }
}

/**
 * One screen block's negative pairs: offered to both rows' hardest-negative picks (σ = sign)
 * unless both negLimits pass them over, and listed, directed (row, column), where the row's keep
 * does not clear them (typed arrays only). Most pairs leave at the first test: surely kept by
 * both rows and far from both picks.
 */
function streamNegatives(
  block: Float64Array, width: number, i0: number, i1: number, squaredNorms: Float64Array, smallestSquaredNorm: number, cosine: boolean,
  bound: Float64Array, labels: Float64Array, sign: number, keep: Float64Array, drop: Float64Array,
  edge: Float64Array, columns: Int32Array, values: Float64Array, length: Int32Array, overflow: Uint8Array, negLimit: Float64Array,
  doubtRow: Int32Array, doubtColumn: Int32Array, counts: Int32Array,
): void {
  const B = labels.length;
  let count = 0;
  for (let i = i0; i < i1; i++) {
    const own = labels[i];
    const e = bound[i];
    const from = (i - i0) * width - i0;
    const norm = squaredNorms[i];
    const keepRow = keep[i];
    let limit = negLimit[i];
    for (let j = i + 1; j < B; j++) {
      const s = block[from + j];
      // Most pairs leave here: surely kept by both rows, and farther than both rows' picks.
      if (s > keepRow && s > keep[j] && s < limit && s < negLimit[j]) continue;
      if (labels[j] === own) continue;
      count = negativePair(s, i, j, norm, e, squaredNorms, smallestSquaredNorm, cosine, bound, sign, keep, drop, edge, columns, values, length, overflow, negLimit, doubtRow, doubtColumn, count);
      limit = negLimit[i];
    }
  }
  counts[0] = count;
}

/**
 * streamNegatives' slow path for the negative pair (i, j), i < j, with Gram value s: the offers to
 * both rows' picks and the doubtful entries. Kept out of the loop (too large for V8 to inline), so
 * that the loop's fast path keeps its values in registers. Returns the new doubtful count.
 */
function negativePair(
  s: number, i: number, j: number, norm: number, e: number, squaredNorms: Float64Array, smallestSquaredNorm: number, cosine: boolean,
  bound: Float64Array, sign: number, keep: Float64Array, drop: Float64Array,
  edge: Float64Array, columns: Int32Array, values: Float64Array, length: Int32Array, overflow: Uint8Array, negLimit: Float64Array,
  doubtRow: Int32Array, doubtColumn: Int32Array, count: number,
): number {
  const B = keep.length;
  if (s >= negLimit[i] || s >= negLimit[j]) {
    const u = sign * (cosine ? s : norm + squaredNorms[j] - 2 * s);
    if (offerPick(edge, columns, values, length, overflow, B + i, j, u, e)) negLimit[i] = pickLimit(cosine, norm, smallestSquaredNorm, edge[B + i], e);
    if (offerPick(edge, columns, values, length, overflow, B + j, i, u, bound[j])) {
      negLimit[j] = pickLimit(cosine, squaredNorms[j], smallestSquaredNorm, edge[B + j], bound[j]);
    }
  }
  // A surely dropped column is listed as −1 − column, a doubtful one as itself.
  if (s <= keep[i]) {
    doubtRow[count] = i;
    doubtColumn[count++] = s < drop[i] ? -1 - j : j;
  }
  if (s <= keep[j]) {
    doubtRow[count] = j;
    doubtColumn[count++] = s < drop[j] ? -1 - i : i;
  }
  return count;
}

/** Runs of at least this many kept columns are copied from an index array rather than counted out. */
const LONG_RUN = 16;

/**
 * The kept pairs, row by row: positives by their exact u against the row's hardest negative,
 * negatives as the runs of columns between the row's class members and its dropped columns.
 * written[0] counts the positives kept.
 */
function writeMultiSimilarityRows(
  B: number, sign: number, epsilon: number, keep: Float64Array, pickValue: Float64Array, members: Int32Array, start: Int32Array, end: Int32Array,
  rowBase: Int32Array, memberU: Float64Array, doubtStart: Int32Array, doubtColumns: Int32Array, dropped: Uint8Array,
  a1: Int32Array, p: Int32Array, a2: Int32Array, n: Int32Array, written: Int32Array,
): void {
  const iota = Int32Array.from({ length: B }, (_, k) => k);
  let pc = 0;
  let nc = 0;
  for (let i = 0; i < B; i++) {
    if (keep[i] === -Infinity) continue;
    const hardestNegative = sign * pickValue[B + i];
    const p0 = pc;
    for (let k = start[i]; k < end[i]; k++) {
      const j = members[k];
      p[pc] = j;
      pc += +(j !== i && memberU[rowBase[i] + k - start[i]] - epsilon < hardestNegative);
    }
    a1.fill(i, p0, pc);
    // Columns from `from` up to the next excluded one (a class member or a dropped column) are kept.
    const n0 = nc;
    let from = 0;
    let m = start[i];
    let q = doubtStart[i];
    for (;;) {
      while (q < doubtStart[i + 1] && dropped[q] === 0) q++;
      const member = m < end[i] ? members[m] : B;
      const drop = q < doubtStart[i + 1] ? doubtColumns[q] : B;
      const next = member < drop ? member : drop;
      if (next - from >= LONG_RUN) {
        n.set(iota.subarray(from, next), nc);
        nc += next - from;
      } else for (let v = from; v < next; v++) n[nc++] = v;
      if (next === B) break;
      if (member < drop) m++;
      else q++;
      from = next + 1;
    }
    a2.fill(i, n0, nc);
  }
  written[0] = pc;
  written[1] = nc;
}
