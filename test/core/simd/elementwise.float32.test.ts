import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../src/core/errors';
import { sigmoidFocalLoss, type FocalOptions } from '../../../src/core/losses/focal';
import { prepareSigmoidFocalLoss } from '../../../src/core/losses/focal/job';
import { qualityFocalLoss, type QflOptions, type QflTarget } from '../../../src/core/losses/qfl';
import { prepareQualityFocalLoss } from '../../../src/core/losses/qfl/job';
import type { Reduction } from '../../../src/core/reduction';
import { setKernelPath } from '../../../src/core/simd/path';
import { onPath } from '../../helpers/kernelPath';
import type { Tensor, TensorF32 } from '../../../src/core/tensor';
import { gaussian, seededRandom } from '../../helpers/random';

/*
 * The float32 mode against the float64 path on the same float32 inputs (the float64 path widens
 * them exactly, so the difference is the float32 arithmetic alone). With u = 2⁻²⁴, counting one
 * rounding per operation of the kernel (elementwise_f32.wat):
 *   e = exp(−|x|) ≤ 2u (Cephes' polynomial, exact 2^k); 1/(1 + e) ≤ 4u; σ, 1 − σ ≤ 7u;
 *   log1p(e) ≤ 5u; BCE, a sum of non-negative terms, ≤ 6u; m = 1 − p_t ≤ 10u; α_t ≤ 3u;
 *   so a focal loss is within (11γ + 12)·u relative, and a gradient, which subtracts two terms
 *   for soft targets, within (11γ + 24)·u of the sum of its terms' magnitudes.
 *   QFL: d = σ − y is formed from σ (7u) and y (rounded to float32: u·y) with one subtraction,
 *   so |Δd| ≤ 9u·S with S = σ + y (σ < ½) or (1 − y) + (1 − σ) + y; a loss BCE·|d|^β is within
 *   (9β + 16)·u·BCE·(|d|^β + β·|d|^(β−1)·S), a gradient likewise over its terms and their
 *   sensitivity to d.
 * Below float32's normal range (e^−87, products of tiny factors) the float32 values flush or go
 * subnormal: an absolute 1e-35 (times the coefficient for gradients) covers that.
 */
const U = 2 ** -24;
const FLOOR = 1e-35;

after(() => setKernelPath('auto'));


const f32 = (shape: number[], values: ArrayLike<number>): TensorF32 => ({ shape, data: Float32Array.from(values) });
const f64 = (shape: number[], values: ArrayLike<number>): Tensor => ({ shape, data: Float64Array.from(values) });

/** Logits that stress float32: saturation, the −87 flush of e^−|x|, ±40, 0, tiny. */
const SPECIAL = [1000, -1000, 103, -103, 88, -88, 87.5, -87.5, 86.9, -86.9, 40, -40, 17, -17, 0, -0, 0.88, -0.88, 1e-30, -1e-8];
const logit = fc.oneof(fc.constantFrom(...SPECIAL), fc.double({ min: -60, max: 60, noNaN: true }));
const unit = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));

/** σ(x) and 1 − σ(x) in float64, each from its non-overflowing side. */
function sigmoidPair(x: number): { p: number; q: number; bce0: number } {
  const e = Math.exp(-Math.abs(x));
  const p = x >= 0 ? 1 / (1 + e) : e / (1 + e);
  const q = x >= 0 ? e / (1 + e) : 1 / (1 + e);
  return { p, q, bce0: Math.log1p(e) };
}

/** The derived bounds of the focal loss and its (unscaled) gradient at one element. */
function focalBounds(x: number, t: number, alpha: number, gamma: number): { loss: number; grad: number } {
  const { p, q, bce0 } = sigmoidPair(x);
  const bce = bce0 + (x >= 0 ? (1 - t) * x : -t * x);
  const m = p * (1 - t) + q * t;
  const at = alpha < 0 ? 1 : alpha * t + (1 - alpha) * (1 - t);
  const mg = m ** gamma;
  const dmg = gamma === 0 ? 0 : gamma * m ** (gamma - 1);
  const loss = (11 * gamma + 12) * U * at * bce * mg + FLOOR;
  const magnitude = at * ((p * (1 - t) + q * t) * mg + bce * dmg * p * q * Math.abs(1 - 2 * t));
  return { loss, grad: (11 * gamma + 24) * U * magnitude + FLOOR };
}

