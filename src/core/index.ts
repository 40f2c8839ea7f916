/**
 * LossLab's numeric core, as a library (`dist/core.mjs`): the losses of the Generalized Focal Loss
 * paper and of metric learning, with exact gradients, as pure functions over typed arrays, and the
 * loaders of exported arrays. No `vscode`, no Node built-ins: it runs in Node and in a browser.
 *
 * Only the public API is exported here. The pieces the worker pool and the SIMD paths share between
 * modules (`prepare*`, `*Rows`, `*Into`, tile kernels) are imported from their own files inside
 * LossLab, and are not promised to anyone else.
 */

// Tensors and errors.
export { InputError } from './errors';
export { isTensor, makeTensor, scalar, sizeOf, toNested, toTensor, type NestedArray, type Tensor, type TensorF32 } from './tensor';
export type { Reduction, ReductionOptions } from './reduction';
export type { LossOptions, LossResult } from './losses/types';

// Stable scalar numerics.
export { bceWithLogits, logSigmoid, logSumExp, sigmoid, softplus } from './numerics';

// Dense detection: focal loss, QFL, DFL, GIoU, the GFL head.
export { sigmoidFocalLoss, type FocalOptions } from './losses/focal';
export { qualityFocalLoss, type LabelConvention, type QflOptions, type QflTarget } from './losses/qfl';
export { distributionFocalLoss, type DflOptions, type DflResult } from './losses/dfl';
export { integral, interpolationWeights, type BinConvention, type BinSpec, type IntegralOptions, type IntegralResult } from './distributions';
export { giouLoss, type GiouOptions, type GiouResult } from './losses/giou';
export { bbox2distance, boxOverlaps, distance2bbox, type BoxOverlapOptions, type BoxOverlapResult, type OverlapMode } from './boxes';
export { gflHeadLoss, type GflInputs, type GflLossWeights, type GflOptions, type GflResult } from './losses/gfl';
export { atssAssign, gflAnchors, gflHeadRawLoss, type AtssAssignment, type GflAnchors, type GflHeadRawInputs, type GflHeadRawOptions, type GflHeadRawResult } from './heads/gfl';
export { yolov8Loss, type Yolov8Inputs, type Yolov8Options, type Yolov8Result } from './heads/yolov8';
export { combinedMarginLoss, pmlMarginLoss, type CombinedMarginOptions, type InsightfaceArcForm, type MarginHeadResult, type PmlMarginKind, type PmlMarginOptions } from './heads/margin';
export { angleCensus, type AngleCensus } from './embeddings/angles';
export { centreSimilarity, type CentrePair, type CentreSimilarity } from './embeddings/centres';
export { classDistances, type ClassDistanceRow } from './embeddings/classDistances';

// Metric learning: ArcFace, triplet loss, mining.
export { arcFaceLoss, arcFaceTargetLogit, marginCurves, type ArcFaceForm, type ArcFaceMargins, type ArcFaceOptions, type ArcFaceResult } from './losses/arcface';
export { arcFaceLossFused, type ArcFaceLossOnlyResult } from './losses/arcface/fused';
export { tripletMarginLoss, type TripletOptions } from './losses/triplet';
export { pairwiseDistances, type DistanceKind, type DistanceOptions } from './distances';
export {
  batchAll,
  batchHard,
  semiHardTriplets,
  tripletCensus,
  type BatchAllResult,
  type BatchHardResult,
  type MiningOptions,
  type SemiHardResult,
  type TripletCensus,
} from './mining';

// Exported arrays: .npy, .npz, .safetensors, torch.save (.pt), JSON, CSV.
export { LoadError, isLoadedArray, loadBytes, toFloat64Tensor, type ArrayData, type DType, type FileFormat, type LoadedArray, type LoadedDict, type LoadedFile, type LoadedList, type LoadedValue } from './io';
