import type { MathJsInstance } from 'mathjs';
import { bbox2distance, boxOverlaps, distance2bbox, type OverlapMode } from '../boxes';
import { binCount, integral, type BinConvention, type BinSpec } from '../distributions';
import { InputError, describeValue } from '../errors';
import type { ArcFaceForm } from '../losses/arcface';
import { tripletMarginLoss } from '../losses/triplet';
import type { LossResult } from '../losses/types';
import { batchAll, semiHardTriplets, tripletCensus } from '../mining';
import type { DistanceKind } from '../distances';
import { logSumExp, sigmoid, softplus } from '../numerics';
import type { Reduction } from '../reduction';
import type { Precision } from '../simd/path';
import type { Tensor } from '../tensor';
import type { LossImplementations, QflStreamHost, QflStreamRequest } from './hosts';
import { isOptionObject, readOptions, REDUCTION_OPTIONS, type OptionSpec, type OptionValues } from './options';
import { SCALAR_FUNCTIONS_BY_NAME } from './scalars';
import { backedMatrix, isMatrixLike, summarizeValue, valueToTensor } from './values';

/** What a language function may use from the session that runs it. */
export interface LanguageContext {
  readonly math: MathJsInstance;
  /** Reads an exported file relative to the notebook; provided by the host. */
  readonly load: (path: string) => Record<string, unknown>;
  /** The notebook's default meaning of `reg_max` (setting losslab.dfl.binConvention), if any. */
  readonly binConvention?: BinConvention;
  /** The loss kernels the loss functions call: the core's, or a host's faster drop-ins. */
  readonly losses: LossImplementations;
  /** Streams QFL over .npy files; provided by the host (there is no file access in the core). */
  readonly stream: QflStreamHost;
}

/** A function a cell can call, with the documentation completion, signature help and hovers show. */
export interface LanguageFunction {
  readonly name: string;
  readonly category: 'loss' | 'mining' | 'helper' | 'figure' | 'data';
  /** One line per form, e.g. `qfl(pred, label, score, {beta})`. */
  readonly signatures: readonly string[];
  readonly summary: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly options: readonly OptionSpec[];
  /** A complete example cell line. */
  readonly example: string;
  readonly call: (args: unknown[], context: LanguageContext) => unknown;
}

type Args = unknown[];

/** Splits a trailing option object off the positional arguments. */
function splitOptions(fn: string, args: Args, counts: readonly number[]): { positional: Args; options: unknown } {
  const last = args[args.length - 1];
  const split = isOptionObject(last) ? { positional: args.slice(0, -1), options: last } : { positional: args, options: undefined };
  // A stray number where the options belong (focal(pred, target, 0.5)) must not be ignored.
  if (!counts.includes(split.positional.length)) {
    const signature = LANGUAGE_FUNCTIONS.find((f) => f.name === fn)?.signatures.join(' or ') ?? fn;
    throw new InputError(fn, 'arguments', `${counts.join(' or ')} arrays, then an optional {options} object: ${signature}`, `${split.positional.length} arguments before the options`);
  }
  return split;
}

function tensorArg(fn: string, name: string, value: unknown): Tensor {
  if (value === undefined) throw new InputError(fn, name, 'given', 'missing');
  return valueToTensor(fn, name, value);
}

const isScalar = (value: unknown): value is number => typeof value === 'number';

/** A core tensor as a language value: a number for a scalar, else a mathjs matrix backed by the tensor. */
const out = backedMatrix;

function reductionOf(options: OptionValues): { reduction?: Reduction; avgFactor?: number; weight?: Tensor } {
  const result: { reduction?: Reduction; avgFactor?: number; weight?: Tensor } = {};
  if (options.reduction !== undefined) result.reduction = options.reduction as Reduction;
  if (options.avg_factor !== undefined) result.avgFactor = options.avg_factor as number;
  if (options.weight !== undefined) result.weight = valueToTensor('options', 'weight', options.weight);
  return result;
}

/** The object a loss call returns: its value, per-element losses, gradients by input, and report. */
function lossValue(math: MathJsInstance, fn: string, result: LossResult<string>, extra: Record<string, Tensor> = {}): Record<string, unknown> {
  const grad: Record<string, unknown> = {};
  for (const [name, tensor] of Object.entries(result.grad ?? {})) grad[name] = out(math, tensor as Tensor);
  const value: Record<string, unknown> = {
    loss: out(math, result.loss),
    per_element: out(math, result.perElement),
    grad,
    report: { ...result.report },
  };
  for (const [key, tensor] of Object.entries(extra)) value[key] = out(math, tensor);
  Object.defineProperty(value, LOSS_MARK, { value: fn, enumerable: false });
  return value;
}

