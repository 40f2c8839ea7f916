/**
 * mmdetection's GFL head loss from the raw per-level maps and the ground truth, as a training step
 * computes it (`GFLHead.loss_by_feat`, then mmengine's `parse_losses`): anchors, ATSS, targets, and
 * QFL + GIoU + DFL over every level and image, with exact gradients with respect to every map.
 */
import { InputError, describeValue } from '../../errors';
import type { Tensor } from '../../tensor';
import { gflAnchors, type GflAnchors } from './anchors';
import { atssAssign, type AtssAssignment } from './atss';
import { FN, validateHeadInputs, type GflHeadRawInputs, type GflHeadRawOptions } from './inputs';
import { gatherPositives, scatterRegRows, type Positives } from './positives';
import { qualityTerm } from './quality';
import { AVG_FACTOR_EPS, regressionTerms } from './regression';

export interface GflHeadRawResult {
  /** The logged losses, each the sum over levels of the level's loss, and their sum. */
  readonly lossCls: number;
  readonly lossBbox: number;
  readonly lossDfl: number;
  readonly loss: number;
  /** Anchors assigned a GT over the batch, and per image. */
  readonly numPos: number;
  readonly numPosPerImage: readonly number[];
  /** Σ_images max(num_pos_i, 1), QFL's avg_factor (before + ε). */
  readonly avgFactorCls: number;
  /** W = max(Σ_pos w, 1), the divisor of loss_bbox and loss_dfl. */
  readonly avgFactorBbox: number;
  /** (L) each level's loss_cls, loss_bbox and loss_dfl. */
  readonly perLevel: { readonly cls: Float64Array; readonly bbox: Float64Array; readonly dfl: Float64Array };
  /**
   * (N, A) each anchor's share of the three losses (they sum to them), its QFL target score (the
   * IoU of its decoded box, positives only) and its weight w = max σ(cls) (positives only).
   * A = Σ H_l·W_l, in the flat anchor order of `anchors`.
   */
  readonly perAnchor: { readonly cls: Tensor; readonly bbox: Tensor; readonly dfl: Tensor; readonly score: Tensor; readonly weight: Tensor };
  /** The anchors, shared by every image. */
  readonly anchors: GflAnchors;
  /** Per image, the ATSS assignment and why. */
  readonly assignment: readonly AtssAssignment[];
  /** Clamped DFL targets, and IoU guards that fired on positives. */
  readonly report: { readonly dflTargetsClamped: number; readonly unionClamped: number; readonly enclosureClamped: number };
  /** With grad: d loss / d map, one per level, each in its map's shape. */
  readonly grad?: { readonly clsScores: Tensor[]; readonly bboxPreds: Tensor[] };
}

const DEFAULT_STRIDES = [8, 16, 32, 64, 128];

/**
 * The GFL head loss of a batch, from raw maps.
 *
 * 1. Anchors (gflAnchors): an 8s square on each grid corner of each level.
 * 2. ATSS per image (atssAssign), top-k 9.
 * 3. Targets: a positive gets its GT's label and box; label weights are 1 (0 for anchors outside
 *    `inside`, `posWeight` for positives when > 0); avg_factor = Σ_images max(num_pos_i, 1).
 * 4. Per level: loss_cls = lw.cls·Σ QFL / (avg_factor + ε), QFL's target at the positive's label
 *    the IoU of its decoded box; loss_bbox = lw.bbox·Σ w·(1 − GIoU) / (1 + ε); loss_dfl =
 *    lw.dfl·Σ w·Σ_sides DFL / (4 + ε); w = max σ(cls) and the score are constants.
 * 5. loss_bbox and loss_dfl of every level are divided by W = max(Σ_pos w, 1).
 * ε = 2⁻²³ is mmdetection's guard in `weight_reduce_loss`.
 *
 * @param inputs maps per level (clsScores (N, C, H_l, W_l), bboxPreds (N, 4·(regMax+1), H_l, W_l)),
 *   GT per image (gtBboxes (n_i, 4) pixels, gtLabels (n_i) in 0 … C − 1) and imgShape [H, W].
 * @param options mmdetection's GFL settings; every default is the library's.
 * @throws InputError naming the argument, level or image and index of a bad shape, value or label.
 */
