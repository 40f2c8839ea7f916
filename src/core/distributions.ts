/**
 * Discrete distributions over regression bins, as used by Generalized Focal Loss: how many bins a
 * `reg_max` means, the Integral (softmax expectation) that decodes a distance, the two-bin
 * interpolation that turns a continuous target into a distribution, and its entropy.
 */
import { InputError, describeValue } from './errors';
import { requireFinite, requireShape, type Tensor } from './tensor';
import { fastExp, logSumExp, softmaxInto } from './numerics';

/**
 * How many bins a distribution has. A plain number is the bin count itself. A `regMax` must name
 * its convention, because the two major codebases disagree by one and guessing silently shifts
 * every decoded distance:
 * - `mmdetection`: bins 0, 1, …, reg_max, so reg_max = 16 means 17 bins;
 * - `ultralytics`: bins 0, 1, …, reg_max − 1, so reg_max = 16 means 16 bins.
 */
export type BinConvention = 'mmdetection' | 'ultralytics';
export type BinSpec = number | { readonly regMax: number; readonly convention: BinConvention };

/** The number of bins a spec means (≥ 2, since one bin cannot interpolate); InputError otherwise. */
export function binCount(spec: BinSpec, fn = 'binCount', argument = 'bins'): number {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 2) throw new InputError(fn, argument, 'an integer number of bins ≥ 2', describeValue(spec));
    return spec;
  }
  if (typeof spec !== 'object' || spec === null) {
    throw new InputError(fn, argument, 'a bin count or { regMax, convention }', describeValue(spec));
  }
  const { regMax, convention } = spec;
  if (convention !== 'mmdetection' && convention !== 'ultralytics') {
    throw new InputError(fn, `${argument}.convention`, "'mmdetection' (reg_max + 1 bins) or 'ultralytics' (reg_max bins)", describeValue(convention));
  }
  const bins = convention === 'mmdetection' ? regMax + 1 : regMax;
  if (!Number.isInteger(regMax) || bins < 2) {
    const least = convention === 'mmdetection' ? 1 : 2;
    throw new InputError(fn, `${argument}.regMax`, `an integer ≥ ${least} (at least 2 bins)`, describeValue(regMax));
  }
  return bins;
}

/** A continuous target spread over its two neighbouring bins. */
export interface Interpolation {
  /** Lower bin ⌊y⌋ (after clamping). */
  readonly left: number;
  /** Upper bin, always left + 1. */
  readonly right: number;
  /** right − y: the mass on the left bin. */
  readonly weightLeft: number;
  /** y − left: the mass on the right bin. */
  readonly weightRight: number;
  /** Whether y was outside [0, bins − 1) and so was moved to an end (or is exactly the last bin). */
  readonly clamped: boolean;
}

/**
 * Spreads a continuous target y over bins ⌊y⌋ and ⌊y⌋ + 1 with weights (right − y, y − left),
 * mmdetection's `distribution_focal_loss` target. mmdetection indexes bin ⌊y⌋ + 1, which does not
 * exist at y = bins − 1; here y ≥ bins − 1 becomes (bins − 2, bins − 1) with weights (0, 1), the
 * continuous limit, and y < 0 becomes (0, 1) with weights (1, 0). Both are reported as clamped.
 * A non-finite y is an InputError: there is no sensible bin for it.
 */
export function interpolationWeights(target: number, bins: number): Interpolation {
  if (!Number.isFinite(target)) throw new InputError('interpolationWeights', 'target', 'a finite number', describeValue(target));
  if (!Number.isInteger(bins) || bins < 2) throw new InputError('interpolationWeights', 'bins', 'an integer ≥ 2', describeValue(bins));
  if (target < 0) return { left: 0, right: 1, weightLeft: 1, weightRight: 0, clamped: true };
  if (target >= bins - 1) return { left: bins - 2, right: bins - 1, weightLeft: 0, weightRight: 1, clamped: true };
  const left = Math.floor(target);
  return { left, right: left + 1, weightLeft: left + 1 - target, weightRight: target - left, clamped: false };
}

/**
 * H(wl, wr) = −wl·ln wl − wr·ln wr with 0·ln 0 = 0. For the interpolation weights of a target it
 * is the least DFL can be (cross-entropy = entropy + KL): 0 at an integer target, ln 2 halfway.
 */