/** Marks the objects returned by loss calls, so outputs can show them as losses. */
export const LOSS_MARK = Symbol.for('losslab.loss');

export function lossName(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? ((value as Record<symbol, unknown>)[LOSS_MARK] as string | undefined) : undefined;
}

/** A scalar form's documented signature, from where it is defined (scalars.ts), under the name a cell calls. */
function scalarSignature(name: string, calledAs = name): string {
  const scalar = SCALAR_FUNCTIONS_BY_NAME.get(name);
  if (scalar === undefined) throw new Error(`no scalar form of ${name}`);
  return scalar.signature.replace(/^\w+/, calledAs);
}

function scalarForm(name: string, args: Args): number {
  const scalar = SCALAR_FUNCTIONS_BY_NAME.get(name);
  if (scalar === undefined) throw new Error(`no scalar form of ${name}`);
  return scalar.evaluate(args).value;
}

function binSpec(fn: string, options: OptionValues, fallbackBins: number, defaultConvention?: BinConvention): BinSpec {
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

const elementwise = (math: MathJsInstance, value: unknown, f: (x: number) => number): unknown => {
  if (isScalar(value)) return f(value);
  return math.map(value as never, (x: number) => f(x));
};

/**
 * Softmax along one dimension, counted from 1 as mathjs's sum(x, dim) counts: along a vector, and
 * along each row (dim 2, the default) or each column (dim 1) of a matrix.
 */
function softmaxAlong(math: MathJsInstance, value: unknown, dimension: unknown): unknown {
  const t = valueToTensor('softmax', 'z', value);
  const rank = Math.max(t.shape.length, 1);
  const dim = dimension ?? rank;
  if (!Number.isInteger(dim) || (dim as number) < 1 || (dim as number) > rank || rank > 2) {
    const expected = rank > 2 ? 'given a vector or a matrix' : `a dimension from 1 to ${rank} (counted from 1: PyTorch's dim=${rank - 1} is ${rank})`;
    throw new InputError('softmax', rank > 2 ? 'z' : 'options.dim', expected, rank > 2 ? `of shape (${t.shape.join(', ')})` : describeValue(dimension));
  }
  // Along dim 1 of a matrix the elements of a group are a column apart, else adjacent.
  const [groups, length, step, next] =
    rank === 2 && dim === 1 ? [t.shape[1], t.shape[0], t.shape[1], 1] : [t.shape.length <= 1 ? 1 : t.shape[0], t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1], 1, -1];
  const data = new Float64Array(t.data.length);
  const lane = new Float64Array(length);
  for (let g = 0; g < groups; g++) {
    const start = next === 1 ? g : g * length;
    for (let i = 0; i < length; i++) lane[i] = t.data[start + i * step];
    const lse = logSumExp(lane, 0, length);
    for (let i = 0; i < length; i++) data[start + i * step] = Math.exp(lane[i] - lse);
  }
  return out(math, { shape: t.shape, data });
}

/** Marks what `print` returns, so that the cell shows it as an output wherever it stands. */
export const PRINTED_MARK = Symbol.for('losslab.printed');

/** The text of a `print` value, or undefined for any other value. */
export function printedText(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? ((value as Record<symbol, unknown>)[PRINTED_MARK] as string | undefined) : undefined;
}

/** A value as `print` writes it: a string as is, a loss result as its loss, anything else as its summary's preview. */
function printPiece(value: unknown): string {
  if (typeof value === 'string') return value;
  const fn = lossName(value);
  if (fn !== undefined) return `${fn} loss ${printPiece((value as { loss?: unknown }).loss)}`;
  return summarizeValue(value).preview;
}

function entropyOf(math: MathJsInstance, value: unknown): unknown {
  const t = valueToTensor('entropy', 'p', value);
  const width = t.shape[t.shape.length - 1] ?? 1;
  const rows = t.data.length / Math.max(width, 1);
  const data = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let i = r * width; i < (r + 1) * width; i++) {
      const p = t.data[i];
      if (p < 0) throw new InputError('entropy', 'p', 'probabilities ≥ 0', describeValue(p), [r, i - r * width]);
      if (p > 0) h -= p * Math.log(p);
    }
    data[r] = h;
  }
  return t.shape.length <= 1 ? data[0] : out(math, { shape: [rows], data });
}

