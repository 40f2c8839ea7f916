/**
 * What the raw GFL head loss takes (the head's per-level maps and each image's ground truth, as a
 * training step has them), its options with mmdetection's defaults, and their validation.
 */
import { InputError, describeValue } from '../../errors';
import { requireFinite, type Tensor } from '../../tensor';

export interface GflHeadRawInputs {
  /** One (N, C, H_l, W_l) map of class/quality logits per level (no sigmoid applied). */
  readonly clsScores: readonly Tensor[];
  /** One (N, 4·(regMax + 1), H_l, W_l) map per level: side k (l, t, r, b) on channels k·bins … k·bins + regMax. */
  readonly bboxPreds: readonly Tensor[];
  /** Per image, (n_i, 4) GT boxes (x1, y1, x2, y2) in pixels; n_i may be 0 (shape (0, 4) or (0)). */
  readonly gtBboxes: readonly Tensor[];
  /** Per image, (n_i) integer labels in 0 … C − 1. */
  readonly gtLabels: readonly Tensor[];
  /** [H, W] of the padded image, in pixels (mmdetection's img_shape and pad_shape). */
  readonly imgShape: readonly [number, number];
}

export interface GflHeadRawOptions {
  /** C, checked against the maps when given. */
  readonly numClasses?: number;
  /** Default [8, 16, 32, 64, 128], one per level. */
  readonly strides?: readonly number[];
  /** Bins 0 … regMax (default 16, so 17 bins: mmdetection's convention). */
  readonly regMax?: number;
  /** Anchor side in strides (default 8). */
  readonly octaveBaseScale?: number;
  /** Default 1 (the only value GFL allows). */
  readonly scalesPerOctave?: number;
  /** Default [1] (one ratio: one anchor per location). */
  readonly ratios?: readonly number[];
  /** Default 0: anchors centred on the grid corners. */
  readonly centerOffset?: number;
  /** ATSS candidates per level and GT (default 9). */
  readonly topk?: number;
  /** Default −1: no border test. */
  readonly allowedBorder?: number;
  /** Label weight of positives; ≤ 0 (default −1) means 1. */
  readonly posWeight?: number;
  /** QFL's β (default 2). */
  readonly beta?: number;
  /** Default { cls: 1, bbox: 2, dfl: 0.25 } (configs/gfl/gfl_r50_fpn_1x_coco.py). */
  readonly lossWeight?: { readonly cls?: number; readonly bbox?: number; readonly dfl?: number };
  /** GIoULoss's eps (default 1e-6). */
  readonly giouEps?: number;
  /** Also compute the gradients with respect to every map (default false). */
  readonly grad?: boolean;
}

/** The validated sizes of a head's inputs. */
export interface HeadShape {
  readonly N: number;
  readonly C: number;
  readonly bins: number;
  /** [H_l, W_l] per level. */
  readonly featmapSizes: readonly [number, number][];
  /** n_i per image. */
  readonly gtCounts: readonly number[];
}

export const FN = 'gflHeadRawLoss';

/** Checks every shape, value and label; InputError naming the argument, level or image, and index. */
export function validateHeadInputs(inputs: GflHeadRawInputs, numLevels: number, regMax: number, numClasses?: number): HeadShape {
  if (typeof inputs !== 'object' || inputs === null) throw new InputError(FN, 'inputs', 'an object of maps and ground truth', describeValue(inputs));
  const { clsScores, bboxPreds, gtBboxes, gtLabels, imgShape } = inputs;
  requireList('inputs.clsScores', clsScores, numLevels, 'one map per stride');
  requireList('inputs.bboxPreds', bboxPreds, numLevels, 'one map per stride');
  const bins = regMax + 1;
  const first = clsScores[0];
  requireRank(`inputs.clsScores[0]`, first);
  const [N, C] = first.shape;
  if (N < 1) throw new InputError(FN, 'inputs.clsScores[0]', 'a batch of at least one image', `of shape (${first.shape.join(', ')})`);
  if (C < 1 || (numClasses !== undefined && C !== numClasses)) {
    const want = numClasses === undefined ? 'at least one class channel' : `C = options.numClasses = ${numClasses} channels`;
    throw new InputError(FN, 'inputs.clsScores[0]', want, `of shape (${first.shape.join(', ')})`);
  }
  const featmapSizes: [number, number][] = [];
  for (let l = 0; l < numLevels; l++) {
    const cls = clsScores[l];
    const reg = bboxPreds[l];
    requireRank(`inputs.clsScores[${l}]`, cls);
    requireRank(`inputs.bboxPreds[${l}]`, reg);
    const [, , H, W] = cls.shape;
    if (cls.shape[0] !== N || cls.shape[1] !== C || H < 1 || W < 1) {
      throw new InputError(FN, `inputs.clsScores[${l}]`, `of shape (N=${N}, C=${C}, H ≥ 1, W ≥ 1)`, `of shape (${cls.shape.join(', ')})`);
    }
    if (reg.shape[0] !== N || reg.shape[1] !== 4 * bins || reg.shape[2] !== H || reg.shape[3] !== W) {
      throw new InputError(FN, `inputs.bboxPreds[${l}]`, `of shape (N=${N}, 4·(regMax+1)=${4 * bins}, H=${H}, W=${W})`, `of shape (${reg.shape.join(', ')})`);
    }
    requireFiniteMap(`inputs.clsScores[${l}]`, cls);
    requireFiniteMap(`inputs.bboxPreds[${l}]`, reg);
    featmapSizes.push([H, W]);
  }
  requireList('inputs.gtBboxes', gtBboxes, N, 'one (n, 4) array per image');
  requireList('inputs.gtLabels', gtLabels, N, 'one (n) array per image');
  const gtCounts = gtBboxes.map((boxes, b) => requireGt(b, boxes, gtLabels[b], C));
  if (!Array.isArray(imgShape) || imgShape.length !== 2) throw new InputError(FN, 'inputs.imgShape', '[H, W]', describeValue(imgShape));
  imgShape.forEach((extent, axis) => {
    if (typeof extent !== 'number' || !Number.isFinite(extent) || extent <= 0) {
      throw new InputError(FN, 'inputs.imgShape', 'finite sizes > 0', describeValue(extent), [axis]);
    }
  });
  return { N, C, bins, featmapSizes, gtCounts };
}

