/**
 * `mine(embeddings, labels, options)`: runs one of pml's miners over a labelled batch with a
 * composable distance, and returns its index tuples (0-based rows, lexicographic; see tuples.ts)
 * and counts. Absent options take the pml class's defaults (defaults.ts).
 */
import { InputError, describeValue } from '../errors';
import type { Tensor } from '../tensor';
import { MINER_CLASSES, PML_DEFAULTS, type MinerName } from './defaults';
import { measureBatch, resolveMetricDistance, type MeasuredBatch, type MetricDistance, type MetricDistanceOptions } from './distance';
import { checkStrategies, mineBatchEasyHard, mineBatchHard, mineBatchHardScreened, type PairStrategy } from './miners/batchEasyHard';
import { mineMultiSimilarity, mineMultiSimilarityScreened } from './miners/multiSimilarity';
import { minePairMargin, minePairMarginScreened } from './miners/pairMargin';
import { TRIPLET_TYPES, mineTripletMargin, type TripletType } from './miners/tripletMargin';
import { screenBatch, type ScreenedBatch } from './screen';
import { requireLabelledBatch, type Pairs, type Triplets } from './tuples';

/** The options of every miner (each reads its own; pml's argument names). */
export interface MineOptions extends MetricDistanceOptions {
  /** Default `triplet_margin`. */
  miner?: MinerName;
  margin?: number;
  type_of_triplets?: TripletType;
  pos_strategy?: PairStrategy;
  neg_strategy?: PairStrategy;
  allowed_pos_range?: readonly [number, number] | null;
  allowed_neg_range?: readonly [number, number] | null;
  epsilon?: number;
  pos_margin?: number;
  neg_margin?: number;
}

export type MineResult =
  | { readonly kind: 'triplets'; readonly miner: MinerName; readonly distance: MetricDistance; readonly triplets: Triplets }
  | { readonly kind: 'pairs'; readonly miner: MinerName; readonly distance: MetricDistance; readonly pairs: Pairs };

/** Which keys each miner reads besides the distance's; any other key is an error naming these. */
const MINER_KEYS: Readonly<Record<MinerName, readonly string[]>> = {
  triplet_margin: ['margin', 'type_of_triplets'],
  batch_hard: [],
  batch_easy_hard: ['pos_strategy', 'neg_strategy', 'allowed_pos_range', 'allowed_neg_range'],
  multi_similarity: ['epsilon'],
  pair_margin: ['pos_margin', 'neg_margin'],
};

const DISTANCE_KEYS = ['distance', 'p', 'power', 'normalize_embeddings'];

/**
 * The miner named by `options.miner`, or else the one whose own keys the options use (`epsilon`
 * means multi_similarity, `pos_strategy` batch_easy_hard), or else triplet_margin.
 */
export function resolveMinerName(fn: string, value: unknown, options: Readonly<Record<string, unknown>> = {}): MinerName {
  const name = value ?? impliedName(fn, 'miner', MINER_KEYS, options) ?? 'triplet_margin';
  if (typeof name !== 'string' || !(name in MINER_CLASSES)) {
    throw new InputError(fn, 'options.miner', `one of ${Object.keys(MINER_CLASSES).map((k) => `'${k}'`).join(', ')}`, describeValue(value));
  }
  return name as MinerName;
}

/** The one name whose own keys appear in `options`; undefined when none does, an error when several do. */
export function impliedName<Name extends string>(fn: string, what: string, keysByName: Readonly<Record<Name, readonly string[]>>, options: Readonly<Record<string, unknown>>): Name | undefined {
  const given = Object.keys(options).filter((key) => options[key] !== undefined);
  const names = (Object.keys(keysByName) as Name[]).filter((name) => keysByName[name].some((key) => given.includes(key)));
  if (names.length > 1) {
    throw new InputError(fn, `options.${what}`, `given when the options belong to several (${names.join(', ')})`, 'missing');
  }
  return names[0];
}

export function finiteNumber(fn: string, key: string, value: unknown, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(fn, `options.${key}`, 'a finite number', describeValue(value));
  return v;
}

function range(fn: string, key: string, value: unknown): readonly [number, number] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && !Number.isNaN(v))) return [value[0] as number, value[1] as number];
  throw new InputError(fn, `options.${key}`, '[lo, hi] (two numbers) or null', describeValue(value));
}