/** The float32 mode of the elementwise losses (docs/performance.md has each one's accuracy bound). */
const ELEMENTWISE_PRECISION: OptionSpec = {
  key: 'precision',
  type: 'string',
  default: 'float64',
  values: ['float64', 'float32'],
  description: "'float32': f32x4 SIMD arithmetic (about 2× faster; each element within a few units of 2⁻²⁴ relative)",
};
const precisionOf = (options: OptionValues): { precision?: Precision } =>
  options.precision !== undefined ? { precision: options.precision as Precision } : {};
const FOCAL_OPTIONS: readonly OptionSpec[] = [
  { key: 'alpha', type: 'number', default: 0.25, description: 'weight of positives; −1 turns weighting off' },
  { key: 'gamma', type: 'number', default: 2, description: 'focusing exponent γ of (1 − p_t)^γ' },
  ELEMENTWISE_PRECISION,
  ...REDUCTION_OPTIONS,
];
const QFL_OPTIONS: readonly OptionSpec[] = [
  { key: 'beta', type: 'number', default: 2, description: 'exponent β of |y − σ|^β' },
  { key: 'activated', type: 'boolean', default: false, description: 'pred holds probabilities, not logits' },
  { key: 'background', type: 'string', default: 'last', values: ['last', 'first'], description: "background label: 'last' = C (mmdetection), 'first' = 0 (GFocal)" },
  ELEMENTWISE_PRECISION,
  ...REDUCTION_OPTIONS,
];
const BIN_OPTIONS: readonly OptionSpec[] = [
  { key: 'bins', type: 'number', description: 'number of bins (default: the width of pred)' },
  { key: 'reg_max', type: 'number', description: 'reg_max, with convention' },
  { key: 'convention', type: 'string', values: ['mmdetection', 'ultralytics'], description: "'mmdetection': reg_max + 1 bins; 'ultralytics': reg_max bins" },
];
const ARCFACE_OPTIONS: readonly OptionSpec[] = [
  { key: 's', type: 'number', default: 64, description: 'scale of the logits' },
  { key: 'm', type: 'number', default: 0.5, description: 'additive angular margin (radians)' },
  { key: 'easy_margin', type: 'boolean', default: false, description: 'apply the margin only where cos θ > 0' },
  { key: 'form', type: 'string', default: 'insightface', values: ['insightface', 'paper', 'combined'], description: 'margin form' },
  { key: 'm1', type: 'number', default: 1, description: "SphereFace multiplicative margin (form 'combined')" },
  { key: 'm2', type: 'number', default: 0.5, description: "ArcFace additive angular margin (form 'combined')" },
  { key: 'm3', type: 'number', default: 0, description: "CosFace additive cosine margin (form 'combined')" },
  { key: 'precision', type: 'string', default: 'float64', values: ['float64', 'float32'], description: "'float32': the matrix products in float32 SIMD (faster; cosines within (d + 2)·2⁻²⁴)" },
  ...REDUCTION_OPTIONS,
];
const DISTANCE_OPTION: OptionSpec = {
  key: 'distance',
  type: 'string',
  default: 'euclidean',
  values: ['euclidean', 'squared-euclidean', 'cosine'],
  description: 'distance between embeddings',
};
const TRIPLET_OPTIONS: readonly OptionSpec[] = [
  { key: 'margin', type: 'number', default: 1, description: 'margin α of max(d_ap − d_an + α, 0)' },
  { key: 'p', type: 'number', default: 2, description: 'order of the p-norm distance' },
  { key: 'eps', type: 'number', default: 1e-6, description: 'added to each difference, as PyTorch does' },
  { key: 'swap', type: 'boolean', default: false, description: 'use min(d(a,n), d(p,n)) as the negative distance' },
  { key: 'soft', type: 'boolean', default: false, description: 'softplus(d_ap − d_an) instead of the hinge' },
  DISTANCE_OPTION,
  ...REDUCTION_OPTIONS,
];
const MINING_OPTIONS: readonly OptionSpec[] = [
  { key: 'margin', type: 'number', default: 0.3, description: 'margin α' },
  { key: 'soft', type: 'boolean', default: false, description: 'softplus(d_ap − d_an) instead of the hinge' },
  DISTANCE_OPTION,
];
const GFL_OPTIONS: readonly OptionSpec[] = [
  { key: 'stride', type: 'number', description: "the level's stride in pixels (required)" },
  { key: 'reg_max', type: 'number', default: 16, description: 'mmdetection reg_max: reg_max + 1 bins per side' },
  { key: 'beta', type: 'number', default: 2, description: 'QFL β' },
  { key: 'background', type: 'string', default: 'last', values: ['last', 'first'], description: 'background label convention' },
  { key: 'loss_weight', type: 'any', description: 'multipliers {cls: 1, bbox: 2, dfl: 0.25}' },
];

