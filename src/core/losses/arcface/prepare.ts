import { InputError, describeValue } from '../../errors';
import { clampedNorm, columnNormsInto, normalizeRowsInto, rowNormsInto } from '../../normalize';
import { planReduction, type ReductionPlan } from '../../reduction';
import type { Precision } from '../../simd/path';
import { requireFinite, requireIntegers, requireNumberInRange, requireShape, type Tensor, type TensorF32 } from '../../tensor';
import { planMargin, type ArcFaceHost, type ArcFaceOptions, type MarginPlan } from './job';

/** ArcFace's validated inputs and the norms both of its paths (full and fused) start from. */
export interface ArcFacePrepared {
  readonly B: number;
  readonly d: number;
  readonly C: number;
  readonly s: number;
  readonly margin: MarginPlan;
  readonly plan: ReductionPlan;
  readonly precision: Precision;
  readonly wantGrad: boolean;
  /** (B) ‖xᵢ‖, and (B, d) x̂ = x / max(‖xᵢ‖, 1e-12). */
  readonly xNorms: Float64Array;
  readonly xHat: Float64Array;
  /** (C) ‖Wⱼ‖ and 1 / max(‖Wⱼ‖, 1e-12). */
  readonly wNorms: Float64Array;
  readonly wInverse: Float64Array;
}

/**
 * Checks x (B, d), W (d, C), labels (B) and the options as `fn`'s arguments, and computes the
 * norms and x̂. W is not normalized: its column norms are folded into the products' consumers
 * (cos = (x̂·W)·diag(1/‖Wⱼ‖)), since Ŵ would be as large as W.
 */
export function prepareArcFace(
  fn: string,
  x: Tensor | TensorF32,
  W: Tensor | TensorF32,
  labels: Tensor,
  options: ArcFaceOptions,
  products: Pick<ArcFaceHost, 'allocate' | 'columnNorms'>,
): ArcFacePrepared {
  const dims = requireShape(fn, 'x', x, ['B', 'd']);
  requireShape(fn, 'W', W, ['d', 'C'], dims);
  requireShape(fn, 'labels', labels, ['B'], dims);
  const B = dims.get('B') ?? 0;
  const d = dims.get('d') ?? 0;
  const C = dims.get('C') ?? 0;
  requireFinite(fn, 'x', x);
  // W's finiteness check rides on its column norms (one pass over the largest input instead of
  // two): a NaN or ±∞ makes its column's norm non-finite, and then the full check names it.
  const wNorms = products.allocate(C);
  if (products.columnNorms === undefined) columnNormsInto(W.data, d, C, wNorms);
  else products.columnNorms(W.data, d, C, wNorms);
  for (let j = 0; j < C; j++) {
    if (!Number.isFinite(wNorms[j])) {
      requireFinite(fn, 'W', W);
      break;
    }
  }
  requireIntegers(fn, 'labels', labels, 0, C - 1);
  const s = options.s ?? 64;
  requireNumberInRange(fn, 'options.s', s, Number.MIN_VALUE, Infinity);
  const margin = planMargin(fn, options);
  const plan = planReduction(fn, [B], options);
  const precision = options.precision ?? 'float64';
  if (precision !== 'float64' && precision !== 'float32') {
    throw new InputError(fn, 'options.precision', "'float64' or 'float32'", describeValue(precision));
  }
  const xNorms = new Float64Array(B);
  rowNormsInto(x.data, B, d, xNorms);
  const xHat = products.allocate(B * d);
  normalizeRowsInto(x.data, B, d, xNorms, xHat);
  const wInverse = products.allocate(C);
  for (let j = 0; j < C; j++) wInverse[j] = 1 / clampedNorm(wNorms[j]);
  return { B, d, C, s, margin, plan, precision, wantGrad: options.grad === true, xNorms, xHat, wNorms, wInverse };
}
