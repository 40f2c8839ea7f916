import { InputError, describeValue } from '../errors';
import { matmulInto, matmulTransAInto, matmulTransBInto } from '../matmul';
import { clampedNorm, columnNormsInto, normalizeColumnsBackwardInto, normalizeRowsBackwardInto, normalizeRowsInto, rowNormsInto } from '../normalize';
import { clampCosine, type ClampCounter } from '../numerics';
import { coefficient, planReduction, reduce } from '../reduction';
import type { Precision } from '../simd/path';
import { requireFinite, requireIntegers, requireNumberInRange, requireShape, type Tensor, type TensorF32 } from '../tensor';
import type { LossOptions, LossResult } from './types';

/**
 * How the margin enters the target logit:
 * - `insightface`: arcface_torch before 2022: cos(θ+m) while cos θ > cos(π−m), and the fallback
 *   cos θ − m·sin(π−m) beyond, where cos(θ+m) would turn back up (θ+m > π); the fallback keeps
 *   the logit decreasing in θ, with a downward jump of 1 − cos m − m·sin m at the switch;
 *   with `easyMargin`: cos(θ+m) only while cos θ > 0, else cos θ.
 * - `paper`: cos(θ+m) everywhere (θ = acos cos θ), as written in the ArcFace paper.
 * - `combined`: cos(m1·θ + m2) − m3 everywhere, which is SphereFace (m1), ArcFace (m2) and CosFace
 *   (m3) at once; no threshold is applied.
 */
export type ArcFaceForm = 'insightface' | 'paper' | 'combined';

export interface ArcFaceMargins {
  /** SphereFace's multiplicative angular margin (1 = none). */
  readonly m1: number;
  /** ArcFace's additive angular margin in radians (0 = none). */
  readonly m2: number;
  /** CosFace's additive cosine margin (0 = none). */
  readonly m3: number;
}

export interface ArcFaceOptions extends LossOptions {
  /** Scale of the logits (default 64). */
  s?: number;
  /** Additive angular margin in radians, in [−π, π] (default 0.5). */
  m?: number;
  /** With form `insightface`: apply the margin only while cos θ > 0 (default false). */
  easyMargin?: boolean;
  /** Target-logit formula (default `insightface`). */
  form?: ArcFaceForm;
  /** For form `combined`; defaults m1 = 1, m2 = m, m3 = 0. */
  margins?: Partial<ArcFaceMargins>;
  /**
   * Arithmetic of the three (B, d, C) matrix products (default `float64`). `float32` multiplies in
   * float32 SIMD (about 2× faster) while norms, softmax, loss and gradients stay float64; cosines
   * then carry an error up to (d + 2)·2⁻²⁴ (docs/performance.md). Either precision reads
   * Float32Array inputs (TensorF32) in place, without a float64 copy.
   */
  precision?: Precision;
}

export type ArcFaceResult = LossResult<'x' | 'W'> & {
  /** (B, C) the scaled logits the cross-entropy sees: s·cos θ, and s·f(cos θ) at the label. */
  readonly logits: Tensor;
  /** (B, C) cosines between normalized embeddings and normalized class centres. */
  readonly cosines: Tensor;
  /** (B) the angle θ in radians between each embedding and its own class centre. */
  readonly angles: Tensor;
  /** `clampedCosines`: target cosines clamped into [−1, 1] or, for the margin's derivative, to |c| ≤ 1 − 1e-12. */
  readonly report: Readonly<{ clampedCosines: number }>;
};

/**
 * Target cosines within this distance of ±1 get the derivative of the margin at ±(1 − ε), where
 * d sin θ / d cos θ is finite (about 7·10⁵). Why 1e-12: a normalized dot product over d ≤ 10⁴
 * dimensions carries a rounding error of about d·2⁻⁵³ ≈ 1e-12, so a cosine that close to ±1 is
 * indistinguishable from ±1 and its true derivative (infinite at ±1) is noise anyway; genuine
 * cosines further away are left untouched, so gradients there match PyTorch's exactly.
 */
export const COSINE_DERIVATIVE_EPS = 1e-12;

/** The validated, precomputed margin parameters (one per call, not per element). */
interface MarginPlan {
  readonly form: ArcFaceForm;
  readonly m: number;
  readonly easyMargin: boolean;
  readonly m1: number;
  readonly m2: number;
  readonly m3: number;
  readonly cosM: number;
  readonly sinM: number;
  /** cos(π − m): where `insightface` switches to the linear continuation. */
  readonly threshold: number;
  /** m·sin(π − m): the offset of the linear continuation. */
  readonly linearOffset: number;
}

