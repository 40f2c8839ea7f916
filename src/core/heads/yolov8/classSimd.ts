/**
 * YOLOv8's class pass on the WebAssembly SIMD kernel `bce_planes_f64` (wat/bce_planes.wat): the
 * same sums as classification.ts's `classPlanes`, two logits per instruction. WebAssembly reads only
 * its own memory, so each run of class planes is copied in, and the gradient the kernel writes over
 * it copied out, once per level: two memcpys per plane, which the vectorized exponential and
 * division repay (docs/performance.md, "Detector heads from raw maps").
 */
import { simdMemory } from '../../simd/memory';

declare module '../../simd/memory' {
  interface KernelExports {
    bce_planes_f64(x: number, stride: number, cells: number, classes: number, lin: number, prod: number, gradScale: number, withGrad: number): void;
  }
}

/** Logits per run in linear memory: 32 MB. */
const SLAB_ELEMENTS = 1 << 22;

/**
 * As `classPlanes` (classification.ts), whose contract this keeps: over the `classes` planes of
 * `plane` cells at data[first + c·plane + p], returns Σ softplus, adds each cell's sum into
 * perAnchor[anchorFirst + p] and, with `grad`, writes gradScale·σ(x) at each logit's place. Runs of
 * at most `productRun` classes (and of at most 32 MB of logits) share one logarithm per cell.
 */
export function classPlanesSimd(
  data: Float64Array,
  grad: Float64Array | null,
  first: number,
  plane: number,
  classes: number,
  perAnchor: Float64Array,
  anchorFirst: number,
  gradScale: number,
  productRun: number,
): number {
  // Planes padded to a multiple of 4: the kernel works on 4 cells at a time.
  const stride = (plane + 3) & ~3;
  // A large map with many classes would otherwise grow the shared memory to the whole slab.
  const fit = Math.max(1, Math.floor(SLAB_ELEMENTS / stride));
  const run = Math.min(classes, productRun, fit);
  const linAt = run * stride;
  const prodAt = linAt + stride;
  const { kernels, f64 } = simdMemory((prodAt + stride) * 8);
  let total = 0;
  for (let c0 = 0; c0 < classes; c0 += run) {
    const count = classes - c0 < run ? classes - c0 : run;
    for (let c = 0; c < count; c++) {
      const from = first + (c0 + c) * plane;
      f64.set(data.subarray(from, from + plane), c * stride);
    }
    kernels.bce_planes_f64(0, stride * 8, plane, count, linAt * 8, prodAt * 8, gradScale, grad === null ? 0 : 1);
    if (grad !== null) {
      for (let c = 0; c < count; c++) grad.set(f64.subarray(c * stride, c * stride + plane), first + (c0 + c) * plane);
    }
    for (let p = 0; p < plane; p++) {
      const sum = 0.5 * f64[linAt + p] + Math.log(f64[prodAt + p]);
      perAnchor[anchorFirst + p] += sum;
      total += sum;
    }
  }
  return total;
}