export function gflHeadRawLoss(inputs: GflHeadRawInputs, options: GflHeadRawOptions = {}): GflHeadRawResult {
  const settings = readOptions(options);
  const { strides, regMax, grad } = settings;
  const shape = validateHeadInputs(inputs, strides.length, regMax, options.numClasses);
  const { N, bins } = shape;
  const L = strides.length;
  const anchors = gflAnchors(shape.featmapSizes, inputs.imgShape, { ...options, strides });
  const assignment = inputs.gtBboxes.map((boxes) => atssAssign(anchors, boxes.data, { topk: settings.topk }));
  const numPosPerImage = assignment.map((image) => image.numPos);
  const avgFactorCls = numPosPerImage.reduce((sum, n) => sum + Math.max(n, 1), 0);

  const positives = gatherPositives(anchors, assignment, inputs.clsScores, inputs.bboxPreds, inputs.gtBboxes, inputs.gtLabels, bins);
  let weightSum = 0;
  for (const w of positives.weight) weightSum += w;
  const normalizer = Math.max(weightSum, 1);
  const box = regressionTerms(positives, {
    regMax,
    lossWeightBbox: settings.lossWeight.bbox,
    lossWeightDfl: settings.lossWeight.dfl,
    giouEps: settings.giouEps,
    normalizer,
    grad,
  });

  const A = anchors.count;
  const perCls = new Float64Array(N * A);
  const labelWeights = labelWeightsOf(anchors, positives, N, settings.posWeight);
  const clsScale = settings.lossWeight.cls / (avgFactorCls + AVG_FACTOR_EPS);
  const perLevel = { cls: new Float64Array(L), bbox: new Float64Array(L), dfl: new Float64Array(L) };
  const gradCls: Tensor[] = [];
  anchors.levels.forEach(({ start, height, width }, l) => {
    const area = height * width;
    const levelWeights = labelWeights === null ? null : levelSlice(labelWeights, N, A, start, area);
    const map = inputs.clsScores[l];
    const term = qualityTerm(map, l, positives, box.score, clsScale, levelWeights, settings.beta, grad);
    perLevel.cls[l] = term.loss;
    for (let b = 0; b < N; b++) perCls.set(term.perAnchor.subarray(b * area, (b + 1) * area), b * A + start);
    if (term.grad !== null) gradCls.push({ shape: [...map.shape], data: term.grad });
  });

  const perAnchor = positiveParts(positives, box, N, A);
  for (let m = 0; m < positives.count; m++) {
    perLevel.bbox[positives.level[m]] += box.bbox[m];
    perLevel.dfl[positives.level[m]] += box.dfl[m];
  }
  // parse_losses adds the levels in order.
  let lossCls = 0;
  let lossBbox = 0;
  let lossDfl = 0;
  for (let l = 0; l < L; l++) {
    lossCls += perLevel.cls[l];
    lossBbox += perLevel.bbox[l];
    lossDfl += perLevel.dfl[l];
  }

  let gradients: GflHeadRawResult['grad'];
  if (grad) {
    const regMaps = inputs.bboxPreds.map((map) => new Float64Array(map.data.length));
    if (box.gradReg !== null) scatterRegRows(positives, box.gradReg, regMaps, anchors, bins);
    gradients = { clsScores: gradCls, bboxPreds: regMaps.map((data, l) => ({ shape: [...inputs.bboxPreds[l].shape], data })) };
  }
  return {
    lossCls,
    lossBbox,
    lossDfl,
    loss: lossCls + lossBbox + lossDfl,
    numPos: positives.count,
    numPosPerImage,
    avgFactorCls,
    avgFactorBbox: normalizer,
    perLevel,
    perAnchor: { cls: { shape: [N, A], data: perCls }, ...perAnchor },
    anchors,
    assignment,
    report: box.report,
    ...(gradients === undefined ? {} : { grad: gradients }),
  };
}

