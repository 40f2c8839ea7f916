/**
 * Distribution Focal Loss on the WebAssembly SIMD kernel `dfl_f64` (wat/dfl.wat): two rows per
 * f64x2 lane pair, one exponential per logit, log-sum-exp and the entropy floor per lane. Inputs
 * pass through a fixed scratch region in blocks of about 8192 logits (the copies stay in L2) and the
 * outputs are copied back. Same contract as job.ts's TypeScript rows: same outputs to a few
 * ulp, the same clamp count, −1 for a non-finite logit (the caller then names it).
 * The `precision: 'float32'` mode runs `dfl_f32` (wat/dfl_f32.wat) instead: four rows per group,
 * one per lane, float32 exponentials and logs, float64 targets, weights and outputs.
 */
import { perRowCoefficients, type ReductionPlan } from '../../reduction';
import { simdMemory } from '../../simd/memory';
import { useSimd, type FloatArray } from '../../simd/path';

/** What the kernels read of a prepared DFL (job.ts's DflJob): (n, bins) logits, (n) targets, the reduction. */
export interface DflKernelInput {
  readonly bins: number;
  readonly pred: FloatArray;
  readonly target: Float64Array;
  readonly plan: ReductionPlan;
}

/** Where DFL writes: (n) per-row arrays and the optional (n, bins) gradient. */
export interface DflOutputs {
  readonly perElement: Float64Array;
  readonly expectation: Float64Array;
  readonly floor: Float64Array;
  readonly excess: Float64Array;
  readonly grad: Float64Array | null;
}

declare module '../../simd/memory' {
  interface KernelExports {
    dfl_f64(
      x: number,
      y: number,
      w: number,
      grad: number,
      loss: number,
      expect: number,
      floor: number,
      excess: number,
      rows: number,
      bins: number,
      scale: number,
      hasWeight: number,
      withGrad: number,
    ): number;
    dfl_f32(
      x: number,
      y: number,
      w: number,
      grad: number,
      loss: number,
      expect: number,
      floor: number,
      excess: number,
      scratch: number,
      rows: number,
      bins: number,
      scale: number,
      hasWeight: number,
      withGrad: number,
    ): number;
  }
}

/** Logits per block: the (rows, bins) logits and gradient, 2 × 64 KB, stay in L2 with the per-row regions. */
const BLOCK = 8192;

/**
 * Whether DFL rows run in WebAssembly: whenever the kernel path allows it, for every range however
 * short, so that a loss never depends on how its rows were split (streaming, pool blocks, whole).
 */
export function dflUsesSimd(): boolean {
  return useSimd(0, 0);
}

/**
 * Rows [start, end) of a prepared DFL on the SIMD kernel, written into full-size `outputs` (see
 * distributionFocalLossRows). Returns the number of clamped targets, or −1 if a logit is not finite.
 */
export function distributionFocalLossSimd(job: DflKernelInput, start: number, end: number, outputs: DflOutputs): number {
  const { bins, plan } = job;
  if (end <= start) return 0;
  const rowsPerBlock = Math.max(2, Math.floor(BLOCK / bins));
  const logits = rowsPerBlock * bins;
  const perRow = rowsPerBlock;
  const [xAt, gradAt] = [0, logits];
  const [yAt, wAt, lossAt, expectAt, floorAt, excessAt] = [0, 1, 2, 3, 4, 5].map((k) => 2 * logits + k * perRow);
  const { kernels, f64 } = simdMemory((2 * logits + 6 * perRow) * 8);
  const { weight, scale } = perRowCoefficients(plan);
  const { grad } = outputs;
  let clamped = 0;
  for (let r = start; r < end; r += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, end - r);
    f64.set(job.pred.subarray(r * bins, (r + rows) * bins), xAt);
    f64.set(job.target.subarray(r, r + rows), yAt);
    if (weight !== null && grad !== null) f64.set(weight.subarray(r, r + rows), wAt);
    const count = kernels.dfl_f64(
      xAt * 8,
      yAt * 8,
      wAt * 8,
      gradAt * 8,
      lossAt * 8,
      expectAt * 8,
      floorAt * 8,
      excessAt * 8,
      rows,
      bins,
      scale,
      weight === null ? 0 : 1,
      grad === null ? 0 : 1,
    );
    if (count < 0) return -1;
    clamped += count;
    copyRowsOut(f64, { loss: lossAt, expect: expectAt, floor: floorAt, excess: excessAt, grad: gradAt }, rows, bins, r, outputs);
  }
  return clamped;
}

/** Where a block's outputs sit in the kernel's memory, in float64 elements. */
interface BlockOutputs {
  readonly loss: number;
  readonly expect: number;
  readonly floor: number;
  readonly excess: number;
  readonly grad: number;
}

