/**
 * A float32 screen of a batch's (B, B) matrix, for the miners that only compare entries with a
 * threshold or with each other (pair margin, batch-hard, multi-similarity): the same tuples as the
 * float64 matrix, bit for bit, at about a third of its cost.
 *
 * Why: the exact matrix is measured from differences, ‖x̂_i − x̂_j‖ (`distance.ts`), which costs
 * three operations per coordinate pair on two float64 lanes; PyTorch's `cdist` is a Gram product
 * on its BLAS. A miner needs only which side of a threshold each entry falls on, and which entry of
 * a row is the extreme. So the screen computes half the Gram product x̂·x̂ᵀ in float32 (four lanes,
 * one multiply-add per pair and coordinate), turns it into A, the squared distance
 * ‖x̂_i‖² + ‖x̂_j‖² − 2x̂_i·x̂_j (Lp, p = 2) or the similarity (cosine), and bounds its error. An
 * entry whose interval [a − e, a + e] decides the comparison is decided by it; any other is
 * recomputed exactly, by the same operations in the same order as the kernel measureBatch uses
 * (`exactEntry`), and compared as the matrix's entry would be. The miners' tests hold every tuple
 * to the matrix route's, near ties and thresholds included.
 *
 * The bound (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1): rounding each
 * coordinate to float32 and summing d products in any order, with or without fused multiply-adds,
 * leaves |s̃ − s| ≤ γ_{d+4}·‖x̂_i‖·‖x̂_j‖ with γ_n = n·u/(1 − n·u), u = 2⁻²⁴, plus an absolute term
 * for coordinates in float32's subnormal range. a (computed in float64 from s̃) also differs
 * from the exact entry's square (or the exact similarity) by the float64 roundings of the norms,
 * of a itself, of the exact sum (relative γ_{d+3} in float64) and of the square root: all far
 * under 2⁻²⁰·(‖x̂_i‖ + ‖x̂_j‖)², which the bound adds. The bound per row takes the largest norm
 * for j, so one number serves a row.
 */
import { pairDistance, type Metric } from '../distances';
import { checkInterrupt } from '../interrupt';
import { normalizeRowsInto, rowNormsInto } from '../normalize';
import { scratchFloat32, scratchFloat64, scratchInt32 } from '../scratch';
import { DEPTH_BLOCK, simdProductInto } from '../simd/gemm';
import { matrixOnSimd, type MetricDistance } from './distance';

/** A batch screened for mining. */
export interface ScreenedBatch {
  readonly distance: MetricDistance;
  readonly B: number;
  readonly d: number;
  /** (B, d) the rows the matrix is measured on (normalised or raw), as measureBatch's x. */
  readonly x: Float64Array;
  /** (B, d) x rounded to float32, the Gram product's operands. */
  readonly x32: Float32Array;
  // x (when normalised) and x32 are scratch arrays (scratch.ts): a screen lives for one call.
  /** (B) ‖x_i‖² in float64: a = n_i + n_j − 2s̃ for Lp. */
  readonly squaredNorms: Float64Array;
  /** The smallest and largest of squaredNorms. */
  readonly smallestSquaredNorm: number;
  readonly largestSquaredNorm: number;
  /**
   * (B) e_i ≥ |a_ij − v_ij²| (Lp) or |a_ij − v_ij| (cosine) for every j, where a_ij is the
   * screen's approximation of A and v_ij the entry measureBatch's matrix holds.
   */
  readonly bound: Float64Array;
  readonly cosine: boolean;
}

/**
 * Receives rows [i0, i1) of the float32 Gram product s̃, columns i0 … B − 1: s̃_ij at
 * block[(i − i0)·n + (j − i0)] with n = B − i0. The block is reused for the next rows.
 */
export type ScreenBlockBody = (block: Float64Array, n: number, i0: number, i1: number) => void;

const FLOAT32_UNIT = 2 ** -24;
/** Covers every float64 rounding between a and the exact entry (see the module's doc). */
const ROUNDING_BOUND = 2 ** -20;
/** Rows per block of the float32 Gram product: the (128, B) block stays in L2 while it is read. */
export const SCREEN_BLOCK = 128;
/** A float32 Gram product overflows beyond 2¹²⁸: the screen declines well before. */
const LARGEST_PRODUCT_SUM = 2 ** 100;

const EUCLIDEAN: Metric = { kind: 'euclidean', p: 2, eps: 0 };

