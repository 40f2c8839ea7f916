import { inCheckedRanges } from '../../interrupt';
import { normalizeRowsBackwardInto } from '../../normalize';
import { reduce } from '../../reduction';
import { useSimd } from '../../simd/path';
import { type Tensor, type TensorF32 } from '../../tensor';
import { ARCFACE_SIMD_MIN_CLASSES, ARCFACE_SIMD_MIN_ELEMENTS, arcFaceColumns, arcFaceRows, CORE_ARCFACE_HOST, type ArcFaceHost, type ArcFaceJob, type ArcFaceOptions, type ArcFaceResult } from './job';
import { prepareArcFace } from './prepare';

export { arcFaceTargetLogit, CORE_ARCFACE_HOST, COSINE_DERIVATIVE_EPS, type ArcFaceForm, type ArcFaceHost, type ArcFaceMargins, type ArcFaceOptions, type ArcFaceResult, type TargetLogit } from './job';

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
 * For 10⁵ classes and more, where the (B, C) buffers outgrow W, arcFaceLossFused (fused.ts) gives
 * the same loss and gradients without them.
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
  const { B, d, C, s, margin, plan, precision, wantGrad, xNorms, xHat, wNorms, wInverse } = prepareArcFace('arcFaceLoss', x, W, labels, options, products);
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
