import type { ArcFaceForm, ArcFaceOptions } from '../../losses/arcface';
import type { Tensor, TensorF32 } from '../../tensor';
import { tripletMarginLoss } from '../../losses/triplet';
import type { BinConvention, BinSpec } from '../../distributions';
import type { DistanceKind } from '../../distances';
import { InputError } from '../../errors';
import { readOptions, type OptionValues } from '../options';
import { isMatrixLike, valueToTensor } from '../values';
import {
  field,
  isScalar,
  labelConvention,
  lossValue,
  out,
  precisionOf,
  reductionOf,
  scalarForm,
  scalarSignature,
  splitOptions,
  tensorArg,
} from './arguments';
import { ARCFACE_OPTIONS, DFL_OPTIONS, FOCAL_OPTIONS, GFL_OPTIONS, GIOU_OPTIONS, QFL_OPTIONS, TRIPLET_OPTIONS } from './defaults';
import { LOSS_MARK } from './marks';
import type { ValueBuiltin } from './types';

/* The losses: focal, QFL, DFL, GIoU, the GFL head, ArcFace and triplet. */

export function binSpec(fn: string, options: OptionValues, fallbackBins: number, defaultConvention?: BinConvention): BinSpec {
  if (options.bins !== undefined && options.reg_max !== undefined) {
    throw new InputError(fn, 'options', 'either bins or reg_max with convention, not both', 'both');
  }
  if (options.reg_max !== undefined) {
    const convention = (options.convention as BinConvention | undefined) ?? defaultConvention;
    if (convention === undefined) {
      throw new InputError(fn, 'options.convention', "named with reg_max: 'mmdetection' (reg_max + 1 bins) or 'ultralytics' (reg_max bins)", 'missing');
    }
    return { regMax: options.reg_max as number, convention };
  }
  return (options.bins as number | undefined) ?? fallbackBins;
}


const FOCAL: ValueBuiltin = {
  name: 'focal',
  room: 'losses',
  signatures: ['focal(pred, target, {alpha, gamma, precision, reduction})', scalarSignature('focal')],
  summary: 'Sigmoid focal loss (torchvision semantics) of logits against 0/1 targets; or of one probability p.',
  arities: [[2, 4]],
  options: FOCAL_OPTIONS,
  example: 'r = focal([[2, -1], [0.5, 3]], [[1, 0], [0, 1]], {alpha: 0.25, gamma: 2})',
  call: (args, { math, losses }) => {
    if (isScalar(args[0])) return scalarForm('focal', args);
    const { positional, options } = splitOptions(FOCAL, args, [2]);
    const o = readOptions('focal', options, FOCAL_OPTIONS);
    const result = losses.sigmoidFocalLoss(tensorArg('focal', 'pred', positional[0]), tensorArg('focal', 'target', positional[1]), {
      ...reductionOf(o),
      ...(o.alpha !== undefined ? { alpha: o.alpha as number } : {}),
      ...(o.gamma !== undefined ? { gamma: o.gamma as number } : {}),
      ...precisionOf(o),
      grad: true,
    });
    return lossValue(math, 'focal', result);
  },
};

const QFL: ValueBuiltin = {
  name: 'qfl',
  room: 'losses',
  signatures: ['qfl(pred, label, score, {beta, activated, background, precision, reduction})', 'qfl(pred, target, {beta, precision})', scalarSignature('qfl')],
  summary: 'Quality Focal Loss: BCE toward a soft IoU target, scaled by |y − σ|^β. Targets as (label, score), as a dense (n, C) matrix, or one probability σ.',
  arities: [[2, 4]],
  options: QFL_OPTIONS,
  example: 'r = qfl([[1.2, -0.3, 0.1]], [1], [0.8], {beta: 2})',
  call: (args, { math, losses }) => {
    if (isScalar(args[0])) return scalarForm('qfl', args);
    const { positional, options } = splitOptions(QFL, args, [2, 3]);
    const o = readOptions('qfl', options, QFL_OPTIONS);
    const pred = tensorArg('qfl', 'pred', positional[0]);
    const target =
      positional.length >= 3
        ? { label: tensorArg('qfl', 'label', positional[1]), score: tensorArg('qfl', 'score', positional[2]) }
        : { dense: tensorArg('qfl', 'target', positional[1]) };
    const result = losses.qualityFocalLoss(pred, target, {
      ...reductionOf(o),
      ...(o.beta !== undefined ? { beta: o.beta as number } : {}),
      ...(o.activated !== undefined ? { activated: o.activated as boolean } : {}),
      labelConvention: labelConvention(o),
      ...precisionOf(o),
      grad: true,
    });
    return lossValue(math, 'qfl', result);
  },
};

