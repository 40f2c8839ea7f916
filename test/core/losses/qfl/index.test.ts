import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { sigmoidFocalLoss } from '../../../../src/core/losses/focal';
import { qflPoint, qualityFocalLoss, type QflOptions } from '../../../../src/core/losses/qfl';
import type { Reduction } from '../../../../src/core/reduction';
import type { Tensor } from '../../../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';

const t = (shape: number[], values: number[]): Tensor => ({ shape, data: Float64Array.from(values) });
const scalarLoss = (result: { loss: Tensor }): number => result.loss.data.reduce((a, b) => a + b, 0);
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** mmdetection's `quality_focal_loss` for one element, transcribed naively (moderate logits). */
function naiveQfl(x: number, y: number, beta: number): number {
  const s = sigmoid(x);
  return -(y * Math.log(s) + (1 - y) * Math.log(1 - s)) * Math.pow(Math.abs(y - s), beta);
}

interface Problem {
  pred: Tensor;
  label: Tensor;
  score: Tensor;
  options: QflOptions;
}

/** Random QFL problems: n = 0 and C = 1 included, β integer or not, every reduction and weighting. */
const problem = fc
  .record({
    n: fc.integer({ min: 0, max: 4 }),
    C: fc.integer({ min: 1, max: 4 }),
    beta: fc.oneof(fc.constant(0), fc.constant(1), fc.constant(2), fc.double({ min: 0.2, max: 3, noNaN: true })),
    convention: fc.constantFrom('background-last' as const, 'background-first' as const),
    activated: fc.boolean(),
    reduction: fc.constantFrom<Reduction>('none', 'mean', 'sum'),
    weighted: fc.boolean(),
    avgFactor: fc.option(fc.double({ min: 0.5, max: 10, noNaN: true }), { nil: undefined }),
    seed: fc.integer({ min: 1, max: 1e9 }),
  })
  .map((r): Problem => {
    let state = r.seed;
    const random = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const size = r.n * r.C;
    // Probabilities stay inside [0.02, 0.98] so that finite differences do not step out of [0, 1].
    const pred = t([r.n, r.C], Array.from({ length: size }, () => (r.activated ? 0.02 + 0.96 * random() : (random() - 0.5) * 12)));
    const label = t([r.n], Array.from({ length: r.n }, () => Math.floor(random() * (r.C + 1))));
    const score = t([r.n], Array.from({ length: r.n }, () => random()));
    const options: QflOptions = { beta: r.beta, labelConvention: r.convention, activated: r.activated, reduction: r.reduction };
    if (r.weighted) options.weight = t([r.n], Array.from({ length: r.n }, () => random() * 2));
    if (r.reduction === 'mean') options.avgFactor = r.avgFactor;
    return { pred, label, score, options };
  });

/** The (n, C) soft-target matrix a label/score target stands for. */
function denseTarget({ pred, label, score, options }: Problem): Tensor {
  const [n, C] = pred.shape;
  const dense = new Float64Array(n * C);
  const shift = options.labelConvention === 'background-first' ? 1 : 0;
  for (let r = 0; r < n; r++) {
    const cls = label.data[r] - shift;
    if (cls >= 0 && cls < C) dense[r * C + cls] = score.data[r];
  }
  return { shape: [n, C], data: dense };
}

