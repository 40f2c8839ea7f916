/**
 * The GIoU of aligned box pairs on the WebAssembly SIMD kernel `giou_f64` (wat/giou.wat), two
 * pairs per f64x2: the same float64 operations, in the same order, as boxes.ts's `overlapRows`
 * in mode 'giou' (the reference), so the same bits, without its data-dependent branches (which
 * mispredict on real boxes, where a pair's sides compare either way at random). Inputs pass
 * through a fixed scratch region in blocks of BLOCK rows; an odd last row runs on overlapRows.
 */
import { overlapRows, type OverlapCounts, type OverlapUpstream } from '../../boxes';
import { simdMemory } from '../../simd/memory';
import { useSimd } from '../../simd/path';

declare module '../../simd/memory' {
  interface KernelExports {
    giou_f64(
      p: number,
      t: number,
      w: number,
      value: number,
      iou: number,
      grad: number,
      pairs: number,
      eps: number,
      scale: number,
      hasWeight: number,
      withGrad: number,
      counts: number,
    ): number;
  }
}

/** Rows per block (even): 64 KB of each of pred, target and gradient, in L2 with the per-row regions. */
const BLOCK = 2048;

/**
 * Whether GIoU rows run in WebAssembly: whenever the kernel path allows it, for every range (the
 * results are the scalar kernel's bits either way, so this only decides the speed).
 */
export function giouUsesSimd(): boolean {
  return useSimd(0, 0);
}

/**
 * `overlapRows('giou', pred, target, n, eps, value, iou, counts, upstream, gradOut)` on the SIMD
 * kernel: pred, target (n, 4); writes value (n) = giou, iou (n) and, when gradOut (n, 4) is given,
 * dL/dpred for dL/dvalueᵢ = upstream.scale · weight of row i. Adds the clamps to `counts`. Returns
 * false if some coordinate may be non-finite. Weights other than per row (stride 1) or one for all
 * rows (stride ≥ n) run on overlapRows.
 */
export function giouOverlapSimd(
  pred: Float64Array,
  target: Float64Array,
  n: number,
  eps: number,
  value: Float64Array,
  iou: Float64Array | null,
  counts: OverlapCounts,
  upstream: OverlapUpstream,
  gradOut: Float64Array | null,
): boolean {
  const { weights, stride } = upstream;
  const perRow = weights instanceof Float64Array && stride === 1 ? weights : null;
  if (weights !== null && perRow === null && stride < n) return overlapRows('giou', pred, target, n, eps, value, iou, counts, upstream, gradOut);
  // One weight for all rows folds into the scale: the scalar kernel's scale · w₀, the same product.
  const scale = weights !== null && perRow === null && n > 0 ? upstream.scale * weights[0] : upstream.scale;
  const [pAt, tAt, gradAt] = [0, 1, 2].map((k) => k * BLOCK * 4);
  const [wAt, valueAt, iouAt] = [0, 1, 2].map((k) => 3 * BLOCK * 4 + k * BLOCK);
  const countsAt = 3 * BLOCK * 4 + 3 * BLOCK;
  const { kernels, f64 } = simdMemory((countsAt + 2) * 8);
  const even = n - (n % 2);
  let check = 0;
  for (let r = 0; r < even; r += BLOCK) {
    const rows = Math.min(BLOCK, even - r);
    f64.set(pred.subarray(r * 4, (r + rows) * 4), pAt);
    f64.set(target.subarray(r * 4, (r + rows) * 4), tAt);
    if (perRow !== null && gradOut !== null) f64.set(perRow.subarray(r, r + rows), wAt);
    f64[countsAt] = 0;
    check += kernels.giou_f64(
      pAt * 8,
      tAt * 8,
      wAt * 8,
      valueAt * 8,
      iouAt * 8,
      gradAt * 8,
      rows / 2,
      eps,
      scale,
      perRow === null ? 0 : 1,
      gradOut === null ? 0 : 1,
      countsAt * 8,
    );
    const clamps = new Int32Array(f64.buffer, countsAt * 8, 2);
    counts.unionClamped += clamps[0];
    counts.enclosureClamped += clamps[1];
    value.set(f64.subarray(valueAt, valueAt + rows), r);
    if (iou !== null) iou.set(f64.subarray(iouAt, iouAt + rows), r);
    if (gradOut !== null) gradOut.set(f64.subarray(gradAt, gradAt + rows * 4), r * 4);
  }
  let finite = check === 0;
  if (even < n) {
    const i = even;
    const last: OverlapUpstream = { scale: upstream.scale, weights: perRow === null ? weights : perRow.subarray(i), stride };
    const lastFinite = overlapRows(
      'giou',
      pred.subarray(4 * i),
      target.subarray(4 * i),
      1,
      eps,
      value.subarray(i),
      iou === null ? null : iou.subarray(i),
      counts,
      last,
      gradOut === null ? null : gradOut.subarray(4 * i),
    );
    finite = finite && lastFinite;
  }
  return finite;
}
