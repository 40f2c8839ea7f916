/**
 * `metricLoss(embeddings, labels, options, tuples?)`: one of pml's pair/triplet losses, composed
 * of a distance, an optional miner and a reducer, with the exact gradient with respect to the raw
 * embeddings (through the reducer, the loss, the power, the distance and the normalisation).
 *
 * The tuples are, in pml's order of precedence: the `tuples` argument (a miner's output,
 * pml's `indices_tuple`), else those of `options.miner` run on the batch, else every valid
 * triplet or pair. A triplet loss given pairs pairs them up by anchor, and a pair loss given
 * triplets splits them, as pml's `convert_to_triplets` / `convert_to_pairs` do.
 */
import { InputError, describeValue } from '../errors';
import { isOptionObject } from '../language/options';
import type { Tensor } from '../tensor';
import { METRIC_LOSS_CLASSES, PML_DEFAULTS, type MetricLossName } from './defaults';
import { scratchFloat64 } from '../scratch';
import { measureBackward, measureBatch, resolveMetricDistance, type MetricDistanceOptions } from './distance';
import { contrastiveLoss, contrastiveLossAllPairs } from './losses/contrastive';
import { multiSimilarityLoss, multiSimilarityLossAllPairs } from './losses/multiSimilarity';
import { allTripletsMarginLoss, tripletMarginLoss } from './losses/tripletMargin';
import { finiteNumber, impliedName, mineMeasured, minerDistance, resolveMinerName, type MineOptions } from './mine';
import { resolveReducer, type Reducer } from './reducers';
import { TripletBuilder, allPairCounts, allPairs, allTriplets, requireIndexGroup, requireLabelledBatch, type Pairs, type Triplets } from './tuples';

export interface MetricLossOptions extends MetricDistanceOptions {
  /** Default: the loss whose own keys the options use, else `triplet_margin`. */
  loss?: MetricLossName;
  /** `mean`, `avg_non_zero` or `threshold`; default the loss's pml default. */
  reducer?: 'mean' | 'avg_non_zero' | 'threshold';
  reducer_low?: number | null;
  reducer_high?: number | null;
  margin?: number;
  swap?: boolean;
  smooth_loss?: boolean;
  pos_margin?: number;
  neg_margin?: number;
  alpha?: number;
  beta?: number;
  base?: number;
  /** A miner's name (its pml defaults) or its options, run on the batch with its own distance. */
  miner?: string | MineOptions;
}

export interface MetricLossResult {
  readonly loss: MetricLossName;
  readonly value: number;
  /** (B, d) ∂value/∂embeddings. */
  readonly grad: Tensor;
  /** The loss's named parts (per-element losses, sub-losses, counts). */
  readonly parts: Readonly<Record<string, number | Float64Array>>;
  /** The tuples the loss used. */
  readonly tuples: { readonly kind: 'triplets'; readonly triplets: Triplets } | { readonly kind: 'pairs'; readonly pairs: Pairs };
}

/** The keys that name a loss when `loss` is absent (`alpha` means multi_similarity). */
const LOSS_OWN_KEYS: Readonly<Record<MetricLossName, readonly string[]>> = {
  triplet_margin: ['margin', 'swap', 'smooth_loss'],
  contrastive: ['pos_margin', 'neg_margin'],
  multi_similarity: ['alpha', 'beta', 'base'],
};

const LOSS_KEYS: Readonly<Record<MetricLossName, readonly string[]>> = {
  triplet_margin: ['margin', 'swap', 'smooth_loss', 'reducer', 'reducer_low', 'reducer_high'],
  contrastive: ['pos_margin', 'neg_margin', 'reducer', 'reducer_low', 'reducer_high'],
  multi_similarity: ['alpha', 'beta', 'base', 'reducer'],
};

/** pml's `convert_to_triplets` for pairs: every (positive pair, negative pair) sharing an anchor, positive-major. */
export function pairsToTriplets(pairs: Pairs): Triplets {
  const triplets = new TripletBuilder();
  for (let i = 0; i < pairs.a1.length; i++) {
    for (let j = 0; j < pairs.a2.length; j++) if (pairs.a1[i] === pairs.a2[j]) triplets.add(pairs.a1[i], pairs.p[i], pairs.n[j]);
  }
  return triplets.toTriplets();
}

/** pml's `convert_to_pairs` for triplets: (a, p) and (a, n) of each triplet. */
export function tripletsToPairs(triplets: Triplets): Pairs {
  return { a1: triplets.a, p: triplets.p, a2: triplets.a, n: triplets.n };
}

