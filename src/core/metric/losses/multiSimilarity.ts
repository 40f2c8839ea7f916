/**
 * pml's `MultiSimilarityLoss(alpha, beta, base)` (`losses/multi_similarity_loss.py`, Wang et al.
 * 2019): per anchor i,
 *   L_i = (1/α)·log(1 + Σ_{p∈P_i} exp(α·(base − s_ip))) + (1/β)·log(1 + Σ_{n∈N_i} exp(β·(s_in − base)))
 * for a similarity; for a distance the exponents are α·(d − base) and β·(base − d). P_i and N_i
 * are the anchor's positive and negative pairs (all of them, or the given ones); an empty set
 * contributes exactly 0. The loss is the mean of L over all B rows (pml's `MeanReducer`).
 *
 * Each log(1 + Σ exp) is a log-sum-exp over the kept values and a 0, shifted by its maximum.
 * The quirk of `contrastive.ts` (at most one element per list: loss 0) applies here too.
 */
import type { MeasuredBatch } from '../distance';
import type { Pairs } from '../tuples';
import { isPmlZeroPairCase } from './contrastive';
import type { MatrixLoss } from './tripletMargin';

export interface MultiSimilarityOptions {
  /** Default 2 (pml). */
  readonly alpha: number;
  /** Default 50. */
  readonly beta: number;
  /** Default 0.5. */
  readonly base: number;
}

export interface MultiSimilarityResult extends MatrixLoss {
  /** (B) per-anchor losses. */
  readonly losses: Float64Array;
}

/** Marks (B, B) entries listed by (first[k], second[k]); `skipDiagonal` drops i = j. */
function pairMask(B: number, first: Int32Array, second: Int32Array, skipDiagonal: boolean): Uint8Array {
  const mask = new Uint8Array(B * B);
  for (let k = 0; k < first.length; k++) if (!skipDiagonal || first[k] !== second[k]) mask[first[k] * B + second[k]] = 1;
  return mask;
}

/**
 * Adds (1/scale)·log(1 + Σ_kept exp(scale·e_j)) of row i to `losses[i]` and its gradient
 * ∂/∂mat = softmax weight · ∂e/∂mat (= `sign`) to `upstream`, times `weight`.
 */
function addSoftTerm(batch: MeasuredBatch, mask: Uint8Array, scale: number, exponent: (v: number) => number, sign: number, weight: number, losses: Float64Array, upstream: Float64Array): void {
  const { B, mat } = batch;
  // The row's kept exponents and their exp(z − max), each computed once.
  const columns = new Int32Array(B);
  const z = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const row = i * B;
    let kept = 0;
    let max = 0;
    for (let j = 0; j < B; j++) {
      if (mask[row + j] === 0) continue;
      columns[kept] = j;
      z[kept] = scale * exponent(mat[row + j]);
      if (z[kept] > max) max = z[kept];
      kept++;
    }
    if (kept === 0) continue;
    let sum = Math.exp(-max);
    for (let k = 0; k < kept; k++) {
      z[k] = Math.exp(z[k] - max);
      sum += z[k];
    }
    losses[i] += (max + Math.log(sum)) / scale;
    const factor = (weight * sign) / sum;
    for (let k = 0; k < kept; k++) upstream[row + columns[k]] += factor * z[k];
  }
}

export function multiSimilarityLoss(batch: MeasuredBatch, pairs: Pairs, options: MultiSimilarityOptions): MultiSimilarityResult {
  const { B } = batch;
  const inverted = batch.distance.isInverted;
  const losses = new Float64Array(B);
  const upstream = new Float64Array(B * B);
  if (isPmlZeroPairCase(pairs) || B === 0) return { loss: 0, upstream, losses };
  const { alpha, beta, base } = options;
  const weight = 1 / B;
  // pos exponent: margin(v, base); neg exponent: margin(base, v); margin(x, y) = x − y, or y − x when inverted.
  const posExponent = inverted ? (v: number): number => base - v : (v: number): number => v - base;
  const negExponent = inverted ? (v: number): number => v - base : (v: number): number => base - v;
  addSoftTerm(batch, pairMask(B, pairs.a1, pairs.p, true), alpha, posExponent, inverted ? -1 : 1, weight, losses, upstream);
  addSoftTerm(batch, pairMask(B, pairs.a2, pairs.n, false), beta, negExponent, inverted ? 1 : -1, weight, losses, upstream);
  let total = 0;
  for (let i = 0; i < B; i++) total += losses[i];
  return { loss: total / B, upstream, losses };
}
