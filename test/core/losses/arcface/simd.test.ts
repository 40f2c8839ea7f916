import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { arcFaceLoss, type ArcFaceHost, type ArcFaceOptions } from '../../../../src/core/losses/arcface';
import { arcFaceRows, type ArcFaceJob } from '../../../../src/core/losses/arcface/job';
import { CORE_PRODUCTS } from '../../../../src/core/matmul';
import { simdMemory } from '../../../../src/core/simd/memory';
import { setKernelPath } from '../../../../src/core/simd/path';
import '../../../../src/core/losses/arcface/simd';
import type { Tensor } from '../../../../src/core/tensor';
import { assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';
import { gaussian, seededRandom } from '../../../helpers/random';

const ULP = 2 ** -52;

/** The row pass of one arcFaceLoss call, captured: the job as the products left it (raw x̂·W). */
function capturedJob(x: Tensor, W: Tensor, labels: Tensor, options: ArcFaceOptions): ArcFaceJob {
  let job: ArcFaceJob | null = null;
  const capture: ArcFaceHost = {
    ...CORE_PRODUCTS,
    rows(j) {
      job = { ...j, cosines: j.cosines.slice() };
      return arcFaceRows(j, 0, j.B);
    },
  };
  arcFaceLoss(x, W, labels, options, capture);
  assert.ok(job !== null);
  return job;
}

/** The same job on the scalar or SIMD row pass, on fresh output buffers. */
function runRows(job: ArcFaceJob, simd: boolean): ArcFaceJob & { clamps: number } {
  const fresh = (a: ArrayLike<number> | null) => (a === null ? null : new Float64Array(a.length));
  const copy = {
    ...job,
    simd,
    cosines: job.cosines.slice(),
    logits: new Float64Array(job.logits.length),
    G: fresh(job.G),
    perElement: new Float64Array(job.B),
    angles: new Float64Array(job.B),
    rowDots: new Float64Array(job.B),
  };
  return { ...copy, clamps: arcFaceRows(copy, 0, job.B) };
}

function problem(B: number, d: number, C: number, seed: number, spread = 1) {
  const random = seededRandom(seed);
  const x: Tensor = { shape: [B, d], data: gaussian(random, B * d).map((v) => v * spread) };
  const W: Tensor = { shape: [d, C], data: gaussian(random, d * C) };
  const labels: Tensor = { shape: [B], data: Float64Array.from({ length: B }, () => Math.floor(random() * C)) };
  return { x, W, labels };
}

describe('arcface_exp_f64', () => {
  it('is within 2 ulp of Math.exp on [−708, 0], 0 below −708 and for the −∞ pad', () => {
    const n = 4001;
    const pairs = (n + 1) / 2;
    const memory = simdMemory(2 * pairs * 16);
    const { f64, kernels } = memory;
    const max = 3.25;
    const args = Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? -740 : -708 + (708 * i) / (n - 2)));
    for (let i = 0; i < n; i++) f64[i] = args[i] + max;
    f64[n] = -Infinity;
    const sum = kernels.arcface_exp_f64(0, 2 * pairs * 8, pairs, max);
    const out = simdMemory(2 * pairs * 16).f64.subarray(2 * pairs, 2 * pairs + n + 1);
    let want = 0;
    for (let i = 0; i < n - 1; i++) {
      // The argument itself is rounded in (x + max) − max: compare against exp of what the kernel saw.
      const seen = f64[i] - max;
      const e = Math.exp(seen);
      assert.ok(Math.abs(out[i] - e) <= 2 * ULP * e, `exp(${seen}): ${out[i]} vs ${e}`);
      want += e;
    }
    assert.equal(out[n - 1], 0);
    assert.equal(out[n], 0);
    assert.ok(Math.abs(sum - want) <= 4 * n * ULP * want);
  });
});

