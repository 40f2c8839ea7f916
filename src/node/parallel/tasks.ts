/**
 * The row-range work the parallel pool shares out: a prepared core loss (validated on the calling
 * thread) plus the full-size output arrays that every thread writes its own rows of. Rows go in
 * fixed blocks whose partial sums land in `partials`, one slot group per block, so that the
 * combined total is the same whatever the number of threads (the blocks are summed in block order
 * by the callers, losses.ts and embeddings.ts).
 */
import { checkInterrupt } from '../../core/interrupt';
import { rowLoss, type RowLossName } from '../../core/losses/registry';
import { PARTIAL_SLOTS } from '../../core/losses/rowLoss';
import { arcFaceColumns, arcFaceRows, type ArcFaceJob } from '../../core/losses/arcface/job';
import { productColumnsInto, type ProductRequest } from '../../core/matmul';
import { columnNormsRangeInto } from '../../core/normalize';
import type { FloatArray } from '../../core/simd/path';
import { mineTileRows, type BatchHardJob, type HardestCandidates } from '../../core/mining';

export type LossTask =
  /**
   * A row loss of the registry (core/losses/registry.ts), by name: each thread looks the loss up
   * and runs its `runRows` on the job and outputs, which hold shared arrays.
   */
  | { readonly kind: 'rowLoss'; readonly loss: RowLossName; readonly job: unknown; readonly outputs: unknown }
  /** A matrix product: the "rows" are out's columns (any split gives the same bits); `simd` is decided once. */
  | { readonly kind: 'product'; readonly request: ProductRequest; readonly simd: boolean }
  /** ArcFace's (B, C) pass by rows (partial: clamped cosines), or its column pass by columns. */
  | { readonly kind: 'arcFaceRows'; readonly job: ArcFaceJob }
  | { readonly kind: 'arcFaceColumns'; readonly job: ArcFaceJob }
  /** Norms of the columns of data (rows, cols), by column ranges (columnNormsRangeInto). */
  | { readonly kind: 'columnNorms'; readonly data: FloatArray; readonly rows: number; readonly cols: number; readonly norms: Float64Array }
  /**
   * Batch-hard mining: block b mines tile rows [bounds[b], bounds[b+1]) into candidate block b and
   * writes the largest distance value it met into its `total` slot.
   */
  | { readonly kind: 'batchHard'; readonly job: BatchHardJob; readonly bounds: Int32Array; readonly candidates: HardestCandidates };

/** Slots per block in `partials`: the partial total and up to three counters (as a row loss's). */
export const SLOTS = PARTIAL_SLOTS;

export interface BlockedTask {
  readonly task: LossTask;
  /** Rows in the batch, and rows per block (the last block may be shorter). */
  readonly rows: number;
  readonly blockRows: number;
  /** (blocks · SLOTS): [total, counter₁, counter₂, counter₃] per block. */
  readonly partials: Float64Array;
}

/** Elements a block aims for: small enough to balance two threads, large enough to amortise a call. */
export const BLOCK_ELEMENTS = 1 << 15;

export function blockCount(task: BlockedTask): number {
  return Math.ceil(task.rows / task.blockRows);
}

/** Rows per block for rows of `rowLength` elements. */
export function blockRowsFor(rowLength: number, blockElements = BLOCK_ELEMENTS): number {
  return Math.max(1, Math.floor(blockElements / Math.max(rowLength, 1)));
}

/**
 * What the pool does with each kind of task: its shape (rows, and elements per row, the unit of
 * work) and how to run a range of its rows, writing the block's partials at `partials[o …]`. One
 * entry per kind: a new kind of task is one entry here, which the compiler asks for.
 */
interface TaskRunner<T extends LossTask> {
  shape(task: T): { rows: number; rowLength: number };
  runRows(task: T, start: number, end: number, partials: Float64Array, o: number): void;
}