describe('qualityFocalLoss, label/score form', () => {
  it('matches the naive mmdetection formula, summed over classes', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { pred, label, score, options } = p;
        const x = options.activated ? pred.data.map((s) => Math.log(s / (1 - s))) : pred.data;
        const logits: Tensor = { shape: pred.shape, data: x };
        const result = qualityFocalLoss(logits, { label, score }, { ...options, activated: false });
        const dense = denseTarget(p).data;
        const C = pred.shape[1];
        const want = Array.from(label.data, (_, r) => {
          let sum = 0;
          for (let j = 0; j < C; j++) sum += naiveQfl(x[r * C + j], dense[r * C + j], options.beta!);
          return sum;
        });
        assert.deepEqual(result.perElement.shape, [pred.shape[0]]);
        assertClose('perElement', result.perElement.data, want, { atol: 1e-13, rtol: 1e-10 });
      }),
      { numRuns: 150 },
    );
  });

  it('has the gradient of the reported loss (central finite differences), logits and probabilities', () => {
    fc.assert(
      fc.property(problem, ({ pred, label, score, options }) => {
        const result = qualityFocalLoss(pred, { label, score }, { ...options, grad: true });
        assert.deepEqual(result.grad!.pred.shape, pred.shape);
        const numeric = finiteDifference((q) => scalarLoss(qualityFocalLoss(q, { label, score }, options)), pred, 1e-7);
        assertGradientMatches('grad.pred', result.grad!.pred.data, numeric, { atol: 2e-6, rtol: 1e-5 });
      }),
      { numRuns: 150 },
    );
  });

  it('equals the dense form with the one-hot·score target (values and gradients)', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { pred, label, score, options } = p;
        const sparse = qualityFocalLoss(pred, { label, score }, { ...options, reduction: 'sum', weight: undefined, avgFactor: undefined, grad: true });
        const dense = qualityFocalLoss(pred, { dense: denseTarget(p) }, { ...options, reduction: 'none', weight: undefined, avgFactor: undefined, grad: true });
        const [n, C] = pred.shape;
        const rowSums = Array.from({ length: n }, (_, r) => dense.perElement.data.slice(r * C, (r + 1) * C).reduce((a, b) => a + b, 0));
        assertClose('rows', sparse.perElement.data, rowSums, { atol: 1e-14, rtol: 1e-12 });
        assertClose('grad', sparse.grad!.pred.data, dense.grad!.pred.data, { atol: 1e-14, rtol: 1e-12 });
      }),
      { numRuns: 100 },
    );
  });

  it('reads background-first labels as background-last ones shifted by one', () => {
    const pred = t([3, 2], [0.5, -1, 2, 0.3, -0.7, 1.1]);
    const score = t([3], [0.8, 0.4, 0.9]);
    const last = qualityFocalLoss(pred, { label: t([3], [0, 2, 1]), score }, { reduction: 'none', grad: true });
    const first = qualityFocalLoss(pred, { label: t([3], [1, 0, 2]), score }, { labelConvention: 'background-first', reduction: 'none', grad: true });
    assertClose('loss', first.loss.data, last.loss.data, { atol: 0, rtol: 0 });
    assertClose('grad', first.grad!.pred.data, last.grad!.pred.data, { atol: 0, rtol: 0 });
  });

  it('reduces with an (n) weight and avgFactor as mmdetection does', () => {
    const pred = t([2, 3], [0.5, -1, 2, 0.3, -0.7, 1.1]);
    const target = { label: t([2], [1, 3]), score: t([2], [0.6, 0]) };
    const rows = qualityFocalLoss(pred, target, { reduction: 'none' }).loss.data;
    const weight = t([2], [0.5, 4]);
    assertClose('avgFactor', qualityFocalLoss(pred, target, { weight, avgFactor: 3 }).loss.data, [(0.5 * rows[0] + 4 * rows[1]) / 3]);
    assertClose('mean', qualityFocalLoss(pred, target).loss.data, [(rows[0] + rows[1]) / 2]);
    const empty = qualityFocalLoss(t([0, 3], []), { label: t([0], []), score: t([0], []) }, { grad: true });
    assert.deepEqual([...empty.loss.data], [0]);
    assert.deepEqual(empty.grad!.pred.shape, [0, 3]);
  });
});

describe('qualityFocalLoss, dense form', () => {
  it('with hard targets equals focal loss with α off and γ = β, gradients included', () => {
    const xs = [-1000, -20, -3, -0.5, 0, 0.5, 3, 20, 1000];
    const pred = t([xs.length, 2], xs.flatMap((x) => [x, x]));
    const target = t([xs.length, 2], xs.flatMap(() => [0, 1]));
    for (const beta of [0, 0.5, 1, 2, 2.5]) {
      const qfl = qualityFocalLoss(pred, { dense: target }, { beta, reduction: 'none', grad: true });
      const focal = sigmoidFocalLoss(pred, target, { alpha: -1, gamma: beta, reduction: 'none', grad: true });
      assertClose(`loss β=${beta}`, qfl.loss.data, focal.loss.data, { atol: 1e-300, rtol: 1e-13 });
      assertClose(`grad β=${beta}`, qfl.grad!.pred.data, focal.grad!.pred.data, { atol: 1e-300, rtol: 1e-12 });
    }
  });

  it('on probabilities equals the logit form at p = σ(x), with ∂/∂x = ∂/∂p·σ(1 − σ)', () => {
    const xs = [-6, -2, -0.3, 0, 0.4, 1.5, 5];
    const ys = [0, 0.2, 0.5, 0.9, 1, 0.35, 0.7];
    const logits = t([xs.length, 1], xs);
    const probs = t([xs.length, 1], xs.map(sigmoid));
    const target = t([ys.length, 1], ys);
    for (const beta of [0, 0.7, 2]) {
      const byLogit = qualityFocalLoss(logits, { dense: target }, { beta, reduction: 'none', grad: true });
      const byProb = qualityFocalLoss(probs, { dense: target }, { beta, activated: true, reduction: 'none', grad: true });
      assertClose('loss', byProb.loss.data, byLogit.loss.data, { atol: 1e-14, rtol: 1e-10 });
      const chained = byProb.grad!.pred.data.map((g, i) => g * probs.data[i] * (1 - probs.data[i]));
      assertClose('grad', chained, byLogit.grad!.pred.data, { atol: 1e-14, rtol: 1e-9 });
      assert.equal(byProb.report.logClamps, 0);
    }
  });
});

