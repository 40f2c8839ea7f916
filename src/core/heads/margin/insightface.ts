import { InputError, describeValue } from '../../errors';
import type { ClampCounter } from '../../numerics';
import { requireFinite, requireIntegers, requireNumberInRange, requireShape, type Tensor } from '../../tensor';
import { cosineBackward, normalizedCosines } from './cosines';
import { crossEntropyRows, INSIGHTFACE_PROBABILITY_FLOOR } from './crossEntropy';
import type { MarginHeadResult } from './result';
import { cosFaceTarget, insightfaceArcTarget, type TargetValue } from './targets';

/**
 * Which insightface commit's ArcFace branch: `paper` is `losses.py` at HEAD (7fadd420),
 * cos(acos c + m2) everywhere; `threshold` is 5ef98047, the last differentiable threshold form.
 */
export type InsightfaceArcForm = 'paper' | 'threshold';

export interface CombinedMarginOptions {
  /** Scale (default 64). */
  s?: number;
  /** SphereFace multiplier; only 1 has a branch (default 1). */
  m1?: number;
  /** ArcFace additive angle in radians (default 0.5, as the configs' margin_list (1.0, 0.5, 0.0)). */
  m2?: number;
  /** CosFace offset; any m3 > 0 takes the CosFace branch and ignores m2 (default 0). */
  m3?: number;
  /** Non-target cosines strictly above it are zeroed (default 0 = off). */
  interclassFilteringThreshold?: number;
  /** The ArcFace branch's commit (default `paper`, HEAD). */
  arcForm?: InsightfaceArcForm;
}

/**
 * insightface's CombinedMarginLoss (`recognition/arcface_torch/losses.py`) behind PartialFC_V2's
 * glue and DistCrossEntropy, on one process: cos = clamp(x̂·ŵᵀ, −1, 1) with both F.normalize'd,
 * optional interclass filtering, the margin on the target, ×s, then the mean over rows of
 * −log max(p_y, 1e-30).
 *
 * Branches, exactly as the peer tests them: m1 = 1 and m3 = 0 is ArcFace (cos(θ + m2), per
 * `arcForm`); otherwise m3 > 0 is CosFace (cos θ − m3, with m1 and m2 ignored); anything else raises
 * in the peer and throws here.
 *
 * Gradients are the exact ones of the loss computed. They equal the peer's backward except where
 * that is not a gradient of its loss, which report.gradientIsTrue flags: HEAD's ArcFace runs its
 * margin under no_grad (the peer's gradient is that of s·c), and DistCrossEntropy's backward
 * ignores its 1e-30 clamp (ours is 0 on such a row, where the loss is constant). Cosines past the
 * ±1 clamp and filtered cosines get gradient 0, as the peer's.
 *
 * @param x (B, d) embeddings.
 * @param weight (C, d) class centres as insightface stores them, one row per class.
 * @param labels (B) class ids in [0, C).
 */
