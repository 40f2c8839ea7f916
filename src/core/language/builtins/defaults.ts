import { PML_DEFAULTS } from '../../metric/defaults';
import { REDUCTION_OPTIONS, type OptionSpec } from '../options';

/**
 * The options of the losses, the miners and the box overlaps, with their defaults: the one place
 * the cell functions, their scalar forms (scalars.ts), the hovers (formulas/catalog.ts) and the
 * reference in docs/language.md read a default from.
 */

/** The float32 mode of the elementwise losses (docs/performance.md has each one's accuracy bound). */
export const ELEMENTWISE_PRECISION: OptionSpec = {
  key: 'precision',
  type: 'string',
  default: 'float64',
  values: ['float64', 'float32'],
  description: "'float32': f32x4 SIMD arithmetic (about 2× faster; each element within a few units of 2⁻²⁴ relative)",
};

export const DISTANCE_OPTION: OptionSpec = {
  key: 'distance',
  type: 'string',
  default: 'euclidean',
  values: ['euclidean', 'squared-euclidean', 'cosine'],
  description: 'distance between embeddings',
};

export const FOCAL_OPTIONS: readonly OptionSpec[] = [
  { key: 'alpha', type: 'number', default: 0.25, description: 'weight of positives; −1 turns weighting off' },
  { key: 'gamma', type: 'number', default: 2, description: 'focusing exponent γ of (1 − p_t)^γ' },
  ELEMENTWISE_PRECISION,
  ...REDUCTION_OPTIONS,
];

export const QFL_OPTIONS: readonly OptionSpec[] = [
  { key: 'beta', type: 'number', default: 2, description: 'exponent β of |y − σ|^β' },
  { key: 'activated', type: 'boolean', default: false, description: 'pred holds probabilities, not logits' },
  { key: 'background', type: 'string', default: 'last', values: ['last', 'first'], description: "background label: 'last' = C (mmdetection), 'first' = 0 (GFocal)" },
  ELEMENTWISE_PRECISION,
  ...REDUCTION_OPTIONS,
];

export const BIN_OPTIONS: readonly OptionSpec[] = [
  { key: 'bins', type: 'number', description: 'number of bins (default: the width of pred)' },
  { key: 'reg_max', type: 'number', description: 'reg_max, with convention' },
  { key: 'convention', type: 'string', values: ['mmdetection', 'ultralytics'], description: "'mmdetection': reg_max + 1 bins; 'ultralytics': reg_max bins" },
];

export const ARCFACE_OPTIONS: readonly OptionSpec[] = [
  { key: 's', type: 'number', default: 64, description: 'scale of the logits' },
  { key: 'm', type: 'number', default: 0.5, description: 'additive angular margin (radians)' },
  { key: 'easy_margin', type: 'boolean', default: false, description: 'apply the margin only where cos θ > 0' },
  { key: 'form', type: 'string', default: 'insightface', values: ['insightface', 'paper', 'combined'], description: 'margin form' },
  { key: 'm1', type: 'number', default: 1, description: "SphereFace multiplicative margin (form 'combined')" },
  { key: 'm2', type: 'number', default: 0.5, description: "ArcFace additive angular margin (form 'combined')" },
  { key: 'm3', type: 'number', default: 0, description: "CosFace additive cosine margin (form 'combined')" },
  { key: 'precision', type: 'string', default: 'float64', values: ['float64', 'float32'], description: "'float32': the matrix products in float32 SIMD (faster; cosines within (d + 2)·2⁻²⁴)" },
  {
    key: 'outputs',
    type: 'string',
    default: 'all',
    values: ['all', 'loss'],
    description: "'loss': loss, per_element, angles and grad only, computed over class tiles without the (B, C) logits and cosines (for 10⁵-class heads: memory stays near W's size)",
  },
  ...REDUCTION_OPTIONS,
];

export const TRIPLET_OPTIONS: readonly OptionSpec[] = [
  { key: 'margin', type: 'number', default: 1, description: 'margin α of max(d_ap − d_an + α, 0)' },
  { key: 'p', type: 'number', default: 2, description: 'order of the p-norm distance' },
  { key: 'eps', type: 'number', default: 1e-6, description: 'added to each difference, as PyTorch does' },
  { key: 'swap', type: 'boolean', default: false, description: 'use min(d(a,n), d(p,n)) as the negative distance' },
  { key: 'soft', type: 'boolean', default: false, description: 'softplus(d_ap − d_an) instead of the hinge' },
  DISTANCE_OPTION,
  ...REDUCTION_OPTIONS,
];

