import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arcFaceLoss, type ArcFaceOptions } from '../../../../src/core/losses/arcface';
import { arcFaceLossFused, CLASS_TILE } from '../../../../src/core/losses/arcface/fused';
import type { KernelPath } from '../../../../src/core/simd/path';
import type { Tensor, TensorF32 } from '../../../../src/core/tensor';
import { assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';
import { onPath } from '../../../helpers/kernelPath';

/** A deterministic xorshift generator of values in [−1, 1), so the cases do not depend on Math.random. */
function values(seed: number, count: number): Float64Array {
  let state = seed >>> 0 || 1;
  return Float64Array.from({ length: count }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 2 ** 32) * 2 - 1;
  });
}

function problem(B: number, d: number, C: number, seed: number): { x: Tensor; W: Tensor; labels: Tensor } {
  const labels = Float64Array.from(values(seed + 2, B), (v) => Math.floor(((v + 1) / 2) * C));
  return { x: { shape: [B, d], data: values(seed, B * d) }, W: { shape: [d, C], data: values(seed + 1, d * C) }, labels: { shape: [B], data: labels } };
}

// Sizes around the class tile: one tile, a tile and a remainder (labels in both), odd widths.
const SIZES: [number, number, number][] = [
  [3, 5, 7],
  [6, 9, CLASS_TILE],
  [5, 7, 2 * CLASS_TILE + 37],
];
const OPTIONS: ArcFaceOptions[] = [
  { grad: true },
  { grad: true, s: 30, m: 0.3, easyMargin: true },
  { grad: true, form: 'paper', reduction: 'sum' },
  { grad: true, form: 'combined', margins: { m1: 1.2, m2: 0.2, m3: 0.1 }, reduction: 'none', weight: { shape: [5], data: Float64Array.from([1, 0.5, 2, 0, 3]) } },
];

describe('arcFaceLossFused', () => {
  for (const path of ['typescript', 'simd'] as KernelPath[]) {
    for (const [B, d, C] of SIZES) {
      for (const [k, options] of OPTIONS.entries()) {
        if (options.weight !== undefined && options.weight.shape[0] !== B) continue;
        // Pass 1's products kept (the default at these sizes) and recomputed (keepBytes 0).
        const keepBytes = k % 2 === 0 ? undefined : 0;
        it(`equals arcFaceLoss in float64 to 1e-12 (${path}, ${B}×${d}×${C}, options ${k}, keepBytes ${keepBytes})`, () => {
          const { x, W, labels } = problem(B, d, C, 11 + k);
          const [full, fused] = onPath(path, () => [arcFaceLoss(x, W, labels, options), arcFaceLossFused(x, W, labels, options, keepBytes)]);
          assertClose('loss', fused.loss.data, full.loss.data, { atol: 1e-14, rtol: 1e-12 });
          assertClose('perElement', fused.perElement.data, full.perElement.data, { atol: 1e-14, rtol: 1e-12 });
          assertClose('angles', fused.angles.data, full.angles.data, { atol: 0, rtol: 0 });
          assert.equal(fused.report.clampedCosines, full.report.clampedCosines);
          const scaleX = Math.max(...full.grad!.x.data.map(Math.abs));
          const scaleW = Math.max(...full.grad!.W.data.map(Math.abs));
          // Gradients are sums over B or C whose order differs: 1e-12 of the largest entry.
          assertClose('grad x', fused.grad!.x.data, full.grad!.x.data, { atol: 1e-12 * scaleX, rtol: 1e-12 });
          assertClose('grad W', fused.grad!.W.data, full.grad!.W.data, { atol: 1e-12 * scaleW, rtol: 1e-12 });
        });
      }
    }
  }

  it('matches finite differences across two class tiles', () => {
    const { x, W, labels } = problem(3, 4, CLASS_TILE + 5, 3);
    // Labels on both sides of the tile boundary.
    labels.data.set([1, CLASS_TILE + 2, CLASS_TILE - 1]);
    const options: ArcFaceOptions = { s: 8, m: 0.4, grad: true };
    const grad = arcFaceLossFused(x, W, labels, options, 0).grad!;
    const lossOf = (xx: Tensor, ww: Tensor): number => arcFaceLossFused(xx, ww, labels, { ...options, grad: false }).loss.data[0];
    assertGradientMatches('x', grad.x.data as Float64Array, finiteDifference((xx) => lossOf(xx, W), x), { atol: 1e-7, rtol: 1e-5 });
    // W's columns around the boundary and the labels' columns (all of W would be 8000 evaluations).
    const columns = [0, 1, CLASS_TILE - 1, CLASS_TILE, CLASS_TILE + 2];
    for (const j of columns) {
      for (let r = 0; r < 4; r++) {
        const e = r * W.shape[1] + j;
        const h = 1e-6;
        const probe = new Float64Array(W.data);
        probe[e] += h;
        const plus = lossOf(x, { shape: W.shape, data: probe });
        probe[e] -= 2 * h;
        const minus = lossOf(x, { shape: W.shape, data: probe });
        const numeric = (plus - minus) / (2 * h);
        assert.ok(Math.abs(grad.W.data[e] - numeric) <= 1e-7 + 1e-5 * Math.abs(numeric), `W[${r}, ${j}]: ${grad.W.data[e]} vs ${numeric}`);
      }
    }
  });

  it('writes dL/dW as float32 for a float32 W in the float32 mode, close to the float64 gradient', () => {
    const { x, W, labels } = problem(8, 16, CLASS_TILE + 100, 5);
    const W32: TensorF32 = { shape: W.shape, data: Float32Array.from(W.data) };
    const W64: Tensor = { shape: W.shape, data: Float64Array.from(W32.data) };
    const fused = arcFaceLossFused(x, W32, labels, { grad: true, precision: 'float32' }, 0);
    // Kept float32 products are the products' own float32 sums: the same bits as recomputed ones.
    const kept = onPath('simd', () => arcFaceLossFused(x, W32, labels, { grad: true, precision: 'float32' }));
    const recomputed = onPath('simd', () => arcFaceLossFused(x, W32, labels, { grad: true, precision: 'float32' }, 0));
    assert.deepEqual(kept.loss.data, recomputed.loss.data);
    assert.deepEqual(kept.grad!.x.data, recomputed.grad!.x.data);
    assert.deepEqual(kept.grad!.W.data, recomputed.grad!.W.data);
    const exact = arcFaceLoss(x, W64, labels, { grad: true });
    assert.ok(fused.grad!.W.data instanceof Float32Array);
    // The float32 products' cosine error (d + 2)·2⁻²⁴ times s = 64 moves the logits by ~7e-5.
    assertClose('loss', fused.loss.data, exact.loss.data, { atol: 1e-3, rtol: 1e-4 });
    const scale = Math.max(...exact.grad!.W.data.map(Math.abs));
    assertClose('grad W', fused.grad!.W.data, exact.grad!.W.data, { atol: 1e-3 * scale, rtol: 1e-3 });
  });

  it('rejects bad input as arcFaceLoss does', () => {
    const { x, W } = problem(2, 3, 4, 1);
    assert.throws(() => arcFaceLossFused(x, W, { shape: [2], data: Float64Array.from([0, 4]) }), /labels/);
  });
});