/**
 * An object whose `keys` are listed by `list` on the first read of any of them: the losses over all
 * pairs or all triplets run along the rows and never need the lists, which are 8 MB (pairs) and
 * 186 MB (triplets) of indices for a 1024-row batch of 64 classes.
 */
function listedOnRead<T extends object>(keys: readonly (keyof T & string)[], list: () => T): T {
  let listed: T | null = null;
  const lazy = {} as T;
  for (const key of keys) Object.defineProperty(lazy, key, { enumerable: true, get: () => (listed ??= list())[key] });
  return lazy;
}

const lazyAllPairs = (labels: Float64Array): Pairs => listedOnRead<Pairs>(['a1', 'p', 'a2', 'n'], () => allPairs(labels));
const lazyAllTriplets = (labels: Float64Array): Triplets => listedOnRead<Triplets>(['a', 'p', 'n'], () => allTriplets(labels));

type GivenTuples = { readonly kind: 'triplets'; readonly triplets: Triplets } | { readonly kind: 'pairs'; readonly pairs: Pairs };

/**
 * @param embeddings (B, d) finite embeddings.
 * @param labels (B) integer class labels.
 * @param options loss, distance keys, reducer, the loss's own keys (pml defaults), miner.
 * @param given optional tuples (0-based rows), e.g. a miner's output.
 */