const RUNNERS: { readonly [K in LossTask['kind']]: TaskRunner<Extract<LossTask, { kind: K }>> } = {
  rowLoss: {
    shape: (task) => rowLoss(task.loss).shape(task.job),
    runRows(task, start, end, partials, o) {
      rowLoss(task.loss).runRows(task.job, task.outputs, start, end, partials, o);
    },
  },
  product: {
    shape: (task) => ({ rows: task.request.n, rowLength: task.request.m * task.request.k }),
    runRows(task, start, end) {
      productColumnsInto(task.request, start, end, task.simd);
    },
  },
  arcFaceRows: {
    shape: (task) => ({ rows: task.job.B, rowLength: task.job.C }),
    runRows(task, start, end, partials, o) {
      partials[o] = arcFaceRows(task.job, start, end);
    },
  },
  arcFaceColumns: {
    shape: (task) => ({ rows: task.job.C, rowLength: task.job.d }),
    runRows(task, start, end) {
      arcFaceColumns(task.job, start, end);
    },
  },
  columnNorms: {
    shape: (task) => ({ rows: task.cols, rowLength: task.rows }),
    runRows(task, start, end) {
      columnNormsRangeInto(task.data, task.rows, task.cols, task.norms, start, end);
    },
  },
  batchHard: {
    shape: (task) => ({ rows: task.bounds.length - 1, rowLength: task.job.B * task.job.d }),
    runRows(task, start, end, partials) {
      for (let slot = start; slot < end; slot++) {
        partials[slot * SLOTS] = mineTileRows(task.job, task.bounds[slot], task.bounds[slot + 1], task.candidates, slot);
      }
    },
  },
};

/** The runner of a task's kind. */
const runnerOf = (task: LossTask): TaskRunner<LossTask> => RUNNERS[task.kind] as TaskRunner<LossTask>;

/** Rows of a task's batch, and elements per row (the unit of work). */
export function taskShape(task: LossTask): { rows: number; rowLength: number } {
  return runnerOf(task).shape(task);
}

/** The control words of a shared task: blocks finished, a failure flag, the next unclaimed block. */
export const CONTROL_DONE = 0;
export const CONTROL_FAILED = 1;
export const CONTROL_NEXT_BLOCK = 2;

/**
 * Claims the task's blocks one at a time from the shared counter and runs them, until none is left,
 * counting each one finished (and waking the caller, who waits for all of them). Every thread of a
 * task does this, so a thread that starts late (a worker still waking up, or a core busy with the
 * engine's background collection) simply runs fewer blocks, and the caller never waits for a worker
 * that had nothing left to do; which thread ran a block never changes what it writes.
 * With `flagErrors` (the workers) a failing block is flagged and counted, so that the caller stops
 * waiting and recomputes; without (the caller) the error propagates.
 */
export function runClaimedBlocks(blocked: BlockedTask, control: Int32Array, flagErrors = false): void {
  const blocks = blockCount(blocked);
  for (let b = Atomics.add(control, CONTROL_NEXT_BLOCK, 1); b < blocks; b = Atomics.add(control, CONTROL_NEXT_BLOCK, 1)) {
    if (!flagErrors) {
      // The caller's thread is the one an interrupt reaches (the workers have no poll): pool.run
      // then stops the task's other threads.
      checkInterrupt();
      runBlocks(blocked, b, b + 1);
    } else {
      try {
        runBlocks(blocked, b, b + 1);
      } catch {
        Atomics.store(control, CONTROL_FAILED, 1);
      }
    }
    Atomics.add(control, CONTROL_DONE, 1);
    Atomics.notify(control, CONTROL_DONE);
  }
}

/** Runs blocks [first, last) of a task on the calling thread. */
export function runBlocks(blocked: BlockedTask, first: number, last: number): void {
  const { task, rows, blockRows, partials } = blocked;
  const runner = runnerOf(task);
  for (let b = first; b < last; b++) {
    if (last - first > 1) checkInterrupt();
    const start = b * blockRows;
    runner.runRows(task, start, Math.min(rows, start + blockRows), partials, b * SLOTS);
  }
}