function planMargin(fn: string, options: ArcFaceOptions): MarginPlan {
  const form = options.form ?? 'insightface';
  if (form !== 'insightface' && form !== 'paper' && form !== 'combined') {
    throw new InputError(fn, 'options.form', "one of 'insightface', 'paper', 'combined'", describeValue(form));
  }
  const m = options.m ?? 0.5;
  requireNumberInRange(fn, 'options.m', m, -Math.PI, Math.PI);
  const easyMargin = options.easyMargin ?? false;
  if (typeof easyMargin !== 'boolean') throw new InputError(fn, 'options.easyMargin', 'a boolean', describeValue(easyMargin));
  const m1 = options.margins?.m1 ?? 1;
  const m2 = options.margins?.m2 ?? m;
  const m3 = options.margins?.m3 ?? 0;
  requireNumberInRange(fn, 'options.margins.m1', m1, -Infinity, Infinity);
  requireNumberInRange(fn, 'options.margins.m2', m2, -Infinity, Infinity);
  requireNumberInRange(fn, 'options.margins.m3', m3, -Infinity, Infinity);
  return {
    form,
    m,
    easyMargin,
    m1,
    m2,
    m3,
    cosM: Math.cos(m),
    sinM: Math.sin(m),
    threshold: Math.cos(Math.PI - m),
    linearOffset: Math.sin(Math.PI - m) * m,
  };
}

/** The margin function's value f(c) and derivative f′(c) at one target cosine. */
export interface TargetLogit {
  /** The unscaled target logit f(cos θ); the loss uses s·f(cos θ). */
  readonly value: number;
  /** df/d(cos θ), finite everywhere (see COSINE_DERIVATIVE_EPS). */
  readonly derivative: number;
}

/**
 * The target logit f(cos θ) before scaling, and its derivative, for one cosine: the margin curve
 * behind ArcFace (and, with form `combined`, SphereFace and CosFace). `options` as for
 * `arcFaceLoss` (s is not used). `clamps` counts cosines clamped (see ArcFaceResult.report).
 */
export function arcFaceTargetLogit(cosTheta: number, options: ArcFaceOptions = {}, clamps?: ClampCounter): TargetLogit {
  requireNumberInRange('arcFaceTargetLogit', 'cosTheta', cosTheta, -Infinity, Infinity);
  const out = { value: 0, derivative: 0 };
  targetLogitInto(cosTheta, planMargin('arcFaceTargetLogit', options), out, clamps);
  return out;
}

/** Writes f(t) and f′(t) into `out`; returns nothing so the per-row loop allocates nothing. */
function targetLogitInto(t: number, plan: MarginPlan, out: { value: number; derivative: number }, clamps?: ClampCounter): void {
  const { form } = plan;
  const useMargin =
    form !== 'insightface' || (plan.easyMargin ? t > 0 : t > plan.threshold);
  if (!useMargin) {
    out.value = plan.easyMargin ? t : t - plan.linearOffset;
    out.derivative = 1;
    return;
  }
  // One clamp event per cosine, whether the value, the derivative or both needed it.
  let clamped = false;
  const c = clampCosine(t);
  if (c !== t) clamped = true;
  let cd = c;
  if (c > 1 - COSINE_DERIVATIVE_EPS) cd = 1 - COSINE_DERIVATIVE_EPS;
  else if (c < -1 + COSINE_DERIVATIVE_EPS) cd = -1 + COSINE_DERIVATIVE_EPS;
  if (cd !== c) clamped = true;
  if (clamped && clamps) clamps.count++;
  const sinD = Math.sqrt((1 - cd) * (1 + cd));
  if (form === 'insightface') {
    // cos(θ+m) expanded, as arcface_torch computes it, with sin θ = √(1 − cos²θ).
    out.value = c * plan.cosM - Math.sqrt((1 - c) * (1 + c)) * plan.sinM;
    out.derivative = plan.cosM + (cd * plan.sinM) / sinD;
  } else if (form === 'paper') {
    out.value = Math.cos(Math.acos(c) + plan.m);
    out.derivative = Math.sin(Math.acos(cd) + plan.m) / sinD;
  } else {
    out.value = Math.cos(plan.m1 * Math.acos(c) + plan.m2) - plan.m3;
    out.derivative = (plan.m1 * Math.sin(plan.m1 * Math.acos(cd) + plan.m2)) / sinD;
  }
}

