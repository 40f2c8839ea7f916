/**
 * The bulk decode the assigner needs: each side's distance d_k = Σ_b b·softmax(bins_k)_b, in stride
 * units, for runs of cells of one level. It is `integral` (distributions.ts) laid out for the
 * maps: the bins of one anchor are a channel plane apart, so the loops run over a row of
 * neighbouring cells, one bin plane at a time, reading memory in order instead of gathering
 * 4·R scattered logits per anchor first.
 */
import { fastExp } from '../../numerics';
import { EXP_ARGUMENT_LIMIT, expInRange } from './exp';
import type { HeadMaps } from './maps';
import type { AnchorLayout } from './points';

// Read once: under tsx an imported binding is reached through a getter at every use. fastExp's
// range test and its Math.exp fallback kept it from being inlined into the bin loop. The clamp at
// ±708 is harmless: a logit above 708 puts its cell's sum above SUM_MAX (then redone shifted, by
// fastExp), and one below −708 adds e^−708 ≈ 3e-308 instead of less: lost in any sum above
// SUM_MIN, and at most R·e^−708 in the moment (distance 0 becomes ~1e-306 at worst).
const exp = expInRange;
const EXP_LIMIT = EXP_ARGUMENT_LIMIT;
const fullExp = fastExp;

// Sums of e^x inside this range leave every softmax term accurate without shifting by the maximum
// (as `expRowInto`); a cell whose sum leaves it (logits beyond about ±600) is redone shifted.
const SUM_MIN = 1e-280;
const SUM_MAX = 1e280;

/** Row buffers of the widest level, reused for every run. */
export class DecodeScratch {
  readonly sum: Float64Array;
  readonly moment: Float64Array;

  constructor(layout: AnchorLayout) {
    const widest = Math.max(...layout.levels.map(({ width }) => width));
    this.sum = new Float64Array(widest);
    this.moment = new Float64Array(widest);
  }
}

/**
 * Writes d_k (k = 0…3) of image n for the cells (i, j0 … j1) of level l into distance[4·a + k],
 * a the flat anchor.
 */
export function decodeRun(
  maps: HeadMaps,
  layout: AnchorLayout,
  n: number,
  l: number,
  i: number,
  j0: number,
  j1: number,
  distance: Float64Array,
  scratch: DecodeScratch,
): void {
  const [height, width] = maps.sizes[l];
  const plane = height * width;
  const anchorRow = layout.levels[l].offset + i * width;
  for (let k = 0; k < 4; k++) {
    const rowBase = (n * maps.channels + k * maps.bins) * plane + i * width;
    decodeSide(maps.data[l], rowBase, plane, maps.bins, j0, j1, scratch.sum, scratch.moment, distance, 4 * anchorRow + k);
  }
}

/**
 * One side over one run: the kernel takes only typed arrays and numbers, so that its optimized code
 * depends on no object that a collection could free (which made V8 discard it after every GC).
 */
function decodeSide(
  data: Float64Array,
  rowBase: number,
  plane: number,
  R: number,
  j0: number,
  j1: number,
  sum: Float64Array,
  moment: Float64Array,
  distance: Float64Array,
  out: number,
): void {
  sum.fill(0, j0, j1 + 1);
  moment.fill(0, j0, j1 + 1);
  for (let b = 0, base = rowBase; b < R; b++, base += plane) {
    for (let j = j0; j <= j1; j++) {
      const x = data[base + j];
      const e = exp(x < -EXP_LIMIT ? -EXP_LIMIT : x > EXP_LIMIT ? EXP_LIMIT : x);
      sum[j] += e;
      moment[j] += b * e;
    }
  }
  for (let j = j0; j <= j1; j++) {
    const s = sum[j];
    distance[out + 4 * j] = s >= SUM_MIN && s <= SUM_MAX ? moment[j] / s : shiftedMean(data, rowBase + j, plane, R);
  }
}

/** Σ_b b·softmax_b of R logits a plane apart, shifted by their maximum. */
function shiftedMean(data: Float64Array, first: number, plane: number, R: number): number {
  let max = -Infinity;
  for (let b = 0; b < R; b++) max = Math.max(max, data[first + b * plane]);
  let sum = 0;
  let moment = 0;
  for (let b = 0; b < R; b++) {
    const e = fullExp(data[first + b * plane] - max);
    sum += e;
    moment += b * e;
  }
  return moment / sum;
}