/**
 * Screens a (B, d) batch for `distance`, or returns null where the matrix route must serve: a
 * `power` other than 1, p ≠ 2, a matrix measureBatch would not compute on the SIMD kernels (whose
 * sums exactEntry reproduces), or coordinates large enough to overflow float32 products.
 */
export function screenBatch(distance: MetricDistance, embeddings: Float64Array, B: number, d: number): ScreenedBatch | null {
  if (distance.power !== 1 || !matrixOnSimd(distance, B, d)) return null;
  const terms = d + 4;
  if (terms * FLOAT32_UNIT >= 0.01) return null;
  const gamma = (terms * FLOAT32_UNIT) / (1 - terms * FLOAT32_UNIT);
  let x = embeddings;
  if (distance.normalizeEmbeddings) {
    const norms = new Float64Array(B);
    rowNormsInto(embeddings, B, d, norms);
    x = scratchFloat64('screen rows', B * d);
    normalizeRowsInto(embeddings, B, d, norms, x);
  }
  // One pass for the largest coordinate and the squared norms.
  let largestAbs = 0;
  let smallestSquaredNorm = Infinity;
  let largestSquaredNorm = 0;
  const squaredNorms = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    let sum = 0;
    for (let k = i * d, end = k + d; k < end; k++) {
      const value = x[k];
      sum += value * value;
      largestAbs = Math.max(largestAbs, Math.abs(value));
    }
    squaredNorms[i] = sum;
    smallestSquaredNorm = Math.min(smallestSquaredNorm, sum);
    largestSquaredNorm = Math.max(largestSquaredNorm, sum);
  }
  if (!(largestAbs * largestAbs * d < LARGEST_PRODUCT_SUM)) return null;
  const cosine = distance.kind === 'cosine';
  const x32 = scratchFloat32('screen float32 rows', x.length);
  x32.set(x);
  return { distance, B, d, x, x32, squaredNorms, smallestSquaredNorm, largestSquaredNorm, bound: rowBounds(squaredNorms, gamma, largestAbs, d, cosine), cosine };
}

/**
 * The upper triangle of the float32 Gram product, SCREEN_BLOCK rows at a time, handed to `body`
 * (only the entries with j ≥ i are meant to be read).
 */
export function forEachScreenBlock(screen: ScreenedBatch, body: ScreenBlockBody): void {
  const { B, d, x32 } = screen;
  const block = scratchFloat64('screen gram block', Math.min(B, SCREEN_BLOCK) * B);
  for (let i0 = 0; i0 < B; i0 += SCREEN_BLOCK) {
    checkInterrupt();
    const i1 = Math.min(B, i0 + SCREEN_BLOCK);
    const n = B - i0;
    simdProductInto('float32', x32.subarray(i0 * d, i1 * d), d, 1, x32.subarray(i0 * d), 1, d, block, i1 - i0, d, n);
    body(block, n, i0, i1);
  }
}

/** e_i from the norms (rounded up), γ, and the subnormal term; doubled for A = n_i + n_j − 2s. */
function rowBounds(squaredNorms: Float64Array, gamma: number, largestAbs: number, d: number, cosine: boolean): Float64Array {
  const B = squaredNorms.length;
  const norms = squaredNorms.map((s) => Math.sqrt(s) * (1 + 1e-10));
  let largest = 0;
  for (let i = 0; i < B; i++) largest = Math.max(largest, norms[i]);
  const factor = cosine ? 1 : 2;
  // Coordinates below float32's normal range round with an absolute error of up to 2⁻¹⁵⁰.
  const subnormal = 4 * (d + 2) * 2 ** -149 * (1 + largestAbs);
  const bound = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const reach = norms[i] + largest;
    bound[i] = factor * (gamma * norms[i] * largest + subnormal) + ROUNDING_BOUND * reach * reach;
  }
  return bound;
}

/**
 * Entry (i, j), i ≠ j, of measureBatch's matrix for a screen's rows, by the operations of the
 * kernel that computes it there, in the same order:
 * - cosine: `gebp_f64` sums each depth block of the Gram product from 0 in coordinate order and
 *   adds the blocks to a zeroed output;
 * - Lp, p = 2: `sqdist_tile_f64` sums (x_i − x_j)² over even coordinates in one lane and odd ones
 *   in the other, adds the lanes, and measureBatch takes the root; an overflowed sum is redone with
 *   the scaled norm (pairDistance), as there.
 */
