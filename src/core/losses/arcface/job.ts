import { InputError, describeValue } from '../../errors';
import { CORE_PRODUCTS, type ProductProvider } from '../../matmul';
import { normalizeScaledColumnsBackwardInto } from '../../normalize';
import { clampCosine, type ClampCounter } from '../../numerics';
import { coefficient, type ReductionPlan } from '../../reduction';
import { ArcFaceSimdRow } from './simd';
import { type FloatArray, type Precision } from '../../simd/path';
import { requireNumberInRange, type Tensor } from '../../tensor';
import type { LossOptions, LossResult } from '../types';

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
export interface MarginPlan {
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

export function planMargin(fn: string, options: ArcFaceOptions): MarginPlan {
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
export function targetLogitInto(t: number, plan: MarginPlan, out: { value: number; derivative: number }, clamps?: ClampCounter): void {
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

/**
 * ArcFace between its products: the (B, C) pass over x̂·W and the buffers it fills. Rows and
 * column ranges of it are independent, so a host may run them on several threads (ArcFaceHost).
 */
export interface ArcFaceJob {
  readonly B: number;
  readonly d: number;
  readonly C: number;
  readonly s: number;
  /** (B) labels. */
  readonly labels: Float64Array;
  readonly margin: MarginPlan;
  readonly plan: ReductionPlan;
  /** Whether the row pass runs on the SIMD kernels: decided once per call, so every split agrees. */
  readonly simd: boolean;
  /** (d, C) the raw class centres, and (C) their norms ‖Wⱼ‖ and 1 / max(‖Wⱼ‖, 1e-12). */
  readonly W: FloatArray;
  readonly wNorms: Float64Array;
  readonly wInverse: Float64Array;
  /** (B, C) x̂·W on entry, the cosines after arcFaceRows. */
  readonly cosines: Float64Array;
  /** (B, C) the scaled logits. */
  readonly logits: Float64Array;
  /**
   * (B, C) after arcFaceRows: d(reported loss)/d cosᵢⱼ times 1/‖Wⱼ‖, the factor both gradient
   * products need (x̂ᵀ·G is then dL/dŴ over ‖Wⱼ‖, G·Wᵀ is dL/dx̂); null without gradients.
   * Float32Array in the float32 mode when the row pass runs on SIMD (see arcFaceLoss).
   */
  readonly G: FloatArray | null;
  /** (d, C) x̂ᵀ·G from the product, dL/dW after arcFaceColumns; null without gradients. */
  readonly gradW: Float64Array | null;
  /** (B) unweighted losses, angles, and Σⱼ (dL/d cosᵢⱼ)·cosᵢⱼ (= x̂ᵢ·dL/dx̂ᵢ). */
  readonly perElement: Float64Array;
  readonly angles: Float64Array;
  readonly rowDots: Float64Array;
}

/**
 * Optional row and column passes a host runs in parallel, besides the products. Each must return
 * what arcFaceRows over [0, B) and arcFaceColumns over [0, C) would (they are split-invariant).
 */
export interface ArcFaceHost extends ProductProvider {
  /** Runs arcFaceRows over every row; returns the clamp count. */
  rows?(job: ArcFaceJob): number;
  /** Runs arcFaceColumns over every column. */
  columns?(job: ArcFaceJob): void;
  /** Runs columnNormsRangeInto(data, rows, cols, norms, 0, cols), possibly in column ranges. */
  columnNorms?(data: FloatArray, rows: number, cols: number, norms: Float64Array): void;
  /**
   * A buffer like `allocate`'s whose contents are unspecified (the loss overwrites every element),
   * which the loss hands back with `release` once no result refers to it: a host may recycle it.
   */
  scratch?(length: number): Float64Array;
  /** The same in float32, for G in the float32 mode; without it G stays float64 (same results). */
  scratch32?(length: number): Float32Array;
  release?(buffer: FloatArray): void;
}

/** The core's single-threaded passes and products. */
export const CORE_ARCFACE_HOST: ArcFaceHost = { ...CORE_PRODUCTS, scratch32: (length) => new Float32Array(length) };

/**
 * From this many (B, C) elements and ARCFACE_SIMD_MIN_CLASSES classes on (and always under
 * `setKernelPath('simd')`), the row pass runs in WebAssembly: each row costs a few calls and
 * copies into linear memory, which a row of fewer classes does not repay.
 */
export const ARCFACE_SIMD_MIN_ELEMENTS = 2048;
export const ARCFACE_SIMD_MIN_CLASSES = 64;

/**
 * Rows [i0, i1): cosines from x̂·W, logits with the margin at the label, the log-sum-exp loss and,
 * with gradients, G's rows and rowDots. Returns how many target cosines were clamped. Each row
 * depends on nothing outside it, so any split of [0, B) gives the same bits.
 */
export function arcFaceRows(job: ArcFaceJob, i0: number, i1: number): number {
  return job.simd ? simdRows(job, i0, i1) : scalarRows(job, i0, i1);
}

/** arcFaceRows in TypeScript, one Math.exp per element. */
function scalarRows(job: ArcFaceJob, i0: number, i1: number): number {
  const { C, s, labels, margin, plan, wInverse, cosines, logits, G, perElement, angles, rowDots } = job;
  // This pass rescales G in place, which must happen in float64 (arcFaceLoss never narrows G here).
  if (G instanceof Float32Array) throw new Error('arcFaceRows: a float32 G needs the SIMD row pass');
  const clamps: ClampCounter = { count: 0 };
  const target = { value: 0, derivative: 0 };
  for (let i = i0; i < i1; i++) {
    const o = i * C;
    const label = labels[i];
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
    if (G === null) continue;
    // dL/dz = softmax − onehot, times dz/dcos: s, and s·f′ at the label; then over ‖Wⱼ‖.
    const scale = (coefficient(plan, i) * s) / sum;
    const pTarget = G[o + label] * scale;
    let dot = 0;
    for (let j = 0; j < C; j++) {
      const g = G[o + j] * scale;
      dot += g * cosines[o + j];
      G[o + j] = g * wInverse[j];
    }
    const gTarget = (pTarget - coefficient(plan, i) * s) * target.derivative;
    G[o + label] = gTarget * wInverse[label];
    rowDots[i] = dot + (gTarget - pTarget) * t;
  }
  return clamps.count;
}

/** arcFaceRows on the SIMD kernels (simd.ts): the same steps, a polynomial exp. */
function simdRows(job: ArcFaceJob, i0: number, i1: number): number {
  const { C, s, labels, margin, plan, wInverse, cosines, logits, G, perElement, angles, rowDots } = job;
  const clamps: ClampCounter = { count: 0 };
  const target = { value: 0, derivative: 0 };
  const row = new ArcFaceSimdRow(C, wInverse);
  for (let i = i0; i < i1; i++) {
    const o = i * C;
    const label = labels[i];
    const t = cosines[o + label] * wInverse[label];
    let max = row.logitsExceptLabel(cosines, o, label, s);
    angles[i] = Math.acos(clampCosine(t));
    targetLogitInto(t, margin, target, clamps);
    const zTarget = s * target.value;
    row.setLabel(label, t, zTarget);
    if (zTarget > max) max = zTarget;
    const sum = row.exponentials(max);
    perElement[i] = max + Math.log(sum) - zTarget;
    if (G !== null) {
      const scale = (coefficient(plan, i) * s) / sum;
      const pTarget = row.entry(label) * scale;
      const dot = row.gradient(scale);
      const gTarget = (pTarget - coefficient(plan, i) * s) * target.derivative;
      row.setG(label, gTarget * wInverse[label]);
      rowDots[i] = dot + (gTarget - pTarget) * t;
    }
    row.store(o, cosines, logits, G);
  }
  return clamps.count;
}

/**
 * Columns [c0, c1) of gradW, once it holds x̂ᵀ·G: the normalization's backward, which turns it into
 * dL/dW (normalizeScaledColumnsBackwardInto). Each column depends on nothing outside it.
 */
export function arcFaceColumns(job: ArcFaceJob, c0: number, c1: number): void {
  if (job.gradW === null) return;
  normalizeScaledColumnsBackwardInto(job.gradW, job.W, job.d, job.C, job.wNorms, c0, c1);
}