describe('qualityFocalLoss adversarial numerics', () => {
  it('is finite at logits ±1000 with the right limits, for integer and fractional β', () => {
    // Rows: background with x = 1000 (loss 1000, slope 1), score 1 with x = −1000 (loss 1000,
    // slope −1), score 1 with x = 1000 (0, 0), background with x = −1000 (0, 0).
    const pred = t([4, 1], [1000, -1000, 1000, -1000]);
    const target = { label: t([4], [1, 0, 0, 1]), score: t([4], [0, 1, 1, 0]) };
    for (const beta of [0.5, 1, 2, 2.5]) {
      const r = qualityFocalLoss(pred, target, { beta, reduction: 'none', grad: true });
      assertClose(`loss β=${beta}`, r.loss.data, [1000, 1000, 0, 0]);
      assertClose(`grad β=${beta}`, r.grad!.pred.data, [1, -1, 0, 0]);
    }
    const soft = qualityFocalLoss(t([2, 1], [1000, -1000]), { label: t([2], [0, 0]), score: t([2], [0.3, 0.3]) }, { beta: 0.5, grad: true });
    assertAllFinite('soft', [...soft.loss.data, ...soft.grad!.pred.data]);
  });

  it('gives a finite gradient where σ = score and β < 1 (a cusp PyTorch turns into NaN)', () => {
    const r = qualityFocalLoss(t([1, 2], [0, 0]), { label: t([1], [0]), score: t([1], [0.5]) }, { beta: 0.5, reduction: 'sum', grad: true });
    // The positive element is 0 with the subgradient 0 of |y − σ|^β; the negative one is a plain
    // σ^β·softplus(x) at x = 0: value 0.5^0.5·ln 2, slope 0.5^0.5·(0.5 + 0.5·ln 2·0.5).
    const root = Math.sqrt(0.5);
    assertClose('loss', r.loss.data, [root * Math.LN2]);
    assertClose('grad', r.grad!.pred.data, [0, root * (0.5 + 0.25 * Math.LN2)]);
  });

  it('counts the −100 clamp on saturated probabilities and stays finite', () => {
    const probs = t([1, 2], [1, 0]);
    const r = qualityFocalLoss(probs, { label: t([1], [1]), score: t([1], [1]) }, { activated: true, reduction: 'none', grad: true });
    // Class 0 is a negative at p = 1: BCE clamps log(1 − 1) to −100; class 1 a positive at p = 0.
    assertClose('loss', r.loss.data, [100 + 100]);
    assertAllFinite('grad', r.grad!.pred.data);
    assert.equal(r.report.logClamps, 2);
  });
});

describe('qualityFocalLoss bad input', () => {
  const pred = t([2, 3], [0, 1, 2, 3, 4, 5]);
  const label = t([2], [0, 3]);
  const score = t([2], [0.5, 0]);
  const throwsInput = (f: () => unknown, argument: string, index?: number[]): void => {
    assert.throws(f, (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.equal(error.fn, 'qualityFocalLoss');
      assert.equal(error.argument, argument);
      assert.deepEqual(error.index, index);
      return true;
    });
  };

  it('names the argument, the index and what was expected', () => {
    throwsInput(() => qualityFocalLoss(t([2, 3], [0, 1, 2, 3, Infinity, 5]), { label, score }), 'pred', [1, 1]);
    throwsInput(() => qualityFocalLoss(t([6], [0, 1, 2, 3, 4, 5]), { label, score }), 'pred');
    throwsInput(() => qualityFocalLoss(pred, { label: t([2], [0, 4]), score }), 'target.label', [1]);
    throwsInput(() => qualityFocalLoss(pred, { label: t([2], [-1, 0]), score }), 'target.label', [0]);
    throwsInput(() => qualityFocalLoss(pred, { label: t([2], [0.5, 0]), score }), 'target.label', [0]);
    throwsInput(() => qualityFocalLoss(pred, { label: t([3], [0, 1, 2]), score }), 'target.label');
    throwsInput(() => qualityFocalLoss(pred, { label, score: t([2], [0.5, 1.2]) }), 'target.score', [1]);
    throwsInput(() => qualityFocalLoss(pred, { label, score: t([2], [NaN, 0]) }), 'target.score', [0]);
    throwsInput(() => qualityFocalLoss(pred, { dense: t([2, 2], [0, 0, 0, 0]) }), 'target.dense');
    throwsInput(() => qualityFocalLoss(pred, { label, score }, { activated: true }), 'pred', [0, 2]);
    throwsInput(() => qualityFocalLoss(pred, { label, score }, { beta: -1 }), 'options.beta');
    throwsInput(() => qualityFocalLoss(pred, { label, score }, { labelConvention: 'last' as 'background-last' }), 'options.labelConvention');
    throwsInput(() => qualityFocalLoss(pred, { label, score }, { reduction: 'avg' as Reduction }), 'options.reduction');
    throwsInput(() => qualityFocalLoss(pred, { label, score }, { weight: t([3], [1, 1, 1]) }), 'options.weight');
  });
});