/** The derived bounds of one QFL element (target y) and its (unscaled) gradient. */
function qflBounds(x: number, y: number, beta: number): { loss: number; grad: number } {
  const { p, q, bce0 } = sigmoidPair(x);
  const bce = bce0 + (x >= 0 ? (1 - y) * x : -y * x);
  const d = p < 0.5 ? p - y : 1 - y - q;
  const m = Math.abs(d);
  // y's rounding to float32 moves d by u·y on either side.
  const S = p < 0.5 ? p + y : 1 - y + q + y;
  const k = (9 * beta + 16) * U;
  const pow = (power: number): number => (power < 0 ? 0 : m ** power);
  const loss = k * bce * (pow(beta) + beta * pow(beta - 1) * S) + FLOOR;
  let grad = k * (pow(beta + 1) + beta * bce * p * q * pow(beta - 1) + S * ((beta + 1) * pow(beta) + beta * (beta - 1) * bce * p * q * pow(beta - 2)));
  // β = 1's sign(d) flips where d crosses 0 within the rounding: the kink of |d|.
  if (beta === 1 && m <= 16 * U * S) grad += 2 * bce * p * q;
  return { loss, grad: grad + FLOOR };
}

/** |got − want| ≤ bound, plus 1e-300 for float64 underflow where a tiny weight scales a gradient. */
function assertWithin(got: number, want: number, bound: number, what: string): void {
  assert.ok(Number.isFinite(got), `${what}: ${got} not finite`);
  assert.ok(Math.abs(got - want) <= bound + 1e-300, `${what}: float32 ${got} vs float64 ${want} (bound ${bound})`);
}

const reductions = fc.constantFrom<Reduction>('none', 'mean', 'sum');

describe('sigmoid focal loss, float32 mode', () => {
  const problem = fc
    .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 9 }))
    .chain(([n, C]) =>
      fc.record({
        n: fc.constant(n),
        C: fc.constant(C),
        x: fc.array(logit, { minLength: n * C, maxLength: n * C }),
        t: fc.array(unit, { minLength: n * C, maxLength: n * C }),
        alpha: fc.oneof(fc.constant(-1), fc.constant(0.25), fc.double({ min: 0, max: 1, noNaN: true })),
        gamma: fc.integer({ min: 0, max: 3 }),
        reduction: reductions,
        weight: fc.option(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: n, maxLength: n })),
      }),
    );

  it('is within the derived float32 bound of the float64 path, losses and gradients, on the SIMD kernel', () => {
    fc.assert(
      fc.property(problem, ({ n, C, x, t, alpha, gamma, reduction, weight }) => {
        const pred = f32([n, C], x);
        const target = f32([n, C], t);
        const options: FocalOptions = { alpha, gamma, reduction, grad: true, ...(weight === null ? {} : { weight: f64([n], weight) }) };
        const wide = onPath('simd', () => sigmoidFocalLoss(pred, target, options));
        const narrow = onPath('simd', () => sigmoidFocalLoss(pred, target, { ...options, precision: 'float32' }));
        const scale = reduction === 'mean' ? 1 / Math.max(n * C, 1) : 1;
        let totalBound = 0;
        for (let i = 0; i < n * C; i++) {
          const c = scale * (weight === null ? 1 : weight[Math.floor(i / C)]);
          const bound = focalBounds(pred.data[i], target.data[i], alpha, gamma);
          assertWithin(narrow.perElement.data[i], wide.perElement.data[i], bound.loss, `loss ${i}`);
          assertWithin(narrow.grad?.pred.data[i] as number, wide.grad?.pred.data[i] as number, c * bound.grad, `grad ${i}`);
          totalBound += c * bound.loss;
        }
        if (reduction !== 'none') assertWithin(narrow.loss.data[0], wide.loss.data[0], totalBound + 1e-15 * Math.abs(wide.loss.data[0]), 'total');
      }),
      { numRuns: 200, seed: 32 },
    );
  });

  it('agrees across block boundaries on the auto path (odd length, float64 inputs rounded once)', () => {
    const random = seededRandom(21);
    const n = 211;
    const C = 81;
    const x = Float32Array.from(gaussian(random, n * C, 6));
    const t = Float32Array.from({ length: n * C }, () => (random() < 0.1 ? 1 : random() < 0.5 ? 0 : random()));
    const options: FocalOptions = { grad: true, reduction: 'sum' };
    const wide = sigmoidFocalLoss(f32([n, C], x), f32([n, C], t), options);
    // Float64 inputs holding float32 values: the float32 mode rounds them to the same floats.
    const narrow = sigmoidFocalLoss(f64([n, C], x), f64([n, C], t), { ...options, precision: 'float32' });
    for (let i = 0; i < n * C; i++) {
      const bound = focalBounds(x[i], t[i], 0.25, 2);
      assertWithin(narrow.perElement.data[i], wide.perElement.data[i], bound.loss, `loss ${i}`);
      assertWithin(narrow.grad?.pred.data[i] as number, wide.grad?.pred.data[i] as number, bound.grad, `grad ${i}`);
    }
  });

  it('computes non-integer γ in float64 on the widened values (the forms the kernel does not take)', () => {
    const pred = f32([2, 3], [-3, 0.5, 2, 40, -1000, 7]);
    const target = f32([2, 3], [0, 1, 0.3, 1, 0, 0.5]);
    const options: FocalOptions = { gamma: 1.5, grad: true };
    assert.deepEqual(sigmoidFocalLoss(pred, target, { ...options, precision: 'float32' }), sigmoidFocalLoss(pred, target, options));
  });

  it('gives n = 0 a zero loss', () => {
    const result = sigmoidFocalLoss(f32([0, 3], []), f32([0, 3], []), { precision: 'float32', grad: true });
    assert.equal(result.loss.data[0], 0);
    assert.equal(result.grad?.pred.data.length, 0);
  });

  it('reads Float32Array inputs in place (no float64 copy) in both precisions', () => {
    const pred = f32([2, 2], [1, 2, 3, 4]);
    const target = f32([2, 2], [0, 1, 0, 1]);
    for (const precision of ['float64', 'float32'] as const) {
      const job = prepareSigmoidFocalLoss(pred, target, { precision });
      assert.equal(job.pred, pred.data);
      assert.equal(job.target, target.data);
    }
  });
});

