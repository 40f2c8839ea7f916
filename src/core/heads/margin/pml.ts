import { InputError, describeValue } from '../../errors';
import type { ClampCounter } from '../../numerics';
import { requireFinite, requireIntegers, requireNumberInRange, requireShape, type Tensor } from '../../tensor';
import { cosineBackward, normalizedCosines } from './cosines';
import { crossEntropyRows } from './crossEntropy';
import type { MarginHeadResult } from './result';
import { cosFaceTarget, multipleAngle, pmlArcFaceTarget, sphereFaceTarget, type TargetValue } from './targets';

/** pytorch-metric-learning's margin classification losses, by the class they mirror. */
export type PmlMarginKind = 'arcface' | 'cosface' | 'sphereface' | 'subcenter_arcface';

export const PML_MARGIN_KINDS: readonly PmlMarginKind[] = ['arcface', 'cosface', 'sphereface', 'subcenter_arcface'];

export interface PmlMarginOptions {
  /** Which class: ArcFaceLoss, CosFaceLoss, SphereFaceLoss or SubCenterArcFaceLoss (default `arcface`). */
  kind?: PmlMarginKind;
  /**
   * The margin exactly as pml takes it: degrees for the ArcFace kinds (28.6, converted with
   * np.radians), a cosine offset for CosFace (0.35), an integer multiplier for SphereFace (4,
   * truncated by int()).
   */
  margin?: number;
  /** The logit scale: 64, or 1 for SphereFace (which also multiplies by ‖xᵢ‖). */
  scale?: number;
  /** Sub-centres per class for `subcenter_arcface` (default 3). */
  subCenters?: number;
}

/** pml's defaults per class (v2.8.1). */
export const PML_MARGIN_DEFAULTS: Readonly<Record<PmlMarginKind, { margin: number; scale: number }>> = {
  arcface: { margin: 28.6, scale: 64 },
  cosface: { margin: 0.35, scale: 64 },
  sphereface: { margin: 4, scale: 1 },
  subcenter_arcface: { margin: 28.6, scale: 64 },
};

/** np.radians, as pml stores an ArcFace margin: degrees·π/180. */
export const radiansOf = (degrees: number): number => (degrees * Math.PI) / 180;

/**
 * pytorch-metric-learning's margin heads (`losses/large_margin_softmax_loss.py` and its
 * subclasses, v2.8.1) with their default CosineSimilarity and MeanReducer.
 *
 * cosᵢⱼ = x̂ᵢ·Ŵⱼ with both normalised as F.normalize. For sub-centre ArcFace, W holds k columns per
 * class (class-major: column c·k + j is sub-centre j of class c) and cosᵢc is the best of them,
 * which alone receives the gradient. Only the target logit gets the margin f(cos θ_y):
 * - `arcface`, `subcenter_arcface`: cos(θ + m) while θ ≤ π − m, else cos θ − m·sin m;
 * - `cosface`: cos θ − m;
 * - `sphereface`: (−1)^k·cos(mθ) − 2k with k = ⌊θ·m/π⌋.
 * Logits are scaled by `scale`, and for SphereFace also by the raw ‖xᵢ‖ (every logit of row i).
 * The loss is the mean over rows of the softmax cross-entropy.
 *
 * @param x (B, d) embeddings.
 * @param W (d, C·k) class centres as pml stores them, one column per class (k = 1 but for sub-centres).
 * @param labels (B) class ids in [0, C).
 * @returns loss, losses (B), logits (B, C), cosines (B, C), angles θ_y (B), the target cosines and
 *   logits (B), and the exact gradients of the loss wrt x (B, d) and W (d, C·k). At cos θ_y = ±1 the
 *   ArcFace derivative is taken at ±(1 − 1e-12) and counted in report.clampedCosines.
 */