export const GFL_OPTIONS: readonly OptionSpec[] = [
  { key: 'stride', type: 'number', description: "the level's stride in pixels (required)" },
  { key: 'reg_max', type: 'number', default: 16, description: 'mmdetection reg_max: reg_max + 1 bins per side' },
  { key: 'beta', type: 'number', default: 2, description: 'QFL β' },
  { key: 'background', type: 'string', default: 'last', values: ['last', 'first'], description: 'background label convention' },
  { key: 'loss_weight', type: 'any', description: 'multipliers {cls: 1, bbox: 2, dfl: 0.25}' },
];

export const MINING_OPTIONS: readonly OptionSpec[] = [
  { key: 'margin', type: 'number', default: 0.3, description: 'margin α' },
  { key: 'soft', type: 'boolean', default: false, description: 'softplus(d_ap − d_an) instead of the hinge' },
  DISTANCE_OPTION,
];

/** The distance of `mine` and `metric_loss`: pml's LpDistance or CosineSimilarity. */
export const METRIC_DISTANCE_OPTIONS: readonly OptionSpec[] = [
  { key: 'distance', type: 'string', values: ['lp', 'cosine'], description: "'lp' (pml LpDistance) or 'cosine' (CosineSimilarity, inverted: larger is closer); default the pml class's: cosine for multi_similarity, lp otherwise" },
  { key: 'p', type: 'number', default: PML_DEFAULTS.LpDistance.p, description: 'order of the Lp norm' },
  { key: 'power', type: 'number', default: PML_DEFAULTS.LpDistance.power, description: 'the matrix is raised to this power' },
  { key: 'normalize_embeddings', type: 'boolean', default: PML_DEFAULTS.LpDistance.normalize_embeddings, description: 'L2-normalise rows first, x / max(‖x‖, 1e-12), as pml does by default (always for cosine)' },
];

/** mine: pml's miners, each option with its class's default. */
export const MINE_OPTIONS: readonly OptionSpec[] = [
  { key: 'miner', type: 'string', default: 'triplet_margin', values: ['triplet_margin', 'batch_hard', 'batch_easy_hard', 'multi_similarity', 'pair_margin'], description: 'which pml miner' },
  ...METRIC_DISTANCE_OPTIONS,
  { key: 'margin', type: 'number', default: PML_DEFAULTS.TripletMarginMiner.margin, description: 'triplet_margin: margin of the triplet categories' },
  { key: 'type_of_triplets', type: 'string', default: PML_DEFAULTS.TripletMarginMiner.type_of_triplets, values: ['all', 'hard', 'semihard', 'easy'], description: "triplet_margin: 'all' = not easy (m ≤ margin), 'hard' = m ≤ 0 (ties included), 'semihard' = 0 < m ≤ margin, 'easy' = m > margin" },
  { key: 'pos_strategy', type: 'string', default: PML_DEFAULTS.BatchEasyHardMiner.pos_strategy, values: ['easy', 'semihard', 'hard', 'all'], description: 'batch_easy_hard: which positive per anchor' },
  { key: 'neg_strategy', type: 'string', default: PML_DEFAULTS.BatchEasyHardMiner.neg_strategy, values: ['easy', 'semihard', 'hard', 'all'], description: 'batch_easy_hard: which negative per anchor' },
  { key: 'allowed_pos_range', type: 'any', description: 'batch_easy_hard: [lo, hi] of allowed positive values (default none)' },
  { key: 'allowed_neg_range', type: 'any', description: 'batch_easy_hard: [lo, hi] of allowed negative values (default none)' },
  { key: 'epsilon', type: 'number', default: PML_DEFAULTS.MultiSimilarityMiner.epsilon, description: 'multi_similarity: slack ε of the pair conditions' },
  { key: 'pos_margin', type: 'number', default: PML_DEFAULTS.PairMarginMiner.pos_margin, description: 'pair_margin: positives farther than this' },
  { key: 'neg_margin', type: 'number', default: PML_DEFAULTS.PairMarginMiner.neg_margin, description: 'pair_margin: negatives nearer than this' },
];

