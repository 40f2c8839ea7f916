/**
 * The protocol of a row loss: a loss whose pass splits into independent rows, each writing its own
 * slice of full-size outputs, so that any range of rows can run anywhere (the calling thread, a
 * worker thread of a host's pool) and the result is assembled once at the end. QFL, focal, DFL and
 * GIoU implement it, and the registry (`ROW_LOSSES` in registry.ts) lists them: the core's
 * functions and the hosts' worker pool (src/node/parallel/) run every one of them through it.
 */
import type { Precision } from '../simd/path';

/** Partial results per block of rows: a partial total and up to three counters, by the loss's own convention. */
export const PARTIAL_SLOTS = 4;

/** A zeroed Float64Array of `length` elements: plain in the core, on a SharedArrayBuffer in the worker pool. */
export type Allocate = (length: number) => Float64Array;

export const allocateFloat64: Allocate = (length) => new Float64Array(length);

/** The outputs of a loss that writes only per-element losses and, optionally, the gradient of pred. */
export interface PredOutputs {
  readonly perElement: Float64Array;
  readonly grad: Float64Array | null;
}

/** How a prepared job splits: rows, elements per row (the unit of work), and the arithmetic's precision. */
export interface RowShape {
  readonly rows: number;
  readonly rowLength: number;
  readonly precision: Precision;
}

/**
 * A row loss: `prepare` → `outputs` → `runRows` over every row, in ranges, anywhere → `finish`.
 * Methods (not function-valued properties), so that the registry can hold losses of different
 * job types in one table.
 */
export interface RowLoss<Args extends readonly unknown[], Job, Outputs, Result> {
  /**
   * Validates the public function's arguments as it does (an InputError otherwise) and plans the
   * pass. The job holds only typed arrays, numbers and plain arrays and objects of them, so that a
   * host can put its arrays in shared memory and post it to a worker thread.
   */
  prepare(...args: Args): Job;
  shape(job: Job): RowShape;
  /** The full-size outputs, indexed as the whole batch, that every range of rows writes its slice of. */
  outputs(job: Job, allocate: Allocate): Outputs;
  /** Rows [start, end): writes their outputs, and their PARTIAL_SLOTS partials at partials[at …]. */
  runRows(job: Job, outputs: Outputs, start: number, end: number, partials: Float64Array, at: number): void;
  /**
   * The result once every row has run. `totals` (PARTIAL_SLOTS) holds each slot summed over the
   * blocks in block order. Runs the checks the pass deferred, which name a bad input (InputError).
   */
  finish(job: Job, outputs: Outputs, totals: Float64Array): Result;
}

/** Any row loss, its types erased (methods are bivariant in their parameters): what a dispatch by name holds. */
export type SomeRowLoss = RowLoss<readonly never[], unknown, unknown, unknown>;

/** The public function of a row loss: its `prepare`'s arguments, its `finish`'s result. */
export type RowLossFunction<L> = L extends RowLoss<infer Args, infer _Job, infer _Outputs, infer Result> ? (...args: Args) => Result : never;

/** A prepared row loss run on the calling thread, all rows in one range. */
export function runRowLoss<Job, Outputs, Result>(loss: RowLoss<readonly never[], Job, Outputs, Result>, job: Job): Result {
  const outputs = loss.outputs(job, allocateFloat64);
  const totals = new Float64Array(PARTIAL_SLOTS);
  loss.runRows(job, outputs, 0, loss.shape(job).rows, totals, 0);
  return loss.finish(job, outputs, totals);
}