describe('quality focal loss (label/score, logits), float32 mode', () => {
  const problem = fc
    .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 9 }))
    .chain(([n, C]) =>
      fc.record({
        n: fc.constant(n),
        C: fc.constant(C),
        x: fc.array(logit, { minLength: n * C, maxLength: n * C }),
        label: fc.array(fc.integer({ min: 0, max: C }), { minLength: n, maxLength: n }),
        score: fc.array(unit, { minLength: n, maxLength: n }),
        beta: fc.integer({ min: 0, max: 3 }),
        reduction: reductions,
        weight: fc.option(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: n, maxLength: n })),
      }),
    );

  it('is within the derived float32 bound of the float64 path, row losses and gradients', () => {
    fc.assert(
      fc.property(problem, ({ n, C, x, label, score, beta, reduction, weight }) => {
        const pred = f32([n, C], x);
        // Scores stay float64: the float32 mode rounds them, which the bound's S covers.
        const target: QflTarget = { label: f64([n], label), score: f64([n], score) };
        const options: QflOptions = { beta, reduction, grad: true, ...(weight === null ? {} : { weight: f64([n], weight) }) };
        const wide = onPath('simd', () => qualityFocalLoss(pred, target, options));
        const narrow = onPath('simd', () => qualityFocalLoss(pred, target, { ...options, precision: 'float32' }));
        const scale = reduction === 'mean' ? 1 / Math.max(n, 1) : 1;
        let totalBound = 0;
        for (let r = 0; r < n; r++) {
          const c = scale * (weight === null ? 1 : weight[r]);
          let rowBound = 0;
          for (let j = 0; j < C; j++) {
            const i = r * C + j;
            const bound = qflBounds(pred.data[i], j === label[r] ? score[r] : 0, beta);
            rowBound += bound.loss;
            assertWithin(narrow.grad?.pred.data[i] as number, wide.grad?.pred.data[i] as number, c * bound.grad, `grad ${i} (x ${pred.data[i]}, y ${j === label[r] ? score[r] : 0}, β ${beta}, c ${c})`);
          }
          assertWithin(narrow.perElement.data[r], wide.perElement.data[r], rowBound, `row ${r}`);
          totalBound += c * rowBound;
        }
        if (reduction !== 'none') assertWithin(narrow.loss.data[0], wide.loss.data[0], totalBound + 1e-15 * Math.abs(wide.loss.data[0]), 'total');
      }),
      { numRuns: 200, seed: 33 },
    );
  });

  it('agrees across block boundaries on the auto path, background-first labels', () => {
    const random = seededRandom(22);
    const n = 230;
    const C = 81;
    const x = Float32Array.from(gaussian(random, n * C, 8));
    const label = Float64Array.from({ length: n }, () => Math.floor(random() * (C + 1)));
    const score = Float64Array.from({ length: n }, () => random());
    const target: QflTarget = { label: f64([n], label), score: f64([n], score) };
    const options: QflOptions = { grad: true, labelConvention: 'background-first' };
    const wide = qualityFocalLoss(f32([n, C], x), target, options);
    const narrow = qualityFocalLoss(f32([n, C], x), target, { ...options, precision: 'float32' });
    for (let r = 0; r < n; r++) {
      let rowBound = 0;
      for (let j = 0; j < C; j++) {
        const i = r * C + j;
        const bound = qflBounds(x[i], j === label[r] - 1 ? score[r] : 0, 2);
        rowBound += bound.loss;
        assertWithin(narrow.grad?.pred.data[i] as number, wide.grad?.pred.data[i] as number, bound.grad / n, `grad ${i}`);
      }
      assertWithin(narrow.perElement.data[r], wide.perElement.data[r], rowBound, `row ${r}`);
    }
  });

  it('computes the dense form and non-integer β in float64 on the widened values', () => {
    const pred = f32([2, 3], [-3, 0.5, 2, 40, -1000, 7]);
    const dense = f32([2, 3], [0, 1, 0.3, 1, 0, 0.5]);
    assert.deepEqual(
      qualityFocalLoss(pred, { dense }, { grad: true, precision: 'float32' }),
      qualityFocalLoss(pred, { dense: f64([2, 3], dense.data) }, { grad: true }),
    );
    const target: QflTarget = { label: f32([2], [1, 3]), score: f32([2], [0.75, 0]) };
    assert.deepEqual(qualityFocalLoss(pred, target, { beta: 1.5, precision: 'float32' }), qualityFocalLoss(pred, target, { beta: 1.5 }));
  });

  it('reads a Float32Array pred in place in both precisions', () => {
    const pred = f32([1, 2], [1, 2]);
    for (const precision of ['float64', 'float32'] as const) {
      assert.equal(prepareQualityFocalLoss(pred, { label: f32([1], [0]), score: f32([1], [0.5]) }, { precision }).pred, pred.data);
    }
  });
});