/** Copies a block of `rows` rows' outputs out of the kernel's memory into rows [r, r + rows) of `outputs`. */
function copyRowsOut(f64: Float64Array, at: BlockOutputs, rows: number, bins: number, r: number, outputs: DflOutputs): void {
  outputs.perElement.set(f64.subarray(at.loss, at.loss + rows), r);
  outputs.expectation.set(f64.subarray(at.expect, at.expect + rows), r);
  outputs.floor.set(f64.subarray(at.floor, at.floor + rows), r);
  outputs.excess.set(f64.subarray(at.excess, at.excess + rows), r);
  if (outputs.grad !== null) outputs.grad.set(f64.subarray(at.grad, at.grad + rows * bins), r * bins);
}

/** Logits per block of the float32 kernel: 64 KB of them and 128 KB of float64 gradient (fewer calls, still in L2). */
const F32_BLOCK = 16384;

/** The float32 kernel's per-group slots (bytes), ahead of the group's transposed logits and exponentials. */
const F32_SLOTS = 224;

/**
 * Rows [start, end) of a prepared DFL on the float32 kernel `dfl_f32` (wat/dfl_f32.wat), the
 * `precision: 'float32'` mode: logits are read as float32 (a Float32Array pred is copied into the
 * kernel's memory as is, a float64 one is rounded on the way), targets, weights and outputs stay
 * float64. Same contract as distributionFocalLossSimd; accuracy in docs/performance.md.
 *
 * Error bound against the float64 path on the same float32 logits (asserted in
 * test/core/losses/dfl/simd_f32.test.ts), with u = 2⁻²⁴ and b = bins. tᵢ = xᵢ − m (m the row maximum) is
 * rounded once, which moves e^tᵢ by u·|tᵢ|, and exp adds ≤ 2u. Σ ≥ 1 (the maximum's own term) and
 * Σ eᵢ·|tᵢ| ≤ (b − 1)/e, so Σ is within ((1 + 1/e)(b − 1) + 2)·u relative (with its b − 1
 * additions) and ln Σ ≤ ln b adds 2u·ln b. The loss is assembled in float64 from exact weights
 * (wl + wr = 1) and exact m − x_k: within (1.4b + 2·ln b + 2)·u absolute. Σ i·eᵢ may consist only of
 * terms with |tᵢ| up to 87 (below, eᵢ is flushed to 0, ≤ 1e-36 absolute): the expectation is within
 * (2.4b + 92)·u·E. The floor is within 6u·floor + 1e-36, the gradient within (1.4b + 8)·u·|c|
 * (pᵢ·|tᵢ| ≤ 1/e). A float64 pred is rounded to float32 first, moving each xᵢ by u·|xᵢ|: add
 * 2u·max|x| to the loss bound, times E to the expectation's and times |c| to the gradient's.
 * Measured on N(0, 2²) logits, 17 bins: losses within 3.5u, expectations 5u·E, gradients 3.6u·|c|.
 */
export function distributionFocalLossSimdF32(job: DflKernelInput, start: number, end: number, outputs: DflOutputs): number {
  const { bins, plan } = job;
  if (end <= start) return 0;
  const rowsPerBlock = Math.max(4, Math.floor(F32_BLOCK / bins));
  // Byte layout, every region 16-aligned with the slack the kernel reads and writes past `rows`.
  const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;
  const xBytes = align((rowsPerBlock + 4) * bins * 4 + 16);
  const scratchBytes = align(F32_SLOTS + 2 * bins * 16);
  const gradBytes = align((rowsPerBlock + 4) * bins * 8);
  const perRowBytes = align((rowsPerBlock + 4) * 8);
  const xAt = 0;
  const scratchAt = xBytes;
  const gradAt = scratchAt + scratchBytes;
  const [yAt, wAt, lossAt, expectAt, floorAt, excessAt] = [0, 1, 2, 3, 4, 5].map((k) => gradAt + gradBytes + k * perRowBytes);
  const { kernels, f64, f32 } = simdMemory(excessAt + perRowBytes);
  const { weight, scale } = perRowCoefficients(plan);
  const { grad } = outputs;
  const [y8, w8, loss8, expect8, floor8, excess8, grad8] = [yAt, wAt, lossAt, expectAt, floorAt, excessAt, gradAt].map((at) => at / 8);
  let clamped = 0;
  for (let r = start; r < end; r += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, end - r);
    f32.set(job.pred.subarray(r * bins, (r + rows) * bins), xAt / 4);
    f64.set(job.target.subarray(r, r + rows), y8);
    // The lanes past `rows` in the last group gather x at bin ⌊0⌋ of the slack rows.
    f64.fill(0, y8 + rows, y8 + rows + 4);
    if (weight !== null && grad !== null) f64.set(weight.subarray(r, r + rows), w8);
    const count = kernels.dfl_f32(
      xAt,
      yAt,
      wAt,
      gradAt,
      lossAt,
      expectAt,
      floorAt,
      excessAt,
      scratchAt,
      rows,
      bins,
      scale,
      weight === null ? 0 : 1,
      grad === null ? 0 : 1,
    );
    if (count < 0) return -1;
    clamped += count;
    copyRowsOut(f64, { loss: loss8, expect: expect8, floor: floor8, excess: excess8, grad: grad8 }, rows, bins, r, outputs);
  }
  return clamped;
}
