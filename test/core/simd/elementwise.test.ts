import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { sigmoidFocalLoss, type FocalOptions } from '../../../src/core/losses/focal';
import { qualityFocalLoss, type QflOptions, type QflTarget } from '../../../src/core/losses/qfl';
import { setKernelPath } from '../../../src/core/simd/path';
import { onPath } from '../../helpers/kernelPath';
import type { Tensor } from '../../../src/core/tensor';
import { gaussian, seededRandom } from '../../helpers/random';

after(() => setKernelPath('auto'));


const tensor = (shape: number[], data: Float64Array): Tensor => ({ shape, data });

/** Logits that stress the range reduction: saturation (±1000, beyond the −708 flush), ±40, 0, the √2 − 1 switch of log1p. */
const SPECIAL_LOGITS = [1000, -1000, 745, -745, 708.5, -708.5, 40, -40, 36.7, -36.7, 0, -0, 0.8813735870195429, -0.8813735870195429, 1e-300, -1e-20];
const logit = fc.oneof(fc.constantFrom(...SPECIAL_LOGITS), fc.double({ min: -60, max: 60, noNaN: true }));
const target = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));

/**
 * The SIMD kernels against the TypeScript kernels, element by element. Losses are sums of
 * non-negative terms on both paths: a few ulp apart. Gradients subtract two terms for soft
 * targets, so they are compared to the scale of those terms, c·(1 + |x|).
 */
function assertPathsAgree(simd: ReturnType<typeof sigmoidFocalLoss>, ts: ReturnType<typeof sigmoidFocalLoss>, x: Float64Array, c: number): void {
  const a = simd.perElement.data;
  const b = ts.perElement.data;
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Number.isFinite(a[i]), `loss ${i} finite`);
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-13 * Math.abs(b[i]) + 1e-300, `loss ${i}: simd ${a[i]} vs ts ${b[i]}`);
  }
  const ga = simd.grad?.pred.data as Float64Array;
  const gb = ts.grad?.pred.data as Float64Array;
  for (let i = 0; i < ga.length; i++) {
    const xi = x[i];
    const tolerance = 1e-12 * Math.abs(gb[i]) + 1e-14 * Math.abs(c) * (1 + Math.abs(xi));
    assert.ok(Number.isFinite(ga[i]), `grad ${i} finite`);
    assert.ok(Math.abs(ga[i] - gb[i]) <= tolerance, `grad ${i} (x = ${xi}): simd ${ga[i]} vs ts ${gb[i]}`);
  }
  const la = simd.loss.data;
  const lb = ts.loss.data;
  for (let i = 0; i < la.length; i++) assert.ok(Math.abs(la[i] - lb[i]) <= 1e-12 * Math.abs(lb[i]) + 1e-300, `loss: ${la[i]} vs ${lb[i]}`);
}