export function exactEntry(x: Float64Array, d: number, i: number, j: number, cosine: boolean): number {
  const a = Math.min(i, j) * d;
  const b = Math.max(i, j) * d;
  if (cosine) {
    let total = 0;
    for (let p0 = 0; p0 < d; p0 += DEPTH_BLOCK) {
      const p1 = Math.min(d, p0 + DEPTH_BLOCK);
      let sum = 0;
      for (let k = p0; k < p1; k++) sum += x[a + k] * x[b + k];
      total += sum;
    }
    return total;
  }
  let even = 0;
  let odd = 0;
  let k = 0;
  for (; k + 1 < d; k += 2) {
    const u = x[a + k] - x[b + k];
    even += u * u;
    const w = x[a + k + 1] - x[b + k + 1];
    odd += w * w;
  }
  if (k < d) {
    const u = x[a + k] - x[b + k];
    even += u * u;
  }
  const root = Math.sqrt(even + odd);
  return root === Infinity ? pairDistance(EUCLIDEAN, x, a, x, b, d) : root;
}

/**
 * A Gram value S such that an entry of row r (squared norm `norm`) with s̃ < S is surely farther
 * than aLimit: a < aLimit for a similarity, a > aLimit for a squared distance, whose
 * a = norm + n_j − 2s̃ ≥ norm + smallestSquaredNorm − 2s̃. Rounded down, so that a doubtful
 * entry is never passed over: the loops' first, cheapest test.
 */
export function gramBelow(cosine: boolean, norm: number, smallestSquaredNorm: number, aLimit: number): number {
  const s = cosine ? aLimit : (norm + smallestSquaredNorm - aLimit) / 2;
  if (!Number.isFinite(s)) return s;
  const scale = cosine ? Math.abs(aLimit) : norm + smallestSquaredNorm + Math.abs(aLimit);
  return s - 2 ** -48 * scale - Number.MIN_VALUE;
}

/**
 * The mirror image of gramBelow: a Gram value S such that an entry of row r with s̃ > S is surely
 * nearer than aLimit (a > aLimit for a similarity, a < aLimit for a squared distance, whose
 * a ≤ norm + largestSquaredNorm − 2s̃). Rounded up.
 */
export function gramAbove(cosine: boolean, norm: number, largestSquaredNorm: number, aLimit: number): number {
  const s = cosine ? aLimit : (norm + largestSquaredNorm - aLimit) / 2;
  if (!Number.isFinite(s)) return s;
  const scale = cosine ? Math.abs(aLimit) : norm + largestSquaredNorm + Math.abs(aLimit);
  return s + 2 ** -48 * scale + Number.MIN_VALUE;
}

/**
 * exactEntry(x, d, i, columns[k], cosine) for k in [from, to) into out[k − from], four columns at
 * a time: each entry's sum is its own chain in the same order as exactEntry's (so the same bits),
 * and four chains at once hide the latency of a dependent sum (a single chain of d additions took
 * ~4 times as long per entry).
 */
export function exactRowEntries(x: Float64Array, d: number, i: number, columns: Int32Array, from: number, to: number, cosine: boolean, out: Float64Array): void {
  let k = from;
  const a = i * d;
  for (; k + 3 < to; k += 4) {
    const b0 = columns[k] * d;
    const b1 = columns[k + 1] * d;
    const b2 = columns[k + 2] * d;
    const b3 = columns[k + 3] * d;
    if (cosine) {
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let p0 = 0; p0 < d; p0 += DEPTH_BLOCK) {
        const p1 = Math.min(d, p0 + DEPTH_BLOCK);
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let q = p0; q < p1; q++) {
          const v = x[a + q];
          s0 += v * x[b0 + q];
          s1 += v * x[b1 + q];
          s2 += v * x[b2 + q];
          s3 += v * x[b3 + q];
        }
        t0 += s0;
        t1 += s1;
        t2 += s2;
        t3 += s3;
      }
      out[k - from] = t0;
      out[k - from + 1] = t1;
      out[k - from + 2] = t2;
      out[k - from + 3] = t3;
    } else {
      let e0 = 0;
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      let o0 = 0;
      let o1 = 0;
      let o2 = 0;
      let o3 = 0;
      let q = 0;
      for (; q + 1 < d; q += 2) {
        const v = x[a + q];
        const w = x[a + q + 1];
        let u = v - x[b0 + q];
        e0 += u * u;
        u = w - x[b0 + q + 1];
        o0 += u * u;
        u = v - x[b1 + q];
        e1 += u * u;
        u = w - x[b1 + q + 1];
        o1 += u * u;
        u = v - x[b2 + q];
        e2 += u * u;
        u = w - x[b2 + q + 1];
        o2 += u * u;
        u = v - x[b3 + q];
        e3 += u * u;
        u = w - x[b3 + q + 1];
        o3 += u * u;
      }
      if (q < d) {
        const v = x[a + q];
        let u = v - x[b0 + q];
        e0 += u * u;
        u = v - x[b1 + q];
        e1 += u * u;
        u = v - x[b2 + q];
        e2 += u * u;
        u = v - x[b3 + q];
        e3 += u * u;
      }
      out[k - from] = Math.sqrt(e0 + o0);
      out[k - from + 1] = Math.sqrt(e1 + o1);
      out[k - from + 2] = Math.sqrt(e2 + o2);
      out[k - from + 3] = Math.sqrt(e3 + o3);
      // An overflowed sum is redone as exactEntry does (the scaled norm).
      for (let r = 0; r < 4; r++) if (out[k - from + r] === Infinity) out[k - from + r] = exactEntry(x, d, i, columns[k + r], false);
    }
  }
  for (; k < to; k++) out[k - from] = exactEntry(x, d, i, columns[k], cosine);
}