export function combinedMarginLoss(x: Tensor, weight: Tensor, labels: Tensor, options: CombinedMarginOptions = {}): MarginHeadResult {
  const fn = 'combinedMarginLoss';
  const s = options.s ?? 64;
  const m1 = options.m1 ?? 1;
  const m2 = options.m2 ?? 0.5;
  const m3 = options.m3 ?? 0;
  const threshold = options.interclassFilteringThreshold ?? 0;
  const arcForm = options.arcForm ?? 'paper';
  requireNumberInRange(fn, 'options.s', s, -Infinity, Infinity);
  requireNumberInRange(fn, 'options.m1', m1, -Infinity, Infinity);
  requireNumberInRange(fn, 'options.m2', m2, -Math.PI, Math.PI);
  requireNumberInRange(fn, 'options.m3', m3, -Infinity, Infinity);
  requireNumberInRange(fn, 'options.interclassFilteringThreshold', threshold, -Infinity, Infinity);
  if (arcForm !== 'paper' && arcForm !== 'threshold') throw new InputError(fn, 'options.arcForm', "'paper' (HEAD 7fadd420) or 'threshold' (5ef98047)", describeValue(arcForm));
  const arc = m1 === 1 && m3 === 0;
  if (!arc && !(m3 > 0)) {
    throw new InputError(fn, 'options.m1, m2, m3', 'm1 = 1 with m3 = 0 (ArcFace) or m3 > 0 (CosFace): CombinedMarginLoss has no other branch (it raises)', `(${m1}, ${m2}, ${m3})`);
  }
  const dims = requireShape(fn, 'x', x, ['B', 'd']);
  requireShape(fn, 'weight', weight, ['C', 'd'], dims);
  requireShape(fn, 'labels', labels, ['B'], dims);
  const B = dims.get('B') ?? 0;
  const d = dims.get('d') ?? 0;
  const C = dims.get('C') ?? 0;
  requireFinite(fn, 'x', x);
  requireFinite(fn, 'weight', weight);
  requireIntegers(fn, 'labels', labels, 0, C - 1);

  const all = normalizedCosines(x.data, weight.data, 'rows', B, d, C);
  const cosines = all.cosines;
  // 1 where the logit's gradient reaches its cosine: inside the ±1 clamp and not filtered.
  const passes = new Uint8Array(B * C);
  const logits = new Float64Array(B * C);
  const slope = new Float64Array(B);
  const angles = new Float64Array(B);
  const targetCosines = new Float64Array(B);
  const targetLogits = new Float64Array(B);
  const clamps: ClampCounter = { count: 0 };
  const target: TargetValue = { value: 0, derivative: 0 };
  const paperArc = arc && arcForm === 'paper';
  let filtered = 0;
  let pastPiMinusM = 0;
  for (let i = 0; i < B; i++) {
    const label = labels.data[i];
    for (let j = 0; j < C; j++) {
      const raw = cosines[i * C + j];
      let c = raw > 1 ? 1 : raw < -1 ? -1 : raw;
      let pass = c === raw;
      if (threshold > 0 && j !== label && c > threshold) {
        c = 0;
        pass = false;
        filtered++;
      }
      passes[i * C + j] = pass ? 1 : 0;
      // HEAD's ArcFace branch sends every logit through arccos and back: the identity, up to rounding.
      logits[i * C + j] = s * (paperArc ? Math.cos(Math.acos(c)) : c);
    }
    const raw = cosines[i * C + label];
    const c = raw > 1 ? 1 : raw < -1 ? -1 : raw;
    if (c !== raw) clamps.count++;
    targetCosines[i] = c;
    angles[i] = Math.acos(c);
    if (arc) {
      insightfaceArcTarget(c, m2, arcForm, clamps, target);
      if (angles[i] > Math.PI - m2) pastPiMinusM++;
    } else cosFaceTarget(c, m3, target);
    logits[i * C + label] = s * target.value;
    targetLogits[i] = s * target.value;
    slope[i] = target.derivative;
  }
  const ce = crossEntropyRows(logits, labels.data, B, C, INSIGHTFACE_PROBABILITY_FLOOR);
  const G = new Float64Array(B * C);
  for (let i = 0; i < B; i++) {
    const label = labels.data[i];
    for (let j = 0; j < C; j++) {
      if (passes[i * C + j] === 0) continue;
      G[i * C + j] = ce.gradLogits[i * C + j] * s * (j === label ? slope[i] : 1);
    }
  }
  const grad = cosineBackward(all, G, x.data, weight.data);
  return {
    loss: ce.loss,
    losses: { shape: [B], data: ce.losses },
    logits: { shape: [B, C], data: logits },
    cosines: { shape: [B, C], data: Float64Array.from(cosines, (v) => (v > 1 ? 1 : v < -1 ? -1 : v)) },
    angles: { shape: [B], data: angles },
    targetCosines: { shape: [B], data: targetCosines },
    targetLogits: { shape: [B], data: targetLogits },
    grad: { x: { shape: [B, d], data: grad.x }, W: { shape: [C, d], data: grad.centres } },
    report: {
      clampedCosines: clamps.count,
      pastPiMinusM,
      flooredRows: ce.flooredRows,
      filtered,
      gradientIsTrue: !(paperArc && m2 !== 0) && ce.flooredRows === 0,
      marginRadians: arc ? m2 : 0,
    },
  };
}