describe('sigmoid focal loss on the SIMD kernel', () => {
  it('matches the TypeScript kernel per element over random logits, targets, α, γ, weights and odd shapes', () => {
    const shape = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 9 }));
    const arbitrary = shape.chain(([n, C]) =>
      fc.record({
        n: fc.constant(n),
        C: fc.constant(C),
        x: fc.array(logit, { minLength: n * C, maxLength: n * C }),
        t: fc.array(target, { minLength: n * C, maxLength: n * C }),
        alpha: fc.constantFrom(-1, 0, 0.25, 1),
        gamma: fc.integer({ min: 0, max: 4 }),
        reduction: fc.constantFrom('mean', 'sum', 'none') as fc.Arbitrary<'mean' | 'sum' | 'none'>,
        weight: fc.option(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: n, maxLength: n })),
      }),
    );
    fc.assert(
      fc.property(arbitrary, ({ n, C, x, t, alpha, gamma, reduction, weight }) => {
        const pred = tensor([n, C], Float64Array.from(x));
        const targets = tensor([n, C], Float64Array.from(t));
        const options: FocalOptions = { alpha, gamma, reduction, grad: true, ...(weight === null ? {} : { weight: tensor([n], Float64Array.from(weight)) }) };
        const simd = onPath('simd', () => sigmoidFocalLoss(pred, targets, options));
        const ts = onPath('typescript', () => sigmoidFocalLoss(pred, targets, options));
        const scale = reduction === 'mean' && n > 0 ? 1 / (n * C) : 1;
        assertPathsAgree(simd, ts, pred.data, 3 * scale);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('matches across block boundaries (more than 8192 elements, odd count) on the auto path', () => {
    const random = seededRandom(11);
    const n = 211;
    const C = 79;
    const pred = tensor([n, C], gaussian(random, n * C, 8));
    const targets = tensor([n, C], Float64Array.from({ length: n * C }, () => (random() < 0.5 ? 0 : random())));
    const weight = tensor([n], Float64Array.from({ length: n }, () => random()));
    const options: FocalOptions = { alpha: 0.25, gamma: 2, grad: true, weight };
    assertPathsAgree(sigmoidFocalLoss(pred, targets, options), onPath('typescript', () => sigmoidFocalLoss(pred, targets, options)), pred.data, 1 / (n * C));
  });

  it('saturates at ±1000: zero loss when right, |x|·α_t and gradient ±α_t·c when wrong', () => {
    const pred = tensor([1, 4], Float64Array.of(1000, -1000, 1000, -1000));
    const targets = tensor([1, 4], Float64Array.of(1, 0, 0, 1));
    const result = onPath('simd', () => sigmoidFocalLoss(pred, targets, { alpha: 0.25, gamma: 2, reduction: 'sum', grad: true }));
    assert.deepEqual([...result.perElement.data], [0, 0, 750, 250]);
    assert.deepEqual([...(result.grad?.pred.data as Float64Array)], [0, 0, 0.75, -0.25]);
  });

  it('equals the closed form α_t·(log1p(e^−|x|) + max(x, 0) − t·x)·(1 − p_t)^γ computed with Math.exp and Math.log1p', () => {
    const xs = Float64Array.of(-30, -5.2, -0.7, 0, 0.3, 0.41, 2.5, 17, 36);
    const ts = Float64Array.of(0, 1, 0.3, 0.5, 0, 1, 0.9, 0, 1);
    const result = onPath('simd', () => sigmoidFocalLoss(tensor([xs.length], xs), tensor([ts.length], ts), { alpha: 0.25, gamma: 2, reduction: 'none' }));
    xs.forEach((x, i) => {
      const t = ts[i];
      const p = 1 / (1 + Math.exp(-x));
      const bce = Math.log1p(Math.exp(-Math.abs(x))) + (x >= 0 ? (1 - t) * x : -t * x);
      const m = p * (1 - t) + t / (1 + Math.exp(x)); // 1 − σ(x) as σ(−x): no cancellation
      const want = (0.25 * t + 0.75 * (1 - t)) * bce * m * m;
      assert.ok(Math.abs(result.perElement.data[i] - want) <= 1e-13 * want + 1e-300, `x = ${x}: ${result.perElement.data[i]} vs ${want}`);
    });
  });
});

describe('quality focal loss (label/score, logits) on the SIMD kernel', () => {
  it('matches the TypeScript kernel per element over random logits, labels, scores, β and weights', () => {
    const shape = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 9 }));
    const arbitrary = shape.chain(([n, C]) =>
      fc.record({
        n: fc.constant(n),
        C: fc.constant(C),
        x: fc.array(logit, { minLength: n * C, maxLength: n * C }),
        label: fc.array(fc.integer({ min: 0, max: C }), { minLength: n, maxLength: n }),
        score: fc.array(target, { minLength: n, maxLength: n }),
        beta: fc.integer({ min: 0, max: 4 }),
        convention: fc.constantFrom('background-last', 'background-first') as fc.Arbitrary<'background-last' | 'background-first'>,
        reduction: fc.constantFrom('mean', 'sum', 'none') as fc.Arbitrary<'mean' | 'sum' | 'none'>,
        weight: fc.option(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: n, maxLength: n })),
      }),
    );
    fc.assert(
      fc.property(arbitrary, ({ n, C, x, label, score, beta, convention, reduction, weight }) => {
        const pred = tensor([n, C], Float64Array.from(x));
        const qflTarget: QflTarget = { label: tensor([n], Float64Array.from(label)), score: tensor([n], Float64Array.from(score)) };
        const options: QflOptions = { beta, labelConvention: convention, reduction, grad: true, ...(weight === null ? {} : { weight: tensor([n], Float64Array.from(weight)) }) };
        const simd = onPath('simd', () => qualityFocalLoss(pred, qflTarget, options));
        const ts = onPath('typescript', () => qualityFocalLoss(pred, qflTarget, options));
        assertPathsAgree(simd, ts, pred.data, 3);
      }),
      { numRuns: 150, seed: 8 },
    );
  });

  it('matches across block boundaries on the auto path, with a scalar weight', () => {
    const random = seededRandom(12);
    const n = 230;
    const C = 81;
    const pred = tensor([n, C], gaussian(random, n * C, 8));
    const label = Float64Array.from({ length: n }, () => Math.floor(random() * (C + 1)));
    const score = Float64Array.from({ length: n }, () => random());
    const options: QflOptions = { beta: 2, grad: true, weight: tensor([], Float64Array.of(0.7)) };
    const qflTarget: QflTarget = { label: tensor([n], label), score: tensor([n], score) };
    assertPathsAgree(qualityFocalLoss(pred, qflTarget, options), onPath('typescript', () => qualityFocalLoss(pred, qflTarget, options)), pred.data, 1);
  });

  it('saturates at ±1000: a background row at +1000 costs 1000 per class with gradient c, at −1000 nothing', () => {
    const pred = tensor([2, 3], Float64Array.of(1000, 1000, -1000, -1000, -1000, 1000));
    const qflTarget: QflTarget = { label: tensor([2], Float64Array.of(3, 2)), score: tensor([2], Float64Array.of(0, 1)) };
    const result = onPath('simd', () => qualityFocalLoss(pred, qflTarget, { beta: 2, reduction: 'sum', grad: true }));
    assert.deepEqual([...result.perElement.data], [2000, 0]);
    assert.deepEqual([...(result.grad?.pred.data as Float64Array)], [1, 1, 0, 0, 0, 0]);
  });
});