const SOFTMAX_OPTIONS: readonly OptionSpec[] = [
  { key: 'dim', type: 'number', description: "the dimension the probabilities sum to 1 along, counted from 1 (default: the last; PyTorch's dim=1 of a matrix is 2)" },
];

const QFL_STREAM_OPTIONS: readonly OptionSpec[] = [
  QFL_OPTIONS[0],
  QFL_OPTIONS[2],
  { key: 'reduction', type: 'string', default: 'mean', values: ['mean', 'sum'], description: "'mean' over the N rows' class-summed losses, or 'sum'" },
  { key: 'chunk_rows', type: 'number', description: 'rows per chunk (default: about 16 MB of pred: float64, or float32 in the float32 mode)' },
  ELEMENTWISE_PRECISION,
];

function labelConvention(options: OptionValues): 'background-last' | 'background-first' {
  return options.background === 'first' ? 'background-first' : 'background-last';
}

function miningOptions(options: OptionValues): { margin?: number; soft?: boolean; distance?: DistanceKind; grad: true } {
  return {
    ...(options.margin !== undefined ? { margin: options.margin as number } : {}),
    ...(options.soft !== undefined ? { soft: options.soft as boolean } : {}),
    ...(options.distance !== undefined ? { distance: options.distance as DistanceKind } : {}),
    grad: true,
  };
}

/**
 * The core's 0-based indices as the 1-based positions cells index with (emb[h.hardest_positive[1], :]);
 * the core's −1 for "none" becomes 0, which no position is.
 */
function positions(math: MathJsInstance, indices: ArrayLike<number>): unknown {
  return math.matrix(Array.from(indices, (i) => i + 1));
}

function field(fn: string, record: unknown, ...keys: string[]): unknown {
  if (typeof record !== 'object' || record === null) throw new InputError(fn, 'data', 'an object of arrays', describeValue(record));
  for (const key of keys) {
    const value = (record as Record<string, unknown>)[key];
    if (value !== undefined) return value;
  }
  throw new InputError(fn, `data.${keys[0]}`, `present (as ${keys.join(' or ')})`, 'missing');
}

