/**
 * ArcFace's (B, C) row pass on the WebAssembly SIMD kernels of wat/arcface.wat, two classes per
 * f64x2: the cosine scaling and logits (`arcface_logits_f64`), the softmax numerators
 * exp(z − max) (`arcface_exp_f64`, a polynomial exp accurate to a few ulp instead of one Math.exp
 * call per element) and the gradient row (`arcface_gradient_f64`). The margin at the label stays
 * with the loss (job.ts): this file only moves rows through linear memory.
 *
 * Layout (float64 elements, P = C rounded up to even): winv [0, P), cos [P, 2P), logits
 * [2P, 3P), G [3P, 4P). A pad lane (odd C) holds winv 1 and raw −∞, so its logit is −∞ (out of
 * the max), its exponential 0 (out of the sum), and its cosine is then reset to 0 (out of the dot).
 */
import { simdMemory } from '../../simd/memory';
import type { FloatArray } from '../../simd/path';

declare module '../../simd/memory' {
  interface KernelExports {
    arcface_logits_f64(cos: number, winv: number, logits: number, pairs: number, s: number): number;
    arcface_exp_f64(logits: number, out: number, pairs: number, max: number): number;
    arcface_gradient_f64(g: number, cos: number, winv: number, pairs: number, scale: number): number;
  }
}

/** One row of ArcFace in linear memory; valid until the next simdMemory claim by anyone. */
export class ArcFaceSimdRow {
  private readonly f64: Float64Array;
  private readonly kernels: ReturnType<typeof simdMemory>['kernels'];
  private readonly pairs: number;
  private readonly cosAt: number;
  private readonly logitsAt: number;
  private readonly gAt: number;

  /** Claims the memory and copies wInverse (C) = 1/‖Wⱼ‖ into it. */
  constructor(private readonly C: number, wInverse: Float64Array) {
    const P = C + (C % 2);
    const memory = simdMemory(4 * P * 8);
    this.f64 = memory.f64;
    this.kernels = memory.kernels;
    this.pairs = P / 2;
    this.cosAt = P;
    this.logitsAt = 2 * P;
    this.gAt = 3 * P;
    this.f64.set(wInverse.subarray(0, C), 0);
    if (P > C) {
      this.f64[C] = 1;
      this.f64[this.gAt + C] = 0;
    }
  }

  /**
   * Loads raw row (C) = source[offset ..] (x̂ᵢ·W), writes cos = raw·winv and logits = s·cos,
   * leaving the label out: returns the max logit over the other classes (−∞ when C = 1).
   * The caller then sets the label's entries with `setLabel`. A label of −1 (the fused path's
   * class tiles that do not hold the row's label) leaves every class in.
   */
  logitsExceptLabel(source: Float64Array, offset: number, label: number, s: number): number {
    const { f64, C, cosAt: cos } = this;
    f64.set(source.subarray(offset, offset + C), cos);
    if (label >= 0) f64[cos + label] = -Infinity;
    if (this.pairs * 2 > C) f64[cos + C] = -Infinity;
    const max = this.kernels.arcface_logits_f64(cos * 8, 0, this.logitsAt * 8, this.pairs, s);
    if (this.pairs * 2 > C) f64[cos + C] = 0;
    return max;
  }

  /** The label's cosine and (margin) logit. */
  setLabel(label: number, cosine: number, logit: number): void {
    this.f64[this.cosAt + label] = cosine;
    this.f64[this.logitsAt + label] = logit;
  }

  /** e = exp(logit − max) into the G region; returns Σ e. */
  exponentials(max: number): number {
    return this.kernels.arcface_exp_f64(this.logitsAt * 8, this.gAt * 8, this.pairs, max);
  }

  /** The exponential (or, after `gradient`, the G entry) of class j. */
  entry(j: number): number {
    return this.f64[this.gAt + j];
  }

  /** G = e·scale·winv in place; returns Σ e·scale·cos (every class, the label included). */
  gradient(scale: number): number {
    return this.kernels.arcface_gradient_f64(this.gAt * 8, this.cosAt * 8, 0, this.pairs, scale);
  }

  setG(j: number, value: number): void {
    this.f64[this.gAt + j] = value;
  }

  /** Copies the row's G (C) to G[offset ..]. */
  storeGradient(G: Float64Array, offset: number): void {
    G.set(this.f64.subarray(this.gAt, this.gAt + this.C), offset);
  }

  /** Copies the row's cosines, logits and (if given) G to offset in each. */
  store(offset: number, cosines: Float64Array, logits: Float64Array, G: FloatArray | null): void {
    const { f64, C } = this;
    cosines.set(f64.subarray(this.cosAt, this.cosAt + C), offset);
    logits.set(f64.subarray(this.logitsAt, this.logitsAt + C), offset);
    if (G !== null) G.set(f64.subarray(this.gAt, this.gAt + C), offset);
  }
}
