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