describe('float32 mode errors', () => {
  /** The InputError a call throws, as its message (which names function, argument and index). */
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (error) {
      assert.ok(error instanceof InputError, String(error));
      return error.message;
    }
    assert.fail('no InputError');
  };

  it('names the same culprit in both precisions and on both kernel paths', () => {
    const good = [0.5, -2, 3, 1, -1000, 7];
    const cases: { pred: number[]; target: number[]; want: string }[] = [
      { pred: [0.5, -2, 3, NaN, 1, 2], target: [0, 1, 0, 1, 0, 0], want: 'pred at index [1, 0]' },
      { pred: [0.5, -2, 3, 1, 2, -Infinity], target: [0, 1, 0, 1, 0, 0], want: 'pred at index [1, 2]' },
      { pred: [0.5, Infinity, 3, 1, 2, 2], target: [0, 1, 0, 1, 0, 0], want: 'pred at index [0, 1]' },
      { pred: good, target: [0, 1, 0, 1.5, 0, 0], want: 'target at index [1, 0]' },
      { pred: good, target: [0, 1, -0.25, 1, NaN, 0], want: 'target at index [0, 2]' },
    ];
    for (const { pred, target, want } of cases) {
      for (const path of ['simd', 'typescript'] as const) {
        const expected = message(() => onPath(path, () => sigmoidFocalLoss(f64([2, 3], pred), f64([2, 3], target))));
        assert.ok(expected.includes(want), expected);
        for (const precision of ['float64', 'float32'] as const) {
          for (const make of [f32, f64]) {
            const got = message(() => onPath(path, () => sigmoidFocalLoss(make([2, 3], pred), make([2, 3], target), { precision, weight: f64([2], [0, 1]) })));
            assert.equal(got, expected);
          }
        }
      }
    }
    // A float64 target just above 1 rounds to 1 in float32: it is still rejected.
    assert.match(message(() => sigmoidFocalLoss(f64([1], [0]), f64([1], [1 + 1e-12]), { precision: 'float32' })), /target at index \[0\]/);
  });

  it('QFL names a non-finite logit identically in both precisions', () => {
    const target: QflTarget = { label: f64([2], [0, 3]), score: f64([2], [1, 0]) };
    for (const bad of [NaN, Infinity, -Infinity]) {
      const pred = [0.5, -2, 3, 1, bad, 7];
      for (const path of ['simd', 'typescript'] as const) {
        for (const precision of ['float64', 'float32'] as const) {
          for (const make of [f32, f64]) {
            const got = message(() => onPath(path, () => qualityFocalLoss(make([2, 3], pred), target, { precision, weight: f64([2], [1, 0]) })));
            assert.match(got, /^qualityFocalLoss: pred at index \[1, 1\] should be finite numbers/);
          }
        }
      }
    }
    assert.match(message(() => qualityFocalLoss(f32([1, 1], [0]), target, { precision: 'float16' as 'float32' })), /options\.precision/);
  });
});
