/**
 * Margin classification heads at parity with their libraries: pytorch-metric-learning's ArcFace,
 * CosFace, SphereFace and sub-centre ArcFace (pml.ts), and insightface's CombinedMarginLoss
 * (insightface.ts), over one cosine matrix and its backward (cosines.ts), each head's target
 * margin (targets.ts) and the softmax cross-entropy (crossEntropy.ts).
 */
export { pmlMarginLoss, PML_MARGIN_DEFAULTS, PML_MARGIN_KINDS, radiansOf, type PmlMarginKind, type PmlMarginOptions } from './pml';
export { combinedMarginLoss, type CombinedMarginOptions, type InsightfaceArcForm } from './insightface';
export { INSIGHTFACE_PROBABILITY_FLOOR } from './crossEntropy';
export type { MarginHeadResult } from './result';
