/**
 * pytorch-metric-learning v2.8.1's constructor defaults, per class: the one table the dispatchers
 * (`mine.ts`, `metricLoss.ts`), the cell options (`language/builtins/defaults.ts`) and the hovers
 * (`formulas/catalog.ts`) read. Keys are pml's argument names.
 */
export const PML_DEFAULTS = {
  LpDistance: { p: 2, power: 1, normalize_embeddings: true },
  CosineSimilarity: { power: 1, normalize_embeddings: true },
  TripletMarginMiner: { margin: 0.2, type_of_triplets: 'all', distance: 'lp' },
  BatchHardMiner: { distance: 'lp' },
  BatchEasyHardMiner: { pos_strategy: 'easy', neg_strategy: 'semihard', allowed_pos_range: null, allowed_neg_range: null, distance: 'lp' },
  MultiSimilarityMiner: { epsilon: 0.1, distance: 'cosine' },
  PairMarginMiner: { pos_margin: 0.2, neg_margin: 0.8, distance: 'lp' },
  TripletMarginLoss: { margin: 0.05, swap: false, smooth_loss: false, triplets_per_anchor: 'all', reducer: 'avg_non_zero', distance: 'lp' },
  ContrastiveLoss: { pos_margin: 0, neg_margin: 1, reducer: 'avg_non_zero', distance: 'lp' },
  MultiSimilarityLoss: { alpha: 2, beta: 50, base: 0.5, reducer: 'mean', distance: 'cosine' },
  MeanReducer: {},
  AvgNonZeroReducer: { low: 0 },
  ThresholdReducer: { low: null, high: null },
} as const;

/** The miners `mine` knows, by LossLab name, with the pml class each one is. */
export const MINER_CLASSES = {
  triplet_margin: 'TripletMarginMiner',
  batch_hard: 'BatchHardMiner',
  batch_easy_hard: 'BatchEasyHardMiner',
  multi_similarity: 'MultiSimilarityMiner',
  pair_margin: 'PairMarginMiner',
} as const;

/** The losses `metric_loss` knows, by LossLab name, with the pml class each one is. */
export const METRIC_LOSS_CLASSES = {
  triplet_margin: 'TripletMarginLoss',
  contrastive: 'ContrastiveLoss',
  multi_similarity: 'MultiSimilarityLoss',
} as const;

export type MinerName = keyof typeof MINER_CLASSES;
export type MetricLossName = keyof typeof METRIC_LOSS_CLASSES;
