import type { MathJsInstance } from 'mathjs';
import { bbox2distance, boxOverlaps, distance2bbox, type OverlapMode } from '../../boxes';
import { binCount, integral } from '../../distributions';
import { InputError, describeValue } from '../../errors';
import { logSumExp, sigmoid, softplus } from '../../numerics';
import { numberDefault, optionDefault, readOptions, type OptionSpec } from '../options';
import { IOU_OPTIONS } from './defaults';
import { summarizeValue, valueToTensor } from '../values';
import { isScalar, out, splitOptions, tensorArg } from './arguments';
import { lossName, PRINTED_MARK } from './marks';
import type { ValueBuiltin } from './types';

/* Helpers: the GFL Integral, softmax and the stable elementwise functions, box geometry, print. */

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

const SOFTMAX_OPTIONS: readonly OptionSpec[] = [
  { key: 'dim', type: 'number', description: "the dimension the probabilities sum to 1 along, counted from 1 (default: the last; PyTorch's dim=1 of a matrix is 2)" },
];

const INTEGRAL: ValueBuiltin = {
  name: 'integral',
  room: 'helpers',
  signatures: ['integral(pred)'],
  summary: "The GFL head's Integral: Σ softmax(pred)_i · i for each row of bin logits.",
  arities: [[1, 1]],
  options: [],
  example: 'e = integral([[0, 2, 0, -1]])',
  call: (args, { math }) => out(math, integral(tensorArg('integral', 'pred', args[0])).expectation),
};

const SOFTMAX: ValueBuiltin = {
  name: 'softmax',
  room: 'helpers',
  signatures: ['softmax(z, {dim})'],
  summary: 'Softmax of a vector, or of each row of a matrix ({dim: 1}: of each column; dimensions count from 1), log-sum-exp stabilised.',
  arities: [[1, 2]],
  options: SOFTMAX_OPTIONS,
  example: 'p = softmax([1, 2, 3])',
  call: (args, { math }) => {
    const { positional, options } = splitOptions(SOFTMAX, args, [1]);
    return softmaxAlong(math, positional[0], readOptions('softmax', options, SOFTMAX_OPTIONS).dim);
  },
};

const PRINT: ValueBuiltin = {
  name: 'print',
  room: 'helpers',
  signatures: ['print(value, …)'],
  summary: "Shows its values on one line as an output of the cell, wherever it stands (even after ;), as Python's print does.",
  arities: [[1, 32]],
  options: [],
  example: 'print("loss", focal(0.3, 1))',
  call: (args) => {
    const text = args.map(printPiece).join(' ');
    return Object.defineProperty({ text }, PRINTED_MARK, { value: text, enumerable: false });
  },
};

const SIGMOID: ValueBuiltin = {
  name: 'sigmoid',
  room: 'helpers',
  signatures: ['sigmoid(x)'],
  summary: 'The logistic function 1 / (1 + e^−x), elementwise, stable for any x.',
  arities: [[1, 1]],
  options: [],
  example: 'sigmoid([-1000, 0, 1000])',
  call: (args, { math }) => elementwise(math, args[0], sigmoid),
};

const SOFTPLUS: ValueBuiltin = {
  name: 'softplus',
  room: 'helpers',
  signatures: ['softplus(x)'],
  summary: 'log(1 + e^x), elementwise, stable for any x.',
  arities: [[1, 1]],
  options: [],
  example: 'softplus(1000)',
  call: (args, { math }) => elementwise(math, args[0], softplus),
};

const LOGSIGMOID: ValueBuiltin = {
  name: 'logsigmoid',
  room: 'helpers',
  signatures: ['logsigmoid(x)'],
  summary: 'log σ(x) = −softplus(−x), elementwise.',
  arities: [[1, 1]],
  options: [],
  example: 'logsigmoid(-1000)',
  call: (args, { math }) => elementwise(math, args[0], (x) => -softplus(-x)),
};

const ENTROPY: ValueBuiltin = {
  name: 'entropy',
  room: 'helpers',
  signatures: ['entropy(p)'],
  summary: 'Shannon entropy −Σ p log p (nats) of a distribution, or of each row.',
  arities: [[1, 1]],
  options: [],
  example: 'entropy([0.5, 0.5])',
  call: (args, { math }) => entropyOf(math, args[0]),
};

const IOU: ValueBuiltin = {
  name: 'iou',
  room: 'helpers',
  signatures: ["iou(a, b, {mode: 'iou' | 'giou' | 'diou' | 'ciou', eps})"],
  summary: 'Overlap of aligned (n, 4) boxes (mmdetection bbox_overlaps, is_aligned).',
  arities: [[2, 3]],
  options: IOU_OPTIONS,
  example: 'iou([[0, 0, 2, 2]], [[1, 1, 3, 3]], {mode: "giou"})',
  call: (args, { math }) => {
    const { positional, options } = splitOptions(IOU, args, [2]);
    const o = readOptions('iou', options, IOU_OPTIONS);
    const mode = (o.mode as OverlapMode | undefined) ?? (optionDefault(IOU_OPTIONS, 'mode') as OverlapMode);
    const r = boxOverlaps(tensorArg('iou', 'a', positional[0]), tensorArg('iou', 'b', positional[1]), mode, (o.eps as number | undefined) ?? numberDefault(IOU_OPTIONS, 'eps'));
    return out(math, r.value);
  },
};

const DISTANCE2BBOX: ValueBuiltin = {
  name: 'distance2bbox',
  room: 'helpers',
  signatures: ['distance2bbox(points, distances)'],
  summary: 'Boxes from anchor points (n, 2) and distances (n, 4) to the left, top, right and bottom sides.',
  arities: [[2, 2]],
  options: [],
  example: 'distance2bbox([[10, 10]], [[2, 3, 4, 5]])',
  call: (args, { math }) => out(math, distance2bbox(tensorArg('distance2bbox', 'points', args[0]), tensorArg('distance2bbox', 'distances', args[1]))),
};

const BBOX2DISTANCE: ValueBuiltin = {
  name: 'bbox2distance',
  room: 'helpers',
  signatures: ['bbox2distance(points, boxes, max_dis = unclamped, eps = 0.1)'],
  summary: 'Distances (l, t, r, b) from points to box sides, clamped to [0, max_dis − eps] when max_dis is given (mmdetection).',
  arities: [[2, 4]],
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
};

const BINS: ValueBuiltin = {
  name: 'bins',
  room: 'helpers',
  signatures: ["bins(reg_max, convention)"],
  summary: "How many bins reg_max means: 'mmdetection' reg_max + 1, 'ultralytics' reg_max.",
  arities: [[2, 2]],
  options: [],
  example: 'bins(16, "mmdetection")',
  call: (args) => binCount({ regMax: args[0] as number, convention: args[1] as 'mmdetection' | 'ultralytics' }, 'bins', 'reg_max'),
};


export const HELPERS_BUILTINS: readonly ValueBuiltin[] = [INTEGRAL, SOFTMAX, PRINT, SIGMOID, SOFTPLUS, LOGSIGMOID, ENTROPY, IOU, DISTANCE2BBOX, BBOX2DISTANCE, BINS];
