/**
 * `miner_*` cases of metric-learning.json (pml v2.8.1 miners) → `mine`. Only names change: the
 * fixture's fn names the miner, its params are pml's argument names (which `mine` takes as they
 * are), and the tuples come back as 0-based rows, which is what the fixture lists.
 */
import { mine, type MineOptions } from '../../../src/core/metric/mine';
import type { MinerName } from '../../../src/core/metric/defaults';
import type { ReferenceCase, ReferenceOutput } from '../case';
import { metricBatch, metricDistanceOptions } from './metricLosses';

const MINERS: Readonly<Record<string, MinerName>> = {
  miner_triplet_margin: 'triplet_margin',
  miner_batch_hard: 'batch_hard',
  miner_batch_easy_hard: 'batch_easy_hard',
  miner_multi_similarity: 'multi_similarity',
  miner_pair_margin: 'pair_margin',
};

/** The miner keys the fixture passes through unchanged. */
const MINER_PARAMS = ['margin', 'type_of_triplets', 'pos_strategy', 'neg_strategy', 'allowed_pos_range', 'allowed_neg_range', 'epsilon', 'pos_margin', 'neg_margin'];

export function runMetricMinerCase(c: ReferenceCase): ReferenceOutput {
  const miner = MINERS[c.fn];
  const { embeddings, labels } = metricBatch(c);
  const options: Record<string, unknown> = { miner, ...metricDistanceOptions(c.params) };
  for (const key of MINER_PARAMS) if (key in c.params) options[key] = c.params[key];
  const result = mine(embeddings, labels, options as MineOptions);
  if (result.kind === 'triplets') {
    const { a, p, n } = result.triplets;
    return { a: [...a], p: [...p], n: [...n], num_triplets: a.length };
  }
  const { a1, p, a2, n } = result.pairs;
  return { a1: [...a1], p: [...p], a2: [...a2], n: [...n], num_pos_pairs: a1.length, num_neg_pairs: a2.length };
}

export const METRIC_MINER_FNS: readonly string[] = Object.keys(MINERS);