/** The textbook target-logit curves against θ, for the margin plots. */
export interface MarginCurves {
  /** Plain normalized softmax: cos θ. */
  readonly softmax: number;
  /** SphereFace: cos(m·θ). */
  readonly sphereFace: number;
  /** CosFace: cos θ − m. */
  readonly cosFace: number;
  /** ArcFace: cos(θ + m). */
  readonly arcFace: number;
}

/**
 * The target logit (before scaling) of each margin loss at angle θ (radians). Margins default to
 * the papers' values: SphereFace 4, CosFace 0.35, ArcFace 0.5.
 */
export function marginCurves(
  theta: number,
  margins: { sphereFace?: number; cosFace?: number; arcFace?: number } = {},
): MarginCurves {
  const { sphereFace = 4, cosFace = 0.35, arcFace = 0.5 } = margins;
  const cosTheta = Math.cos(theta);
  return {
    softmax: cosTheta,
    sphereFace: Math.cos(sphereFace * theta),
    cosFace: cosTheta - cosFace,
    arcFace: Math.cos(theta + arcFace),
  };
}

/**
 * ArcFace loss (additive angular margin, Deng et al. 2019; insightface arcface_torch), and through
 * `form: 'combined'` the SphereFace / CosFace / ArcFace family.
 *
 * Embeddings and class centres are L2-normalized as `F.normalize` (divided by max(‖v‖, 1e-12)), so
 * cosᵢⱼ = x̂ᵢ·Ŵⱼ. The logits are s·cosᵢⱼ, except at the label, where the margin function replaces
 * the cosine: s·f(cos θᵢ) (see ArcFaceForm). The loss per embedding is the softmax cross-entropy
 * of its logits, computed with log-sum-exp so any s is safe.
 *
 * @param x (B, d) embeddings, one per row; B may be 0. A zero row is allowed (all its cosines are 0).
 *   Float64 (Tensor) or, as exported, float32 (TensorF32), read in place either way.
 * @param W (d, C) class centres, one per column; C ≥ 1 when B > 0. Tensor or TensorF32.
 * @param labels (B) the class of each embedding, integers in [0, C).
 * @param options s (default 64), m (default 0.5), easyMargin (default false), form (default
 *   `insightface`), margins (for `combined`), precision (default `float64`; `float32` computes the
 *   three matrix products in float32, see ArcFaceOptions.precision), and the usual reduction options: `mean` (default)
 *   averages the (weighted) per-embedding losses, `sum` adds them, `none` returns them weighted;
 *   `weight` is (B); `grad` (default false) adds gradients.
 * @returns loss (the reduced loss), perElement (B) unweighted losses, logits (B, C), cosines
 *   (B, C), angles (B), report.clampedCosines, and with `grad` the exact gradients of the reported
 *   loss (of its sum for `none`) with respect to x (B, d) and W (d, C). They are finite for every
 *   finite input: at cos θ = ±1, where PyTorch's are NaN, the margin's derivative is taken at
 *   ±(1 − 1e-12) (COSINE_DERIVATIVE_EPS); a zero embedding gets gradient/1e-12, as in PyTorch.
 */