const DFL: ValueBuiltin = {
  name: 'dfl',
  room: 'losses',
  signatures: ['dfl(pred, target, {bins | reg_max, convention, precision, reduction})', scalarSignature('dfl')],
  summary: 'Distribution Focal Loss: cross-entropy toward the two bins around a continuous target, weighted by linear interpolation. Also returns the expectation, the entropy floor and the excess over it.',
  arities: [[2, 3]],
  options: DFL_OPTIONS,
  example: 'r = dfl([[9.38, 9.29, 4.48, 2.55]], [0.4], {bins: 4})',
  call: (args, context) => {
    const { math } = context;
    if (isScalar(args[1]) && (Array.isArray(args[0]) || isMatrixLike(args[0])) && valueToTensor('dfl', 'z', args[0]).shape.length === 1) {
      return scalarForm('dfl', args);
    }
    const { positional, options } = splitOptions(DFL, args, [2]);
    const o = readOptions('dfl', options, DFL_OPTIONS);
    const pred = tensorArg('dfl', 'pred', positional[0]);
    const result = context.losses.distributionFocalLoss(pred, tensorArg('dfl', 'target', positional[1]), {
      ...reductionOf(o),
      bins: binSpec('dfl', o, pred.shape[1] ?? 0, context.binConvention),
      ...precisionOf(o),
      grad: true,
    });
    return lossValue(math, 'dfl', result, {
      expectation: result.expectation,
      entropy_floor: result.entropyFloor,
      excess: result.excess,
    });
  },
};

const GIOU: ValueBuiltin = {
  name: 'giou',
  room: 'losses',
  signatures: ['giou(pred, target, {eps, reduction})'],
  summary: 'GIoU loss 1 − GIoU of aligned (n, 4) boxes x1, y1, x2, y2 (mmdetection giou_loss).',
  arities: [[2, 3]],
  options: GIOU_OPTIONS,
  example: 'r = giou([[0, 0, 2, 2]], [[1, 1, 3, 3]])',
  call: (args, { math, losses }) => {
    const { positional, options } = splitOptions(GIOU, args, [2]);
    const o = readOptions('giou', options, GIOU_OPTIONS);
    const result = losses.giouLoss(tensorArg('giou', 'pred', positional[0]), tensorArg('giou', 'target', positional[1]), {
      ...reductionOf(o),
      ...(o.eps !== undefined ? { eps: o.eps as number } : {}),
      grad: true,
    });
    return lossValue(math, 'giou', result, { iou: result.iou, giou: result.giou });
  },
};

const GFL: ValueBuiltin = {
  name: 'gfl',
  room: 'losses',
  signatures: ['gfl(data, {stride, reg_max, beta, background, loss_weight})'],
  summary: 'One level of a GFL head: QFL + GIoU + DFL with positives assigned. data holds cls (n, C), reg (n, 4·bins), points (n, 2), labels (n), gt_boxes (n, 4). The stride is required.',
  // The options carry the stride, which has no default.
  arities: [[2, 2]],
  options: GFL_OPTIONS,
  example: 'g = gfl(load("example-export.npz"), {stride: 8})',
  call: (args, { math, losses }) => {
    // data is itself a plain object: only a second argument can be the options.
    const { positional, options } = args.length >= 2 ? splitOptions(GFL, args, [1]) : { positional: args, options: undefined };
    const o = readOptions('gfl', options, GFL_OPTIONS);
    if (o.stride === undefined) throw new InputError('gfl', 'options.stride', "given: the level's stride in pixels", 'missing');
    const data = positional[0];
    const weights = o.loss_weight as Record<string, number> | undefined;
    const result = losses.gflHeadLoss(
      {
        cls: tensorArg('gfl', 'data.cls', field('gfl', data, 'cls')),
        reg: tensorArg('gfl', 'data.reg', field('gfl', data, 'reg')),
        points: tensorArg('gfl', 'data.points', field('gfl', data, 'points')),
        labels: tensorArg('gfl', 'data.labels', field('gfl', data, 'labels')),
        gtBoxes: tensorArg('gfl', 'data.gt_boxes', field('gfl', data, 'gt_boxes', 'gtBoxes')),
      },
      {
        stride: o.stride as number,
        ...(o.reg_max !== undefined ? { regMax: o.reg_max as number } : {}),
        ...(o.beta !== undefined ? { beta: o.beta as number } : {}),
        ...(weights !== undefined ? { lossWeight: weights } : {}),
        labelConvention: labelConvention(o),
        grad: true,
      },
    );
    const value: Record<string, unknown> = {
      loss: result.loss,
      loss_cls: result.lossCls,
      loss_bbox: result.lossBbox,
      loss_dfl: result.lossDfl,
      score: out(math, result.score),
      weight: out(math, result.weight),
      per_anchor: {
        cls: out(math, result.perAnchor.cls),
        bbox: out(math, result.perAnchor.bbox),
        dfl: out(math, result.perAnchor.dfl),
      },
      num_positives: result.numPositives,
      grad: result.grad ? { cls: out(math, result.grad.cls), reg: out(math, result.grad.reg) } : {},
      report: { ...result.report },
    };
    Object.defineProperty(value, LOSS_MARK, { value: 'gfl', enumerable: false });
    return value;
  },
};

