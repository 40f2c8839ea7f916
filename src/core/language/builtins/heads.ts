import type { MathJsInstance } from 'mathjs';
import { InputError, describeValue } from '../../errors';
import { gflHeadRawLoss, type GflHeadRawInputs, type GflHeadRawOptions, type GflHeadRawResult } from '../../heads/gfl';
import { YOLOV8_DEFAULTS, yolov8Loss, type Yolov8Inputs, type Yolov8Options, type Yolov8Result } from '../../heads/yolov8';
import type { Tensor } from '../../tensor';
import { isOptionObject, readOptions, type OptionValues } from '../options';
import { listMatrix, valueToTensor } from '../values';
import { tensorList } from '../figures/arguments';
import { out, positions } from './arguments';
import { GFL_HEAD_OPTIONS, YOLOV8_OPTIONS } from './defaults';
import { LOSS_MARK } from './marks';
import type { ValueBuiltin } from './types';

/*
 * The detector heads from raw outputs: the per-level maps a model returns and each image's ground
 * truth, as a training step has them (docs/exporting.md), to the losses the training log prints.
 */

/** A field of the data object, or of the second object, named as the user wrote it. */
function member(fn: string, sources: readonly { name: string; value: Record<string, unknown> }[], key: string): { value: unknown; argument: string } {
  for (const { name, value } of sources) {
    if (value[key] !== undefined) return { value: value[key], argument: `${name}.${key}` };
  }
  throw new InputError(fn, `${sources[0].name}.${key}`, 'present', 'missing');
}

/** A list member of the data (`data.cls_scores`), item by item. */
function listMember(fn: string, sources: readonly { name: string; value: Record<string, unknown> }[], key: string, expected: string): Tensor[] {
  const { value, argument } = member(fn, sources, key);
  return tensorList(fn, argument, value, expected);
}

/** [H, W] in pixels from a vector, a list or an option value. */
function imageShape(fn: string, argument: string, value: unknown): [number, number] {
  const shape = valueToTensor(fn, argument, value);
  const [H, W] = shape.data;
  if (shape.data.length !== 2 || !(H > 0) || !(W > 0)) throw new InputError(fn, argument, '[H, W] in pixels, both > 0', describeValue(value));
  return [H, W];
}

/**
 * The arguments of a head function: (export), (export, options), (outputs, targets) or
 * (outputs, targets, options). The export and the targets are plain objects too, so an object is
 * the options only when every key is one.
 */
function headArguments(fn: string, args: unknown[], optionKeys: readonly string[]): { sources: { name: string; value: Record<string, unknown> }[]; options: unknown } {
  const isOptions = (value: unknown): boolean => isOptionObject(value) && Object.keys(value).every((key) => optionKeys.includes(key));
  const last = args[args.length - 1];
  const data = args.length > 1 && isOptions(last) ? args.slice(0, -1) : args;
  const options = data.length < args.length ? last : undefined;
  const names = data.length === 1 ? ['data'] : ['outputs', 'targets'];
  if (data.length > 2 || data.length === 0) throw new InputError(fn, 'arguments', `${fn}(data, {options}) or ${fn}(outputs, targets, {options})`, `${args.length} arguments`);
  return {
    sources: data.map((value, i) => {
      if (!isOptionObject(value)) throw new InputError(fn, names[i], 'an object of per-level maps and ground truth, as torch.save wrote it', describeValue(value));
      return { name: names[i], value };
    }),
    options,
  };
}

/** The core's names for the inputs and options, as a cell writes them. */
const CELL_NAMES: Readonly<Record<string, string>> = {
  feats: 'feats',
  gtBoxes: 'gt_bboxes',
  batchIdx: 'batch.batch_idx',
  imageSize: 'img_shape',
  clsScores: 'cls_scores',
  bboxPreds: 'bbox_preds',
  gtBboxes: 'gt_bboxes',
  gtLabels: 'gt_labels',
  imgShape: 'img_shape',
  numClasses: 'num_classes',
  regMax: 'reg_max',
  octaveBaseScale: 'octave_base_scale',
  lossWeight: 'loss_weight',
  giouEps: 'giou_eps',
};

/**
 * A core error in the words of the cell: `inputs.clsScores[0]` is `data.cls_scores[1]` (the object
 * that held the key, and list positions from 1, as the cell indexes them).
 */
function inCellWords(error: InputError, holder: (key: string) => string): InputError {
  const cell = (key: string): string => CELL_NAMES[key] ?? key;
  const argument = error.argument
    .replace(/^inputs\.(\w+)/, (_, key: string) => `${holder(cell(key))}.${cell(key)}`)
    .replace(/^options\.(\w+)/, (_, key: string) => `options.${cell(key)}`)
    .replace(/\[(\d+)\]/g, (_, i: string) => `[${Number(i) + 1}]`);
  const expected = error.expected.replace(/options\.(\w+)/g, (_, key: string) => `options.${cell(key)}`);
  return new InputError(error.fn, argument, expected, error.found, error.index);
}

