/**
 * Multi-threaded drop-ins for the embedding losses, ArcFace and batch-hard mining: the core's
 * signatures and, bit for bit, the core's results.
 *
 * ArcFace: the core asks its ArcFaceHost for the (B, C) buffers, W's column norms, the three
 * products and the row and column passes between them; these hand out SharedArrayBuffers and split
 * the norms, each product and the column pass (gradW's normalization backward) into column
 * ranges, one per thread, and the row pass into row ranges. A range computes each element with
 * the same operations as the whole (columnNormsRangeInto, productColumnsInto, arcFaceRows,
 * arcFaceColumns), so every output is identical to the single-threaded one whatever the number
 * of threads.
 *
 * Batch-hard: the upper triangle of tiles is cut into contiguous runs of tile rows of about equal
 * work, one per thread, each mining its own (B) candidate block; the caller merges the blocks in
 * order (farther positive / nearer negative, ties to the lower index), which is exactly what the
 * one-pass scan keeps, then finishes (roots, losses, gradient) as the core does.
 */
import { arcFaceLoss, type ArcFaceHost, type ArcFaceOptions, type ArcFaceResult } from '../../core/losses/arcface';
import { arcFaceLossFused, CLASS_TILE, KEEP_PRODUCTS_BYTES, type ArcFaceLossOnlyResult } from '../../core/losses/arcface/fused';
import { arcFaceColumns, arcFaceRows, type ArcFaceJob } from '../../core/losses/arcface/job';
import { productColumnsInto, productOnSimd, type ProductRequest } from '../../core/matmul';
import {
  batchHard,
  emptyCandidates,
  finishBatchHard,
  mergeCandidates,
  prepareBatchHard,
  tileRowCount,
  type BatchHardResult,
  type MiningOptions,
} from '../../core/mining';
import { columnNormsRangeInto } from '../../core/normalize';
import type { FloatArray } from '../../core/simd/path';
import type { Tensor, TensorF32 } from '../../core/tensor';
import type { ParallelPool } from './pool';
import { sharedFloat64 } from './shared';
import { SLOTS, type BlockedTask, type LossTask } from './tasks';
import { PARALLEL_MIN_BATCH_HARD_WORK, PARALLEL_MIN_ELEMENTS, PARALLEL_MIN_PRODUCT_WORK } from './threshold';

export interface EmbeddingTuning {
  /** Products of fewer multiply-adds (M·K·N) run on the calling thread (default PARALLEL_MIN_PRODUCT_WORK). */
  readonly minProductWork?: number;
  /** Batches with fewer B²·d/2 pair terms run on the calling thread (default PARALLEL_MIN_BATCH_HARD_WORK). */
  readonly minBatchHardWork?: number;
  /** ArcFace's (B, C) row and column passes below this many elements stay on the caller (default PARALLEL_MIN_ELEMENTS). */
  readonly minElements?: number;
}

export interface ParallelEmbeddingLosses {
  readonly arcFaceLoss: (x: Tensor | TensorF32, W: Tensor | TensorF32, labels: Tensor, options?: ArcFaceOptions) => ArcFaceResult;
  /**
   * The tiled ArcFace: each tile's products split between the threads by output columns (the same
   * bits as one thread), its row passes on the calling thread. x and W are read where they are
   * when already shared (a loaded export), else copied into shared memory once per call.
   */
  readonly arcFaceLossFused: (x: Tensor | TensorF32, W: Tensor | TensorF32, labels: Tensor, options?: ArcFaceOptions) => ArcFaceLossOnlyResult;
  readonly batchHard: typeof batchHard;
}

