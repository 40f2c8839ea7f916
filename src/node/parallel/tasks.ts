/**
 * The row-range work the parallel pool shares out: a prepared core loss (validated on the calling
 * thread) plus the full-size output arrays that every thread writes its own rows of. Rows go in
 * fixed blocks whose partial sums land in `partials`, one slot group per block, so that the
 * combined total is the same whatever the number of threads (see combine.ts).
 */
import { distributionFocalLossRows, type DflJob, type DflOutputs } from '../../core/losses/dfl';
import { sigmoidFocalLossRows, type FocalJob } from '../../core/losses/focal';
import { giouLossRows, type GiouCounts, type GiouJob, type GiouOutputs } from '../../core/losses/giou';
import { qualityFocalLossRows, type QflJob } from '../../core/losses/qfl';

export type LossTask =
  | { readonly kind: 'qfl'; readonly job: QflJob; readonly perElement: Float64Array; readonly grad: Float64Array | null }
  | { readonly kind: 'focal'; readonly job: FocalJob; readonly perElement: Float64Array; readonly grad: Float64Array | null }
  | { readonly kind: 'dfl'; readonly job: DflJob; readonly outputs: DflOutputs }
  | { readonly kind: 'giou'; readonly job: GiouJob; readonly outputs: GiouOutputs };

/** Slots per block in `partials`: the partial total and up to three counters. */
export const SLOTS = 4;

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

/** Rows of a task's batch, and elements per row (the unit of work). */
export function taskShape(task: LossTask): { rows: number; rowLength: number } {
  switch (task.kind) {
    case 'qfl':
      return { rows: task.job.n, rowLength: task.job.C };
    case 'focal':
      return { rows: task.job.rows, rowLength: task.job.rowLength };
    case 'dfl':
      return { rows: task.job.n, rowLength: task.job.bins };
    case 'giou':
      return { rows: task.job.n, rowLength: 4 };
  }
}

/** Runs blocks [first, last) of a task on the calling thread. */
export function runBlocks(blocked: BlockedTask, first: number, last: number): void {
  const { task, rows, blockRows, partials } = blocked;
  for (let b = first; b < last; b++) {
    const start = b * blockRows;
    const end = Math.min(rows, start + blockRows);
    const o = b * SLOTS;
    switch (task.kind) {
      case 'qfl': {
        const clamps = { count: 0 };
        partials[o] = qualityFocalLossRows(task.job, start, end, task.perElement, task.grad, clamps);
        partials[o + 1] = clamps.count;
        break;
      }
      case 'focal':
        partials[o] = sigmoidFocalLossRows(task.job, start, end, task.perElement, task.grad);
        break;
      case 'dfl':
        // −1 marks a non-finite logit; the caller reruns the check that names it.
        partials[o + 1] = distributionFocalLossRows(task.job, start, end, task.outputs);
        break;
      case 'giou': {
        const counts: GiouCounts = { unionClamped: 0, enclosureClamped: 0, maybeNonFinite: 0 };
        partials[o] = giouLossRows(task.job, start, end, task.outputs, counts);
        partials[o + 1] = counts.unionClamped;
        partials[o + 2] = counts.enclosureClamped;
        partials[o + 3] = counts.maybeNonFinite;
        break;
      }
    }
  }
}
