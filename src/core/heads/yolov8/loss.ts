/**
 * ultralytics YOLOv8's detection loss (`v8DetectionLoss`) from the head's raw per-level maps, with
 * the exact gradient of the returned total with respect to every map. The pipeline, the peer's:
 * 1. anchor points on cell centres (`points.ts`);
 * 2. each side's distance decoded as the Integral of its R bins (`distributions.ts`);
 * 3. the task-aligned assigner on the detached scores and decoded boxes (`tal.ts`);
 * 4. cls = Σ BCE / tss, box = Σ_pos (1 − CIoU)·w / tss, dfl = Σ_pos w·DFL / tss, with
 *    tss = max(Σ target scores, 1) (`classification.ts`, `regression.ts`);
 * 5. loss_items = (7.5·box, 0.5·cls, 1.5·dfl), total = Σ loss_items · N.
 * The assigner's outputs and CIoU's α are constants for the gradient, as the peer detaches them.
 */
import { InputError, describeValue } from '../../errors';
import type { Tensor } from '../../tensor';
import { classificationTerm } from './classification';
import { DecodeScratch, decodeLevelBoxes } from './decode';
import { readHeadMaps } from './maps';
import { resolveOptions, type Yolov8Options } from './options';
import { anchorLayout, anchorPoints, cellSpan, type AnchorLayout, type LevelGrid } from './points';
import { gatherPositives } from './positives';
import { regressionTerms } from './regression';
import { assignImage, newAssignment, TalScratch, type Assignment, type ClassLogits, type TalOptions } from './tal';
import { readTargets, targetsFromBatch, type ImageTargets, type YoloBatchTargets } from './targets';
import type { HeadMaps } from './maps';

export interface Yolov8Inputs {
  /** Per level l: (N, 4·regMax + C, H_l, W_l), the head's raw outputs (bin logits, then class logits). */
  readonly feats: readonly Tensor[];
  /** Per image: (n_i, 4) GT boxes in pixels (x1, y1, x2, y2); n_i may be 0. Give these with gtLabels, or `batch`. */
  readonly gtBoxes?: readonly Tensor[];
  /** Per image: (n_i) labels in 0 … C−1. */
  readonly gtLabels?: readonly Tensor[];
  /** The dataloader's collated targets (normalised cx, cy, w, h), instead of gtBoxes / gtLabels. */
  readonly batch?: YoloBatchTargets;
}

/** The assigner's decisions per anchor, each (N, A); see `Assignment` in tal.ts. */
export type Yolov8Assignment = { readonly [K in keyof Assignment]: Tensor };

export interface Yolov8Result {
  /** `loss_items`: 7.5·box, 0.5·cls, 1.5·dfl, before the batch size. */
  readonly boxLoss: number;
  readonly clsLoss: number;
  readonly dflLoss: number;
  /** (boxLoss + clsLoss + dflLoss) · N: what the peer returns and backpropagates. */
  readonly total: number;
  /** Anchors assigned a GT over the batch. */
  readonly numPos: number;
  /** tss = max(Σ target scores, 1), the divisor of all three terms. */
  readonly targetScoresSum: number;
  /** Each anchor's share of boxLoss, clsLoss and dflLoss (gains applied, before N), each (N, A). */
  readonly perAnchor: { readonly box: Tensor; readonly cls: Tensor; readonly dfl: Tensor };
  readonly assignment: Yolov8Assignment;
  /** (A, 2) anchor centres in pixels, (A) their strides, and the levels' grids. */
  readonly anchors: { readonly centres: Tensor; readonly strides: Tensor; readonly levels: readonly LevelGrid[] };
  /** Per image the GT rows the assigner read, (G_i, 4) pixel boxes and (G_i) labels (the batch form converted). */
  readonly gt: { readonly boxes: readonly Tensor[]; readonly labels: readonly Tensor[] };
  /** With `grad`: d total / d feats[l], shaped as feats[l]. */
  readonly grad?: { readonly feats: Tensor[] };
  readonly report: {
    /** DFL side targets clamped into [0, regMax − 1.01]. */
    readonly dflTargetsClamped: number;
    /** GT rows whose x1 + y1 + x2 + y2 ≤ 0, which the peer reads as padding and ignores. */
    readonly paddingRows: number;
  };
}