/** The levels' grids as vectors over levels: each one's first anchor (1-based), H, W and stride. */
function levelsValue(math: MathJsInstance, levels: readonly { start: number; height: number; width: number; stride: number }[]): Record<string, unknown> {
  const vector = (pick: (l: (typeof levels)[number]) => number): unknown => math.matrix(levels.map(pick));
  return { start: vector((l) => l.start + 1), height: vector((l) => l.height), width: vector((l) => l.width), stride: vector((l) => l.stride) };
}

/** Per image, what ATSS decided for each anchor, with the GT as a 1-based position (0: none). */
function assignmentValue(math: MathJsInstance, result: GflHeadRawResult): unknown {
  return listMatrix(
    math,
    result.assignment.map((image) => ({
      gt: positions(math, image.gt),
      reference_gt: positions(math, image.reference),
      candidate: out(math, { shape: [image.candidate.length], data: Float64Array.from(image.candidate) }),
      iou: out(math, { shape: [image.iou.length], data: image.iou }),
      threshold: out(math, { shape: [image.threshold.length], data: image.threshold }),
      centre_inside: out(math, { shape: [image.centreInside.length], data: Float64Array.from(image.centreInside) }),
      gt_threshold: out(math, { shape: [image.gtThreshold.length], data: image.gtThreshold }),
      gt_mean: out(math, { shape: [image.gtMean.length], data: image.gtMean }),
      gt_std: out(math, { shape: [image.gtStd.length], data: image.gtStd }),
      num_pos: image.numPos,
    })),
  );
}

const GFL_HEAD: ValueBuiltin = {
  name: 'gfl_head',
  room: 'heads',
  signatures: [
    'gfl_head(data, {num_classes, strides, reg_max, octave_base_scale, topk, beta, loss_weight, giou_eps, img_shape})',
    'gfl_head(outputs, targets, {num_classes, strides, reg_max, octave_base_scale, topk, beta, loss_weight, giou_eps, img_shape})',
  ],
  summary:
    "mmdetection's GFLHead.loss_by_feat from raw outputs: anchors, ATSS, then QFL + GIoU + DFL over every level and image, as the training log prints them. data holds cls_scores and bbox_preds (lists over levels of (N, C, H, W) and (N, 68, H, W)), gt_bboxes and gt_labels (lists over images) and img_shape.",
  arities: [[1, 3]],
  options: GFL_HEAD_OPTIONS,
  // The data, outputs and targets are objects too: only a second or third one can be the options.
  optionPositions: [1, 2],
  example: 'h = gfl_head(load("data/raw-gfl-head.pt"))',
  call: (args, { math }) => {
    const fn = 'gfl_head';
    const { sources, options } = headArguments(fn, args, GFL_HEAD_OPTIONS.map((o) => o.key));
    const o: OptionValues = readOptions(fn, options, GFL_HEAD_OPTIONS);
    const list = (key: string, expected: string): Tensor[] => listMember(fn, sources, key, expected);
    const clsScores = list('cls_scores', 'a list over levels of (N, C, H, W) class logits');
    const shape =
      o.img_shape !== undefined
        ? imageShape(fn, 'options.img_shape', o.img_shape)
        : sources.some((source) => source.value.img_shape !== undefined)
          ? imageShape(fn, member(fn, sources, 'img_shape').argument, member(fn, sources, 'img_shape').value)
          : undefined;
    const strides = o.strides === undefined ? undefined : Array.from(valueToTensor(fn, 'options.strides', o.strides).data);
    // Without img_shape, the first level's map spans the image: mmdetection pads to a multiple of it.
    const [H0, W0] = clsScores[0]?.shape.slice(2) ?? [0, 0];
    const imgShape: [number, number] = shape ?? [H0 * (strides?.[0] ?? 8), W0 * (strides?.[0] ?? 8)];
    const weights = o.loss_weight as Record<string, number> | undefined;
    const inputs: GflHeadRawInputs = {
      clsScores,
      bboxPreds: list('bbox_preds', 'a list over levels of (N, 4·(reg_max + 1), H, W) distribution logits'),
      gtBboxes: list('gt_bboxes', 'a list over images of (n, 4) GT boxes x1, y1, x2, y2 in pixels'),
      gtLabels: list('gt_labels', 'a list over images of (n) class ids 0 … C − 1'),
      imgShape,
    };
    const settings: GflHeadRawOptions = {
      ...(o.num_classes !== undefined ? { numClasses: o.num_classes as number } : {}),
      ...(strides !== undefined ? { strides } : {}),
      ...(o.reg_max !== undefined ? { regMax: o.reg_max as number } : {}),
      ...(o.octave_base_scale !== undefined ? { octaveBaseScale: o.octave_base_scale as number } : {}),
      ...(o.topk !== undefined ? { topk: o.topk as number } : {}),
      ...(o.beta !== undefined ? { beta: o.beta as number } : {}),
      ...(weights !== undefined ? { lossWeight: weights } : {}),
      ...(o.giou_eps !== undefined ? { giouEps: o.giou_eps as number } : {}),
      grad: true,
    };
    const holder = (key: string): string => sources.find((source) => source.value[key] !== undefined)?.name ?? sources[0].name;
    let result: GflHeadRawResult;
    try {
      result = gflHeadRawLoss(inputs, settings);
    } catch (error) {
      throw error instanceof InputError ? inCellWords(error, holder) : error;
    }
    const vector = (data: Float64Array): unknown => out(math, { shape: [data.length], data });
    const value: Record<string, unknown> = {
      loss: result.loss,
      loss_cls: result.lossCls,
      loss_bbox: result.lossBbox,
      loss_dfl: result.lossDfl,
      num_pos: result.numPos,
      num_pos_per_image: math.matrix([...result.numPosPerImage]),
      avg_factor_cls: result.avgFactorCls,
      avg_factor_bbox: result.avgFactorBbox,
      per_level: { cls: vector(result.perLevel.cls), bbox: vector(result.perLevel.bbox), dfl: vector(result.perLevel.dfl) },
      per_anchor: {
        cls: out(math, result.perAnchor.cls),
        bbox: out(math, result.perAnchor.bbox),
        dfl: out(math, result.perAnchor.dfl),
        score: out(math, result.perAnchor.score),
        weight: out(math, result.perAnchor.weight),
      },
      anchors: out(math, { shape: [result.anchors.count, 4], data: result.anchors.boxes }),
      levels: levelsValue(math, result.anchors.levels.map((l) => ({ start: l.start, height: l.height, width: l.width, stride: l.stride }))),
      assignment: assignmentValue(math, result),
      grad: result.grad
        ? { cls_scores: listMatrix(math, result.grad.clsScores.map((t) => out(math, t))), bbox_preds: listMatrix(math, result.grad.bboxPreds.map((t) => out(math, t))) }
        : {},
      report: { ...result.report },
    };
    Object.defineProperty(value, LOSS_MARK, { value: fn, enumerable: false });
    return value;
  },
};

