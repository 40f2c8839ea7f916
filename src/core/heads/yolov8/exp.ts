/**
 * e^t for t in [−708, 708], bit for bit as numerics' `fastExp` computes it there, without its range
 * test: the class pass and the decode clamp their arguments first (a clamp the branch predictor
 * always gets right), and a function this small is inlined into their loops. Callers read it once
 * into a module constant: under tsx an imported binding is a getter at every call.
 */

// e^t = 2^m · 2^(j/64) · e^r with t = (64m + j)·ln2/64 + r, |r| ≤ ln2/128, as in fastExp.
const FRACTION_POWERS = Float64Array.from({ length: 64 }, (_, j) => Math.pow(2, j / 64));
const POWER_OFFSET = 1030;
const INTEGER_POWERS = Float64Array.from({ length: 2 * POWER_OFFSET }, (_, i) => Math.pow(2, i - POWER_OFFSET));
const INV_STEP = 64 / Math.LN2;
// ln 2 / 64 split in two (fdlibm's ln2 hi/lo) so that t − k·step is exact in the high part.
const STEP_HI = 6.93147180369123816490e-1 / 64;
const STEP_LO = 1.90821492927058770002e-10 / 64;
// Adding and subtracting 1.5·2^52 rounds a double of magnitude < 2^51 to the nearest integer.
const ROUND_SHIFTER = 6755399441055744;

/** The clamp bound: e^±708 is finite, and below e^−708 a term no longer changes a sum with 1. */
export const EXP_ARGUMENT_LIMIT = 708;

/** e^t for −708 ≤ t ≤ 708 (NaN gives NaN); outside that range the result is wrong, so clamp first. */
export function expInRange(t: number): number {
  const kf = t * INV_STEP + ROUND_SHIFTER - ROUND_SHIFTER;
  const r = t - kf * STEP_HI - kf * STEP_LO;
  const k = kf | 0;
  // Taylor to r⁵: the next term, r⁶/720 ≤ 3.4e-17, is below half an ulp of 1.
  const poly = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return FRACTION_POWERS[k & 63] * poly * INTEGER_POWERS[(k >> 6) + POWER_OFFSET];
}