/** The image size the peer scales normalised boxes by: stride₀ · (H₀, W₀) of the first level's map. */
export function yolov8ImageSize(feats: readonly Tensor[], strides: readonly number[] = [8, 16, 32]): [number, number] {
  const fn = 'yolov8ImageSize';
  if (!Array.isArray(feats) || feats.length === 0 || feats[0]?.shape?.length !== 4) throw new InputError(fn, 'feats', 'a non-empty list of (N, channels, H, W) maps', describeValue(feats));
  return [feats[0].shape[2] * strides[0], feats[0].shape[3] * strides[0]];
}

/**
 * YOLOv8's detection loss, ultralytics' `v8DetectionLoss(preds, batch)`, in float64.
 *
 * @param inputs.feats per level (N, 4·regMax + C, H_l, W_l) raw maps; levels pair with options.strides.
 * @param inputs.gtBoxes / inputs.gtLabels per image pixel boxes and labels, or inputs.batch the
 *   dataloader's normalised form; images without GT and batches without any GT are allowed (then
 *   tss = 1 and box = dfl = 0).
 * @param options see Yolov8Options; defaults are ultralytics'.
 * @returns the logged components, total, the per-anchor parts, the assignment and, with `grad`,
 *   d total / d feats.
 */
export function yolov8Loss(inputs: Yolov8Inputs, options: Yolov8Options = {}): Yolov8Result {
  const fn = 'yolov8Loss';
  if (inputs === null || typeof inputs !== 'object') throw new InputError(fn, 'inputs', '{ feats, gtBoxes, gtLabels } or { feats, batch }', describeValue(inputs));
  const resolved = resolveOptions(fn, options);
  const maps = readHeadMaps(fn, inputs.feats, resolved.bins, resolved.numClasses);
  const layout = anchorLayout(maps.sizes, resolved.strides, resolved.gridCellOffset, fn);
  const targets = readBatchTargets(fn, inputs, maps, resolved.imageSize ?? yolov8ImageSize(inputs.feats, resolved.strides));
  const N = maps.batch;
  const A = layout.count;
  const { gains } = resolved;

  const assignment = assignBatch(maps, layout, targets, resolved.tal);
  const positives = gatherPositives(assignment, targets, A);
  let scoreSum = 0;
  for (let p = 0; p < positives.count; p++) scoreSum += positives.score[p];
  const tss = scoreSum > 1 ? scoreSum : 1;

  const grads = resolved.grad ? maps.data.map((data) => new Float64Array(data.length)) : null;
  const perCls = new Float64Array(N * A);
  const perBox = new Float64Array(N * A);
  const perDfl = new Float64Array(N * A);
  const cls = classificationTerm(maps, layout, positives, perCls, grads, (N * gains.cls) / tss, fn);
  const regression = regressionTerms(
    maps,
    layout,
    targets,
    positives,
    resolved.tal.ciouEps,
    perBox,
    perDfl,
    grads === null ? null : { grads, boxScale: (N * gains.box) / tss, dflScale: (N * gains.dfl) / tss },
  );
  for (const [part, gain] of [[perCls, gains.cls], [perBox, gains.box], [perDfl, gains.dfl]] as const) {
    for (let o = 0; o < part.length; o++) part[o] = (part[o] / tss) * gain;
  }
  const boxLoss = (regression.box / tss) * gains.box;
  const clsLoss = (cls / tss) * gains.cls;
  const dflLoss = (regression.dfl / tss) * gains.dfl;
  const shape = [N, A];
  const asTensor = (data: Float64Array): Tensor => ({ shape, data });
  const points = anchorPoints(layout);
  return {
    boxLoss,
    clsLoss,
    dflLoss,
    total: (boxLoss + clsLoss + dflLoss) * N,
    numPos: positives.count,
    targetScoresSum: tss,
    perAnchor: { box: asTensor(perBox), cls: asTensor(perCls), dfl: asTensor(perDfl) },
    assignment: {
      gt: asTensor(assignment.gt),
      candidate: asTensor(assignment.candidate),
      inside: asTensor(assignment.inside),
      ciou: asTensor(assignment.ciou),
      metric: asTensor(assignment.metric),
      rank: asTensor(assignment.rank),
      score: asTensor(assignment.score),
    },
    anchors: { centres: { shape: [A, 2], data: layout.centres }, strides: points.strides, levels: layout.levels },
    gt: {
      boxes: targets.map((t) => ({ shape: [t.count, 4], data: t.boxes.slice(0, 4 * t.count) })),
      labels: targets.map((t) => ({ shape: [t.count], data: Float64Array.from(t.labels.subarray(0, t.count)) })),
    },
    ...(grads === null ? {} : { grad: { feats: grads.map((data, l) => ({ shape: [...inputs.feats[l].shape], data })) } }),
    report: {
      dflTargetsClamped: regression.clampedTargets,
      paddingRows: targets.reduce((sum, t) => sum + t.real.reduce((rows, real) => rows + 1 - real, 0), 0),
    },
  };
}

