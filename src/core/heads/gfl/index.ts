/**
 * mmdetection's GFL head from raw per-level outputs: the priors, the ATSS assigner and the loss
 * over all levels and images with its gradients.
 */
export { gflAnchors, type AnchorLevel, type AnchorOptions, type GflAnchors } from './anchors';
export { atssAssign, type AtssAssignment, type AtssOptions } from './atss';
export type { GflHeadRawInputs, GflHeadRawOptions } from './inputs';
export { gflHeadRawLoss, type GflHeadRawResult } from './head';