export function binaryEntropy(weightLeft: number, weightRight: number): number {
  const left = weightLeft > 0 ? -weightLeft * Math.log(weightLeft) : 0;
  const right = weightRight > 0 ? -weightRight * Math.log(weightRight) : 0;
  return left + right;
}

/** The DFL entropy floor of a continuous target: binaryEntropy of its (clamped) interpolation weights. */
export function entropyFloor(target: number, bins: number): number {
  const { weightLeft, weightRight } = interpolationWeights(target, bins);
  return binaryEntropy(weightLeft, weightRight);
}

/**
 * One bin distribution (logits: (bins)): its softmax, by log-sum-exp, and the expectation Σ p_i · i
 * in bins, the distance DFL's head reads off it. What a `dist` or `sides` figure draws.
 */
export function binDistribution(logits: ArrayLike<number>): { probabilities: number[]; expectation: number } {
  const lse = logSumExp(logits);
  const probabilities = Array.from(logits, (z) => Math.exp(z - lse));
  let expectation = 0;
  for (let i = 0; i < probabilities.length; i++) expectation += probabilities[i] * i;
  return { probabilities, expectation };
}

/** Row-wise softmax of (n, bins) logits into a new (n, bins) tensor of probabilities. */
export function softmaxRows(logits: Tensor): Tensor {
  requireShape('softmaxRows', 'logits', logits, ['n', 'bins']);
  requireFinite('softmaxRows', 'logits', logits);
  const [n, bins] = logits.shape;
  const out = new Float64Array(n * bins);
  for (let row = 0; row < n; row++) softmaxInto(logits.data, out, row * bins, bins);
  return { shape: [n, bins], data: out };
}

/** What {@link expRowInto} found for one row; a caller keeps one and reuses it for every row. */
export interface ExpRowStats {
  /** The shift s subtracted from every logit: 0 normally, the row maximum when e^x would overflow or underflow. */
  shift: number;
  /** Σ_i e^(x_i − s), so that logsumexp = s + ln sum and softmax_i = e^(x_i − s) / sum. */
  sum: number;
  /** Σ_i i · e^(x_i − s), so that the softmax expectation is moment / sum. */
  moment: number;
  /** Whether every logit of the row was finite; if not, the other fields are meaningless. */
  finite: boolean;
}

// Row sums inside this range leave every softmax probability and log-probability accurate without a shift.
const UNSHIFTED_SUM_MIN = 1e-280;
const UNSHIFTED_SUM_MAX = 1e280;

export function newExpRowStats(): ExpRowStats {
  return { shift: 0, sum: 0, moment: 0, finite: true };
}

/**
 * Writes e_i = exp(x_i − s) for the row x[base .. base + bins) into out[outBase .. outBase + bins)
 * and records s, Σ e_i and Σ i·e_i in `stats`: one exponential per logit and no allocation, for
 * softmax kernels. The usual max-shift costs a separate pass over the row, so it is taken only when
 * the unshifted sum leaves the safe range (logits beyond about ±600, e.g. ±1000): the result is
 * the same to rounding and always finite for finite logits. It also checks the row's logits, so
 * that a caller can skip a separate validation pass and report the culprit only when
 * `stats.finite` is false.
 */
export function expRowInto(
  x: Float64Array,
  base: number,
  bins: number,
  out: Float64Array,
  outBase: number,
  stats: ExpRowStats,
): void {
  let sum = 0;
  let moment = 0;
  // v − v is 0 for a finite v and NaN otherwise: validation folded into the pass the kernel makes anyway.
  let check = 0;
  for (let i = 0; i < bins; i++) {
    const v = x[base + i];
    const e = fastExp(v);
    out[outBase + i] = e;
    sum += e;
    moment += e * i;
    check += v - v;
  }
  stats.finite = check === 0;
  let shift = 0;
  if (!(sum >= UNSHIFTED_SUM_MIN && sum <= UNSHIFTED_SUM_MAX)) {
    shift = -Infinity;
    for (let i = base; i < base + bins; i++) shift = Math.max(shift, x[i]);
    sum = 0;
    moment = 0;
    for (let i = 0; i < bins; i++) {
      const e = fastExp(x[base + i] - shift);
      out[outBase + i] = e;
      sum += e;
      moment += e * i;
    }
  }
  stats.shift = shift;
  stats.sum = sum;
  stats.moment = moment;
}