export function parallelEmbeddingLosses(pool: ParallelPool, tuning: EmbeddingTuning = {}): ParallelEmbeddingLosses {
  const minProductWork = tuning.minProductWork ?? PARALLEL_MIN_PRODUCT_WORK;
  const minBatchHardWork = tuning.minBatchHardWork ?? PARALLEL_MIN_BATCH_HARD_WORK;
  const products = poolArcFaceHost(pool, minProductWork, tuning.minElements ?? PARALLEL_MIN_ELEMENTS);

  const arcFace = (x: Tensor | TensorF32, W: Tensor | TensorF32, labels: Tensor, options: ArcFaceOptions = {}): ArcFaceResult => {
    const B = x.shape[0] ?? 0;
    const d = x.shape[1] ?? 0;
    const C = W.shape[1] ?? 0;
    // Malformed shapes go straight to the core, which names the culprit.
    if (pool.threads < 2 || x.shape.length !== 2 || W.shape.length !== 2 || B * d * C < minProductWork) {
      return arcFaceLoss(x, W, labels, options);
    }
    try {
      return arcFaceLoss(shareTensor(x), shareTensor(W), labels, options, products);
    } catch (error) {
      if (error instanceof PoolFailed) return arcFaceLoss(x, W, labels, options);
      throw error;
    }
  };

  const hard: typeof batchHard = (embeddings, labels, options: MiningOptions = {}): BatchHardResult => {
    const B = embeddings.shape[0] ?? 0;
    const d = embeddings.shape[1] ?? 0;
    if (pool.threads < 2 || embeddings.shape.length !== 2 || (B * B * d) / 2 < minBatchHardWork) return batchHard(embeddings, labels, options);
    const job = prepareBatchHard(shareTensor(embeddings), labels, options);
    const bounds = balancedTileRows(tileRowCount(job), pool.threads);
    const slots = bounds.length - 1;
    const candidates = emptyCandidates(job.B, slots, (bytes) => new SharedArrayBuffer(bytes));
    const partials = runTask(pool, { kind: 'batchHard', job, bounds, candidates }, slots, 1);
    if (partials === null) return batchHard(embeddings, labels, options);
    const merged = emptyCandidates(job.B);
    let largest = 0;
    for (let slot = 0; slot < slots; slot++) {
      mergeCandidates(merged, candidates, slot, job.B);
      largest = Math.max(largest, partials[slot * SLOTS]);
    }
    return finishBatchHard(job, merged, largest);
  };

  const fused = (x: Tensor | TensorF32, W: Tensor | TensorF32, labels: Tensor, options: ArcFaceOptions = {}): ArcFaceLossOnlyResult => {
    const B = x.shape[0] ?? 0;
    const d = x.shape[1] ?? 0;
    const C = W.shape[1] ?? 0;
    // As arcFace: malformed shapes go straight to the core, which names the culprit.
    if (pool.threads < 2 || x.shape.length !== 2 || W.shape.length !== 2 || B * d * Math.min(C, CLASS_TILE) < minProductWork) {
      return arcFaceLossFused(x, W, labels, options);
    }
    // A failed product is redone on the calling thread (products overwrite their output), so
    // nothing here needs the core's rerun.
    return arcFaceLossFused(shareTensor(x), shareTensor(W), labels, options, KEEP_PRODUCTS_BYTES, products);
  };

  return { arcFaceLoss: arcFace, arcFaceLossFused: fused, batchHard: hard };
}

/**
 * Shared buffers (the gradient scratch G recycled from call to call), W's column norms and each
 * product split into one column range per thread, and ArcFace's row and column passes into one
 * range per thread. Work the pool cannot take (too small, or a failed run) runs here, whole; a
 * failed run leaves nothing that the rerun does not overwrite.
 */
