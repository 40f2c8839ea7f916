import type { DistanceKind } from '../../distances';
import { InputError, describeValue } from '../../errors';
import { batchAll, semiHardTriplets, tripletCensus } from '../../mining';
import { readOptions, type OptionValues } from '../options';
import { isScalar, out, positions, splitOptions, tensorArg } from './arguments';
import { MINING_OPTIONS } from './defaults';
import type { ValueBuiltin } from './types';

/* Triplet mining over a batch of embeddings: batch-hard, batch-all, semi-hard, and the census. */

function miningOptions(options: OptionValues): { margin?: number; soft?: boolean; distance?: DistanceKind; grad: true } {
  return {
    ...(options.margin !== undefined ? { margin: options.margin as number } : {}),
    ...(options.soft !== undefined ? { soft: options.soft as boolean } : {}),
    ...(options.distance !== undefined ? { distance: options.distance as DistanceKind } : {}),
    grad: true,
  };
}

const BATCH_HARD: ValueBuiltin = {
  name: 'batch_hard',
  room: 'mining',
  signatures: ['batch_hard(embeddings, labels, {margin, soft, distance})'],
  summary: 'Batch-hard triplet loss (Hermans et al. 2017): per anchor the farthest positive and the nearest negative.',
  arities: [[2, 3]],
  options: MINING_OPTIONS,
  example: 'h = batch_hard([[0, 0], [0, 1], [3, 0], [3, 1]], [0, 0, 1, 1], {margin: 0.3})',
  call: (args, { math, losses }) => {
    const { positional, options } = splitOptions(BATCH_HARD, args, [2]);
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
};

const BATCH_ALL: ValueBuiltin = {
  name: 'batch_all',
  room: 'mining',
  signatures: ['batch_all(embeddings, labels, {margin, soft, distance})'],
  summary: 'Batch-all triplet loss: the mean over triplets with positive loss, and the fraction of positive triplets.',
  arities: [[2, 3]],
  options: MINING_OPTIONS,
  example: 'a = batch_all([[0, 0], [0, 1], [3, 0], [3, 1]], [0, 0, 1, 1])',
  call: (args, { math }) => {
    const { positional, options } = splitOptions(BATCH_ALL, args, [2]);
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
};

const SEMI_HARD: ValueBuiltin = {
  name: 'semi_hard',
  room: 'mining',
  signatures: ['semi_hard(embeddings, labels, {margin, soft, distance})'],
  summary: 'FaceNet semi-hard selection: for each positive pair the nearest negative farther than the positive.',
  arities: [[2, 3]],
  options: MINING_OPTIONS,
  example: 's = semi_hard([[0, 0], [0, 1], [0.5, 0], [3, 1]], [0, 0, 1, 1], {margin: 1})',
  call: (args, { math }) => {
    const { positional, options } = splitOptions(SEMI_HARD, args, [2]);
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
};

const CENSUS: ValueBuiltin = {
  name: 'census',
  room: 'mining',
  signatures: ['census(embeddings, labels, margin = 0.3)'],
  summary: 'Counts the valid triplets of a batch as easy (d_an > d_ap + α), semi-hard and hard (d_an < d_ap).',
  arities: [[2, 3]],
  options: [],
  example: 'c = census([[0, 0], [0, 1], [0.5, 0], [3, 1]], [0, 0, 1, 1], 0.3)',
  call: (args) => {
    const margin = args[2] === undefined ? undefined : (args[2] as number);
    if (margin !== undefined && !isScalar(margin)) throw new InputError('census', 'margin', 'a number', describeValue(margin));
    return { ...tripletCensus(tensorArg('census', 'embeddings', args[0]), tensorArg('census', 'labels', args[1]), margin) };
  },
};


export const MINING_BUILTINS: readonly ValueBuiltin[] = [BATCH_HARD, BATCH_ALL, SEMI_HARD, CENSUS];