/**
 * A value H of A such that an entry with A > H has v > t (rounded outward). For Lp, v ≥ 0: every
 * entry is above a negative t.
 */
export function aboveInA(cosine: boolean, t: number): number {
  if (cosine) return t + 2 ** -50 * Math.abs(t) + Number.MIN_VALUE;
  return t < 0 ? -Infinity : t * t * (1 + 2 ** -50);
}

/** A value L of A such that an entry with A < L has v < t (rounded outward). */
export function belowInA(cosine: boolean, t: number): number {
  if (cosine) return t - 2 ** -50 * Math.abs(t) - Number.MIN_VALUE;
  return t <= 0 ? -Infinity : t * t * (1 - 2 ** -50);
}

/** Candidates each row keeps per side while the blocks stream by; a row that needs more is measured whole. */
const PICK_CAPACITY = 32;

/**
 * Each row's running picks on two sides, positives (slot r) and negatives (slot B + r), over the
 * screen's upper triangle: the side's edge (the largest σ·a − e offered), and the columns that were
 * within the bound of the edge when offered, with σ·a, in ascending order (each row is offered its
 * columns in order: see BlockPairList). σ = +1 picks the largest v, −1 the smallest.
 */
export interface ScreenPicks {
  readonly edge: Float64Array;
  readonly columns: Int32Array;
  readonly values: Float64Array;
  readonly length: Int32Array;
  /** 1 where a slot ran out of room: resolvePicks measures that side of the row whole. */
  readonly overflow: Uint8Array;
  /** (B) per row, the Gram value below which its negative slot passes an entry over. */
  readonly negLimit: Float64Array;
}

/** Fresh picks for B rows (the lists are scratch arrays: see scratch.ts). */
export function screenPicks(B: number): ScreenPicks {
  return {
    edge: new Float64Array(2 * B).fill(-Infinity),
    columns: scratchInt32('screen pick columns', 2 * B * PICK_CAPACITY),
    values: scratchFloat64('screen pick values', 2 * B * PICK_CAPACITY),
    length: new Int32Array(2 * B),
    overflow: new Uint8Array(2 * B),
    negLimit: new Float64Array(B).fill(-Infinity),
  };
}

/**
 * Offers every pair of rows [i0, i1) × later columns of one screen block to both rows' picks: a
 * positive pair (over the row's class: members, after, end from classGroups) to the positive slots
 * with σ = posSign, a negative pair to the negative slots with σ = −posSign. A negative side's
 * candidates lie at larger s̃ for either kind (the nearest negative), so negLimit[r], the Gram
 * value below which row r's negative slot would pass the entry over (gramBelow), lets the loop
 * skip most pairs with two comparisons. negLimit starts at −∞.
 */