/** metric_loss: pml's pair and triplet losses, each option with its class's default. */
export const METRIC_LOSS_OPTIONS: readonly OptionSpec[] = [
  { key: 'loss', type: 'string', default: 'triplet_margin', values: ['triplet_margin', 'contrastive', 'multi_similarity'], description: 'which pml loss' },
  ...METRIC_DISTANCE_OPTIONS,
  { key: 'reducer', type: 'string', values: ['mean', 'avg_non_zero', 'threshold'], description: "default the loss's: avg_non_zero (triplet_margin, contrastive per side), mean (multi_similarity)" },
  { key: 'reducer_low', type: 'number', description: "threshold: keep losses > low (strict)" },
  { key: 'reducer_high', type: 'number', description: 'threshold: keep losses < high (strict)' },
  { key: 'margin', type: 'number', default: PML_DEFAULTS.TripletMarginLoss.margin, description: 'triplet_margin: α of relu(d_ap − d_an + α)' },
  { key: 'swap', type: 'boolean', default: PML_DEFAULTS.TripletMarginLoss.swap, description: 'triplet_margin: use the closer of d(a, n) and d(p, n)' },
  { key: 'smooth_loss', type: 'boolean', default: PML_DEFAULTS.TripletMarginLoss.smooth_loss, description: 'triplet_margin: softplus(d_ap − d_an + α) instead of the hinge' },
  { key: 'pos_margin', type: 'number', default: PML_DEFAULTS.ContrastiveLoss.pos_margin, description: 'contrastive: positives cost relu(d − pos_margin)' },
  { key: 'neg_margin', type: 'number', default: PML_DEFAULTS.ContrastiveLoss.neg_margin, description: 'contrastive: negatives cost relu(neg_margin − d)' },
  { key: 'alpha', type: 'number', default: PML_DEFAULTS.MultiSimilarityLoss.alpha, description: 'multi_similarity: scale of the positive term' },
  { key: 'beta', type: 'number', default: PML_DEFAULTS.MultiSimilarityLoss.beta, description: 'multi_similarity: scale of the negative term' },
  { key: 'base', type: 'number', default: PML_DEFAULTS.MultiSimilarityLoss.base, description: 'multi_similarity: the similarity offset λ' },
  { key: 'miner', type: 'any', description: "a miner's name, or its options such as {miner: 'batch_hard'}, run on the batch first (default none: every triplet or pair)" },
];

export const DFL_OPTIONS: readonly OptionSpec[] = [...BIN_OPTIONS, ELEMENTWISE_PRECISION, ...REDUCTION_OPTIONS];

export const GIOU_OPTIONS: readonly OptionSpec[] = [{ key: 'eps', type: 'number', default: 1e-7, description: 'floor of the union and the enclosing area' }, ...REDUCTION_OPTIONS];

export const IOU_OPTIONS: readonly OptionSpec[] = [
  { key: 'mode', type: 'string', default: 'iou', values: ['iou', 'giou', 'diou', 'ciou'], description: 'which overlap' },
  { key: 'eps', type: 'number', default: 1e-6, description: 'floor of the union' },
];

/** gfl_head: mmdetection's GFLHead as configs/gfl/gfl_r50_fpn_1x_coco.py sets it up. */
export const GFL_HEAD_OPTIONS: readonly OptionSpec[] = [
  { key: 'num_classes', type: 'number', description: 'C, checked against the maps (default: their class channels)' },
  { key: 'strides', type: 'any', description: 'one stride per level (default [8, 16, 32, 64, 128], the FPN levels P3–P7)' },
  { key: 'reg_max', type: 'number', default: 16, description: 'mmdetection reg_max: reg_max + 1 bins per side' },
  { key: 'octave_base_scale', type: 'number', default: 8, description: "the anchors' side in strides (one square anchor per location)" },
  { key: 'topk', type: 'number', default: 9, description: 'ATSS candidates per level and GT box' },
  { key: 'beta', type: 'number', default: 2, description: 'QFL exponent β' },
  { key: 'loss_weight', type: 'any', description: 'multipliers {cls: 1, bbox: 2, dfl: 0.25}' },
  { key: 'giou_eps', type: 'number', default: 1e-6, description: "GIoULoss's eps: the union and enclosing area are floored at it" },
  { key: 'img_shape', type: 'any', description: "[H, W] of the padded image (default: the data's img_shape)" },
];

