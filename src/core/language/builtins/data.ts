import { InputError, describeValue } from '../../errors';
import type { QflStreamRequest } from '../hosts';
import { readOptions, type OptionSpec } from '../options';
import { labelConvention, precisionOf, splitOptions } from './arguments';
import { ELEMENTWISE_PRECISION, QFL_OPTIONS } from './defaults';
import { LOSS_MARK } from './marks';
import type { ValueBuiltin } from './types';

/* Data: loading exported arrays, and streaming QFL over exports too big to load. */

const QFL_STREAM_OPTIONS: readonly OptionSpec[] = [
  QFL_OPTIONS[0],
  QFL_OPTIONS[2],
  { key: 'reduction', type: 'string', default: 'mean', values: ['mean', 'sum'], description: "'mean' over the N rows' class-summed losses, or 'sum'" },
  { key: 'chunk_rows', type: 'number', description: 'rows per chunk (default: about 16 MB of pred: float64, or float32 in the float32 mode)' },
  ELEMENTWISE_PRECISION,
];

const LOAD: ValueBuiltin = {
  name: 'load',
  room: 'data',
  signatures: ['load(path)'],
  summary: 'Reads an exported array file (.npy, .npz, .safetensors, .pt/.pth of torch.save, .json, .csv) relative to the notebook: an object of arrays by name (a torch.save file keeps its dicts, lists and tuples: `d.cls_scores[1]`).',
  arities: [[1, 1]],
  options: [],
  example: 'data = load("example-export.npz")',
  call: (args, context) => {
    if (typeof args[0] !== 'string') throw new InputError('load', 'path', 'a string such as "outputs.npz"', describeValue(args[0]));
    return context.load(args[0]);
  },
};

const QFL_STREAM: ValueBuiltin = {
  name: 'qfl_stream',
  room: 'data',
  signatures: ['qfl_stream(pred_path, label_path, score_path, {beta, background, reduction, chunk_rows, precision})'],
  summary:
    'QFL over .npy exports too big to load: pred (N, C) logits, label (N) and score (N) are read chunk by chunk, with progress and memory bounded by the chunk. Returns {loss, rows, classes, chunks}; the loss equals qfl on the loaded arrays.',
  arities: [[3, 4]],
  options: QFL_STREAM_OPTIONS,
  example: 's = qfl_stream("data/stream-pred.npy", "data/stream-label.npy", "data/stream-score.npy", {beta: 2})',
  call: (args, context) => {
    const { positional, options } = splitOptions(QFL_STREAM, args, [3]);
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
};


export const DATA_BUILTINS: readonly ValueBuiltin[] = [LOAD, QFL_STREAM];
