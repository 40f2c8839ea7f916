/**
 * The focal loss on the WebAssembly SIMD kernels `focal_f64` (kernels.wat) and `focal_f32`
 * (wat/elementwise_f32.wat), through the shared blocks of simd/elementwise.ts.
 */
import { type ReductionPlan } from '../../reduction';
import { BLOCK, ELEMENTWISE_SIMD_THRESHOLD, integerExponent, SLACK, WEIGHT_GROUP_SIMD_MIN } from '../../simd/elementwise';
import { simdMemory } from '../../simd/memory';
import { useSimd, type FloatArray, type Precision } from '../../simd/path';

declare module '../../simd/memory' {
  interface KernelExports {
    /** focal_f64 on float32 logits and targets (byte offsets of float32 regions), float64 outputs. */
    focal_f32: KernelExports['focal_f64'];
  }
}

/**
 * Whether the focal loss over `count` elements should run in WebAssembly: on the kernel path, for
 * an integer γ, and with weight groups long enough that a call per group pays (a per-element
 * weight would cost one call per element).
 */
export function focalUsesSimd(count: number, gamma: number, plan: ReductionPlan): boolean {
  if (!integerExponent(gamma)) return false;
  if (plan.weight !== null && plan.weightStride < WEIGHT_GROUP_SIMD_MIN) return useSimd(0, Infinity);
  return useSimd(count, ELEMENTWISE_SIMD_THRESHOLD);
}

/**
 * Sigmoid focal loss over elements [first, last) of x, t (flattened, any shape): writes out[i]
 * (the loss) and, when `grad` is given, grad[i] = cᵢ·∂lossᵢ/∂xᵢ, and returns Σ cᵢ·lossᵢ — in float64
 * exactly as job.ts's TypeScript kernel, in float32 to the bound of docs/performance.md — or NaN
 * when a target lies outside [0, 1] (the caller then names it). `alpha` −1 turns weighting off;
 * `gamma` a small integer. `first` starts a weight group (ranges start on rows, and groups are
 * whole rows).
 */
export function focalSimd(
  x: FloatArray,
  t: FloatArray,
  first: number,
  last: number,
  alpha: number,
  gamma: number,
  plan: ReductionPlan,
  out: Float64Array,
  grad: Float64Array | null,
  precision: Precision = 'float64',
): number {
  const narrow = precision === 'float32';
  const region = BLOCK + SLACK;
  // Offsets in float64 elements: the two inputs first (float32 ones take half the room), then the
  // two outputs. `inputAt` converts an offset into the inputs' view.
  const inputSlots = narrow ? region / 2 : region;
  const [xAt, tAt, outAt, gradAt] = [0, inputSlots, 2 * inputSlots, 2 * inputSlots + region];
  const { kernels, f32, f64 } = simdMemory((2 * inputSlots + 2 * region) * 8);
  const inputs = narrow ? f32 : f64;
  const inputAt = (at: number): number => (narrow ? 2 * at : at);
  const kernel = narrow ? kernels.focal_f32 : kernels.focal_f64;
  const stride = plan.weight === null ? Math.max(last - first, 1) : plan.weightStride;
  let total = 0;
  let targetsInRange = true;
  for (let start = first, group = Math.floor(first / stride); start < last; start += stride, group++) {
    const c = plan.weight === null ? plan.scale : plan.scale * plan.weight[group];
    const end = start + stride < last ? start + stride : last;
    let groupSum = 0;
    for (let b = start; b < end; b += BLOCK) {
      const count = Math.min(BLOCK, end - b);
      inputs.set(x.subarray(b, b + count), inputAt(xAt));
      inputs.set(t.subarray(b, b + count), inputAt(tAt));
      // The float64 kernel's target check rides on the block just copied (in L2); the float32 one
      // checks inside its pass. The caller's naming check runs only when one fails. A non-finite
      // logit already makes the kernel's sum non-finite.
      if (!narrow && kernels.outside_range_f64(tAt * 8, count, 0, 1) !== 0) targetsInRange = false;
      groupSum += kernel(xAt * 8, tAt * 8, outAt * 8, gradAt * 8, count, c, alpha, gamma, grad === null ? 0 : 1);
      out.set(f64.subarray(outAt, outAt + count), b);
      if (grad !== null) grad.set(f64.subarray(gradAt, gradAt + count), b);
    }
    total += c * groupSum;
  }
  return targetsInRange ? total : NaN;
}