/** Runs the miner on an already measured batch (what `metric_loss` does with its own distance). */
export function mineMeasured(fn: string, batch: MeasuredBatch, labels: Float64Array, miner: MinerName, options: MineOptions): MineResult {
  checkMinerKeys(fn, miner, options);
  const distance = batch.distance;
  switch (miner) {
    case 'triplet_margin': {
      const d = PML_DEFAULTS.TripletMarginMiner;
      const type = options.type_of_triplets ?? d.type_of_triplets;
      if (!TRIPLET_TYPES.includes(type)) throw new InputError(fn, 'options.type_of_triplets', "one of 'all', 'hard', 'semihard', 'easy'", describeValue(type));
      return { kind: 'triplets', miner, distance, triplets: mineTripletMargin(batch, labels, finiteNumber(fn, 'margin', options.margin, d.margin), type) };
    }
    case 'batch_hard':
      return { kind: 'triplets', miner, distance, triplets: mineBatchHard(batch, labels) };
    case 'batch_easy_hard': {
      const d = PML_DEFAULTS.BatchEasyHardMiner;
      const posStrategy = options.pos_strategy ?? d.pos_strategy;
      const negStrategy = options.neg_strategy ?? d.neg_strategy;
      checkStrategies(fn, posStrategy, negStrategy);
      return {
        kind: 'pairs',
        miner,
        distance,
        pairs: mineBatchEasyHard(batch, labels, {
          posStrategy,
          negStrategy,
          allowedPosRange: range(fn, 'allowed_pos_range', options.allowed_pos_range),
          allowedNegRange: range(fn, 'allowed_neg_range', options.allowed_neg_range),
        }),
      };
    }
    case 'multi_similarity':
      return { kind: 'pairs', miner, distance, pairs: mineMultiSimilarity(batch, labels, finiteNumber(fn, 'epsilon', options.epsilon, PML_DEFAULTS.MultiSimilarityMiner.epsilon)) };
    case 'pair_margin': {
      const d = PML_DEFAULTS.PairMarginMiner;
      return { kind: 'pairs', miner, distance, pairs: minePairMargin(batch, labels, finiteNumber(fn, 'pos_margin', options.pos_margin, d.pos_margin), finiteNumber(fn, 'neg_margin', options.neg_margin, d.neg_margin)) };
    }
  }
}

function checkMinerKeys(fn: string, miner: MinerName, options: MineOptions): void {
  const known = new Set([...DISTANCE_KEYS, 'miner', ...MINER_KEYS[miner]]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new InputError(fn, `options.${key}`, `an option of miner '${miner}' (${[...known].join(', ')})`, 'unknown');
  }
}

type ScreenedMiner = (fn: string, screen: ScreenedBatch, labels: Float64Array, options: MineOptions) => MineResult | null;

/**
 * The miners that only compare entries, run on a float32 screen of the matrix (screen.ts): the
 * same tuples as mineMeasured's, bit for bit, in less time. Each returns null where ties are so
 * many that the matrix route is cheaper (a collapsed batch).
 */
const SCREENED_MINERS: Partial<Record<MinerName, ScreenedMiner>> = {
  batch_hard: (_fn, screen, labels) => {
    const triplets = mineBatchHardScreened(screen, labels);
    return triplets === null ? null : { kind: 'triplets', miner: 'batch_hard', distance: screen.distance, triplets };
  },
  multi_similarity: (fn, screen, labels, options) => {
    const pairs = mineMultiSimilarityScreened(screen, labels, finiteNumber(fn, 'epsilon', options.epsilon, PML_DEFAULTS.MultiSimilarityMiner.epsilon));
    return pairs === null ? null : { kind: 'pairs', miner: 'multi_similarity', distance: screen.distance, pairs };
  },
  pair_margin: (fn, screen, labels, options) => {
    const d = PML_DEFAULTS.PairMarginMiner;
    const pairs = minePairMarginScreened(screen, labels, finiteNumber(fn, 'pos_margin', options.pos_margin, d.pos_margin), finiteNumber(fn, 'neg_margin', options.neg_margin, d.neg_margin));
    return { kind: 'pairs', miner: 'pair_margin', distance: screen.distance, pairs };
  },
};

/** The pml default distance of a miner: cosine for multi-similarity, normalised L2 otherwise. */
export function minerDistance(fn: string, miner: MinerName, options: MetricDistanceOptions): MetricDistance {
  return resolveMetricDistance(fn, options, miner === 'multi_similarity' ? 'cosine' : 'lp');
}

/**
 * Mines a batch.
 * @param embeddings (B, d) finite embeddings.
 * @param labels (B) integer class labels.
 * @param options `miner` (default: the miner whose keys the options use, else `triplet_margin`), the distance keys (pml's default distance of
 *   that miner), and the miner's own keys with pml's defaults.
 * @returns triplets (a, p, n) or pairs (a1, p) and (a2, n), 0-based, lexicographic.
 */
export function mine(embeddings: Tensor, labels: Tensor, options: MineOptions = {}): MineResult {
  const fn = 'mine';
  const batch = requireLabelledBatch(fn, embeddings, labels);
  const miner = resolveMinerName(fn, options.miner, options as Record<string, unknown>);
  checkMinerKeys(fn, miner, options);
  const distance = minerDistance(fn, miner, options);
  const screened = SCREENED_MINERS[miner];
  const screen = screened === undefined ? null : screenBatch(distance, batch.embeddings, batch.B, batch.d);
  const result = screened === undefined || screen === null ? null : screened(fn, screen, batch.labels, options);
  if (result !== null) return result;
  return mineMeasured(fn, measureBatch(distance, batch.embeddings, batch.B, batch.d, 'mine'), batch.labels, miner, options);
}
