/**
 * `loss_triplet_margin`, `loss_contrastive` and `loss_multi_similarity` cases of
 * metric-learning.json (pml v2.8.1) → `metricLoss`. The fixture's optional `triplets` / `pairs`
 * inputs are the loss's `indices_tuple` (0-based rows, as the core takes them); its params are
 * pml's argument names, which `metricLoss` takes as they are.
 */
import type { MetricDistanceOptions } from '../../../src/core/metric/distance';
import { metricLoss, type MetricLossOptions } from '../../../src/core/metric/metricLoss';
import type { MetricLossName } from '../../../src/core/metric/defaults';
import { toNested, type Tensor } from '../../../src/core/tensor';
import { fixtureTensor, type ReferenceCase, type ReferenceOutput } from '../case';
import { embeddingWidth } from './triplet';

const LOSSES: Readonly<Record<string, MetricLossName>> = {
  loss_triplet_margin: 'triplet_margin',
  loss_contrastive: 'contrastive',
  loss_multi_similarity: 'multi_similarity',
};

const LOSS_PARAMS = ['margin', 'swap', 'smooth_loss', 'reducer', 'reducer_low', 'reducer_high', 'pos_margin', 'neg_margin', 'alpha', 'beta', 'base'];

export function metricBatch(c: ReferenceCase): { embeddings: Tensor; labels: Tensor } {
  return {
    embeddings: fixtureTensor(c.fn, 'embeddings', c.inputs.embeddings, [embeddingWidth(c.inputs.embeddings)]),
    labels: fixtureTensor(c.fn, 'labels', c.inputs.labels),
  };
}

/** The fixture's distance keys; `normalize_embeddings` is absent for cosine, which always normalises. */
export function metricDistanceOptions(params: Readonly<Record<string, unknown>>): MetricDistanceOptions {
  const out: Record<string, unknown> = {};
  for (const key of ['distance', 'p', 'power', 'normalize_embeddings']) if (key in params) out[key] = params[key];
  return out as MetricDistanceOptions;
}

function indices(value: unknown): Int32Array {
  return Int32Array.from(value as number[]);
}

export function runMetricLossCase(c: ReferenceCase): ReferenceOutput {
  const { embeddings, labels } = metricBatch(c);
  const options: Record<string, unknown> = { loss: LOSSES[c.fn], ...metricDistanceOptions(c.params) };
  for (const key of LOSS_PARAMS) if (key in c.params) options[key] = c.params[key];
  const t = c.inputs.triplets as Record<string, unknown> | undefined;
  const q = c.inputs.pairs as Record<string, unknown> | undefined;
  const given =
    t !== undefined
      ? { kind: 'triplets' as const, triplets: { a: indices(t.a), p: indices(t.p), n: indices(t.n) } }
      : q !== undefined
        ? { kind: 'pairs' as const, pairs: { a1: indices(q.a1), p: indices(q.p), a2: indices(q.a2), n: indices(q.n) } }
        : undefined;
  const r = metricLoss(embeddings, labels, options as MetricLossOptions, given);
  const out: ReferenceOutput = { loss: r.value, grad_embeddings: toNested(r.grad) };
  for (const [key, value] of Object.entries(r.parts)) out[key] = typeof value === 'number' ? value : [...value];
  // pml's multi-similarity losses keep their row dimension (logsumexp with keepdim): (B, 1).
  if (r.loss === 'multi_similarity') out.losses = [...(r.parts.losses as Float64Array)].map((v) => [v]);
  return out;
}

export const METRIC_LOSS_FNS: readonly string[] = Object.keys(LOSSES);
