import { InputError, describeValue } from './errors';
import { requireFinite, scalar, sizeOf, type Tensor } from './tensor';

export type Reduction = 'none' | 'mean' | 'sum';

/** The reduction options shared by every loss, with mmdetection's `weight` / `avg_factor` semantics. */
export interface ReductionOptions {
  /** `mean` (default) averages the weighted per-element losses, `sum` adds them, `none` keeps them. */
  reduction?: Reduction;
  /**
   * Per-element weights: the loss's own shape, or a prefix of it that is broadcast over the
   * remaining axes (an (n) weight for an (n, C) loss).
   */
  weight?: Tensor;
  /** With `mean`: divide the weighted sum by this instead of the element count (mmdetection). */
  avgFactor?: number;
}

/**
 * How the per-element losses become the reported loss. Every reduction is linear, so the gradient
 * of the reported loss with respect to element i is `coefficient(i)`; losses fold it into their
 * single pass instead of allocating an upstream-gradient array.
 */
export interface ReductionPlan {
  readonly reduction: Reduction;
  /** Constant factor: 1 for sum/none, 1/count or 1/avg_factor for mean. */
  readonly scale: number;
  /** Weights, or null when unweighted. */
  readonly weight: Float64Array | null;
  /** Number of consecutive elements that share one weight (broadcast of a prefix-shaped weight). */
  readonly weightStride: number;
}

export function planReduction(fn: string, lossShape: readonly number[], options: ReductionOptions = {}): ReductionPlan {
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new InputError(fn, 'options.reduction', "one of 'none', 'mean', 'sum'", describeValue(reduction));
  }
  const count = sizeOf(lossShape);
  let weight: Float64Array | null = null;
  let weightStride = 1;
  if (options.weight !== undefined) {
    const w = options.weight;
    requireFinite(fn, 'options.weight', w);
    const isPrefix = w.shape.length <= lossShape.length && w.shape.every((extent, axis) => extent === lossShape[axis]);
    if (!isPrefix) {
      throw new InputError(
        fn,
        'options.weight',
        `of the loss's shape (${lossShape.join(', ')}) or a prefix of it`,
        `of shape (${w.shape.join(', ')})`,
      );
    }
    weight = w.data;
    weightStride = sizeOf(lossShape.slice(w.shape.length));
  }
  let scale = 1;
  if (options.avgFactor !== undefined) {
    if (reduction !== 'mean') {
      throw new InputError(fn, 'options.avgFactor', "used only with reduction 'mean'", `given with '${reduction}'`);
    }
    if (!Number.isFinite(options.avgFactor) || options.avgFactor <= 0) {
      throw new InputError(fn, 'options.avgFactor', 'a finite number > 0', describeValue(options.avgFactor));
    }
    scale = 1 / options.avgFactor;
  } else if (reduction === 'mean') {
    // An empty mean is 0 with a zero gradient, not 0/0: a batch with no elements adds nothing.
    scale = count === 0 ? 0 : 1 / count;
  }
  return { reduction, scale, weight, weightStride };
}

/** The derivative of the reported loss with respect to per-element loss i. */
export function coefficient(plan: ReductionPlan, i: number): number {
  return plan.weight === null ? plan.scale : plan.scale * plan.weight[(i / plan.weightStride) | 0];
}

/**
 * The coefficients of a plan over per-row losses, (n), in the form the row kernels take: `weight`
 * (n) when each row has its own weight, else null with any single weight (a shape-() weight, whose
 * stride covers every row) folded into `scale`. coefficient(plan, r) = scale · (weight?.[r] ?? 1),
 * the same product.
 */
export function perRowCoefficients(plan: ReductionPlan): { readonly weight: Float64Array | null; readonly scale: number } {
  if (plan.weight === null) return { weight: null, scale: plan.scale };
  if (plan.weightStride === 1) return { weight: plan.weight, scale: plan.scale };
  return { weight: null, scale: plan.scale * plan.weight[0] };
}

/**
 * Applies the plan to per-element losses: the weighted elements themselves for `none`, else a
 * scalar tensor.
 */
export function reduce(plan: ReductionPlan, perElement: Tensor): Tensor {
  const { data } = perElement;
  if (plan.reduction === 'none') {
    if (plan.weight === null) return perElement;
    const weighted = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) weighted[i] = data[i] * plan.weight[(i / plan.weightStride) | 0];
    return { shape: perElement.shape, data: weighted };
  }
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += coefficient(plan, i) * data[i];
  return scalar(sum);
}