function requireList(argument: string, value: unknown, length: number, what: string): void {
  if (!Array.isArray(value) || value.length !== length) {
    throw new InputError(FN, argument, `a list of ${length} (${what})`, describeValue(value));
  }
}

function requireRank(argument: string, map: Tensor): void {
  if (typeof map !== 'object' || map === null || !(map.data instanceof Float64Array) || !Array.isArray(map.shape) || map.shape.length !== 4) {
    const found = typeof map === 'object' && map !== null && Array.isArray(map.shape) ? `of shape (${map.shape.join(', ')})` : describeValue(map);
    throw new InputError(FN, argument, 'a 4-d tensor (N, channels, H, W)', found);
  }
}

/**
 * Σ x·0 is 0 exactly when every x is finite (∞·0 and NaN·0 are NaN): one tight pass, four sums
 * wide so that the additions do not wait on each other; the naming scan runs only on failure.
 */
function requireFiniteMap(argument: string, map: Tensor): void {
  const { data } = map;
  const whole = data.length - (data.length % 4);
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let i = 0; i < whole; i += 4) {
    c0 += data[i] * 0;
    c1 += data[i + 1] * 0;
    c2 += data[i + 2] * 0;
    c3 += data[i + 3] * 0;
  }
  for (let i = whole; i < data.length; i++) c0 += data[i] * 0;
  if (c0 + c1 + c2 + c3 !== 0) requireFinite(FN, argument, map);
}

/** Image b's GT: (n, 4) finite boxes with x2 ≥ x1 and y2 ≥ y1, (n) labels in 0 … C − 1. Returns n. */
function requireGt(b: number, boxes: Tensor, labels: Tensor, C: number): number {
  const boxArg = `inputs.gtBboxes[${b}]`;
  const labelArg = `inputs.gtLabels[${b}]`;
  if (typeof boxes !== 'object' || boxes === null || !(boxes.data instanceof Float64Array)) throw new InputError(FN, boxArg, 'an (n, 4) tensor', describeValue(boxes));
  if (typeof labels !== 'object' || labels === null || !(labels.data instanceof Float64Array)) throw new InputError(FN, labelArg, 'an (n) tensor', describeValue(labels));
  const empty = boxes.data.length === 0 && (boxes.shape.length === 1 || (boxes.shape.length === 2 && boxes.shape[1] === 4));
  if (!empty && (boxes.shape.length !== 2 || boxes.shape[1] !== 4)) throw new InputError(FN, boxArg, 'of shape (n, 4)', `of shape (${boxes.shape.join(', ')})`);
  const n = boxes.data.length / 4;
  if (labels.shape.length !== 1 || labels.shape[0] !== n) throw new InputError(FN, labelArg, `of shape (n=${n})`, `of shape (${labels.shape.join(', ')})`);
  requireFinite(FN, boxArg, boxes);
  const d = boxes.data;
  for (let g = 0; g < n; g++) {
    if (d[4 * g + 2] < d[4 * g]) throw new InputError(FN, boxArg, `x2 ≥ x1 = ${d[4 * g]}`, describeValue(d[4 * g + 2]), [g, 2]);
    if (d[4 * g + 3] < d[4 * g + 1]) throw new InputError(FN, boxArg, `y2 ≥ y1 = ${d[4 * g + 1]}`, describeValue(d[4 * g + 3]), [g, 3]);
    const label = labels.data[g];
    if (!Number.isInteger(label) || label < 0 || label > C - 1) throw new InputError(FN, labelArg, `an integer class in [0, ${C - 1}]`, describeValue(label), [g]);
  }
  return n;
}
