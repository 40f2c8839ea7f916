import { gflHeadLoss, type GflInputs, type GflOptions, type GflResult } from '../losses/gfl';
import type { LabelConvention } from '../losses/qfl';
import { CORE_ROW_LOSSES, type RowLossFunctions } from '../losses/registry';
import { arcFaceLoss, type ArcFaceOptions, type ArcFaceResult } from '../losses/arcface';
import { arcFaceLossFused, type ArcFaceLossOnlyResult } from '../losses/arcface/fused';
import { batchHard } from '../mining';
import type { Precision } from '../simd/path';
import type { Tensor, TensorF32 } from '../tensor';

/**
 * What a host may plug into a Session: faster loss implementations and the file streaming that only a host
 * with a file system can do. The core itself stays pure (it runs in browsers too); the Node hosts
 * (kernel worker, CLI) pass the worker-thread pool's drop-ins and a .npy streamer.
 */

/**
 * The losses the language's loss functions call, with the core's signatures: every row loss of
 * the registry (losses/registry.ts) by its name, and the losses that are not row losses. A host's
 * replacement must return the same values (the parallel pool's are bitwise equal per element).
 */
export interface LossImplementations extends RowLossFunctions {
  readonly gflHeadLoss: (inputs: GflInputs, options: GflOptions) => GflResult;
  readonly arcFaceLoss: (x: Tensor | TensorF32, W: Tensor | TensorF32, labels: Tensor, options?: ArcFaceOptions) => ArcFaceResult;
  /** ArcFace over class tiles without the (B, C) logits and cosines (`arcface(…, {outputs: 'loss'})`). */
  readonly arcFaceLossFused: (x: Tensor | TensorF32, W: Tensor | TensorF32, labels: Tensor, options?: ArcFaceOptions) => ArcFaceLossOnlyResult;
  readonly batchHard: typeof batchHard;
}

/** The core's single-threaded losses: the default, and the only choice in a browser. */
export const CORE_LOSSES: LossImplementations = {
  ...CORE_ROW_LOSSES,
  gflHeadLoss: (inputs, options) => gflHeadLoss(inputs, options),
  arcFaceLoss: (x, W, labels, options) => arcFaceLoss(x, W, labels, options),
  arcFaceLossFused: (x, W, labels, options) => arcFaceLossFused(x, W, labels, options),
  batchHard,
};

/** The core's losses with a host's replacements laid over them. */
export function withCoreLosses(replacements: Partial<LossImplementations> = {}): LossImplementations {
  return { ...CORE_LOSSES, ...replacements };
}

/** `qfl_stream(pred_path, label_path, score_path, {…})` as the host receives it: paths as written in the cell. */
export interface QflStreamRequest {
  /** (N, C) logits, (N) labels and (N) IoU scores: .npy files, read in row chunks. */
  readonly pred: string;
  readonly label: string;
  readonly score: string;
  readonly beta?: number;
  readonly labelConvention?: LabelConvention;
  readonly reduction?: 'mean' | 'sum';
  readonly chunkRows?: number;
  /** QFL's precision: 'float32' streams float32 pred chunks into the f32x4 kernels undecoded. */
  readonly precision?: Precision;
}

/** What the host returns: the reduced loss over every row, and how the files were read. */
export interface QflStreamSummary {
  readonly loss: number;
  readonly rows: number;
  readonly classes: number;
  readonly chunks: number;
}

/** Streams QFL over files; provided by hosts with a file system. */
export type QflStreamHost = (request: QflStreamRequest) => QflStreamSummary;