export function pmlMarginLoss(x: Tensor, W: Tensor, labels: Tensor, options: PmlMarginOptions = {}): MarginHeadResult {
  const fn = 'pmlMarginLoss';
  const kind = options.kind ?? 'arcface';
  if (!PML_MARGIN_KINDS.includes(kind)) throw new InputError(fn, 'options.kind', `one of ${PML_MARGIN_KINDS.map((k) => `'${k}'`).join(', ')}`, describeValue(kind));
  const defaults = PML_MARGIN_DEFAULTS[kind];
  const margin = options.margin ?? defaults.margin;
  const scale = options.scale ?? defaults.scale;
  requireNumberInRange(fn, 'options.margin', margin, kind === 'sphereface' ? 1 : -Infinity, Infinity);
  requireNumberInRange(fn, 'options.scale', scale, -Infinity, Infinity);
  const k = kind === 'subcenter_arcface' ? (options.subCenters ?? 3) : 1;
  if (!Number.isInteger(k) || k < 1) throw new InputError(fn, 'options.subCenters', 'an integer ≥ 1', describeValue(k));
  const dims = requireShape(fn, 'x', x, ['B', 'd']);
  requireShape(fn, 'W', W, ['d', 'C·k'], dims);
  requireShape(fn, 'labels', labels, ['B'], dims);
  const B = dims.get('B') ?? 0;
  const d = dims.get('d') ?? 0;
  const N = dims.get('C·k') ?? 0;
  if (N % k !== 0) throw new InputError(fn, 'W', `(d, C·k) with ${k} sub-centres per class: a column count divisible by ${k}`, `of shape (${W.shape.join(', ')})`);
  const C = N / k;
  requireFinite(fn, 'x', x);
  requireFinite(fn, 'W', W);
  requireIntegers(fn, 'labels', labels, 0, C - 1);

  const all = normalizedCosines(x.data, W.data, 'columns', B, d, N);
  // Sub-centres: each class's best sub-centre (the first on a tie, as torch.max on CPU).
  const cosines = k === 1 ? all.cosines : new Float64Array(B * C);
  const best = new Int32Array(k === 1 ? 0 : B * C);
  if (k > 1) {
    for (let i = 0; i < B; i++) {
      for (let c = 0; c < C; c++) {
        let arg = 0;
        for (let j = 1; j < k; j++) if (all.cosines[i * N + c * k + j] > all.cosines[i * N + c * k + arg]) arg = j;
        best[i * C + c] = arg;
        cosines[i * C + c] = all.cosines[i * N + c * k + arg];
      }
    }
  }

  const mRadians = kind === 'arcface' || kind === 'subcenter_arcface' ? radiansOf(margin) : 0;
  const angle = kind === 'sphereface' ? multipleAngle(Math.trunc(margin)) : null;
  const clamps: ClampCounter = { count: 0 };
  const target: TargetValue & { k: number } = { value: 0, derivative: 0, k: 0 };
  // Per row: the logit scale (scale, or ‖xᵢ‖·scale for SphereFace) and the target's df/dc.
  const rowScale = new Float64Array(B);
  const slope = new Float64Array(B);
  const logits = new Float64Array(B * C);
  const angles = new Float64Array(B);
  const targetCosines = new Float64Array(B);
  const targetLogits = new Float64Array(B);
  const targetValues = new Float64Array(B);
  const sphereK = new Float64Array(angle === null ? 0 : B);
  let pastPiMinusM = 0;
  for (let i = 0; i < B; i++) {
    const label = labels.data[i];
    const c = cosines[i * C + label];
    targetCosines[i] = c;
    angles[i] = Math.acos(c > 1 ? 1 : c < -1 ? -1 : c);
    if (kind === 'cosface') cosFaceTarget(c, margin, target);
    else if (angle !== null) {
      sphereFaceTarget(c, angle, clamps, target);
      sphereK[i] = target.k;
    } else {
      pmlArcFaceTarget(c, mRadians, clamps, target);
      if (angles[i] > Math.PI - mRadians) pastPiMinusM++;
    }
    // pml's SphereFaceLoss.scale_logits: the raw embedding norm (no eps), times scale.
    rowScale[i] = angle !== null ? all.xNorms[i] * scale : scale;
    slope[i] = target.derivative;
    targetValues[i] = target.value;
    for (let j = 0; j < C; j++) logits[i * C + j] = rowScale[i] * cosines[i * C + j];
    logits[i * C + label] = rowScale[i] * target.value;
    targetLogits[i] = logits[i * C + label];
  }
  const ce = crossEntropyRows(logits, labels.data, B, C);

  // dL/d cos: the logit gradient times the row's scale, and times f′ at the target.
  const G = new Float64Array(B * N);
  const normGrad = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const label = labels.data[i];
    let dNorm = 0;
    for (let c = 0; c < C; c++) {
      const g = ce.gradLogits[i * C + c];
      // SphereFace: z = ‖x‖·scale·u, so dL/d‖x‖ = Σ g·scale·u with u the unscaled logit.
      if (angle !== null) dNorm += g * (c === label ? targetValues[i] : cosines[i * C + c]) * scale;
      const column = i * N + c * k + (k === 1 ? 0 : best[i * C + c]);
      G[column] = g * rowScale[i] * (c === label ? slope[i] : 1);
    }
    normGrad[i] = dNorm;
  }
  const grad = cosineBackward(all, G, x.data, W.data);
  if (angle !== null) {
    for (let i = 0; i < B; i++) {
      const norm = all.xNorms[i];
      if (norm === 0) continue;
      for (let q = 0; q < d; q++) grad.x[i * d + q] += (normGrad[i] * x.data[i * d + q]) / norm;
    }
  }
  return {
    loss: ce.loss,
    losses: { shape: [B], data: ce.losses },
    logits: { shape: [B, C], data: logits },
    cosines: { shape: [B, C], data: cosines },
    angles: { shape: [B], data: angles },
    targetCosines: { shape: [B], data: targetCosines },
    targetLogits: { shape: [B], data: targetLogits },
    ...(angle !== null ? { sphereK: { shape: [B], data: sphereK } } : {}),
    ...(k > 1 ? { subCentre: { shape: [B, C], data: Float64Array.from(best) } } : {}),
    grad: { x: { shape: [B, d], data: grad.x }, W: { shape: [d, N], data: grad.centres } },
    report: { clampedCosines: clamps.count, pastPiMinusM, flooredRows: 0, filtered: 0, gradientIsTrue: true, marginRadians: mRadians },
  };
}