interface Settings {
  readonly strides: readonly number[];
  readonly regMax: number;
  readonly topk: number;
  readonly beta: number;
  readonly posWeight: number;
  readonly giouEps: number;
  readonly lossWeight: { readonly cls: number; readonly bbox: number; readonly dfl: number };
  readonly grad: boolean;
}

function readOptions(options: GflHeadRawOptions): Settings {
  if (typeof options !== 'object' || options === null) throw new InputError(FN, 'options', 'an object', describeValue(options));
  const strides = options.strides ?? DEFAULT_STRIDES;
  if (!Array.isArray(strides) || strides.length === 0) throw new InputError(FN, 'options.strides', 'a non-empty list of strides', describeValue(strides));
  const regMax = options.regMax ?? 16;
  if (!Number.isInteger(regMax) || regMax < 1) throw new InputError(FN, 'options.regMax', 'an integer ≥ 1', describeValue(regMax));
  const topk = options.topk ?? 9;
  if (!Number.isInteger(topk) || topk < 1) throw new InputError(FN, 'options.topk', 'an integer ≥ 1', describeValue(topk));
  const beta = requireNumber('options.beta', options.beta ?? 2, 0);
  const posWeight = requireNumber('options.posWeight', options.posWeight ?? -1, -Infinity);
  const giouEps = requireNumber('options.giouEps', options.giouEps ?? 1e-6, 0);
  if (giouEps === 0) throw new InputError(FN, 'options.giouEps', 'a finite number > 0', '0');
  const given = options.lossWeight ?? {};
  const lossWeight = {
    cls: requireNumber('options.lossWeight.cls', given.cls ?? 1, 0),
    bbox: requireNumber('options.lossWeight.bbox', given.bbox ?? 2, 0),
    dfl: requireNumber('options.lossWeight.dfl', given.dfl ?? 0.25, 0),
  };
  return { strides, regMax, topk, beta, posWeight, giouEps, lossWeight, grad: options.grad === true };
}

function requireNumber(argument: string, value: unknown, low: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < low) {
    throw new InputError(FN, argument, low === -Infinity ? 'a finite number' : `a finite number ≥ ${low}`, describeValue(value));
  }
  return value;
}

/**
 * (N, A) label weights when some differ from 1 (anchors outside `inside` get 0, positives
 * posWeight when > 0), else null: `_get_targets_single`'s label_weights after `unmap`.
 */
function labelWeightsOf(anchors: GflAnchors, positives: Positives, N: number, posWeight: number): Float64Array | null {
  const allInside = anchors.inside.indexOf(0) < 0;
  if (allInside && posWeight <= 0) return null;
  const A = anchors.count;
  const out = new Float64Array(N * A);
  for (let b = 0; b < N; b++) out.set(anchors.inside, b * A);
  if (posWeight > 0) for (let m = 0; m < positives.count; m++) out[positives.image[m] * A + positives.anchor[m]] = posWeight;
  return out;
}

/** (N, area) rows [start, start + area) of an (N, A) array. */
function levelSlice(values: Float64Array, N: number, A: number, start: number, area: number): Float64Array {
  const out = new Float64Array(N * area);
  for (let b = 0; b < N; b++) out.set(values.subarray(b * A + start, b * A + start + area), b * area);
  return out;
}

/** The positives' box, DFL, score and weight spread over (N, A) arrays (0 for every other anchor). */
function positiveParts(
  positives: Positives,
  box: { readonly bbox: Float64Array; readonly dfl: Float64Array; readonly score: Float64Array },
  N: number,
  A: number,
): { bbox: Tensor; dfl: Tensor; score: Tensor; weight: Tensor } {
  const [bbox, dfl, score, weight] = [0, 1, 2, 3].map(() => new Float64Array(N * A));
  for (let m = 0; m < positives.count; m++) {
    const i = positives.image[m] * A + positives.anchor[m];
    bbox[i] = box.bbox[m];
    dfl[i] = box.dfl[m];
    score[i] = box.score[m];
    weight[i] = positives.weight[m];
  }
  const tensor = (data: Float64Array): Tensor => ({ shape: [N, A], data });
  return { bbox: tensor(bbox), dfl: tensor(dfl), score: tensor(score), weight: tensor(weight) };
}
