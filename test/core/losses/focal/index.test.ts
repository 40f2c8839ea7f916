import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { focalPoint, sigmoidFocalLoss, type FocalOptions } from '../../../../src/core/losses/focal';
import type { Reduction } from '../../../../src/core/reduction';
import type { Tensor } from '../../../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';

const t = (shape: number[], values: number[]): Tensor => ({ shape, data: Float64Array.from(values) });

/** torchvision's formula, transcribed naively with Math.exp/Math.log: fine for moderate logits. */
function naiveFocal(x: number, y: number, alpha: number, gamma: number): number {
  const p = 1 / (1 + Math.exp(-x));
  const ce = -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
  const pt = p * y + (1 - p) * (1 - y);
  const at = alpha < 0 ? 1 : alpha * y + (1 - alpha) * (1 - y);
  return at * ce * Math.pow(1 - pt, gamma);
}

const scalarLoss = (result: { loss: Tensor }): number => result.loss.data.reduce((a, b) => a + b, 0);

/** Random (n, C) focal problems with every option varied, n = 0 and C = 1 included. */
const problem = fc
  .record({
    n: fc.integer({ min: 0, max: 4 }),
    C: fc.integer({ min: 1, max: 4 }),
    soft: fc.boolean(),
    alpha: fc.oneof(fc.constant(-1), fc.constant(0.25), fc.double({ min: 0, max: 1, noNaN: true })),
    gamma: fc.oneof(fc.constant(0), fc.constant(1), fc.constant(2), fc.double({ min: 0, max: 3, noNaN: true })),
    reduction: fc.constantFrom<Reduction>('none', 'mean', 'sum'),
    weighting: fc.constantFrom('none', 'row', 'element'),
    avgFactor: fc.option(fc.double({ min: 0.5, max: 10, noNaN: true }), { nil: undefined }),
    seed: fc.integer({ min: 1, max: 1e9 }),
  })
  .map((r) => {
    let state = r.seed;
    const random = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const size = r.n * r.C;
    const pred = t([r.n, r.C], Array.from({ length: size }, () => (random() - 0.5) * 12));
    const target = t([r.n, r.C], Array.from({ length: size }, () => (r.soft ? random() : random() < 0.3 ? 1 : 0)));
    const options: FocalOptions = { alpha: r.alpha, gamma: r.gamma, reduction: r.reduction };
    if (r.weighting === 'row') options.weight = t([r.n], Array.from({ length: r.n }, () => random() * 2));
    if (r.weighting === 'element') options.weight = t([r.n, r.C], Array.from({ length: size }, () => random() * 2));
    if (r.reduction === 'mean') options.avgFactor = r.avgFactor;
    return { pred, target, options };
  });

describe('sigmoidFocalLoss', () => {
  it('matches the naive torchvision formula elementwise', () => {
    fc.assert(
      fc.property(problem, ({ pred, target, options }) => {
        const result = sigmoidFocalLoss(pred, target, options);
        const want = Array.from(pred.data, (x, i) => naiveFocal(x, target.data[i], options.alpha!, options.gamma!));
        assertClose('perElement', result.perElement.data, want, { atol: 1e-13, rtol: 1e-11 });
        assert.deepEqual(result.perElement.shape, pred.shape);
      }),
      { numRuns: 150 },
    );
  });

  it('has the gradient of the reported loss (central finite differences)', () => {
    fc.assert(
      fc.property(problem, ({ pred, target, options }) => {
        const result = sigmoidFocalLoss(pred, target, { ...options, grad: true });
        assert.deepEqual(result.grad!.pred.shape, pred.shape);
        const numeric = finiteDifference((p) => scalarLoss(sigmoidFocalLoss(p, target, options)), pred);
        assertGradientMatches('grad.pred', result.grad!.pred.data, numeric, { atol: 1e-7, rtol: 1e-5 });
      }),
      { numRuns: 150 },
    );
  });

  it('reduces as documented: mean, sum, weights and avgFactor', () => {
    const pred = t([2, 2], [0.3, -1.2, 2.5, 0.1]);
    const target = t([2, 2], [1, 0, 0, 1]);
    const each = Array.from(pred.data, (x, i) => naiveFocal(x, target.data[i], 0.25, 2));
    const sum = each.reduce((a, b) => a + b, 0);
    assertClose('sum', sigmoidFocalLoss(pred, target, { reduction: 'sum' }).loss.data, [sum]);
    assertClose('mean', sigmoidFocalLoss(pred, target).loss.data, [sum / 4]);
    const weighted = 2 * (each[0] + each[1]) + 3 * (each[2] + each[3]);
    const weight = t([2], [2, 3]);
    assertClose('avgFactor', sigmoidFocalLoss(pred, target, { weight, avgFactor: 5 }).loss.data, [weighted / 5]);
    assertClose('none', sigmoidFocalLoss(pred, target, { weight, reduction: 'none' }).loss.data, [
      2 * each[0], 2 * each[1], 3 * each[2], 3 * each[3],
    ]);
    const empty = sigmoidFocalLoss(t([0, 3], []), t([0, 3], []), { grad: true });
    assert.deepEqual([...empty.loss.data], [0]);
    assert.deepEqual(empty.grad!.pred.shape, [0, 3]);
  });
});

