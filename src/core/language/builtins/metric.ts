import type { MathJsInstance } from 'mathjs';
import { InputError, describeValue } from '../../errors';
import { metricLoss, type MetricLossOptions } from '../../metric/metricLoss';
import { mine, type MineOptions, type MineResult } from '../../metric/mine';
import type { Pairs, Triplets } from '../../metric/tuples';
import { isOptionObject, readOptions } from '../options';
import { valueToTensor } from '../values';
import { out, positions, splitOptions, tensorArg } from './arguments';
import { METRIC_LOSS_OPTIONS, MINE_OPTIONS } from './defaults';
import type { ValueBuiltin } from './types';

/*
 * Metric learning with pytorch-metric-learning's conventions (src/core/metric/): its miners as
 * index tuples, and its pair and triplet losses composed of a distance, a miner and a reducer.
 * Tuples are positions counted from 1, as cells index (emb[m.a[1], :]); metric_loss takes them
 * back the same way, as its third argument (pml's indices_tuple).
 */

/** A miner's tuples as a cell value: positions from 1 and the counts. */
function tuplesValue(math: MathJsInstance, result: { kind: 'triplets'; triplets: Triplets } | { kind: 'pairs'; pairs: Pairs }): Record<string, unknown> {
  if (result.kind === 'triplets') {
    const { a, p, n } = result.triplets;
    return { a: positions(math, a), p: positions(math, p), n: positions(math, n), num_triplets: a.length };
  }
  const { a1, p, a2, n } = result.pairs;
  return { a1: positions(math, a1), p: positions(math, p), a2: positions(math, a2), n: positions(math, n), num_pos_pairs: a1.length, num_neg_pairs: a2.length };
}

/** Positions from 1 in a cell value back to the core's 0-based rows. */
function rows(fn: string, argument: string, value: unknown): Int32Array {
  const tensor = valueToTensor(fn, argument, value);
  const result = new Int32Array(tensor.data.length);
  for (let k = 0; k < result.length; k++) {
    const v = tensor.data[k];
    if (!Number.isInteger(v) || v < 1) throw new InputError(fn, argument, 'positions counted from 1 (what mine returns)', describeValue(v), [k]);
    result[k] = v - 1;
  }
  return result;
}

/** A `mine` result (or any record with a, p, n or a1, p, a2, n) as the core's tuples. */
function tuplesArg(fn: string, value: unknown): { kind: 'triplets'; triplets: Triplets } | { kind: 'pairs'; pairs: Pairs } {
  if (!isOptionObject(value)) throw new InputError(fn, 'tuples', "what mine returns: {a, p, n} or {a1, p, a2, n}", describeValue(value));
  if (value.a1 !== undefined) {
    return { kind: 'pairs', pairs: { a1: rows(fn, 'tuples.a1', value.a1), p: rows(fn, 'tuples.p', value.p), a2: rows(fn, 'tuples.a2', value.a2), n: rows(fn, 'tuples.n', value.n) } };
  }
  return { kind: 'triplets', triplets: { a: rows(fn, 'tuples.a', value.a), p: rows(fn, 'tuples.p', value.p), n: rows(fn, 'tuples.n', value.n) } };
}

const MINE: ValueBuiltin = {
  name: 'mine',
  room: 'metric',
  signatures: ['mine(embeddings, labels, {miner, distance, p, power, normalize_embeddings, margin, type_of_triplets, pos_strategy, neg_strategy, allowed_pos_range, allowed_neg_range, epsilon, pos_margin, neg_margin})'],
  summary:
    "pytorch-metric-learning's miners (TripletMarginMiner, BatchHardMiner, BatchEasyHardMiner, MultiSimilarityMiner, PairMarginMiner) with their defaults (the miner is the one named, else the one whose options are given, else triplet_margin): the mined triplets {a, p, n} or pairs {a1, p, a2, n} as positions from 1 in lexicographic order, and their counts.",
  arities: [[2, 3]],
  options: MINE_OPTIONS,
  example: 'm = mine([[0, 0], [0, 1], [1, 0], [1, 1.2]], [0, 0, 1, 1], {miner: "triplet_margin", type_of_triplets: "hard", margin: 0.2})',
  call: (args, { math }) => {
    const { positional, options } = splitOptions(MINE, args, [2]);
    const o = { ...readOptions('mine', options, MINE_OPTIONS) } as Record<string, unknown>;
    // A range written in a cell arrives as a matrix: the core takes [lo, hi].
    for (const key of ['allowed_pos_range', 'allowed_neg_range']) if (o[key] != null) o[key] = Array.from(valueToTensor('mine', `options.${key}`, o[key]).data);
    const result: MineResult = mine(tensorArg('mine', 'embeddings', positional[0]), tensorArg('mine', 'labels', positional[1]), o as MineOptions);
    return { miner: result.miner, ...tuplesValue(math, result) };
  },
};

const METRIC_LOSS: ValueBuiltin = {
  name: 'metric_loss',
  room: 'metric',
  signatures: [
    'metric_loss(embeddings, labels, {loss, distance, p, power, normalize_embeddings, reducer, reducer_low, reducer_high, miner, margin, swap, smooth_loss, pos_margin, neg_margin, alpha, beta, base})',
    'metric_loss(embeddings, labels, tuples, {loss, distance, reducer, margin, pos_margin, neg_margin, alpha, beta, base})',
  ],
  summary:
    "pytorch-metric-learning's TripletMarginLoss, ContrastiveLoss and MultiSimilarityLoss over a labelled batch, composed of a distance, an optional miner (or the tuples mine returned) and a reducer (the loss is the one named, else the one whose options are given, else triplet_margin): the loss, its exact gradient grad.embeddings, the per-element parts and the tuples used.",
  arities: [[2, 4]],
  optionPositions: [2, 3],
  options: METRIC_LOSS_OPTIONS,
  example: 'l = metric_loss([[0, 0], [0, 1], [1, 0], [1, 1.2]], [0, 0, 1, 1], {loss: "contrastive", pos_margin: 0.1, neg_margin: 1})',
  call: (args, { math }) => {
    const fn = 'metric_loss';
    if (args.length < 2 || args.length > 4) throw new InputError(fn, 'arguments', 'metric_loss(embeddings, labels, {options}) or metric_loss(embeddings, labels, tuples, {options})', `${args.length} arguments`);
    // The third argument is mine's result when it carries tuples, else the options.
    const third = args[2];
    const hasTuples = args.length === 4 || (isOptionObject(third) && (third.a !== undefined || third.a1 !== undefined));
    const o = readOptions(fn, hasTuples ? args[3] : third, METRIC_LOSS_OPTIONS) as MetricLossOptions;
    const given = hasTuples ? tuplesArg(fn, third) : undefined;
    const r = metricLoss(tensorArg(fn, 'embeddings', args[0]), tensorArg(fn, 'labels', args[1]), o, given);
    const parts: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(r.parts)) parts[key] = typeof value === 'number' ? value : out(math, { shape: [value.length], data: value });
    return { loss: r.value, grad: { embeddings: out(math, r.grad) }, ...parts, tuples: tuplesValue(math, r.tuples) };
  },
};

export const METRIC_BUILTINS: readonly ValueBuiltin[] = [MINE, METRIC_LOSS];
