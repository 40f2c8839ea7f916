/**
 * Metric-learning workloads (issue 17): pml's miners and pair/triplet losses over 1024 embeddings
 * of 128 dimensions in 64 classes (16 per class), through the public core API with pml's default
 * distances; each loss step includes its gradient. bench/compare-pytorch.py times the same
 * definitions in PyTorch.
 */
import { pca } from '../src/core/embeddings/pca';
import { tripletProjection } from '../src/core/language/figures/projection';
import { metricLoss, type MetricLossOptions } from '../src/core/metric/metricLoss';
import { mine, type MineOptions } from '../src/core/metric/mine';
import type { Tensor } from '../src/core/tensor';
import { gaussian, seededRandom } from '../test/helpers/random';
import type { Workload } from './workloads';

function batch(): { embeddings: Tensor; labels: Tensor } {
  const [B, d] = [1024, 128];
  const embeddings = { shape: [B, d], data: gaussian(seededRandom(17), B * d) };
  const labels = { shape: [B], data: Float64Array.from({ length: B }, (_, i) => i % 64) };
  return { embeddings, labels };
}

const miner = (options: MineOptions) => (): Workload => {
  const { embeddings, labels } = batch();
  return { gradBytes: 0, step: () => mine(embeddings, labels, options) };
};

const loss = (options: MetricLossOptions) => (): Workload => {
  const { embeddings, labels } = batch();
  return { gradBytes: embeddings.data.byteLength, step: () => metricLoss(embeddings, labels, options) };
};

export const METRIC_WORKLOADS: Readonly<Record<string, () => Workload>> = {
  metric_mine_semihard: miner({ miner: 'triplet_margin', type_of_triplets: 'semihard', margin: 0.2 }),
  metric_mine_batch_hard: miner({ miner: 'batch_hard' }),
  metric_mine_multi_similarity: miner({ miner: 'multi_similarity', epsilon: 0.1 }),
  metric_mine_pair_margin: miner({ miner: 'pair_margin' }),
  metric_triplet_all: loss({ loss: 'triplet_margin' }),
  metric_contrastive: loss({ loss: 'contrastive' }),
  metric_multi_similarity: loss({ loss: 'multi_similarity' }),
  // triplet_projection's whole cell call: normalisation, the (B, B) matrix, the census of all
  // 15.5M triplets at 201 slider steps with the 300 hardest kept, and the 2-axis PCA.
  metric_triplet_projection: (): Workload => {
    const { embeddings, labels } = batch();
    return { gradBytes: 0, step: () => tripletProjection([embeddings, labels, { margin: 0.2 }]) };
  },
  // The PCA alone at the size the view is meant for: 3000 embeddings of 512 dimensions, 3 axes
  // (the covariance's N·D² product, then subspace iteration).
  embedding_pca_3000x512: (): Workload => {
    const x = { shape: [3000, 512], data: gaussian(seededRandom(5), 3000 * 512) };
    return { gradBytes: 0, step: () => pca(x, 3) };
  },
};
