import { arcFaceTargetLogit } from '../../losses/arcface';
import type { ClampCounter } from '../../numerics';

/**
 * The margin each head puts on the target cosine c = cos θ_y, before scaling: its value f(c) and
 * df/dc. Only the target logit gets a margin; every other logit stays c.
 */
export interface TargetValue {
  value: number;
  derivative: number;
}

/**
 * pml's ArcFaceLoss (`losses/arcface_loss.py`): θ = acos(clamp(c, −1, 1)), then cos(θ + m) while
 * θ ≤ π − m (inclusive), else cos θ − m·sin m. The margin is in radians here (pml converts its
 * degrees with np.radians). The cos(θ + m) branch is the arcface loss's `paper` form, reused; its
 * derivative at c = ±1 is taken at ±(1 − 1e-12) and counted in `clamps`, where PyTorch's is NaN.
 * Past the ±1 clamp PyTorch's gradient is 0 (clamp passes none), and so is this one.
 */
export function pmlArcFaceTarget(c: number, m: number, clamps: ClampCounter, out: TargetValue): void {
  const inside = c >= -1 && c <= 1;
  const theta = Math.acos(inside ? c : c > 1 ? 1 : -1);
  if (theta <= Math.PI - m) {
    const paper = arcFaceTargetLogit(c, { form: 'paper', m }, clamps);
    out.value = paper.value;
    out.derivative = inside ? paper.derivative : 0;
    return;
  }
  if (!inside) clamps.count++;
  out.value = Math.cos(theta) - m * Math.sin(m);
  out.derivative = inside ? 1 : 0;
}

/** CosFace (pml CosFaceLoss, insightface's m3 branch): c − m. */
export function cosFaceTarget(c: number, m: number, out: TargetValue): void {
  out.value = c - m;
  out.derivative = 1;
}

/** cos(mθ) as the polynomial of c = cos θ that pml sums (Eq. 7 of L-Softmax), and its derivative in c. */
export interface MultipleAngle {
  /** C(m, 2n)·(−1)ⁿ for n = 0 … ⌊m/2⌋. */
  readonly coefficients: Float64Array;
  readonly m: number;
}

export function multipleAngle(m: number): MultipleAngle {
  const half = Math.floor(m / 2);
  const coefficients = new Float64Array(half + 1);
  for (let n = 0; n <= half; n++) coefficients[n] = (n % 2 === 0 ? 1 : -1) * binomial(m, 2 * n);
  return { coefficients, m };
}

/** The exact integer binomial C(n, k), as scipy.special.binom gives for these small integers. */
function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/** x^p with 0^0 = 1 (torch's pow), for non-negative integer p. */
const power = (x: number, p: number): number => (p === 0 ? 1 : Math.pow(x, p));

/**
 * pml's SphereFaceLoss target (its LargeMarginSoftmaxLoss form): ψ = (−1)^k·cos(mθ) − 2k with
 * cos(mθ) = Σₙ (−1)ⁿ·C(m, 2n)·c^(m−2n)·(1 − c²)ⁿ of the raw cosine, and k = ⌊θ/(π/m)⌋ from
 * θ = acos(clamp(c, −1, 1)) under no_grad (so k carries no gradient). `k` is written to out.k.
 */
export function sphereFaceTarget(c: number, angle: MultipleAngle, clamps: ClampCounter, out: TargetValue & { k: number }): void {
  const { coefficients, m } = angle;
  const s2 = 1 - c * c;
  let value = 0;
  let derivative = 0;
  for (let n = 0; n < coefficients.length; n++) {
    const p = m - 2 * n;
    const cp = power(c, p);
    const sn = power(s2, n);
    value += coefficients[n] * cp * sn;
    // d/dc [c^p·(1 − c²)^n] = p·c^(p−1)·(1 − c²)^n − 2n·c^(p+1)·(1 − c²)^(n−1)
    const dc = p === 0 ? 0 : p * power(c, p - 1) * sn;
    const ds = n === 0 ? 0 : 2 * n * power(c, p + 1) * power(s2, n - 1);
    derivative += coefficients[n] * (dc - ds);
  }
  if (c > 1 || c < -1) clamps.count++;
  const theta = Math.acos(c > 1 ? 1 : c < -1 ? -1 : c);
  const k = Math.floor(theta / (Math.PI / m));
  const sign = k % 2 === 0 ? 1 : -1;
  out.k = k;
  out.value = sign * value - 2 * k;
  out.derivative = sign * derivative;
}

/**
 * insightface's ArcFace branch of CombinedMarginLoss on an already clamped cosine:
 * - `paper` (HEAD 7fadd420): cos(acos c + m2), no threshold;
 * - `threshold` (5ef98047): c·cos m2 − √(1 − c²)·sin m2 while c > cos(π − m2) (strict), else
 *   c − m2·sin(π − m2).
 * Both are the arcface loss's forms (`paper` and `insightface`), reused. The derivative is the true
 * one, also for `paper`, whose peer backward is not (see combinedMarginLoss).
 */
export function insightfaceArcTarget(c: number, m2: number, form: 'paper' | 'threshold', clamps: ClampCounter, out: TargetValue): void {
  const target = arcFaceTargetLogit(c, { form: form === 'paper' ? 'paper' : 'insightface', m: m2 }, clamps);
  out.value = target.value;
  out.derivative = target.derivative;
}