describe('the SIMD row pass against the scalar one', () => {
  const shapes: [number, number, number, ArcFaceOptions][] = [
    [7, 16, 301, { s: 64, m: 0.5 }], // odd C: a pad lane
    [5, 9, 64, { s: 30, m: 0.3, form: 'paper', reduction: 'sum' }],
    [4, 8, 1, { s: 10 }], // one class: the label is the whole row
    [6, 12, 2, { form: 'combined', margins: { m1: 1.2, m2: 0.2, m3: 0.1 } }],
    [3, 32, 500, { s: 1e4, reduction: 'none' }], // most exponentials flush to 0
  ];
  for (const [B, d, C, options] of shapes) {
    it(`(${B}, ${d}) × (${d}, ${C}) ${JSON.stringify(options)}`, () => {
      const { x, W, labels } = problem(B, d, C, B * 1000 + C);
      const job = capturedJob(x, W, labels, { ...options, grad: true });
      const scalar = runRows(job, false);
      const simd = runRows(job, true);
      // Cosines and logits are the same products; the label's entries come from the same scalar code.
      assert.deepEqual(simd.cosines, scalar.cosines);
      assert.deepEqual(simd.logits, scalar.logits);
      assert.deepEqual(simd.angles, scalar.angles);
      assert.equal(simd.clamps, scalar.clamps);
      const s = options.s ?? 64;
      for (let i = 0; i < B; i++) {
        // max + log(sum) − zTarget: the sums agree to a few ulp, so the loss to a few ulp of its terms.
        const scale = Math.abs(scalar.perElement[i]) + 2 * s;
        assert.ok(Math.abs(simd.perElement[i] - scalar.perElement[i]) <= 16 * ULP * scale, `loss ${i}: ${simd.perElement[i]} vs ${scalar.perElement[i]}`);
        // Σⱼ |gᵢⱼ·cosᵢⱼ|, with gᵢⱼ = Gᵢⱼ·‖Wⱼ‖ (G carries 1/‖Wⱼ‖): the scale of rowDots' rounding.
        let magnitude = 0;
        for (let j = 0; j < C; j++) magnitude += Math.abs(((scalar.G?.[i * C + j] ?? 0) / job.wInverse[j]) * scalar.cosines[i * C + j]);
        for (let j = 0; j < C; j++) {
          const got = simd.G?.[i * C + j] ?? NaN;
          const want = scalar.G?.[i * C + j] ?? NaN;
          assert.ok(Math.abs(got - want) <= 8 * ULP * Math.abs(want) + 1e-300, `G[${i}, ${j}]: ${got} vs ${want}`);
        }
        assert.ok(Math.abs(simd.rowDots[i] - scalar.rowDots[i]) <= 2 * C * ULP * magnitude + 1e-300, `rowDot ${i}`);
      }
    });
  }
});

describe('arcFaceLoss on the SIMD row pass', () => {
  before(() => setKernelPath('simd'));
  after(() => setKernelPath('auto'));

  it('gradients match finite differences', () => {
    for (const [B, d, C, options] of [
      [3, 4, 5, { s: 8, m: 0.5 }],
      [2, 3, 7, { s: 6, m: 0.3, form: 'paper', reduction: 'sum' }],
      [4, 5, 3, { s: 4, form: 'combined', margins: { m1: 1.35, m2: 0.25, m3: 0.1 } }],
    ] as [number, number, number, ArcFaceOptions][]) {
      const { x, W, labels } = problem(B, d, C, 17 * B + C, 0.7);
      const result = arcFaceLoss(x, W, labels, { ...options, grad: true });
      const total = (xx: Tensor, WW: Tensor): number => arcFaceLoss(xx, WW, labels, options).loss.data.reduce((a, b) => a + b, 0);
      assert.ok(result.grad);
      assertGradientMatches('x', result.grad.x.data, finiteDifference((xx) => total(xx, W), x));
      assertGradientMatches('W', result.grad.W.data, finiteDifference((WW) => total(x, WW), W));
    }
  });

  it('matches the scalar pass (and the TypeScript products) to 1e-12 on a larger batch', () => {
    const { x, W, labels } = problem(16, 40, 333, 5);
    const simd = arcFaceLoss(x, W, labels, { grad: true });
    setKernelPath('typescript');
    const scalar = arcFaceLoss(x, W, labels, { grad: true });
    setKernelPath('simd');
    for (const key of ['perElement', 'cosines', 'logits'] as const) {
      const got = simd[key].data;
      const want = scalar[key].data;
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-12 * (Math.abs(want[i]) + 1), `${key}[${i}]`);
    }
    for (const key of ['x', 'W'] as const) {
      const got = simd.grad?.[key].data ?? new Float64Array();
      const want = scalar.grad?.[key].data ?? new Float64Array();
      let largest = 0;
      for (const v of want) largest = Math.max(largest, Math.abs(v));
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-12 * largest, `grad ${key}[${i}]`);
    }
  });
});