/** yolov8_loss: ultralytics' v8DetectionLoss with ultralytics/cfg/default.yaml's gains. */
export const YOLOV8_OPTIONS: readonly OptionSpec[] = [
  { key: 'num_classes', type: 'number', description: "C, checked against the maps (default: their channels − 4·reg_max)" },
  { key: 'strides', type: 'any', description: 'one stride per level (default [8, 16, 32], P3–P5)' },
  { key: 'reg_max', type: 'number', default: 16, description: 'ultralytics reg_max: reg_max bins per side (0 … 15)' },
  { key: 'box', type: 'number', default: 7.5, description: 'gain of the CIoU box loss (hyp.box)' },
  { key: 'cls', type: 'number', default: 0.5, description: 'gain of the BCE class loss (hyp.cls)' },
  { key: 'dfl', type: 'number', default: 1.5, description: 'gain of the DFL (hyp.dfl)' },
  { key: 'topk', type: 'number', default: 10, description: 'TaskAlignedAssigner: positives per GT box' },
  { key: 'alpha', type: 'number', default: 0.5, description: 'TaskAlignedAssigner: exponent of the class score in the alignment metric' },
  { key: 'beta', type: 'number', default: 6, description: 'TaskAlignedAssigner: exponent of the CIoU in the alignment metric' },
  { key: 'img_shape', type: 'any', description: '[H, W] that normalised batch boxes scale by (default: 8 × the first map, as ultralytics infers it)' },
];

/**
 * margin_head: pytorch-metric-learning's margin heads and insightface's CombinedMarginLoss. The
 * margin and scale defaults depend on the head (pml's: ArcFace 28.6°, CosFace 0.35, SphereFace 4
 * with scale 1), so they are documented rather than declared.
 */
export const MARGIN_HEAD_OPTIONS: readonly OptionSpec[] = [
  { key: 'head', type: 'string', default: 'arcface', values: ['arcface', 'cosface', 'sphereface', 'subcenter_arcface', 'combined'], description: "which head; 'combined' is insightface's CombinedMarginLoss(s, m1, m2, m3), implied by s, m1, m2 or m3 (and subcenter_arcface by sub_centers)" },
  { key: 'convention', type: 'string', values: ['pml', 'insightface'], description: "whose definition and W layout: 'pml' (default; W (d, C·k), margins in pml's units) or 'insightface' (W (C, d), radians, arcface and cosface only; implied by 'combined', interclass_filtering_threshold and arc_form)" },
  { key: 'margin', type: 'number', description: "pml: degrees for the ArcFace heads (28.6), a cosine for cosface (0.35), an integer for sphereface (4); insightface: radians (0.5) or a cosine (0.35)" },
  { key: 'scale', type: 'number', description: 'logit scale: 64, sphereface 1 (its logits are also multiplied by ‖x‖)' },
  { key: 'sub_centers', type: 'number', default: 3, description: "sub-centres per class for 'subcenter_arcface' (W's columns class-major)" },
  { key: 's', type: 'number', default: 64, description: "'combined': scale" },
  { key: 'm1', type: 'number', default: 1, description: "'combined': must be 1 unless m3 > 0 (insightface has no SphereFace branch)" },
  { key: 'm2', type: 'number', default: 0.5, description: "'combined': ArcFace angle in radians; ignored when m3 > 0" },
  { key: 'm3', type: 'number', default: 0, description: "'combined': CosFace offset; m3 > 0 takes the CosFace branch" },
  { key: 'interclass_filtering_threshold', type: 'number', default: 0, description: 'insightface: non-target cosines above it are zeroed (0: off)' },
  { key: 'arc_form', type: 'string', default: 'paper', values: ['paper', 'threshold'], description: "insightface's ArcFace branch: 'paper' (HEAD: cos(θ + m2), its backward is not the true gradient) or 'threshold' (5ef98047)" },
];

/** The options of the builtins the formula catalog describes, by builtin name, for the hovers' defaults. */
export const OPTIONS_BY_BUILTIN: ReadonlyMap<string, readonly OptionSpec[]> = new Map([
  ['focal', FOCAL_OPTIONS],
  ['qfl', QFL_OPTIONS],
  ['dfl', DFL_OPTIONS],
  ['giou', GIOU_OPTIONS],
  ['gfl', GFL_OPTIONS],
  ['gfl_head', GFL_HEAD_OPTIONS],
  ['yolov8_loss', YOLOV8_OPTIONS],
  ['arcface', ARCFACE_OPTIONS],
  ['triplet', TRIPLET_OPTIONS],
  ['batch_hard', MINING_OPTIONS],
  ['batch_all', MINING_OPTIONS],
  ['semi_hard', MINING_OPTIONS],
  ['iou', IOU_OPTIONS],
  ['margin_head', MARGIN_HEAD_OPTIONS],
  ['mine', MINE_OPTIONS],
  ['metric_loss', METRIC_LOSS_OPTIONS],
]);