describe('qflPoint', () => {
  it('is the per-element QFL of a probability, consistent with the loss on probabilities', () => {
    for (const sigma of [0.01, 0.3, 0.5, 0.77, 0.99]) {
      for (const y of [0, 0.4, 1]) {
        for (const beta of [0, 0.5, 2]) {
          const point = qflPoint(sigma, y, beta);
          const r = qualityFocalLoss(t([1, 1], [sigma]), { dense: t([1, 1], [y]) }, { beta, activated: true, reduction: 'sum', grad: true });
          assertClose('value', [point.value], r.loss.data, { atol: 0, rtol: 0 });
          assertClose('dSigma', [point.dSigma], r.grad!.pred.data, { atol: 0, rtol: 0 });
          assertClose('naive', [point.value], [naiveQfl(Math.log(sigma / (1 - sigma)), y, beta)], { atol: 1e-14, rtol: 1e-10 });
        }
      }
    }
  });

  it('is finite at σ ∈ {0, 1}, with the −100 clamp', () => {
    assertClose('σ=1, y=0', [qflPoint(1, 0, 2).value], [100]);
    assertClose('σ=0, y=1', [qflPoint(0, 1, 2).value], [100]);
    assertClose('σ=0, y=0', [qflPoint(0, 0, 2).value], [0]);
    for (const s of [0, 1]) for (const y of [0, 0.5, 1]) for (const beta of [0.5, 2]) assertAllFinite('dSigma', [qflPoint(s, y, beta).dSigma]);
    assert.throws(() => qflPoint(-0.1, 0, 2), InputError);
    assert.throws(() => qflPoint(0.5, 0, -2), InputError);
  });
});

describe('qualityFocalLoss on float32 exports', () => {
  const x = Float32Array.of(-1000, -7.25, -0.1, 0, 0.3, 2, 19, 1000);
  const label = Float32Array.of(1, 4);
  const score = Float32Array.of(0.75, 0);

  it("'float64' (the default) computes on TensorF32 inputs exactly what it computes on the widened values", () => {
    const options: QflOptions = { beta: 2, grad: true, weight: t([2], [0.5, 2]) };
    const wide = qualityFocalLoss(t([2, 4], [...x]), { label: t([2], [...label]), score: t([2], [...score]) }, options);
    const f32Target = { label: { shape: [2], data: label }, score: { shape: [2], data: score } };
    assert.deepEqual(qualityFocalLoss({ shape: [2, 4], data: x }, f32Target, options), wide);
  });

  it("'float32' stays within float32 rounding of BCE·|y − σ|^β computed with Math.exp and Math.log1p", () => {
    const logits = [-5, -0.5, 0, 1.5, 6, 3];
    const result = qualityFocalLoss({ shape: [2, 3], data: Float32Array.from(logits) }, { label: t([2], [1, 3]), score: t([2], [0.5, 0]) }, { reduction: 'none', precision: 'float32' });
    const rows = [0, 1].map((r) =>
      [0, 1, 2].reduce((sum, j) => {
        const xi = logits[r * 3 + j];
        const y = r === 0 && j === 1 ? 0.5 : 0;
        const sigma = 1 / (1 + Math.exp(-xi));
        const bce = Math.log1p(Math.exp(-Math.abs(xi))) + Math.max(xi, 0) - y * xi;
        return sum + bce * (sigma - y) ** 2;
      }, 0),
    );
    // (9β + 16)·u·(1 + β·S/|d|) relative (elementwise.float32.test.ts) at the worst element, x = −0.5 with
    // y = 0.5 (d ≈ −0.12, S ≈ 1.4): below 600u.
    rows.forEach((want, r) => assert.ok(Math.abs(result.perElement.data[r] - want) <= 600 * 2 ** -24 * want, `row ${r}: ${result.perElement.data[r]} vs ${want}`));
  });

  it('rejects an unknown precision', () => {
    assert.throws(() => qualityFocalLoss(t([1, 1], [0]), { label: t([1], [0]), score: t([1], [1]) }, { precision: 'half' as 'float32' }), /options\.precision/);
  });
});