describe('sigmoidFocalLoss identities (torchvision test_ops)', () => {
  const logits = [-1000, -30, -5, -1, -1e-3, 0, 1e-3, 1, 5, 30, 1000];
  const grid = (): { pred: Tensor; target: Tensor } => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const x of logits) for (const y of [0, 1, 0.3]) xs.push(x), ys.push(y);
    return { pred: t([xs.length], xs), target: t([ys.length], ys) };
  };
  const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

  it('with γ = 0 and α = −1 equals BCE, gradients included', () => {
    const { pred, target } = grid();
    const result = sigmoidFocalLoss(pred, target, { alpha: -1, gamma: 0, reduction: 'none', grad: true });
    const bce = Array.from(pred.data, (x, i) => (1 - target.data[i]) * x + softplus(-x));
    const dBce = Array.from(pred.data, (x, i) => sigmoid(x) - target.data[i]);
    assertClose('loss', result.loss.data, bce);
    assertClose('grad', result.grad!.pred.data, dBce, { atol: 1e-15, rtol: 1e-12 });
  });

  it('is at most BCE with α off, and focal/BCE = (1 − p_t)^γ·α_t', () => {
    const { pred, target } = grid();
    for (const gamma of [0, 0.5, 1, 2, 3]) {
      for (const alpha of [-1, 0, 0.25, 1]) {
        const focal = sigmoidFocalLoss(pred, target, { alpha, gamma, reduction: 'none' }).loss.data;
        const bce = sigmoidFocalLoss(pred, target, { alpha: -1, gamma: 0, reduction: 'none' }).loss.data;
        for (let i = 0; i < focal.length; i++) {
          const x = pred.data[i];
          const y = target.data[i];
          if (alpha === -1) assert.ok(focal[i] <= bce[i], `focal ≤ BCE at x=${x}, y=${y}`);
          const p = sigmoid(x);
          const oneMinusPt = p * (1 - y) + sigmoid(-x) * y;
          const at = alpha === -1 ? 1 : alpha * y + (1 - alpha) * (1 - y);
          const want = bce[i] * Math.pow(oneMinusPt, gamma) * at;
          assert.ok(Math.abs(focal[i] - want) <= 1e-300 + 1e-12 * want, `ratio at x=${x}, y=${y}, γ=${gamma}, α=${alpha}`);
        }
      }
    }
  });
});

describe('sigmoidFocalLoss adversarial numerics', () => {
  it('is finite at logits ±1000 with the right limits', () => {
    const pred = t([2, 2], [1000, 1000, -1000, -1000]);
    const target = t([2, 2], [0, 1, 1, 0]);
    for (const gamma of [0, 0.5, 2, 3]) {
      const r = sigmoidFocalLoss(pred, target, { alpha: 0.25, gamma, reduction: 'none', grad: true });
      assertAllFinite('loss', r.loss.data);
      assertAllFinite('grad', r.grad!.pred.data);
      // Confidently wrong: loss ≈ α_t·|x| with slope ±α_t; confidently right: 0 and 0.
      assertClose(`loss γ=${gamma}`, r.loss.data, [0.75 * 1000, 0, 0.25 * 1000, 0]);
      assertClose(`grad γ=${gamma}`, r.grad!.pred.data, [0.75, 0, -0.25, 0]);
    }
  });

  it('keeps relative accuracy in the far tail (x = 40, t = 1: loss ≈ e^(−40)·e^(−80))', () => {
    const r = sigmoidFocalLoss(t([1], [40]), t([1], [1]), { alpha: -1, gamma: 2, reduction: 'sum', grad: true });
    const e = Math.exp(-40);
    assertClose('loss', r.loss.data, [e * e * e], { atol: 0, rtol: 1e-12 });
    assertClose('grad', r.grad!.pred.data, [-3 * e * e * e], { atol: 0, rtol: 1e-10 });
  });
});

