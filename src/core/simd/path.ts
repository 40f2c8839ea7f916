/**
 * Which implementation the matrix and distance kernels use. `auto` picks the WebAssembly SIMD
 * kernels where they are faster (measured: see docs/performance.md) and the engine supports them;
 * `simd` forces them on every size (tests use it to run small reference cases through them);
 * `typescript` forces the plain TypeScript kernels.
 */
import { simdSupported } from './memory';

export type KernelPath = 'auto' | 'simd' | 'typescript';

/** Arithmetic precision of a product: float32 is the opt-in fast mode for float32 exports. */
export type Precision = 'float64' | 'float32';

/** A row-major float array of either width, as exports come. */
export type FloatArray = Float64Array | Float32Array;

let path: KernelPath = 'auto';

export function setKernelPath(next: KernelPath): void {
  if (next !== 'auto' && next !== 'simd' && next !== 'typescript') throw new Error(`setKernelPath: unknown path '${String(next)}'`);
  path = next;
}

export function kernelPath(): KernelPath {
  return path;
}

/**
 * Whether a kernel of `work` multiply-adds should run in WebAssembly: always under `simd` (when
 * supported), never under `typescript`, and under `auto` from `threshold` on, below which the
 * copy into linear memory costs more than the vector arithmetic saves.
 */
export function useSimd(work: number, threshold: number): boolean {
  if (path === 'typescript' || !simdSupported()) return false;
  return path === 'simd' || work >= threshold;
}
