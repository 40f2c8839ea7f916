/**
 * Scalar and row primitives that stay finite and accurate for any finite input, logits of ±1000
 * included. Every loss builds on these rather than on `Math.log(sigmoid(x))` and friends.
 */

/** softplus(x) = log(1 + eˣ), without overflow for large x or loss of digits for very negative x. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** σ(x) = 1 / (1 + e⁻ˣ), evaluated on the side where the exponential cannot overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log σ(x) = −softplus(−x). */
export function logSigmoid(x: number): number {
  return -softplus(-x);
}

/**
 * Binary cross-entropy of a logit x against a (possibly soft) target y:
 * −y·log σ(x) − (1−y)·log(1−σ(x)) = (1−y)·x + softplus(−x), PyTorch's arrangement.
 */
export function bceWithLogits(x: number, y: number): number {
  return (1 - y) * x + softplus(-x);
}

/** log Σ exp(row[offset .. offset+length)), shifted by the maximum so that nothing overflows. */
export function logSumExp(row: ArrayLike<number>, offset = 0, length = row.length - offset): number {
  if (length === 0) return -Infinity;
  let max = -Infinity;
  for (let i = offset; i < offset + length; i++) if (row[i] > max) max = row[i];
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = offset; i < offset + length; i++) sum += Math.exp(row[i] - max);
  return max + Math.log(sum);
}

/**
 * Writes softmax(row[offset .. offset+length)) into `out` at the same positions and returns the
 * log-sum-exp, which callers need for the log-probabilities.
 */
export function softmaxInto(
  row: ArrayLike<number>,
  out: Float64Array,
  offset = 0,
  length = row.length - offset,
): number {
  const lse = logSumExp(row, offset, length);
  for (let i = offset; i < offset + length; i++) out[i] = Math.exp(row[i] - lse);
  return lse;
}

/** Writes log-softmax of the row into `out` and returns the log-sum-exp. */
export function logSoftmaxInto(
  row: ArrayLike<number>,
  out: Float64Array,
  offset = 0,
  length = row.length - offset,
): number {
  const lse = logSumExp(row, offset, length);
  for (let i = offset; i < offset + length; i++) out[i] = row[i] - lse;
  return lse;
}

/**
 * |u|^p and its derivative with respect to u, with 0^0 = 1 and a zero derivative at u = 0, where
 * the true derivative is 0 (p > 1), a kink (p = 1) or infinite (p < 1): the subgradient 0 is the
 * one that keeps downstream gradients finite.
 */
export function absPow(u: number, p: number): { value: number; derivative: number } {
  if (p === 0) return { value: 1, derivative: 0 };
  const magnitude = Math.abs(u);
  if (magnitude === 0) return { value: 0, derivative: 0 };
  const value = Math.pow(magnitude, p);
  return { value, derivative: (p * value) / u };
}

/** A counter that numeric guards bump when they clamp, so that results can report it. */
export interface ClampCounter {
  count: number;
}

/** √max(x, 0); a negative argument (rounding of a squared distance, say) is counted. */
export function safeSqrt(x: number, clamps?: ClampCounter): number {
  if (x < 0) {
    if (clamps) clamps.count++;
    return 0;
  }
  return Math.sqrt(x);
}

/** Clamps a cosine into [−1, 1] before `acos`; rounding can push a normalized dot product past 1. */
export function clampCosine(c: number, clamps?: ClampCounter): number {
  if (c > 1 || c < -1) {
    if (clamps) clamps.count++;
    return c > 1 ? 1 : -1;
  }
  return c;
}

/** acos of a cosine clamped into [−1, 1], counting clamps. */
export function safeAcos(c: number, clamps?: ClampCounter): number {
  return Math.acos(clampCosine(c, clamps));
}

/**
 * The floor PyTorch's `F.binary_cross_entropy` puts under each log-probability: a saturated
 * probability (exactly 0 or 1) then costs 100 instead of ∞, and reference code reports that value.
 */
export const LOG_PROBABILITY_FLOOR = -100;

/**
 * PyTorch's floor under p·(1 − p) in the backward pass of `F.binary_cross_entropy`: the C++
 * constant `1e-12` stored as a float32, hence not exactly 1e-12.
 */
export const BCE_GRAD_EPSILON = Math.fround(1e-12);

/** max(log p, −100), counting clamps. */
export function clampedLog(p: number, clamps?: ClampCounter): number {
  const log = Math.log(p);
  if (log < LOG_PROBABILITY_FLOOR) {
    if (clamps) clamps.count++;
    return LOG_PROBABILITY_FLOOR;
  }
  return log;
}

/**
 * Binary cross-entropy of a probability p ∈ [0, 1] against a (possibly soft) target y, as
 * `F.binary_cross_entropy`: −y·max(log p, −100) − (1−y)·max(log(1−p), −100). A clamp is counted
 * only when its term carries weight.
 */
export function binaryCrossEntropy(p: number, y: number, clamps?: ClampCounter): number {
  const positive = y === 0 ? 0 : y * clampedLog(p, clamps);
  const negative = y === 1 ? 0 : (1 - y) * clampedLog(1 - p, clamps);
  return -(positive + negative);
}

/**
 * d/dp of `binaryCrossEntropy`, as PyTorch computes it: (p − y) / max(p·(1 − p), ε). It is the exact
 * derivative wherever p·(1 − p) ≥ ε, and a bounded one at the saturated ends, where the exact
 * derivative is infinite.
 */
export function binaryCrossEntropyGrad(p: number, y: number): number {
  const curvature = p * (1 - p);
  return (p - y) / (curvature > BCE_GRAD_EPSILON ? curvature : BCE_GRAD_EPSILON);
}