describe('sigmoidFocalLoss bad input', () => {
  const pred = t([2, 2], [0, 1, 2, 3]);
  const target = t([2, 2], [0, 1, 0, 1]);
  const throwsInput = (f: () => unknown, argument: string, index?: number[]): void => {
    assert.throws(f, (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.equal(error.fn, 'sigmoidFocalLoss');
      assert.equal(error.argument, argument);
      assert.deepEqual(error.index, index);
      return true;
    });
  };

  it('names the argument, the index and what was expected', () => {
    throwsInput(() => sigmoidFocalLoss(t([2, 2], [0, NaN, 2, 3]), target), 'pred', [0, 1]);
    throwsInput(() => sigmoidFocalLoss(pred, t([2, 2], [0, 1, 1.5, 0])), 'target', [1, 0]);
    throwsInput(() => sigmoidFocalLoss(pred, t([4], [0, 1, 0, 1])), 'target');
    throwsInput(() => sigmoidFocalLoss(pred, target, { alpha: 1.5 }), 'options.alpha');
    throwsInput(() => sigmoidFocalLoss(pred, target, { alpha: -0.5 }), 'options.alpha');
    throwsInput(() => sigmoidFocalLoss(pred, target, { gamma: -1 }), 'options.gamma');
    throwsInput(() => sigmoidFocalLoss(pred, target, { reduction: 'avg' as Reduction }), 'options.reduction');
    throwsInput(() => sigmoidFocalLoss(pred, target, { weight: t([3], [1, 1, 1]) }), 'options.weight');
  });
});

describe('focalPoint', () => {
  it('equals the logit loss at p = σ(x), and its derivative satisfies the chain rule', () => {
    for (const x of [-6, -1, -0.2, 0, 0.7, 3, 8]) {
      for (const y of [0, 1, 0.4]) {
        for (const [alpha, gamma] of [[0.25, 2], [-1, 0], [0.6, 0.5], [-1, 3]]) {
          const r = sigmoidFocalLoss(t([1], [x]), t([1], [y]), { alpha, gamma, reduction: 'sum', grad: true });
          const p = 1 / (1 + Math.exp(-x));
          const point = focalPoint(p, y, alpha, gamma);
          assertClose('value', [point.value], r.loss.data, { atol: 1e-14, rtol: 1e-10 });
          assertClose('dP·σ′', [point.dP * p * (1 - p)], r.grad!.pred.data, { atol: 1e-13, rtol: 1e-8 });
        }
      }
    }
  });

  it('stays finite at p ∈ {0, 1} through the −100 log clamp', () => {
    assertClose('wrong, p = 0', [focalPoint(0, 1, 0.25, 2).value], [0.25 * 100]);
    assertClose('wrong, p = 1', [focalPoint(1, 0, 0.25, 2).value], [0.75 * 100]);
    assertClose('right', [focalPoint(1, 1, 0.25, 2).value], [0]);
    for (const p of [0, 1]) for (const y of [0, 1, 0.5]) assertAllFinite('dP', [focalPoint(p, y, 0.25, 0.5).dP]);
    assert.throws(() => focalPoint(1.5, 0, 0.25, 2), InputError);
  });
});

describe('sigmoidFocalLoss on float32 exports', () => {
  it("'float64' (the default) computes on a TensorF32 exactly what it computes on the widened values", () => {
    const x = Float32Array.of(-1000, -7.25, -0.1, 0, 0.3, 2, 19, 1000);
    const y = Float32Array.of(0, 1, 0.3, 1, 0, 0.7, 1, 0);
    const options: FocalOptions = { alpha: 0.25, gamma: 2, grad: true, weight: t([2], [0.5, 2]) };
    const wide = sigmoidFocalLoss(t([2, 4], [...x]), t([2, 4], [...y]), options);
    assert.deepEqual(sigmoidFocalLoss({ shape: [2, 4], data: x }, { shape: [2, 4], data: y }, options), wide);
    assert.deepEqual(sigmoidFocalLoss({ shape: [2, 4], data: x }, t([2, 4], [...y]), { ...options, precision: 'float64' }), wide);
  });

  it("'float32' stays within float32 rounding of the closed form (bound derived in test/core/simd/elementwise.float32.test.ts)", () => {
    const x = [-5, -0.5, 0, 1.5, 6];
    const y = [0, 1, 0.5, 1, 0];
    const result = sigmoidFocalLoss({ shape: [5], data: Float32Array.from(x) }, { shape: [5], data: Float32Array.from(y) }, { reduction: 'none', precision: 'float32' });
    x.forEach((xi, i) => {
      const want = naiveFocal(xi, y[i], 0.25, 2);
      assert.ok(Math.abs(result.perElement.data[i] - want) <= 34 * 2 ** -24 * want, `x = ${xi}: ${result.perElement.data[i]} vs ${want}`);
    });
  });

  it('rejects an unknown precision', () => {
    assert.throws(() => sigmoidFocalLoss(t([1], [0]), t([1], [0]), { precision: 'half' as 'float32' }), /options\.precision/);
  });
});

