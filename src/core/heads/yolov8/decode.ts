/**
 * The bulk decode the assigner needs: each side's distance d_k = Σ_b b·softmax(bins_k)_b, in stride
 * units, for runs of cells of one level. It is `integral` (distributions.ts) laid out for the
 * maps: the bins of one anchor are a channel plane apart, so the loops run over a row of
 * neighbouring cells, one bin plane at a time, reading memory in order instead of gathering
 * 4·R scattered logits per anchor first.
 */
import { fastExp } from '../../numerics';
import { useSimd } from '../../simd/path';
import { copyBinRows, sideSumsSimd, type BinRows } from './decodeSimd';
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

/** Row buffers of the widest level, reused for every run, and the (4·A) side distances. */
export class DecodeScratch {
  readonly sum: Float64Array;
  readonly moment: Float64Array;
  readonly distance: Float64Array;

  constructor(layout: AnchorLayout) {
    const widest = Math.max(...layout.levels.map(({ width }) => width));
    this.sum = new Float64Array(widest);
    this.moment = new Float64Array(widest);
    this.distance = new Float64Array(4 * layout.count);
  }
}

/**
 * Decodes image n's cells of level l that the assigner can read, and writes their predicted boxes
 * in pixels (x1, y1, x2, y2) into boxes[4·a …]. `spans` holds, per real GT, the rows and columns
 * (i0, i1, j0, j1) of the cells it can contain; each row is decoded over the columns from the
 * leftmost to the rightmost span crossing it.
 */
export function decodeLevelBoxes(maps: HeadMaps, layout: AnchorLayout, n: number, l: number, spans: Int32Array, spanCount: number, boxes: Float64Array, scratch: DecodeScratch): void {
  if (spanCount === 0) return;
  const [height, width] = maps.sizes[l];
  const { stride, offset } = layout.levels[l];
  const imageBase = n * maps.channels * height * width;
  let rows: BinRows | null = null;
  if (useSimd(0, 0)) {
    let [firstRow, lastRow] = [height, -1];
    for (let s = 0; s < 4 * spanCount; s += 4) [firstRow, lastRow] = [Math.min(firstRow, spans[s]), Math.max(lastRow, spans[s + 1])];
    rows = copyBinRows(maps.data[l], imageBase, height * width, width, 4 * maps.bins, firstRow, lastRow);
  }
  levelBoxes(
    maps.data[l], imageBase, height * width, width, maps.bins, height, stride, offset, layout.gridCellOffset,
    spans, spanCount, scratch.distance, boxes, scratch.sum, scratch.moment, rows,
  );
}

/**
 * decodeLevelBoxes's loops, on typed arrays and numbers only: code that depends on an object a
 * collection can free is thrown away at that collection, and the bench collects before every call.
 * d_k of anchor a goes into distance[4·a + k]; the box as the peer makes it, in stride units and
 * then times the stride.
 */
function levelBoxes(
  data: Float64Array,
  imageBase: number,
  plane: number,
  width: number,
  R: number,
  height: number,
  stride: number,
  anchorOffset: number,
  gridCellOffset: number,
  spans: Int32Array,
  spanCount: number,
  distance: Float64Array,
  boxes: Float64Array,
  sum: Float64Array,
  moment: Float64Array,
  rows: BinRows | null,
): void {
  for (let i = 0; i < height; i++) {
    let j0 = width;
    let j1 = -1;
    for (let s = 0; s < 4 * spanCount; s += 4) {
      if (i < spans[s] || i > spans[s + 1]) continue;
      if (spans[s + 2] < j0) j0 = spans[s + 2];
      if (spans[s + 3] > j1) j1 = spans[s + 3];
    }
    if (j1 < j0) continue;
    const anchorRow = anchorOffset + i * width;
    for (let k = 0; k < 4; k++) {
      const rowBase = imageBase + k * R * plane + i * width;
      if (rows === null) {
        decodeSide(data, rowBase, plane, R, j0, j1, sum, moment, distance, 4 * anchorRow + k);
      } else {
        sideSumsSimd(rows, k, R, width, i, j0, j1);
        distances(rows.f64, rows.sumAt - j0, rows.f64, rows.momentAt - j0, data, rowBase, plane, R, j0, j1, distance, 4 * anchorRow + k);
      }
    }
    const py = i + gridCellOffset;
    for (let j = j0, a = anchorRow + j0; j <= j1; j++, a++) {
      const px = j + gridCellOffset;
      boxes[4 * a] = (px - distance[4 * a]) * stride;
      boxes[4 * a + 1] = (py - distance[4 * a + 1]) * stride;
      boxes[4 * a + 2] = (px + distance[4 * a + 2]) * stride;
      boxes[4 * a + 3] = (py + distance[4 * a + 3]) * stride;
    }
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
  distances(sum, 0, moment, 0, data, rowBase, plane, R, j0, j1, distance, out);
}

/**
 * d_k = moment/sum of cells j0 … j1 (cell j's sum at sums[sumAt + j], moment at moments[momentAt + j]) into
 * distance[out + 4·j]; a cell whose sum is outside [SUM_MIN, SUM_MAX] is redone shifted.
 */
function distances(
  sums: Float64Array, sumAt: number, moments: Float64Array, momentAt: number,
  data: Float64Array, rowBase: number, plane: number, R: number, j0: number, j1: number, distance: Float64Array, out: number,
): void {
  for (let j = j0; j <= j1; j++) {
    const s = sums[sumAt + j];
    distance[out + 4 * j] = s >= SUM_MIN && s <= SUM_MAX ? moments[momentAt + j] / s : shiftedMean(data, rowBase + j, plane, R);
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