export function poolArcFaceHost(pool: ParallelPool, minWork: number, minElements: number): ArcFaceHost {
  const parallel = (length: number): boolean => pool.threads > 1 && length > 1;
  const run = (task: LossTask, length: number): Float64Array | null => runTask(pool, task, length, Math.ceil(length / pool.threads));
  const large = (job: ArcFaceJob): boolean => job.B * job.C >= minElements && job.cosines.buffer instanceof SharedArrayBuffer;
  // The last released scratch buffer (ArcFace's G): a fresh 40 MB SharedArrayBuffer costs ~10k
  // page faults on first touch, more than the row pass's arithmetic on it.
  let spare: Float64Array | null = null;
  let spare32: Float32Array | null = null;
  return {
    allocate: sharedFloat64,
    scratch(length: number): Float64Array {
      const buffer = spare !== null && spare.length === length ? spare : sharedFloat64(length);
      spare = null;
      return buffer;
    },
    scratch32(length: number): Float32Array {
      const buffer = spare32 !== null && spare32.length === length ? spare32 : new Float32Array(new SharedArrayBuffer(length * 4));
      spare32 = null;
      return buffer;
    },
    release(buffer: FloatArray): void {
      if (buffer instanceof Float32Array) spare32 = buffer;
      else spare = buffer;
    },
    product(request: ProductRequest): void {
      const { m, k, n, out } = request;
      const simd = productOnSimd(request);
      if (parallel(n) && m * k * n >= minWork && out.buffer instanceof SharedArrayBuffer) {
        const shared: ProductRequest = { ...request, a: shareArray(request.a), b: shareArray(request.b) };
        // A product overwrites its output, so a failed run is simply redone here.
        if (run({ kind: 'product', request: shared, simd }, n) !== null) return;
      }
      productColumnsInto(request, 0, n, simd);
    },
    rows(job: ArcFaceJob): number {
      if (!large(job) || !parallel(job.B)) return arcFaceRows(job, 0, job.B);
      const partials = run({ kind: 'arcFaceRows', job }, job.B);
      if (partials === null) throw new PoolFailed();
      let clamped = 0;
      for (let o = 0; o < partials.length; o += SLOTS) clamped += partials[o];
      return clamped;
    },
    columns(job: ArcFaceJob): void {
      if (!large(job) || !parallel(job.C)) arcFaceColumns(job, 0, job.C);
      else if (run({ kind: 'arcFaceColumns', job }, job.C) === null) throw new PoolFailed();
    },
    columnNorms(data: FloatArray, rows: number, cols: number, norms: Float64Array): void {
      // The norms are overwritten, so a failed run is simply redone here.
      const shared = data.buffer instanceof SharedArrayBuffer && norms.buffer instanceof SharedArrayBuffer;
      if (shared && parallel(cols) && rows * cols >= minElements && run({ kind: 'columnNorms', data, rows, cols, norms }, cols) !== null) return;
      columnNormsRangeInto(data, rows, cols, norms, 0, cols);
    },
  };
}

/**
 * The row and column passes update their buffers in place, so after a failed run (a worker died
 * halfway) they cannot be redone on what is left: the whole loss is recomputed by the core.
 */
class PoolFailed extends Error {}

/** Runs `rows` in blocks of `blockRows` on the pool: the per-block partials, or null if the pool failed. */
function runTask(pool: ParallelPool, task: LossTask, rows: number, blockRows: number): Float64Array | null {
  const partials = sharedFloat64(Math.ceil(rows / blockRows) * SLOTS);
  const blocked: BlockedTask = { task, rows, blockRows, partials };
  return pool.run(blocked) ? partials : null;
}

/**
 * Bounds of `parts` contiguous runs of tile rows of about equal work: tile row t of T holds T − t
 * tiles, so equal row counts would give the first thread three times the second's work.
 */
export function balancedTileRows(tileRows: number, parts: number): Int32Array {
  const count = Math.max(1, Math.min(parts, tileRows));
  const bounds = new Int32Array(count + 1);
  const total = (tileRows * (tileRows + 1)) / 2;
  let done = 0;
  let part = 1;
  for (let t = 0; t < tileRows && part < count; t++) {
    done += tileRows - t;
    if (done >= (total * part) / count) bounds[part++] = t + 1;
  }
  for (; part <= count; part++) bounds[part] = tileRows;
  return bounds;
}

/** The array itself when its buffer is shared; else a shared copy (same element type). */
function shareArray(array: FloatArray): FloatArray {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = array instanceof Float32Array
    ? new Float32Array(new SharedArrayBuffer(array.byteLength))
    : new Float64Array(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

function shareTensor<T extends Tensor | TensorF32>(tensor: T): T {
  return { ...tensor, data: shareArray(tensor.data) };
}