export function metricLoss(embeddings: Tensor, labels: Tensor, options: MetricLossOptions = {}, given?: GivenTuples): MetricLossResult {
  const fn = 'metric_loss';
  const batch = requireLabelledBatch(fn, embeddings, labels);
  const { B, d } = batch;
  const lossName = options.loss ?? impliedName(fn, 'loss', LOSS_OWN_KEYS, options as Record<string, unknown>) ?? 'triplet_margin';
  if (!(lossName in METRIC_LOSS_CLASSES)) throw new InputError(fn, 'options.loss', "one of 'triplet_margin', 'contrastive', 'multi_similarity'", describeValue(lossName));
  const known = new Set(['loss', 'distance', 'p', 'power', 'normalize_embeddings', 'miner', ...LOSS_KEYS[lossName]]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new InputError(fn, `options.${key}`, `an option of loss '${lossName}' (${[...known].join(', ')})`, 'unknown');
  }
  const defaults = PML_DEFAULTS[METRIC_LOSS_CLASSES[lossName]];
  // The matrices and the upstream are this call's own (scratch.ts): only the gradient and the
  // tuples leave it. Each loss below clears the upstream unless it writes every entry.
  const measured = measureBatch(resolveMetricDistance(fn, options, defaults.distance), batch.embeddings, B, d, 'metric loss');
  const upstream = scratchFloat64('metric loss upstream', B * B);
  let tuples: GivenTuples | undefined = given;
  if (tuples !== undefined) {
    if (tuples.kind === 'triplets') requireIndexGroup(fn, 'tuples', { a: tuples.triplets.a, p: tuples.triplets.p, n: tuples.triplets.n }, B);
    else {
      requireIndexGroup(fn, 'tuples', { a1: tuples.pairs.a1, p: tuples.pairs.p }, B);
      requireIndexGroup(fn, 'tuples', { a2: tuples.pairs.a2, n: tuples.pairs.n }, B);
    }
  } else if (options.miner !== undefined) {
    if (typeof options.miner !== 'string' && !isOptionObject(options.miner)) throw new InputError(fn, 'options.miner', "a miner's name or its options, such as {miner: 'batch_hard'}", describeValue(options.miner));
    const minerOptions: MineOptions = typeof options.miner === 'string' ? { miner: resolveMinerName(fn, options.miner) } : (options.miner as MineOptions);
    const miner = resolveMinerName(fn, minerOptions.miner, minerOptions as Record<string, unknown>);
    const minerBatch = measureBatch(minerDistance(fn, miner, minerOptions), batch.embeddings, B, d, 'metric loss miner');
    const mined = mineMeasured(fn, minerBatch, batch.labels, miner, minerOptions);
    tuples = mined.kind === 'triplets' ? { kind: 'triplets', triplets: mined.triplets } : { kind: 'pairs', pairs: mined.pairs };
  }
  const finish = (value: number, upstream: Float64Array, parts: MetricLossResult['parts'], used: MetricLossResult['tuples']): MetricLossResult => ({
    loss: lossName,
    value,
    grad: { shape: [B, d], data: measureBackward(measured, upstream).grad },
    parts,
    tuples: used,
  });
  // A bound given without a reducer means the threshold reducer it belongs to.
  const bounded = options.reducer_low != null || options.reducer_high != null;
  const reducer = (fallback: string): Reducer => {
    const kind = options.reducer ?? (bounded ? 'threshold' : fallback);
    if (bounded && kind !== 'threshold') throw new InputError(fn, 'options.reducer', "'threshold' (or absent) when reducer_low or reducer_high is given", describeValue(kind));
    return resolveReducer(fn, kind, options.reducer_low, options.reducer_high);
  };
  if (lossName === 'triplet_margin') {
    const d0 = PML_DEFAULTS.TripletMarginLoss;
    const triplets = tuples === undefined ? lazyAllTriplets(batch.labels) : tuples.kind === 'triplets' ? tuples.triplets : pairsToTriplets(tuples.pairs);
    const tripletOptions = {
      margin: finiteNumber(fn, 'margin', options.margin, d0.margin),
      swap: booleanOption(fn, 'swap', options.swap, d0.swap),
      smoothLoss: booleanOption(fn, 'smooth_loss', options.smooth_loss, d0.smooth_loss),
      reducer: reducer(d0.reducer),
    };
    // Every triplet without swap: the loss runs over the batch's rows rather than 15M index reads.
    const r = tuples === undefined && !tripletOptions.swap ? allTripletsMarginLoss(measured, batch.labels, tripletOptions, upstream.fill(0)) : tripletMarginLoss(measured, triplets, tripletOptions, upstream.fill(0));
    return finish(r.loss, r.upstream, { losses: r.losses, num_triplets: r.numTriplets, num_past_filter: r.numPastFilter }, { kind: 'triplets', triplets });
  }
  const pairs = (): Pairs => (tuples === undefined ? allPairs(batch.labels) : tuples.kind === 'pairs' ? tuples.pairs : tripletsToPairs(tuples.triplets));
  if (lossName === 'contrastive') {
    // Every pair without a miner: the loss runs along the rows, and the pairs are listed when read.
    const given = tuples === undefined ? lazyAllPairs(batch.labels) : pairs();
    const d0 = PML_DEFAULTS.ContrastiveLoss;
    const contrastiveOptions = {
      posMargin: finiteNumber(fn, 'pos_margin', options.pos_margin, d0.pos_margin),
      negMargin: finiteNumber(fn, 'neg_margin', options.neg_margin, d0.neg_margin),
      reducer: reducer(d0.reducer),
    };
    const r = tuples === undefined ? contrastiveLossAllPairs(measured, batch.labels, contrastiveOptions, upstream.fill(0)) : contrastiveLoss(measured, given, contrastiveOptions, upstream.fill(0));
    const counts = tuples === undefined ? allPairCounts(batch.labels) : { positives: given.a1.length, negatives: given.a2.length };
    const parts = {
      pos_loss: r.posLoss,
      neg_loss: r.negLoss,
      pos_losses: r.posLosses,
      neg_losses: r.negLosses,
      num_pos_pairs: counts.positives,
      num_neg_pairs: counts.negatives,
      num_pos_nonzero: r.numPosNonzero,
      num_neg_nonzero: r.numNegNonzero,
    };
    return finish(r.loss, r.upstream, parts, { kind: 'pairs', pairs: given });
  }
  const d0 = PML_DEFAULTS.MultiSimilarityLoss;
  if ((options.reducer ?? 'mean') !== 'mean') throw new InputError(fn, 'options.reducer', "'mean' for multi_similarity (its losses are per anchor, pml's MeanReducer)", describeValue(options.reducer));
  const msOptions = {
    alpha: finiteNumber(fn, 'alpha', options.alpha, d0.alpha),
    beta: finiteNumber(fn, 'beta', options.beta, d0.beta),
    base: finiteNumber(fn, 'base', options.base, d0.base),
  };
  // The all-pairs form writes every entry of the upstream; the others add into a cleared one.
  const r = tuples === undefined ? multiSimilarityLossAllPairs(measured, batch.labels, msOptions, upstream) : multiSimilarityLoss(measured, pairs(), msOptions, upstream.fill(0));
  return finish(r.loss, r.upstream, { losses: r.losses }, { kind: 'pairs', pairs: tuples === undefined ? lazyAllPairs(batch.labels) : pairs() });
}

function booleanOption(fn: string, key: string, value: unknown, fallback: boolean): boolean {
  const v = value ?? fallback;
  if (typeof v !== 'boolean') throw new InputError(fn, `options.${key}`, 'a boolean', describeValue(value));
  return v;
}
