import { angleHist, ANGLE_HIST_OPTIONS, CENTRE_SIMILARITY_OPTIONS, centreSimilarityView, CLASS_DISTANCES_OPTIONS, classDistancesView } from '../figures/embedding';
import { TRIPLET_PROJECTION_OPTIONS, tripletProjection } from '../figures/projection';
import type { ValueBuiltin } from './types';

/* The views of an embedding export (embeddings, labels, class centres W): angles, centres, class distances. */

const ANGLE_HIST: ValueBuiltin = {
  name: 'angle_hist',
  room: 'embedding',
  signatures: ['angle_hist(x, W, labels, {m, convention, bins, top, title})'],
  summary:
    "The ArcFace paper's angle distribution: histograms of the target angles θ_y and of the non-target angles θ_j in degrees (each as fractions of its count), with m and π − m marked and the samples past π − m listed by 1-based row. W (d, C) as columns (convention \"insightface\": (C, d) rows).",
  arities: [[3, 4]],
  options: ANGLE_HIST_OPTIONS,
  optionPositions: [3],
  example: 'angle_hist([[1, 2, 3], [3, 1, 0], [-1, -2, 0]], [[1, 0, 2], [0, 1, 1], [1, 1, 0]], [0, 2, 1], {m: 0.5, bins: 36})',
  call: (args) => angleHist(args),
};

const CENTRE_SIMILARITY: ValueBuiltin = {
  name: 'centre_similarity',
  room: 'embedding',
  signatures: ['centre_similarity(W, {top, convention, max_classes, title})'],
  summary:
    'The cosine matrix of the class centres as a heatmap over class ids, with the most similar pairs listed: a pair near 1 is a duplicated or collapsed class. W (d, C) as columns (convention "insightface": (C, d) rows).',
  arities: [[1, 2]],
  options: CENTRE_SIMILARITY_OPTIONS,
  optionPositions: [1],
  example: 'centre_similarity([[1, 0, 2, 1.01], [0, 1, 1, 0.02], [1, 1, 0, 0.99]], {top: 3})',
  call: (args) => centreSimilarityView(args),
};

const CLASS_DISTANCES: ValueBuiltin = {
  name: 'class_distances',
  room: 'embedding',
  signatures: ['class_distances(emb, labels, {normalize, k, title})'],
  summary:
    "Per class: its size, the mean and largest distance inside it, the smallest and mean distance to other classes, the nearest other class and the gap (smallest inter − largest intra; negative: another class reaches inside its spread), the smallest gap first. Distances are Euclidean between L2-normalised embeddings (pml's default), or raw with normalize: false.",
  arities: [[2, 3]],
  options: CLASS_DISTANCES_OPTIONS,
  optionPositions: [2],
  example: 'class_distances([[0, 0], [0, 1], [1.2, 0], [1.2, 1], [0.6, 0.5]], [0, 0, 1, 1, 0], {normalize: false})',
  call: (args) => classDistancesView(args),
};

const TRIPLET_PROJECTION: ValueBuiltin = {
  name: 'triplet_projection',
  room: 'embedding',
  signatures: ['triplet_projection(emb, labels, {miner, type_of_triplets, margin, margin_max, distance, p, power, normalize_embeddings, dims, max_triplets, draw, title})'],
  summary:
    "The mined triplets on the batch's first 2 or 3 principal axes (PCA of the embeddings the distance measures: L2-normalised by pml's default): points by class, each triplet as segments anchor → positive and anchor → negative coloured by pml's TripletMarginMiner categories from its distances in the original space (easy d_an − d_ap > margin, semi-hard 0 < d_an − d_ap ≤ margin, hard d_an − d_ap ≤ 0, ties hard; cosine: s_ap − s_an). A margin slider recolours them in the figure, without re-running the cell; the counts cover every mined triplet; max_triplets of them are drawn, the hardest or (draw: \"sample\") a uniform sample.",
  arities: [[2, 3]],
  options: TRIPLET_PROJECTION_OPTIONS,
  optionPositions: [2],
  example: 'triplet_projection([[0, 0, 1], [0, 1, 0.2], [1, 0, 0], [1, 1.2, 0.1], [0.5, 0.4, 0.9]], [0, 0, 1, 1, 0], {margin: 0.2})',
  call: (args) => tripletProjection(args),
};

export const EMBEDDING_BUILTINS: readonly ValueBuiltin[] = [ANGLE_HIST, CENTRE_SIMILARITY, CLASS_DISTANCES, TRIPLET_PROJECTION];