export interface IntegralOptions {
  /** Also return dL/dpred (default false). */
  readonly grad?: boolean;
  /**
   * dL/dexpectation, one value per row (n). Default: all ones, i.e. the gradient of the sum of the
   * expectations. A caller that decodes boxes from the expectations passes its upstream gradient
   * here and gets the chain-ruled gradient with respect to the bin logits.
   */
  readonly upstream?: ArrayLike<number>;
  /**
   * An (n·bins) buffer to add dL/dpred into instead of allocating one, for a caller that already
   * holds another gradient of the same logits (the GFL head's DFL term). Returned as `grad.pred`.
   */
  readonly accumulate?: Float64Array;
  /** Also return the softmax probabilities (n, bins) (default false). */
  readonly probabilities?: boolean;
}

export interface IntegralResult {
  /** E_r = Σ_i softmax(pred_r)_i · i, shape (n), in bin units (multiply by the stride for pixels). */
  readonly expectation: Tensor;
  /** softmax(pred), shape (n, bins), when asked for. */
  readonly probabilities?: Tensor;
  /** With `grad`: dL/dpred[r, i] = upstream_r · p_ri · (i − E_r), shape (n, bins). */
  readonly grad?: { readonly pred: Tensor };
}

/**
 * The GFL head's Integral: the expected bin index of each row's softmax distribution,
 * E_r = Σ_i softmax(pred_r)_i · i, for pred of shape (n, bins) logits (bins ≥ 1).
 *
 * Gradient: ∂E_r/∂pred_ri = p_ri·(i − E_r) (the covariance of the bin index with the one-hot of i),
 * so with `grad: true` it returns upstream_r · p_ri · (i − E_r), where `upstream` is dL/dE (n),
 * default ones. One exponential per logit; rows of ±1000 logits stay finite.
 */
export function integral(pred: Tensor, options: IntegralOptions = {}): IntegralResult {
  const fn = 'integral';
  requireShape(fn, 'pred', pred, ['n', 'bins']);
  const [n, bins] = pred.shape;
  if (bins < 1) throw new InputError(fn, 'pred', 'at least one bin per row', `of shape (${n}, ${bins})`);
  const { upstream, accumulate } = options;
  const grad = options.grad === true;
  if (upstream !== undefined) {
    if (upstream.length !== n) throw new InputError(fn, 'options.upstream', `of length n = ${n}`, `of length ${upstream.length}`);
    for (let r = 0; r < n; r++) {
      if (!Number.isFinite(upstream[r])) throw new InputError(fn, 'options.upstream', 'finite numbers', describeValue(upstream[r]), [r]);
    }
  }
  if (accumulate !== undefined && accumulate.length !== n * bins) {
    throw new InputError(fn, 'options.accumulate', `a buffer of n·bins = ${n * bins} numbers`, `of length ${accumulate.length}`);
  }
  const x = pred.data;
  const expectation = new Float64Array(n);
  const probabilities = options.probabilities === true ? new Float64Array(n * bins) : null;
  const gradOut = grad ? accumulate ?? new Float64Array(n * bins) : null;
  // One scratch row per call keeps each exponential computed once without per-row allocation.
  const e = new Float64Array(bins);
  const stats = newExpRowStats();
  for (let r = 0, base = 0; r < n; r++, base += bins) {
    expRowInto(x, base, bins, e, 0, stats);
    if (!stats.finite) requireFinite(fn, 'pred', pred);
    const inverse = 1 / stats.sum;
    const mean = stats.moment * inverse;
    expectation[r] = mean;
    if (probabilities !== null) for (let i = 0; i < bins; i++) probabilities[base + i] = e[i] * inverse;
    if (gradOut !== null) {
      const scale = (upstream === undefined ? 1 : upstream[r]) * inverse;
      for (let i = 0; i < bins; i++) gradOut[base + i] += e[i] * scale * (i - mean);
    }
  }
  return {
    expectation: { shape: [n], data: expectation },
    ...(probabilities !== null ? { probabilities: { shape: [n, bins], data: probabilities } } : {}),
    ...(gradOut !== null ? { grad: { pred: { shape: [n, bins], data: gradOut } } } : {}),
  };
}
