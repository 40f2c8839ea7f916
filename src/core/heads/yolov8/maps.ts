/**
 * The raw per-level maps of a YOLOv8 detection head, `feats[l]` of shape (N, 4·R + C, H_l, W_l):
 * channels 0 … 4R−1 are the four sides' bin logits (side k, in l, t, r, b order, uses R·k … R·k + R−1;
 * R = reg_max = 16 bins in ultralytics' convention), channels 4R … 4R+C−1 the class logits.
 * Validation, and the strided reads and writes the loss makes per anchor.
 */
import { InputError, describeValue } from '../../errors';
import { unravelIndex, type Tensor } from '../../tensor';
import type { AnchorLayout } from './points';

export interface HeadMaps {
  /** feats[l].data, level by level. */
  readonly data: readonly Float64Array[];
  /** N images. */
  readonly batch: number;
  /** 4R + C channels per level. */
  readonly channels: number;
  /** R bins per side. */
  readonly bins: number;
  /** C classes. */
  readonly classes: number;
  /** (H_l, W_l) per level. */
  readonly sizes: readonly (readonly [number, number])[];
}

/**
 * Checks the maps: a non-empty list of rank-4 tensors with the same N and the same channel count
 * 4·bins + C (C ≥ 1, and equal to `numClasses` when given), H_l, W_l ≥ 1, and finite values.
 */
export function readHeadMaps(fn: string, feats: readonly Tensor[], bins: number, numClasses: number | undefined): HeadMaps {
  if (!Array.isArray(feats) || feats.length === 0) throw new InputError(fn, 'feats', 'a non-empty list of (N, 4·reg_max + C, H, W) maps', describeValue(feats));
  const first = feats[0];
  const expectedChannels = numClasses === undefined ? undefined : 4 * bins + numClasses;
  const sizes: [number, number][] = [];
  feats.forEach((map, l) => {
    const argument = `feats[${l}]`;
    if (map === null || typeof map !== 'object' || !(map.data instanceof Float64Array) || !Array.isArray(map.shape)) {
      throw new InputError(fn, argument, 'a tensor', describeValue(map));
    }
    const [n, channels, height, width] = map.shape;
    const want = `of shape (N=${first.shape[0]}, ${expectedChannels ?? first.shape[1]}, H, W) with H, W ≥ 1`;
    const found = `of shape (${map.shape.join(', ')})`;
    if (map.shape.length !== 4 || n !== first.shape[0] || height < 1 || width < 1) throw new InputError(fn, argument, want, found);
    if (channels !== (expectedChannels ?? first.shape[1])) throw new InputError(fn, argument, want, found);
    sizes.push([height, width]);
  });
  const channels = first.shape[1];
  const classes = channels - 4 * bins;
  if (classes < 1) throw new InputError(fn, 'feats[0]', `at least 4·reg_max + 1 = ${4 * bins + 1} channels`, `of shape (${first.shape.join(', ')})`);
  const maps = { data: feats.map((map) => map.data), batch: first.shape[0], channels, bins, classes, sizes };
  // The class channels are checked by the class pass, which reads every one of them anyway.
  for (let l = 0; l < feats.length; l++) requireFiniteRange(fn, l, maps.data[l], maps, 0, 4 * bins);
  return maps;
}

/**
 * Throws the InputError naming the first non-finite value of channels [from, to) of feats[l]. One
 * pass of v − v sums (0 for finite v, NaN otherwise); the culprit is looked for only on failure.
 */
export function requireFiniteRange(fn: string, l: number, data: Float64Array, maps: HeadMaps, from: number, to: number): void {
  const [height, width] = maps.sizes[l];
  const plane = height * width;
  for (let n = 0; n < maps.batch; n++) {
    const start = (n * maps.channels + from) * plane;
    const end = (n * maps.channels + to) * plane;
    let check = 0;
    for (let i = start; i < end; i++) check += data[i] - data[i];
    if (check === 0) continue;
    for (let i = start; i < end; i++) {
      if (!Number.isFinite(data[i])) {
        throw new InputError(fn, `feats[${l}]`, 'finite numbers', describeValue(data[i]), unravelIndex(i, [maps.batch, maps.channels, height, width]));
      }
    }
  }
}

/** Index of channel `channel` of image n at anchor a, in its level's data array. */
export function mapIndex(maps: HeadMaps, layout: AnchorLayout, n: number, a: number, channel: number): number {
  const l = layout.level[a];
  const [height, width] = maps.sizes[l];
  return (n * maps.channels + channel) * height * width + layout.cell[a];
}

/** Copies anchor a's 4·R bin logits of image n into out[o .. o + 4R), side-major as in the map. */
export function gatherBins(maps: HeadMaps, layout: AnchorLayout, n: number, a: number, out: Float64Array, o: number): void {
  const l = layout.level[a];
  const data = maps.data[l];
  const [height, width] = maps.sizes[l];
  const plane = height * width;
  let index = n * maps.channels * plane + layout.cell[a];
  const end = o + 4 * maps.bins;
  for (let k = o; k < end; k++, index += plane) out[k] = data[index];
}

/** Adds values[o .. o + 4R) into anchor a's bin channels of image n in `grads` (one array per level). */
export function scatterBins(maps: HeadMaps, layout: AnchorLayout, n: number, a: number, values: Float64Array, o: number, grads: readonly Float64Array[]): void {
  const l = layout.level[a];
  const grad = grads[l];
  const [height, width] = maps.sizes[l];
  const plane = height * width;
  let index = n * maps.channels * plane + layout.cell[a];
  const end = o + 4 * maps.bins;
  for (let k = o; k < end; k++, index += plane) grad[index] += values[k];
}
