import type { ReductionOptions } from '../reduction';
import type { Tensor } from '../tensor';

/** Options every loss takes: a reduction, and whether to compute gradients. */
export interface LossOptions extends ReductionOptions {
  /** Also compute the exact analytic gradient of the reported loss (default false). */
  grad?: boolean;
}

/**
 * What every loss returns.
 * - `loss`: the reported loss: a scalar tensor (shape []) for `mean`/`sum`, the weighted
 *   per-element losses for `none`.
 * - `perElement`: the unweighted, unreduced losses (each loss documents their shape).
 * - `grad`: with `grad: true`, the gradient of `loss` (for `none`, of its sum) with respect to each
 *   differentiable input, by that input's name; each has the input's shape.
 * - `report`: how often a numeric guard fired (clamped targets, clamped cosines…), by name.
 */
export interface LossResult<GradName extends string> {
  readonly loss: Tensor;
  readonly perElement: Tensor;
  readonly grad?: Readonly<Record<GradName, Tensor>>;
  readonly report: Readonly<Record<string, number>>;
}