const ARCFACE: ValueBuiltin = {
  name: 'arcface',
  room: 'losses',
  signatures: ['arcface(x, W, labels, {s, m, easy_margin, form, m1, m2, m3, precision, outputs, reduction})'],
  summary: 'ArcFace: softmax cross-entropy of s·cos θ with the angular margin on the target, s·cos(θ + m). x (B, d) embeddings, W (d, C) class centres as columns.',
  arities: [[3, 4]],
  options: ARCFACE_OPTIONS,
  example: 'r = arcface([[1, 2, 3]], [[1, 4], [2, 5], [3, 6]], [0], {s: 64, m: 0.5})',
  call: (args, { math, losses }) => {
    const { positional, options } = splitOptions(ARCFACE, args, [3]);
    const o = readOptions('arcface', options, ARCFACE_OPTIONS);
    const combined = o.m1 !== undefined || o.m2 !== undefined || o.m3 !== undefined;
    const inputs = [
      tensorArg('arcface', 'x', positional[0]),
      tensorArg('arcface', 'W', positional[1]),
      tensorArg('arcface', 'labels', positional[2]),
    ] as const;
    const lossOptions: ArcFaceOptions = {
      ...reductionOf(o),
      ...(o.s !== undefined ? { s: o.s as number } : {}),
      ...(o.m !== undefined ? { m: o.m as number } : {}),
      ...(o.easy_margin !== undefined ? { easyMargin: o.easy_margin as boolean } : {}),
      ...(o.precision !== undefined ? { precision: o.precision as 'float64' | 'float32' } : {}),
      ...(o.form !== undefined ? { form: o.form as ArcFaceForm } : combined ? { form: 'combined' as const } : {}),
      ...(combined ? { margins: { m1: (o.m1 as number) ?? 1, m2: (o.m2 as number) ?? (o.m as number) ?? 0.5, m3: (o.m3 as number) ?? 0 } } : {}),
      grad: true,
    };
    if (o.outputs === 'loss') {
      // No (B, C) buffers at all: the tiled form, whose dL/dW is float32 only for a float32 W, which
      // a cell's values never are (loaded exports are float64 in the language).
      const fused = losses.arcFaceLossFused(...inputs, lossOptions);
      const { loss, perElement, report, grad } = fused;
      const value = { loss, perElement, report, ...(grad === undefined ? {} : { grad: { x: grad.x, W: asFloat64(grad.W) } }) };
      return lossValue(math, 'arcface', value, { angles: fused.angles });
    }
    const result = losses.arcFaceLoss(...inputs, lossOptions);
    return lossValue(math, 'arcface', result, { logits: result.logits, cosines: result.cosines, angles: result.angles });
  },
};

/** A float64 tensor of the same values (exact: every float32 is a float64). */
const asFloat64 = (tensor: Tensor | TensorF32): Tensor =>
  tensor.data instanceof Float64Array ? { shape: tensor.shape, data: tensor.data } : { shape: tensor.shape, data: Float64Array.from(tensor.data) };

const TRIPLET: ValueBuiltin = {
  name: 'triplet',
  room: 'losses',
  signatures: ['triplet(anchor, positive, negative, {margin, p, eps, swap, soft, distance, reduction})', scalarSignature('triplet_hinge', 'triplet')],
  summary: 'Triplet margin loss max(d(a, p) − d(a, n) + margin, 0) (torch.nn.functional.triplet_margin_loss); or of two distances.',
  arities: [[2, 4]],
  options: TRIPLET_OPTIONS,
  example: 'r = triplet([[0, 0]], [[0, 1]], [[2, 0]], {margin: 1})',
  call: (args, { math }) => {
    if (isScalar(args[0])) return scalarForm('triplet_hinge', args);
    const { positional, options } = splitOptions(TRIPLET, args, [3]);
    const o = readOptions('triplet', options, TRIPLET_OPTIONS);
    const result = tripletMarginLoss(
      tensorArg('triplet', 'anchor', positional[0]),
      tensorArg('triplet', 'positive', positional[1]),
      tensorArg('triplet', 'negative', positional[2]),
      {
        ...reductionOf(o),
        ...(o.margin !== undefined ? { margin: o.margin as number } : {}),
        ...(o.p !== undefined ? { p: o.p as number } : {}),
        ...(o.eps !== undefined ? { eps: o.eps as number } : {}),
        ...(o.swap !== undefined ? { swap: o.swap as boolean } : {}),
        ...(o.soft !== undefined ? { soft: o.soft as boolean } : {}),
        ...(o.distance !== undefined ? { distance: o.distance as DistanceKind } : {}),
        grad: true,
      },
    );
    return lossValue(math, 'triplet', result);
  },
};


export const LOSSES_BUILTINS: readonly ValueBuiltin[] = [FOCAL, QFL, DFL, GIOU, GFL, ARCFACE, TRIPLET];
