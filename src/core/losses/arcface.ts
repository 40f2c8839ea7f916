import { inCheckedRanges } from '../interrupt';
import { InputError, describeValue } from '../errors';
import { CORE_PRODUCTS, type ProductProvider } from '../matmul';
import { clampedNorm, columnNormsInto, normalizeRowsBackwardInto, normalizeRowsInto, normalizeScaledColumnsBackwardInto, rowNormsInto } from '../normalize';
import { clampCosine, type ClampCounter } from '../numerics';
import { coefficient, planReduction, reduce, type ReductionPlan } from '../reduction';
import { ArcFaceSimdRow } from '../simd/arcface';
import { useSimd, type FloatArray, type Precision } from '../simd/path';
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

/** arcFaceRows on the SIMD kernels (./simd/arcface): the same steps, a polynomial exp. */
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
 * @param products where the three products and the (B, C) buffers come from: the core's
 *   single-threaded products by default; a host's worker pool gives the same bits (see ProductProvider).
 */
export function arcFaceLoss(
  x: Tensor | TensorF32,
  W: Tensor | TensorF32,
  labels: Tensor,
  options: ArcFaceOptions = {},
  products: ArcFaceHost = CORE_ARCFACE_HOST,
): ArcFaceResult {
  const fn = 'arcFaceLoss';
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
  const wantGrad = options.grad === true;

  // Normalize x explicitly (B·d is small); W's column norms are folded into the products instead
  // of materializing Ŵ, which is as large as W: cos = (x̂·W)·diag(1/‖Wⱼ‖).
  const xNorms = new Float64Array(B);
  rowNormsInto(x.data, B, d, xNorms);
  const xHat = products.allocate(B * d);
  normalizeRowsInto(x.data, B, d, xNorms, xHat);
  const wInverse = products.allocate(C);
  for (let j = 0; j < C; j++) wInverse[j] = 1 / clampedNorm(wNorms[j]);

  const cosines = products.allocate(B * C);
  products.product({ kind: 'AB', a: xHat, b: W.data, out: cosines, m: B, k: d, n: C, precision });
  const simd = useSimd(C >= ARCFACE_SIMD_MIN_CLASSES ? B * C : 0, ARCFACE_SIMD_MIN_ELEMENTS);
  // In the float32 mode both gradient products round G to float32 as they pack it (per thread,
  // per product): the SIMD row pass stores it rounded instead, once, the same values in half the
  // bytes. The TypeScript row pass rescales G in place, so it keeps float64.
  const narrowG = wantGrad && precision === 'float32' && simd;
  const job: ArcFaceJob = {
    B,
    d,
    C,
    s,
    labels: labels.data,
    margin,
    plan,
    simd,
    W: W.data,
    wNorms,
    wInverse,
    cosines,
    logits: products.allocate(B * C),
    // G (B, C) and gradW (d, C): only allocated when gradients are wanted. The row pass writes
    // every element of G, and no result refers to it, so it may be a recycled buffer.
    G: !wantGrad ? null : narrowG && products.scratch32 ? products.scratch32(B * C) : (products.scratch?.(B * C) ?? products.allocate(B * C)),
    gradW: wantGrad ? products.allocate(d * C) : null,
    perElement: products.allocate(B),
    angles: products.allocate(B),
    rowDots: products.allocate(B),
  };
  let clampedCosines = 0;
  if (products.rows === undefined) inCheckedRanges(B, C, (i0, i1) => (clampedCosines += arcFaceRows(job, i0, i1)));
  else clampedCosines = products.rows(job);
  const { logits, G, gradW, perElement, angles } = job;
  const lossShape = [B];
  const perElementTensor: Tensor = { shape: lossShape, data: perElement };
  const result = {
    loss: reduce(plan, perElementTensor),
    perElement: perElementTensor,
    logits: { shape: [B, C], data: logits },
    cosines: { shape: [B, C], data: cosines },
    angles: { shape: lossShape, data: angles },
    report: { clampedCosines },
  };
  if (G === null || gradW === null) return result;

  // G already carries 1/‖Wⱼ‖: x̂ᵀ·G = dL/dŴ·diag(1/‖Wⱼ‖), and dL/dx̂ = G·Wᵀ.
  products.product({ kind: 'AtB', a: xHat, b: G, out: gradW, m: d, k: B, n: C, precision });
  if (products.columns === undefined) inCheckedRanges(C, d, (c0, c1) => arcFaceColumns(job, c0, c1));
  else products.columns(job);
  const gradX = products.allocate(B * d);
  products.product({ kind: 'ABt', a: G, b: W.data, out: gradX, m: B, k: C, n: d, precision });
  // x̂ᵢ·(dL/dx̂ᵢ) = Σⱼ (dL/d cosᵢⱼ)·cosᵢⱼ: the row normalization's backward needs no more.
  normalizeRowsBackwardInto(gradX, x.data, B, d, xNorms, job.rowDots);
  products.release?.(G);
  return { ...result, grad: { x: { shape: [B, d], data: gradX }, W: { shape: [d, C], data: gradW } } };
}