// fastExp tables: e^t = 2^m · 2^(j/64) · e^r with t = (64m + j)·ln2/64 + r, |r| ≤ ln2/128.
const EXP_TABLE_BITS = 6;
const EXP_TABLE_SIZE = 1 << EXP_TABLE_BITS;
const EXP_FRACTION_POWERS = Float64Array.from({ length: EXP_TABLE_SIZE }, (_, j) => Math.pow(2, j / EXP_TABLE_SIZE));
const EXP_POWER_OFFSET = 1030;
const EXP_INTEGER_POWERS = Float64Array.from({ length: 2 * EXP_POWER_OFFSET }, (_, i) => Math.pow(2, i - EXP_POWER_OFFSET));
const EXP_INV_STEP = EXP_TABLE_SIZE / Math.LN2;
// ln 2 / 64 split in two (fdlibm's ln2 hi/lo) so that t − k·step is exact in the high part.
const EXP_STEP_HI = 6.93147180369123816490e-1 / EXP_TABLE_SIZE;
const EXP_STEP_LO = 1.90821492927058770002e-10 / EXP_TABLE_SIZE;
// Adding and subtracting 1.5·2^52 rounds a double of magnitude < 2^51 to the nearest integer.
const ROUND_SHIFTER = 6755399441055744;

/**
 * eˣ within about 2 ulp of `Math.exp`, two to three times faster in V8, for the softmax and sigmoid
 * kernels whose cost is one exponential per logit. |x| > 708 (underflow, overflow, ±∞) and NaN go
 * to `Math.exp`, so the limits are exact: fastExp(−1000) = 0, fastExp(NaN) = NaN.
 */
export function fastExp(x: number): number {
  if (!(x >= -708 && x <= 708)) return Math.exp(x);
  const kf = x * EXP_INV_STEP + ROUND_SHIFTER - ROUND_SHIFTER;
  const r = x - kf * EXP_STEP_HI - kf * EXP_STEP_LO;
  const k = kf | 0;
  // Taylor to r⁵: the next term, r⁶/720 ≤ 3.4e-17, is below half an ulp of 1.
  const poly = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return EXP_FRACTION_POWERS[k & (EXP_TABLE_SIZE - 1)] * poly * EXP_INTEGER_POWERS[(k >> EXP_TABLE_BITS) + EXP_POWER_OFFSET];
}

// A table-driven log1p for the sigmoid-BCE loops (softplus(−|x|) = log1p(fastExp(−|x|))), about
// three times cheaper than V8's Math.log1p; its accuracy is checked against Math.log1p in
// test/core/numerics.test.ts.
const LOG_TABLE_SIZE = 64;
const LOG_TABLE_STEP = 1 / LOG_TABLE_SIZE;
/** log(1 + j/64) and 1/(1 + j/64) for j in [0, 64]. */
const LOG1P_NODE = Float64Array.from({ length: LOG_TABLE_SIZE + 1 }, (_, j) => Math.log1p(j * LOG_TABLE_STEP));
const LOG1P_NODE_INVERSE = Float64Array.from({ length: LOG_TABLE_SIZE + 1 }, (_, j) => 1 / (1 + j * LOG_TABLE_STEP));
// Coefficients of the series as constants: V8 does not fold `1 / 3` into a multiplication.
const THIRD = 1 / 3;
const FIFTH = 1 / 5;
const SIXTH = 1 / 6;
const SEVENTH = 1 / 7;

/**
 * log(1 + u) for u ∈ [0, 1], within about 1 ulp and with full relative accuracy for tiny u; other u
 * are outside its domain. log(1 + u) = log(1 + j/64) + log1p(f) with f = (u − j/64)/(1 + j/64),
 * |f| ≤ 1/128, where u − j/64 is exact (Sterbenz) and log1p(f) is a degree-8 series.
 */
export function log1pUnit(u: number): number {
  const j = (u * LOG_TABLE_SIZE + 0.5) | 0;
  const f = (u - j * LOG_TABLE_STEP) * LOG1P_NODE_INVERSE[j];
  const series = f * (1 - f * (0.5 - f * (THIRD - f * (0.25 - f * (FIFTH - f * (SIXTH - f * (SEVENTH - f * 0.125)))))));
  return LOG1P_NODE[j] + series;
}

/** σ(x), 1 − σ(x) and BCE-with-logits of one logit x against its target. */
export interface SigmoidBce {
  readonly sigma: number;
  readonly oneMinusSigma: number;
  readonly bce: number;
}

/**
 * The sigmoid-BCE core of the focal and QFL loops: σ(x), 1 − σ(x) and BCE(x, y) for a logit x and
 * a target y ∈ [0, 1], from one exponential e = e^−|x|, each taken on its non-overflowing side.
 * BCE = log1p(e) + max(x, 0) − y·x as non-negative terms ((1 − y)·x for x ≥ 0, −y·x below), since
 * the textbook (1 − y)·x + softplus(−x) cancels for negative x.
 * One function for all three because V8 compiled a loop calling two of this module's functions per
 * element much slower than one calling one (docs/performance.md, "Measurements behind the code");
 * it inlines this one and removes the returned object, so the loops allocate nothing.
 */
export function sigmoidBce(x: number, y: number): SigmoidBce {
  const e = fastExp(-Math.abs(x));
  const inv = 1 / (1 + e);
  const lp = log1pUnit(e);
  let sigma: number;
  let oneMinusSigma: number;
  let bce: number;
  if (x >= 0) {
    sigma = inv;
    oneMinusSigma = e * inv;
    bce = (1 - y) * x + lp;
  } else {
    sigma = e * inv;
    oneMinusSigma = inv;
    bce = -(y * x) + lp;
  }
  // One allocation site: V8's escape analysis removes a single object, not a choice between two.
  return { sigma, oneMinusSigma, bce };
}