export function offerBlockPicks(
  block: Float64Array, width: number, i0: number, i1: number, squaredNorms: Float64Array, smallestSquaredNorm: number, cosine: boolean,
  bound: Float64Array, labels: Float64Array, members: Int32Array, after: Int32Array, end: Int32Array, posSign: number,
  edge: Float64Array, columns: Int32Array, values: Float64Array, length: Int32Array, overflow: Uint8Array, negLimit: Float64Array,
): void {
  const B = labels.length;
  const negSign = -posSign;
  for (let i = i0; i < i1; i++) {
    const own = labels[i];
    const from = (i - i0) * width - i0;
    const norm = squaredNorms[i];
    const e = bound[i];
    for (let k = after[i]; k < end[i]; k++) {
      const j = members[k];
      const s = block[from + j];
      const u = posSign * (cosine ? s : norm + squaredNorms[j] - 2 * s);
      offer(edge, columns, values, length, overflow, i, j, u, e);
      offer(edge, columns, values, length, overflow, j, i, u, bound[j]);
    }
    for (let j = i + 1; j < B; j++) {
      const s = block[from + j];
      if ((s < negLimit[i] && s < negLimit[j]) || labels[j] === own) continue;
      const u = negSign * (cosine ? s : norm + squaredNorms[j] - 2 * s);
      if (offer(edge, columns, values, length, overflow, B + i, j, u, e)) negLimit[i] = negativeLimit(cosine, norm, smallestSquaredNorm, edge[B + i], e);
      if (offer(edge, columns, values, length, overflow, B + j, i, u, bound[j])) {
        negLimit[j] = negativeLimit(cosine, squaredNorms[j], smallestSquaredNorm, edge[B + j], bound[j]);
      }
    }
  }
}

/**
 * negLimit for a negative slot with this edge: an entry with u + e < edge is passed over, i.e.
 * a < edge − e for a similarity (u = a) and a > e − edge for a squared distance (u = −a).
 */
export function negativeLimit(cosine: boolean, norm: number, smallestSquaredNorm: number, edge: number, e: number): number {
  return gramBelow(cosine, norm, smallestSquaredNorm, cosine ? edge - e : e - edge);
}

/**
 * Offers column c with σ·a = u to a slot whose entries are within e of their A; returns whether
 * the slot's edge rose.
 */
export function offer(edge: Float64Array, columns: Int32Array, values: Float64Array, length: Int32Array, overflow: Uint8Array, slot: number, c: number, u: number, e: number): boolean {
  const current = edge[slot];
  if (u + e < current) return false;
  const rose = u - e > current;
  if (rose) edge[slot] = u - e;
  if (overflow[slot] !== 0) return rose;
  const base = slot * PICK_CAPACITY;
  let count = length[slot];
  if (count === PICK_CAPACITY) {
    // Thin the list by the current edge, keeping the order.
    const limit = edge[slot];
    let kept = 0;
    for (let k = 0; k < count; k++) {
      const value = values[base + k];
      columns[base + kept] = columns[base + k];
      values[base + kept] = value;
      kept += +(value + e >= limit);
    }
    if (kept === PICK_CAPACITY) {
      overflow[slot] = 1;
      return rose;
    }
    count = kept;
  }
  columns[base + count] = c;
  values[base + count] = u;
  length[slot] = count + 1;
  return rose;
}

/**
 * Resolves the picks: per row and side, the lowest-indexed column with the largest σ·v among the
 * candidates still within the bound of the final edge, measured exactly (exactEntry); every other
 * entry is strictly beyond it. Writes index (−1: the side is empty) and v into pick and pickValue
 * (slot r: positive, B + r: negative). Returns false when so many sides overflowed that measuring
 * them whole would cost more than the matrix route.
 */
export function resolvePicks(screen: ScreenedBatch, labels: Float64Array, posSign: number, picks: ScreenPicks, pick: Int32Array, pickValue: Float64Array): boolean {
  const { B, x, d, cosine, bound } = screen;
  const { edge, columns, values, length, overflow } = picks;
  let overflowed = 0;
  for (let slot = 0; slot < 2 * B; slot++) overflowed += overflow[slot];
  if (overflowed > Math.max(8, B / 16)) return false;
  for (let slot = 0; slot < 2 * B; slot++) {
    const row = slot < B ? slot : slot - B;
    const positive = slot < B;
    const sign = positive ? posSign : -posSign;
    let best = -1;
    let bestValue = 0;
    if (overflow[slot] !== 0) {
      const own = labels[row];
      for (let j = 0; j < B; j++) {
        if (positive ? j === row || labels[j] !== own : labels[j] === own) continue;
        const v = sign * exactEntry(x, d, row, j, cosine);
        if (best < 0 || v > bestValue) {
          best = j;
          bestValue = v;
        }
      }
    } else {
      const e = bound[row];
      const base = slot * PICK_CAPACITY;
      for (let k = 0; k < length[slot]; k++) {
        if (values[base + k] + e < edge[slot]) continue;
        const j = columns[base + k];
        const v = sign * exactEntry(x, d, row, j, cosine);
        if (best < 0 || v > bestValue) {
          best = j;
          bestValue = v;
        }
      }
    }
    pick[slot] = best;
    pickValue[slot] = sign * bestValue;
  }
  return true;
}
