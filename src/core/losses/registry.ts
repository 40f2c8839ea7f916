/**
 * Every row loss (rowLoss.ts), by the name of its public function: the one table that the
 * language's loss implementations and the worker pool's dispatch derive from. A new row loss is
 * its folder and one entry here.
 */
import { DFL_ROWS } from './dfl/job';
import { FOCAL_ROWS } from './focal/job';
import { GIOU_ROWS } from './giou/job';
import { QFL_ROWS } from './qfl/job';
import { runRowLoss, type RowLossFunction, type SomeRowLoss } from './rowLoss';

export const ROW_LOSSES = {
  qualityFocalLoss: QFL_ROWS,
  sigmoidFocalLoss: FOCAL_ROWS,
  distributionFocalLoss: DFL_ROWS,
  giouLoss: GIOU_ROWS,
} as const;

export type RowLossName = keyof typeof ROW_LOSSES;

export const ROW_LOSS_NAMES = Object.keys(ROW_LOSSES) as readonly RowLossName[];

/** A public function per row loss, by name, with its core signature. */
export type RowLossFunctions = { readonly [N in RowLossName]: RowLossFunction<(typeof ROW_LOSSES)[N]> };

/** The loss registered as `name`, its types erased for a dispatch by name. */
export function rowLoss(name: RowLossName): SomeRowLoss {
  return ROW_LOSSES[name];
}

/**
 * A function per registered row loss, each made by `make` from the loss's name: a host's
 * implementations of every row loss at once. `make` must return a function with that loss's
 * signature (`prepare`'s arguments, `finish`'s result); it sees the loss with its types erased.
 */
export function rowLossFunctions(make: (name: RowLossName, loss: SomeRowLoss) => (...args: readonly never[]) => unknown): RowLossFunctions {
  // The one cast: TypeScript cannot follow a name to its own entry's types through a loop.
  return Object.fromEntries(ROW_LOSS_NAMES.map((name) => [name, make(name, rowLoss(name))])) as unknown as RowLossFunctions;
}

/** The core's functions: each prepares and runs on the calling thread. */
export const CORE_ROW_LOSSES: RowLossFunctions = rowLossFunctions((_, loss) => (...args) => runRowLoss(loss, loss.prepare(...args)));