export const LANGUAGE_FUNCTIONS: readonly LanguageFunction[] = [
  {
    name: 'focal',
    category: 'loss',
    signatures: ['focal(pred, target, {alpha, gamma, precision, reduction})', scalarSignature('focal')],
    summary: 'Sigmoid focal loss (torchvision semantics) of logits against 0/1 targets; or of one probability p.',
    minArgs: 2,
    maxArgs: 4,
    options: FOCAL_OPTIONS,
    example: 'r = focal([[2, -1], [0.5, 3]], [[1, 0], [0, 1]], {alpha: 0.25, gamma: 2})',
    call: (args, { math, losses }) => {
      if (isScalar(args[0])) return scalarForm('focal', args);
      const { positional, options } = splitOptions('focal', args, [2]);
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
  },
  {
    name: 'qfl',
    category: 'loss',
    signatures: ['qfl(pred, label, score, {beta, activated, background, precision, reduction})', 'qfl(pred, target, {beta, precision})', scalarSignature('qfl')],
    summary: 'Quality Focal Loss: BCE toward a soft IoU target, scaled by |y − σ|^β. Targets as (label, score), as a dense (n, C) matrix, or one probability σ.',
    minArgs: 2,
    maxArgs: 4,
    options: QFL_OPTIONS,
    example: 'r = qfl([[1.2, -0.3, 0.1]], [1], [0.8], {beta: 2})',
    call: (args, { math, losses }) => {
      if (isScalar(args[0])) return scalarForm('qfl', args);
      const { positional, options } = splitOptions('qfl', args, [2, 3]);
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
  },
  {
    name: 'dfl',
    category: 'loss',
    signatures: ['dfl(pred, target, {bins | reg_max, convention, precision, reduction})', scalarSignature('dfl')],
    summary: 'Distribution Focal Loss: cross-entropy toward the two bins around a continuous target, weighted by linear interpolation. Also returns the expectation, the entropy floor and the excess over it.',
    minArgs: 2,
    maxArgs: 3,
    options: [...BIN_OPTIONS, ELEMENTWISE_PRECISION, ...REDUCTION_OPTIONS],
    example: 'r = dfl([[9.38, 9.29, 4.48, 2.55]], [0.4], {bins: 4})',
    call: (args, context) => {
      const { math } = context;
      if (isScalar(args[1]) && (Array.isArray(args[0]) || isMatrixLike(args[0])) && valueToTensor('dfl', 'z', args[0]).shape.length === 1) {
        return scalarForm('dfl', args);
      }
      const { positional, options } = splitOptions('dfl', args, [2]);
      const o = readOptions('dfl', options, [...BIN_OPTIONS, ELEMENTWISE_PRECISION, ...REDUCTION_OPTIONS]);
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
  },
  {
    name: 'giou',
    category: 'loss',
    signatures: ['giou(pred, target, {eps, reduction})'],
    summary: 'GIoU loss 1 − GIoU of aligned (n, 4) boxes x1, y1, x2, y2 (mmdetection giou_loss).',
    minArgs: 2,
    maxArgs: 3,
    options: [{ key: 'eps', type: 'number', default: 1e-7, description: 'floor of the union and the enclosing area' }, ...REDUCTION_OPTIONS],
    example: 'r = giou([[0, 0, 2, 2]], [[1, 1, 3, 3]])',
    call: (args, { math, losses }) => {
      const { positional, options } = splitOptions('giou', args, [2]);
      const o = readOptions('giou', options, [{ key: 'eps', type: 'number', description: '' }, ...REDUCTION_OPTIONS]);
      const result = losses.giouLoss(tensorArg('giou', 'pred', positional[0]), tensorArg('giou', 'target', positional[1]), {
        ...reductionOf(o),
        ...(o.eps !== undefined ? { eps: o.eps as number } : {}),
        grad: true,
      });
      return lossValue(math, 'giou', result, { iou: result.iou, giou: result.giou });
    },
  },
  {
    name: 'gfl',
    category: 'loss',
    signatures: ['gfl(data, {stride, reg_max, beta, background, loss_weight})'],
    summary: 'One level of a GFL head: QFL + GIoU + DFL with positives assigned. data holds cls (n, C), reg (n, 4·bins), points (n, 2), labels (n), gt_boxes (n, 4). The stride is required.',
    // The options carry the stride, which has no default.
    minArgs: 2,
    maxArgs: 2,
    options: GFL_OPTIONS,
    example: 'g = gfl(load("example-export.npz"), {stride: 8})',
    call: (args, { math, losses }) => {
      // data is itself a plain object: only a second argument can be the options.
      const { positional, options } = args.length >= 2 ? splitOptions('gfl', args, [1]) : { positional: args, options: undefined };
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
  },
  {
    name: 'arcface',
    category: 'loss',
    signatures: ['arcface(x, W, labels, {s, m, easy_margin, form, m1, m2, m3, precision, reduction})'],
    summary: 'ArcFace: softmax cross-entropy of s·cos θ with the angular margin on the target, s·cos(θ + m). x (B, d) embeddings, W (d, C) class centres as columns.',
    minArgs: 3,
    maxArgs: 4,
    options: ARCFACE_OPTIONS,
    example: 'r = arcface([[1, 2, 3]], [[1, 4], [2, 5], [3, 6]], [0], {s: 64, m: 0.5})',
    call: (args, { math, losses }) => {
      const { positional, options } = splitOptions('arcface', args, [3]);
      const o = readOptions('arcface', options, ARCFACE_OPTIONS);
      const combined = o.m1 !== undefined || o.m2 !== undefined || o.m3 !== undefined;
      const result = losses.arcFaceLoss(
        tensorArg('arcface', 'x', positional[0]),
        tensorArg('arcface', 'W', positional[1]),
        tensorArg('arcface', 'labels', positional[2]),
        {
          ...reductionOf(o),
          ...(o.s !== undefined ? { s: o.s as number } : {}),
          ...(o.m !== undefined ? { m: o.m as number } : {}),
          ...(o.easy_margin !== undefined ? { easyMargin: o.easy_margin as boolean } : {}),
          ...(o.precision !== undefined ? { precision: o.precision as 'float64' | 'float32' } : {}),
          ...(o.form !== undefined ? { form: o.form as ArcFaceForm } : combined ? { form: 'combined' as const } : {}),
          ...(combined ? { margins: { m1: (o.m1 as number) ?? 1, m2: (o.m2 as number) ?? (o.m as number) ?? 0.5, m3: (o.m3 as number) ?? 0 } } : {}),
          grad: true,
        },
      );
      return lossValue(math, 'arcface', result, { logits: result.logits, cosines: result.cosines, angles: result.angles });
    },
  },
  {
    name: 'triplet',
    category: 'loss',
    signatures: ['triplet(anchor, positive, negative, {margin, p, eps, swap, soft, distance, reduction})', scalarSignature('triplet_hinge', 'triplet')],
    summary: 'Triplet margin loss max(d(a, p) − d(a, n) + margin, 0) (torch.nn.functional.triplet_margin_loss); or of two distances.',
    minArgs: 2,
    maxArgs: 4,
    options: TRIPLET_OPTIONS,
    example: 'r = triplet([[0, 0]], [[0, 1]], [[2, 0]], {margin: 1})',
    call: (args, { math }) => {
      if (isScalar(args[0])) return scalarForm('triplet_hinge', args);
      const { positional, options } = splitOptions('triplet', args, [3]);
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
  },
  {
    name: 'batch_hard',
    category: 'mining',
    signatures: ['batch_hard(embeddings, labels, {margin, soft, distance})'],
    summary: 'Batch-hard triplet loss (Hermans et al. 2017): per anchor the farthest positive and the nearest negative.',
    minArgs: 2,
    maxArgs: 3,
    options: MINING_OPTIONS,
    example: 'h = batch_hard([[0, 0], [0, 1], [3, 0], [3, 1]], [0, 0, 1, 1], {margin: 0.3})',
    call: (args, { math, losses }) => {
      const { positional, options } = splitOptions('batch_hard', args, [2]);
      const o = readOptions('batch_hard', options, MINING_OPTIONS);
      const r = losses.batchHard(tensorArg('batch_hard', 'embeddings', positional[0]), tensorArg('batch_hard', 'labels', positional[1]), miningOptions(o));
      return {
        loss: r.loss.data[0],
        per_anchor: out(math, r.perAnchor),
        valid_anchor: math.matrix(r.validAnchor.map(Number)),
        hardest_positive: positions(math, r.hardestPositive),
        hardest_negative: positions(math, r.hardestNegative),
        dropped: { ...r.dropped },
        collapsed: r.collapsed,
        grad: r.grad ? { embeddings: out(math, r.grad.embeddings) } : {},
      };
    },
  },
  {
    name: 'batch_all',
    category: 'mining',
    signatures: ['batch_all(embeddings, labels, {margin, soft, distance})'],
    summary: 'Batch-all triplet loss: the mean over triplets with positive loss, and the fraction of positive triplets.',
    minArgs: 2,
    maxArgs: 3,
    options: MINING_OPTIONS,
    example: 'a = batch_all([[0, 0], [0, 1], [3, 0], [3, 1]], [0, 0, 1, 1])',
    call: (args, { math }) => {
      const { positional, options } = splitOptions('batch_all', args, [2]);
      const o = readOptions('batch_all', options, MINING_OPTIONS);
      const r = batchAll(tensorArg('batch_all', 'embeddings', positional[0]), tensorArg('batch_all', 'labels', positional[1]), miningOptions(o));
      return {
        loss: r.loss.data[0],
        valid_triplets: r.validTriplets,
        positive_triplets: r.positiveTriplets,
        fraction_positive: r.fractionPositive,
        collapsed: r.collapsed,
        grad: r.grad ? { embeddings: out(math, r.grad.embeddings) } : {},
      };
    },
  },
  {
    name: 'semi_hard',
    category: 'mining',
    signatures: ['semi_hard(embeddings, labels, {margin, soft, distance})'],
    summary: 'FaceNet semi-hard selection: for each positive pair the nearest negative farther than the positive.',
    minArgs: 2,
    maxArgs: 3,
    options: MINING_OPTIONS,
    example: 's = semi_hard([[0, 0], [0, 1], [0.5, 0], [3, 1]], [0, 0, 1, 1], {margin: 1})',
    call: (args, { math }) => {
      const { positional, options } = splitOptions('semi_hard', args, [2]);
      const o = readOptions('semi_hard', options, MINING_OPTIONS);
      const r = semiHardTriplets(tensorArg('semi_hard', 'embeddings', positional[0]), tensorArg('semi_hard', 'labels', positional[1]), miningOptions(o));
      return {
        loss: r.loss.data[0],
        anchors: positions(math, r.anchors),
        positives: positions(math, r.positives),
        negatives: positions(math, r.negatives),
        semi_hard: math.matrix(Array.from(r.semiHard)),
        per_triplet: out(math, r.perTriplet),
        dropped_pairs: r.droppedPairs,
      };
    },
  },
  {
    name: 'census',
    category: 'mining',
    signatures: ['census(embeddings, labels, margin = 0.3)'],
    summary: 'Counts the valid triplets of a batch as easy (d_an > d_ap + α), semi-hard and hard (d_an < d_ap).',
    minArgs: 2,
    maxArgs: 3,
    options: [],
    example: 'c = census([[0, 0], [0, 1], [0.5, 0], [3, 1]], [0, 0, 1, 1], 0.3)',
    call: (args) => {
      const margin = args[2] === undefined ? undefined : (args[2] as number);
      if (margin !== undefined && !isScalar(margin)) throw new InputError('census', 'margin', 'a number', describeValue(margin));
      return { ...tripletCensus(tensorArg('census', 'embeddings', args[0]), tensorArg('census', 'labels', args[1]), margin) };
    },
  },
  {
    name: 'integral',
    category: 'helper',
    signatures: ['integral(pred)'],
    summary: "The GFL head's Integral: Σ softmax(pred)_i · i for each row of bin logits.",
    minArgs: 1,
    maxArgs: 1,
    options: [],
    example: 'e = integral([[0, 2, 0, -1]])',
    call: (args, { math }) => out(math, integral(tensorArg('integral', 'pred', args[0])).expectation),
  },
  {
    name: 'softmax',
    category: 'helper',
    signatures: ['softmax(z, {dim})'],
    summary: 'Softmax of a vector, or of each row of a matrix ({dim: 1}: of each column; dimensions count from 1), log-sum-exp stabilised.',
    minArgs: 1,
    maxArgs: 2,
    options: SOFTMAX_OPTIONS,
    example: 'p = softmax([1, 2, 3])',
    call: (args, { math }) => {
      const { positional, options } = splitOptions('softmax', args, [1]);
      return softmaxAlong(math, positional[0], readOptions('softmax', options, SOFTMAX_OPTIONS).dim);
    },
  },
  {
    name: 'print',
    category: 'helper',
    signatures: ['print(value, …)'],
    summary: "Shows its values on one line as an output of the cell, wherever it stands (even after ;), as Python's print does.",
    minArgs: 1,
    maxArgs: 32,
    options: [],
    example: 'print("loss", focal(0.3, 1))',
    call: (args) => {
      const text = args.map(printPiece).join(' ');
      return Object.defineProperty({ text }, PRINTED_MARK, { value: text, enumerable: false });
    },
  },
  {
    name: 'sigmoid',
    category: 'helper',
    signatures: ['sigmoid(x)'],
    summary: 'The logistic function 1 / (1 + e^−x), elementwise, stable for any x.',
    minArgs: 1,
    maxArgs: 1,
    options: [],
    example: 'sigmoid([-1000, 0, 1000])',
    call: (args, { math }) => elementwise(math, args[0], sigmoid),
  },
  {
    name: 'softplus',
    category: 'helper',
    signatures: ['softplus(x)'],
    summary: 'log(1 + e^x), elementwise, stable for any x.',
    minArgs: 1,
    maxArgs: 1,
    options: [],
    example: 'softplus(1000)',
    call: (args, { math }) => elementwise(math, args[0], softplus),
  },
  {
    name: 'logsigmoid',
    category: 'helper',
    signatures: ['logsigmoid(x)'],
    summary: 'log σ(x) = −softplus(−x), elementwise.',
    minArgs: 1,
    maxArgs: 1,
    options: [],
    example: 'logsigmoid(-1000)',
    call: (args, { math }) => elementwise(math, args[0], (x) => -softplus(-x)),
  },
  {
    name: 'entropy',
    category: 'helper',
    signatures: ['entropy(p)'],
    summary: 'Shannon entropy −Σ p log p (nats) of a distribution, or of each row.',
    minArgs: 1,
    maxArgs: 1,
    options: [],
    example: 'entropy([0.5, 0.5])',
    call: (args, { math }) => entropyOf(math, args[0]),
  },
  {
    name: 'iou',
    category: 'helper',
    signatures: ["iou(a, b, {mode: 'iou' | 'giou' | 'diou' | 'ciou', eps})"],
    summary: 'Overlap of aligned (n, 4) boxes (mmdetection bbox_overlaps, is_aligned).',
    minArgs: 2,
    maxArgs: 3,
    options: [
      { key: 'mode', type: 'string', default: 'iou', values: ['iou', 'giou', 'diou', 'ciou'], description: 'which overlap' },
      { key: 'eps', type: 'number', default: 1e-6, description: 'floor of the union' },
    ],
    example: 'iou([[0, 0, 2, 2]], [[1, 1, 3, 3]], {mode: "giou"})',
    call: (args, { math }) => {
      const { positional, options } = splitOptions('iou', args, [2]);
      const o = readOptions('iou', options, [
        { key: 'mode', type: 'string', values: ['iou', 'giou', 'diou', 'ciou'], description: '' },
        { key: 'eps', type: 'number', description: '' },
      ]);
      const r = boxOverlaps(tensorArg('iou', 'a', positional[0]), tensorArg('iou', 'b', positional[1]), (o.mode as OverlapMode) ?? 'iou', (o.eps as number) ?? 1e-6);
      return out(math, r.value);
    },
  },
  {
    name: 'distance2bbox',
    category: 'helper',
    signatures: ['distance2bbox(points, distances)'],
    summary: 'Boxes from anchor points (n, 2) and distances (n, 4) to the left, top, right and bottom sides.',
    minArgs: 2,
    maxArgs: 2,
    options: [],
    example: 'distance2bbox([[10, 10]], [[2, 3, 4, 5]])',
    call: (args, { math }) => out(math, distance2bbox(tensorArg('distance2bbox', 'points', args[0]), tensorArg('distance2bbox', 'distances', args[1]))),
  },
  {
    name: 'bbox2distance',
    category: 'helper',
    signatures: ['bbox2distance(points, boxes, max_dis = unclamped, eps = 0.1)'],
    summary: 'Distances (l, t, r, b) from points to box sides, clamped to [0, max_dis − eps] when max_dis is given (mmdetection).',
    minArgs: 2,
    maxArgs: 4,
    options: [],
    example: 'bbox2distance([[10, 10]], [[8, 7, 14, 15]], 16)',
    call: (args, { math }) =>
      out(
        math,
        bbox2distance(
          tensorArg('bbox2distance', 'points', args[0]),
          tensorArg('bbox2distance', 'boxes', args[1]),
          args[2] as number | undefined,
          (args[3] as number | undefined) ?? 0.1,
        ).distance,
      ),
  },
  {
    name: 'bins',
    category: 'helper',
    signatures: ["bins(reg_max, convention)"],
    summary: "How many bins reg_max means: 'mmdetection' reg_max + 1, 'ultralytics' reg_max.",
    minArgs: 2,
    maxArgs: 2,
    options: [],
    example: 'bins(16, "mmdetection")',
    call: (args) => binCount({ regMax: args[0] as number, convention: args[1] as 'mmdetection' | 'ultralytics' }, 'bins', 'reg_max'),
  },
  {
    name: 'load',
    category: 'data',
    signatures: ['load(path)'],
    summary: 'Reads an exported array file (.npy, .npz, .safetensors, .json, .csv) relative to the notebook: an object of arrays by name.',
    minArgs: 1,
    maxArgs: 1,
    options: [],
    example: 'data = load("example-export.npz")',
    call: (args, context) => {
      if (typeof args[0] !== 'string') throw new InputError('load', 'path', 'a string such as "outputs.npz"', describeValue(args[0]));
      return context.load(args[0]);
    },
  },
  {
    name: 'qfl_stream',
    category: 'data',
    signatures: ['qfl_stream(pred_path, label_path, score_path, {beta, background, reduction, chunk_rows, precision})'],
    summary:
      'QFL over .npy exports too big to load: pred (N, C) logits, label (N) and score (N) are read chunk by chunk, with progress and memory bounded by the chunk. Returns {loss, rows, classes, chunks}; the loss equals qfl on the loaded arrays.',
    minArgs: 3,
    maxArgs: 4,
    options: QFL_STREAM_OPTIONS,
    example: 's = qfl_stream("data/stream-pred.npy", "data/stream-label.npy", "data/stream-score.npy", {beta: 2})',
    call: (args, context) => {
      const { positional, options } = splitOptions('qfl_stream', args, [3]);
      const o = readOptions('qfl_stream', options, QFL_STREAM_OPTIONS);
      const [pred, label, score] = (['pred_path', 'label_path', 'score_path'] as const).map((name, i) => {
        const path = positional[i];
        if (typeof path !== 'string') throw new InputError('qfl_stream', name, 'a string such as "pred.npy"', describeValue(path));
        return path;
      });
      const request: QflStreamRequest = {
        pred,
        label,
        score,
        labelConvention: labelConvention(o),
        ...(o.beta !== undefined ? { beta: o.beta as number } : {}),
        ...(o.reduction !== undefined ? { reduction: o.reduction as 'mean' | 'sum' } : {}),
        ...(o.chunk_rows !== undefined ? { chunkRows: o.chunk_rows as number } : {}),
        ...precisionOf(o),
      };
      const { loss, rows, classes, chunks } = context.stream(request);
      const value: Record<string, unknown> = { loss, rows, classes, chunks };
      Object.defineProperty(value, LOSS_MARK, { value: 'qfl_stream', enumerable: false });
      return value;
    },
  },
];

export const LANGUAGE_FUNCTIONS_BY_NAME: ReadonlyMap<string, LanguageFunction> = new Map(LANGUAGE_FUNCTIONS.map((f) => [f.name, f]));