function readBatchTargets(fn: string, inputs: Yolov8Inputs, maps: HeadMaps, imageSize: readonly [number, number]): ImageTargets[] {
  const hasBatch = inputs.batch !== undefined;
  const hasPerImage = inputs.gtBoxes !== undefined || inputs.gtLabels !== undefined;
  if (hasBatch === hasPerImage) {
    throw new InputError(fn, 'inputs', 'either gtBoxes and gtLabels (per image, pixels) or batch (normalised), not both', hasBatch ? 'both' : 'neither');
  }
  const perImage = hasBatch
    ? targetsFromBatch(inputs.batch!, maps.batch, imageSize, maps.classes, fn)
    : { gtBoxes: inputs.gtBoxes ?? [], gtLabels: inputs.gtLabels ?? [] };
  return readTargets(fn, perImage, maps.batch, maps.classes);
}

/**
 * Runs the assigner image by image. Only cells under some real GT are decoded (per row, the span
 * of columns that the GTs crossing that row cover): the assigner reads no other prediction.
 */
function assignBatch(maps: HeadMaps, layout: AnchorLayout, targets: readonly ImageTargets[], tal: TalOptions): Assignment {
  const A = layout.count;
  const assignment = newAssignment(maps.batch * A);
  const scratch = new TalScratch(A);
  const decodeScratch = new DecodeScratch(layout);
  const predBoxes = new Float64Array(4 * A);
  const spans = new Int32Array(4 * targets.reduce((most, t) => Math.max(most, t.count), 0));
  const classBase = 4 * maps.bins;
  const logits: ClassLogits = {
    data: maps.data,
    level: layout.level,
    cell: layout.cell,
    plane: Int32Array.from(layout.levels, ({ height, width }) => height * width),
    base: new Int32Array(layout.levels.length),
  };
  for (let n = 0; n < maps.batch; n++) {
    const gt = targets[n];
    for (let l = 0; l < layout.levels.length; l++) {
      const spanCount = gtSpans(gt, layout.levels[l], layout.gridCellOffset, spans);
      decodeLevelBoxes(maps, layout, n, l, spans, spanCount, predBoxes, decodeScratch);
    }
    layout.levels.forEach(({ height, width }, l) => (logits.base[l] = (n * maps.channels + classBase) * height * width));
    assignImage(layout, gt, { boxes: predBoxes, logits }, tal, assignment, n * A, scratch);
  }
  return assignment;
}

/**
 * Per real GT of the image, the rows and columns (i0, i1, j0, j1) of a level's cells it can
 * contain, written into `spans`; returns how many.
 */
function gtSpans(gt: ImageTargets, grid: LevelGrid, gridCellOffset: number, spans: Int32Array): number {
  let count = 0;
  for (let g = 0; g < gt.count; g++) {
    if (gt.real[g] === 0) continue;
    const o = 4 * g;
    const [i0, i1] = cellSpan(gt.boxes[o + 1], gt.boxes[o + 3], grid.stride, gridCellOffset, grid.height);
    const [j0, j1] = cellSpan(gt.boxes[o], gt.boxes[o + 2], grid.stride, gridCellOffset, grid.width);
    if (i0 <= i1 && j0 <= j1) spans.set([i0, i1, j0, j1], 4 * count++);
  }
  return count;
}