export function arcFaceLoss(x: Tensor | TensorF32, W: Tensor | TensorF32, labels: Tensor, options: ArcFaceOptions = {}): ArcFaceResult {
  const fn = 'arcFaceLoss';
  const dims = requireShape(fn, 'x', x, ['B', 'd']);
  requireShape(fn, 'W', W, ['d', 'C'], dims);
  requireShape(fn, 'labels', labels, ['B'], dims);
  const B = dims.get('B') ?? 0;
  const d = dims.get('d') ?? 0;
  const C = dims.get('C') ?? 0;
  requireFinite(fn, 'x', x);
  requireFinite(fn, 'W', W);
  requireIntegers(fn, 'labels', labels, 0, C - 1);
  const s = options.s ?? 64;
  requireNumberInRange(fn, 'options.s', s, Number.MIN_VALUE, Infinity);
  const margin = planMargin(fn, options);
  const plan = planReduction(fn, [B], options);
  const precision = options.precision ?? 'float64';
  if (precision !== 'float64' && precision !== 'float32') {
    throw new InputError(fn, 'options.precision', "'float64' or 'float32'", describeValue(precision));
  }
  const wantGrad = options.grad === true;

  // Normalize x explicitly (B·d is small); W's column norms are folded into the products instead
  // of materializing Ŵ, which is as large as W: cos = (x̂·W)·diag(1/‖Wⱼ‖).
  const xNorms = new Float64Array(B);
  rowNormsInto(x.data, B, d, xNorms);
  const xHat = new Float64Array(B * d);
  normalizeRowsInto(x.data, B, d, xNorms, xHat);
  const wNorms = new Float64Array(C);
  columnNormsInto(W.data, d, C, wNorms);
  const wInverse = new Float64Array(C);
  for (let j = 0; j < C; j++) wInverse[j] = 1 / clampedNorm(wNorms[j]);

  const cosines = new Float64Array(B * C);
  matmulInto(xHat, W.data, cosines, B, d, C, precision);
  const logits = new Float64Array(B * C);
  const perElement = new Float64Array(B);
  const angles = new Float64Array(B);
  // G (B, C) = d(reported loss)/d cos: only allocated when gradients are wanted.
  const G = wantGrad ? new Float64Array(B * C) : null;
  const rowDots = new Float64Array(B);
  const columnDots = wantGrad ? new Float64Array(C) : null;
  const clamps: ClampCounter = { count: 0 };
  const target = { value: 0, derivative: 0 };

  for (let i = 0; i < B; i++) {
    const o = i * C;
    const label = labels.data[i];
    // The max over the other logits first; the target's margin logit joins it below.
    let max = -Infinity;
    for (let j = 0; j < C; j++) {
      const cosine = cosines[o + j] * wInverse[j];
      cosines[o + j] = cosine;
      const z = s * cosine;
      logits[o + j] = z;
      if (z > max && j !== label) max = z;
    }
    const t = cosines[o + label];
    angles[i] = Math.acos(clampCosine(t));
    targetLogitInto(t, margin, target, clamps);
    const zTarget = s * target.value;
    logits[o + label] = zTarget;
    if (zTarget > max) max = zTarget;
    let sum = 0;
    if (G === null) {
      for (let j = 0; j < C; j++) sum += Math.exp(logits[o + j] - max);
    } else {
      for (let j = 0; j < C; j++) {
        const e = Math.exp(logits[o + j] - max);
        G[o + j] = e;
        sum += e;
      }
    }
    perElement[i] = max + Math.log(sum) - zTarget;
    if (G === null || columnDots === null) continue;
    // dL/dz = softmax − onehot, times d z/d cos: s, and s·f′ at the label.
    const scale = (coefficient(plan, i) * s) / sum;
    let dot = 0;
    for (let j = 0; j < C; j++) {
      const g = G[o + j] * scale;
      G[o + j] = g;
      const gc = g * cosines[o + j];
      dot += gc;
      columnDots[j] += gc;
    }
    const pTarget = G[o + label];
    const gTarget = (pTarget - coefficient(plan, i) * s) * target.derivative;
    G[o + label] = gTarget;
    rowDots[i] = dot + (gTarget - pTarget) * t;
    columnDots[label] += (gTarget - pTarget) * t;
  }

  const lossShape = [B];
  const perElementTensor: Tensor = { shape: lossShape, data: perElement };
  const result = {
    loss: reduce(plan, perElementTensor),
    perElement: perElementTensor,
    logits: { shape: [B, C], data: logits },
    cosines: { shape: [B, C], data: cosines },
    angles: { shape: lossShape, data: angles },
    report: { clampedCosines: clamps.count },
  };
  if (G === null || columnDots === null) return result;

  // dL/dŴ = x̂ᵀ·G; then dL/dx̂ = G·Ŵᵀ = (G·diag(1/‖Wⱼ‖))·Wᵀ, scaling G in place once it is used.
  const gradW = new Float64Array(d * C);
  matmulTransAInto(xHat, G, gradW, d, B, C, precision);
  for (let i = 0; i < B; i++) {
    const o = i * C;
    for (let j = 0; j < C; j++) G[o + j] *= wInverse[j];
  }
  const gradX = new Float64Array(B * d);
  matmulTransBInto(G, W.data, gradX, B, C, d, precision);
  // x̂ᵢ·(dL/dx̂ᵢ) = Σⱼ Gᵢⱼ cosᵢⱼ and Ŵⱼ·(dL/dŴⱼ) = Σᵢ Gᵢⱼ cosᵢⱼ: the normalizations' backward needs no more.
  normalizeRowsBackwardInto(gradX, x.data, B, d, xNorms, rowDots);
  normalizeColumnsBackwardInto(gradW, W.data, d, C, wNorms, columnDots);
  return { ...result, grad: { x: { shape: [B, d], data: gradX }, W: { shape: [d, C], data: gradW } } };
}