/** (N, A) per-anchor rows of the assignment, with GT rows and ranks as 1-based positions (0: none). */
function yoloAssignmentValue(math: MathJsInstance, assignment: Yolov8Result['assignment']): Record<string, unknown> {
  const onePlus = (t: Tensor): unknown => out(math, { shape: t.shape, data: t.data.map((i) => i + 1) });
  return {
    gt: onePlus(assignment.gt),
    candidate: onePlus(assignment.candidate),
    rank: onePlus(assignment.rank),
    inside: out(math, assignment.inside),
    ciou: out(math, assignment.ciou),
    metric: out(math, assignment.metric),
    score: out(math, assignment.score),
  };
}

const YOLOV8_LOSS: ValueBuiltin = {
  name: 'yolov8_loss',
  room: 'heads',
  signatures: [
    'yolov8_loss(data, {num_classes, strides, reg_max, box, cls, dfl, topk, alpha, beta, img_shape})',
    'yolov8_loss(feats, batch, {num_classes, strides, reg_max, box, cls, dfl, topk, alpha, beta, img_shape})',
  ],
  summary:
    "ultralytics' v8DetectionLoss from raw outputs: anchor points, the task-aligned assigner, then BCE + CIoU + DFL with the gains 7.5, 0.5, 1.5, as the progress bar prints them (box_loss, cls_loss, dfl_loss; total = their sum × N). data holds feats (a list over levels of (N, 4·16 + C, H, W)) and batch ({batch_idx, cls, bboxes} as the dataloader collates it), or gt_bboxes and gt_labels per image.",
  arities: [[1, 3]],
  options: YOLOV8_OPTIONS,
  optionPositions: [1, 2],
  example: 'y = yolov8_loss(load("data/raw-yolov8.pt"))',
  call: (args, { math }) => {
    const fn = 'yolov8_loss';
    const optionKeys = YOLOV8_OPTIONS.map((o) => o.key);
    // (feats, batch, {…}): the maps as a list first, as v8DetectionLoss(preds, batch) takes them.
    const listFirst = args.length >= 2 && !isOptionObject(args[0]);
    const { sources, options } = listFirst
      ? { sources: [{ name: 'data', value: { feats: args[0], batch: args[1] } as Record<string, unknown> }], options: args[2] }
      : headArguments(fn, args, optionKeys);
    const o: OptionValues = readOptions(fn, options, YOLOV8_OPTIONS);
    const holder = (key: string): string => (listFirst ? (key === 'feats' ? 'feats' : 'batch') : sources.find((source) => source.value[key] !== undefined)?.name ?? sources[0].name);
    const feats = (() => {
      const { value, argument } = member(fn, sources, 'feats');
      return tensorList(fn, listFirst ? 'feats' : argument, value, 'a list over levels of (N, 4·reg_max + C, H, W) maps');
    })();
    const has = (key: string): boolean => sources.some((source) => source.value[key] !== undefined);
    let targets: Pick<Yolov8Inputs, 'batch' | 'gtBoxes' | 'gtLabels'>;
    if (has('batch')) {
      const { value, argument } = member(fn, sources, 'batch');
      const where = listFirst ? 'batch' : argument;
      if (!isOptionObject(value)) throw new InputError(fn, where, 'an object {batch_idx, cls, bboxes}, as the dataloader collates it', describeValue(value));
      const part = (key: string): Tensor => {
        if (value[key] === undefined) throw new InputError(fn, `${where}.${key}`, 'present', 'missing');
        return valueToTensor(fn, `${where}.${key}`, value[key]);
      };
      targets = { batch: { batchIdx: part('batch_idx'), cls: part('cls'), bboxes: part('bboxes') } };
    } else {
      const list = (key: string, expected: string): Tensor[] => listMember(fn, sources, key, expected);
      targets = {
        gtBoxes: list('gt_bboxes', 'a list over images of (n, 4) GT boxes x1, y1, x2, y2 in pixels'),
        gtLabels: list('gt_labels', 'a list over images of (n) class ids 0 … C − 1'),
      };
    }
    const number = (key: string): number | undefined => o[key] as number | undefined;
    const strides = o.strides === undefined ? undefined : Array.from(valueToTensor(fn, 'options.strides', o.strides).data);
    const gains = { ...(number('box') !== undefined ? { box: number('box') } : {}), ...(number('cls') !== undefined ? { cls: number('cls') } : {}), ...(number('dfl') !== undefined ? { dfl: number('dfl') } : {}) };
    const tal = { ...(number('topk') !== undefined ? { topk: number('topk') } : {}), ...(number('alpha') !== undefined ? { alpha: number('alpha') } : {}), ...(number('beta') !== undefined ? { beta: number('beta') } : {}) };
    const settings: Yolov8Options = {
      ...(number('num_classes') !== undefined ? { numClasses: number('num_classes') } : {}),
      ...(strides !== undefined ? { strides } : {}),
      ...(number('reg_max') !== undefined ? { regMax: number('reg_max') } : {}),
      gains,
      tal,
      ...(o.img_shape !== undefined ? { imageSize: imageShape(fn, 'options.img_shape', o.img_shape) } : {}),
      grad: true,
    };
    let result: Yolov8Result;
    try {
      result = yolov8Loss({ feats, ...targets }, settings);
    } catch (error) {
      throw error instanceof InputError ? inCellWords(error, holder) : error;
    }
    const value: Record<string, unknown> = {
      loss: result.total,
      box_loss: result.boxLoss,
      cls_loss: result.clsLoss,
      dfl_loss: result.dflLoss,
      total: result.total,
      loss_items: math.matrix([result.boxLoss, result.clsLoss, result.dflLoss]),
      num_pos: result.numPos,
      target_scores_sum: result.targetScoresSum,
      // The views read the bins per side from here, so a head run with another reg_max draws its own.
      reg_max: settings.regMax ?? YOLOV8_DEFAULTS.regMax,
      per_anchor: { box: out(math, result.perAnchor.box), cls: out(math, result.perAnchor.cls), dfl: out(math, result.perAnchor.dfl) },
      assignment: yoloAssignmentValue(math, result.assignment),
      anchors: { centres: out(math, result.anchors.centres), strides: out(math, result.anchors.strides) },
      levels: levelsValue(math, result.anchors.levels.map((l) => ({ start: l.offset, height: l.height, width: l.width, stride: l.stride }))),
      gt_bboxes: listMatrix(math, result.gt.boxes.map((t) => out(math, t))),
      gt_labels: listMatrix(math, result.gt.labels.map((t) => out(math, t))),
      grad: result.grad ? { feats: listMatrix(math, result.grad.feats.map((t) => out(math, t))) } : {},
      report: { ...result.report },
    };
    Object.defineProperty(value, LOSS_MARK, { value: fn, enumerable: false });
    return value;
  },
};

export const HEADS_BUILTINS: readonly ValueBuiltin[] = [GFL_HEAD, YOLOV8_LOSS];
