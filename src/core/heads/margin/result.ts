import type { Tensor } from '../../tensor';

/** What every margin head returns (pml's four and insightface's CombinedMarginLoss). */
export interface MarginHeadResult {
  /** The scalar the peer backpropagates: the mean over rows of the cross-entropy. */
  readonly loss: number;
  /** (B) per-row cross-entropy. */
  readonly losses: Tensor;
  /** (B, C) the scaled logits the cross-entropy sees, the margin on the target. */
  readonly logits: Tensor;
  /** (B, C) cosines between normalised embeddings and normalised centres (best sub-centre). */
  readonly cosines: Tensor;
  /** (B) θ_y = acos(clamp(cos θ_y, −1, 1)) in radians. */
  readonly angles: Tensor;
  /** (B) cos θ_y before the margin, and the target logit after margin and scale. */
  readonly targetCosines: Tensor;
  readonly targetLogits: Tensor;
  /** SphereFace only: (B) the branch k = ⌊θ_y·m/π⌋ of ψ. */
  readonly sphereK?: Tensor;
  /** Sub-centre ArcFace only: (B, C) the 0-based sub-centre each cosine came from. */
  readonly subCentre?: Tensor;
  /** Exact gradients of `loss`: x (B, d) and the centres in the layout they came in. */
  readonly grad: { readonly x: Tensor; readonly W: Tensor };
  readonly report: Readonly<{
    /** Target cosines clamped into [−1, 1], or whose margin derivative was taken at ±(1 − 1e-12). */
    clampedCosines: number;
    /** Rows with θ_y > π − m: ArcFace's fallback (pml, threshold) or cos(θ + m) past its minimum (paper). */
    pastPiMinusM: number;
    /** Rows whose target probability fell below insightface's 1e-30 floor (loss −log 1e-30, gradient 0). */
    flooredRows: number;
    /** Non-target cosines zeroed by insightface's interclass filtering. */
    filtered: number;
    /**
     * Whether the peer's own backward is the true gradient of its loss, as `grad` is. False for
     * insightface's HEAD ArcFace branch with m2 ≠ 0 (its margin runs under no_grad) and for rows
     * under the 1e-30 floor (its backward ignores the clamp).
     */
    gradientIsTrue: boolean;
    /** The additive angular margin in radians (0 for CosFace and SphereFace). */
    marginRadians: number;
  }>;
}
