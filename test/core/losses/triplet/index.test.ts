import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seededRandom } from '../../../helpers/random';
import { rowDistances, type DistanceKind } from '../../../../src/core/distances';
import { InputError } from '../../../../src/core/errors';
import { tripletMarginLoss, type TripletOptions } from '../../../../src/core/losses/triplet';
import { softplus } from '../../../../src/core/numerics';
import { toTensor, type Tensor } from '../../../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';

const matrix = (rows: number[][]): Tensor => ({ shape: [rows.length, rows[0]?.length ?? 0], data: Float64Array.from(rows.flat()) });

function randomMatrix(seed: number, n: number, d: number, scale = 2): Tensor {
  const random = seededRandom(seed);
  return { shape: [n, d], data: Float64Array.from({ length: n * d }, () => scale * (2 * random() - 1)) };
}

/** Whether some coordinate of anchor − positive or anchor − negative is within `tolerance` of 0. */
function differencesNearZero([anchor, positive, negative]: Tensor[], tolerance: number): boolean {
  return anchor.data.some((a, i) => Math.abs(a - positive.data[i]) < tolerance || Math.abs(a - negative.data[i]) < tolerance);
}

describe('tripletMarginLoss: closed forms', () => {
  it('hinge of the Euclidean distances (eps 0): 3-4-5 triangles', () => {
    const result = tripletMarginLoss(matrix([[0, 0], [0, 0]]), matrix([[3, 4], [3, 4]]), matrix([[6, 8], [0, 4.5]]), { eps: 0, reduction: 'none' });
    // d_ap = 5; d_an = 10 → max(5 − 10 + 1, 0) = 0; d_an = 4.5 → 5 − 4.5 + 1 = 1.5.
    assertClose('loss', result.perElement.data, [0, 1.5]);
    assertClose('mean', tripletMarginLoss(matrix([[0, 0], [0, 0]]), matrix([[3, 4], [3, 4]]), matrix([[6, 8], [0, 4.5]]), { eps: 0 }).loss.data, [0.75]);
  });

  it('is the hinge (or softplus) of the row distances, for every distance kind and p', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 6 }), (seed, n, d) => {
        const [a, p, neg] = [randomMatrix(seed, n, d), randomMatrix(seed + 1, n, d), randomMatrix(seed + 2, n, d)];
        for (const options of [{ p: 1 }, { p: 2 }, { p: 3 }, { p: Infinity }, { distance: 'cosine' as DistanceKind }, { distance: 'squared-euclidean' as DistanceKind }]) {
          const dap = rowDistances(a, p, options).distances.data;
          const dan = rowDistances(a, neg, options).distances.data;
          const hinge = tripletMarginLoss(a, p, neg, { ...options, margin: 0.4, reduction: 'none' }).perElement.data;
          const soft = tripletMarginLoss(a, p, neg, { ...options, margin: 0.4, soft: true, reduction: 'none' }).perElement.data;
          assertClose('hinge', hinge, Array.from(dap, (v, i) => Math.max(v - dan[i] + 0.4, 0)), { atol: 1e-14 });
          assertClose('soft', soft, Array.from(dap, (v, i) => softplus(v - dan[i])), { atol: 1e-14 });
        }
      }),
      { numRuns: 30 },
    );
  });

  it('swap: the loss is the larger of the plain loss and the loss with d(p, n) as the negative distance', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), (seed, n, d) => {
        const [a, p, neg] = [randomMatrix(seed, n, d), randomMatrix(seed + 1, n, d), randomMatrix(seed + 2, n, d)];
        const plain = tripletMarginLoss(a, p, neg, { reduction: 'none' }).perElement.data;
        const swapped = tripletMarginLoss(a, p, neg, { swap: true, reduction: 'none' }).perElement.data;
        const dap = rowDistances(a, p).distances.data;
        const dpn = rowDistances(p, neg).distances.data;
        assertClose('swap', swapped, Array.from(plain, (v, i) => Math.max(v, dap[i] - dpn[i] + 1, 0)), { atol: 1e-14 });
      }),
      { numRuns: 30 },
    );
  });

  it('reductions: sum = Σ perElement, weighted mean with avgFactor', () => {
    const [a, p, neg] = [randomMatrix(1, 5, 3), randomMatrix(2, 5, 3), randomMatrix(3, 5, 3, 0.3)];
    const per = tripletMarginLoss(a, p, neg, { reduction: 'none' }).perElement.data;
    assertClose('sum', tripletMarginLoss(a, p, neg, { reduction: 'sum' }).loss.data, [per.reduce((s, v) => s + v, 0)]);
    const weight: Tensor = { shape: [5], data: Float64Array.of(1, 0, 2, 0.5, 3) };
    const weighted = per.reduce((s, v, i) => s + v * weight.data[i], 0) / 4;
    assertClose('weighted', tripletMarginLoss(a, p, neg, { weight, avgFactor: 4 }).loss.data, [weighted]);
  });
});

describe('tripletMarginLoss: gradients against central finite differences', () => {
  const variants: { name: string; options: TripletOptions }[] = [];
  for (const p of [1, 1.5, 2, 3, Infinity]) for (const swap of [false, true]) variants.push({ name: `p=${p} swap=${swap}`, options: { p, swap } });
  for (const distance of ['squared-euclidean', 'cosine'] as const) variants.push({ name: distance, options: { distance, swap: true } });
  variants.push({ name: 'soft', options: { soft: true } }, { name: 'soft swap p=3', options: { soft: true, swap: true, p: 3 } });
  variants.push({ name: 'sum, margin 0.2', options: { reduction: 'sum', margin: 0.2 } });
  variants.push({ name: 'none, weighted', options: { reduction: 'none', weight: { shape: [6], data: Float64Array.of(1, 2, 0, 0.5, 3, 1) } } });
  for (const { name, options } of variants) {
    it(name, () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 5 }), (seed, n, d) => {
          if (options.weight !== undefined) n = 6;
          const inputs = [randomMatrix(seed, n, d), randomMatrix(seed + 1, n, d), randomMatrix(seed + 2, n, d, 1)];
          // |x|^p with 1 < p < 2 has an unbounded second derivative at x = 0: central differences
          // of step 1e-6 are off by about 1e-5 within 1e-3 of it (seed −187077022 converges to the
          // analytic value only at a step of 1e-7). Such draws say nothing about the gradient.
          const p = options.p ?? 2;
          if (p > 1 && p < 2) fc.pre(!differencesNearZero(inputs, 1e-3));
          const value = (args: Tensor[]): number => {
            const loss = tripletMarginLoss(args[0], args[1], args[2], options).loss.data;
            return loss.reduce((s, v) => s + v, 0);
          };
          const result = tripletMarginLoss(inputs[0], inputs[1], inputs[2], { ...options, grad: true });
          const grad = result.grad;
          assert.ok(grad !== undefined);
          (['anchor', 'positive', 'negative'] as const).forEach((key, slot) => {
            assert.deepEqual(grad[key].shape, [n, d]);
            const numeric = finiteDifference((t) => value(inputs.map((x, s) => (s === slot ? t : x))), inputs[slot]);
            assertGradientMatches(key, grad[key].data, numeric, { atol: 1e-6, rtol: 1e-5 });
          });
        }),
        { numRuns: 15 },
      );
    });
  }
});

describe('tripletMarginLoss: PyTorch conventions at kinks (torch 1.13, float64, eps 0)', () => {
  const sum = { eps: 0, reduction: 'sum' as const, grad: true };
  it('the hinge passes the gradient where its argument is exactly 0 (clamp_min)', () => {
    const result = tripletMarginLoss(matrix([[0, 0]]), matrix([[1, 0]]), matrix([[2, 0]]), sum);
    assertClose('loss', result.loss.data, [0]);
    assertClose('anchor', result.grad?.anchor.data ?? [], [0, 0]);
    assertClose('positive', result.grad?.positive.data ?? [], [1, 0]);
    assertClose('negative', result.grad?.negative.data ?? [], [-1, 0]);
  });

  it('a swap tie d(a, n) = d(p, n) splits the gradient evenly, as torch.min(a, b) does', () => {
    const result = tripletMarginLoss(matrix([[0, 0]]), matrix([[2, 0]]), matrix([[1, 1]]), { ...sum, swap: true });
    const r = Math.SQRT2 / 4;
    assertClose('loss', result.loss.data, [3 - Math.SQRT2]);
    assertClose('anchor', result.grad?.anchor.data ?? [], [-1 + r, r]);
    assertClose('positive', result.grad?.positive.data ?? [], [1 - r, r]);
    assertClose('negative', result.grad?.negative.data ?? [], [0, -2 * r]);
  });

  it('identical anchor, positive and negative: loss = margin, zero (finite) gradient, zero distances counted', () => {
    const x = matrix([[0.3, -0.2, 5]]);
    const result = tripletMarginLoss(x, x, x, sum);
    assertClose('loss', result.loss.data, [1]);
    for (const key of ['anchor', 'positive', 'negative'] as const) assertClose(key, result.grad?.[key].data ?? [], [0, 0, 0]);
    assert.equal(result.report.zeroDistance, 2);
  });
});

describe('tripletMarginLoss: adversarial inputs', () => {
  it('coordinates of ±1000 and embeddings 1e-7 apart: finite losses and gradients, correct limits', () => {
    const a = matrix([[1000, -1000, 0], [0.1, 0.2, 0.3]]);
    const p = matrix([[1000, -1000, 1e-7], [0.1 + 1e-7, 0.2, 0.3]]);
    const n = matrix([[-1000, 1000, 0], [0.1, 0.2 - 1e-7, 0.3]]);
    for (const options of [{}, { p: 1 }, { p: Infinity }, { p: 3, swap: true }, { soft: true }, { distance: 'cosine' as DistanceKind }]) {
      const result = tripletMarginLoss(a, p, n, { ...options, eps: 0, reduction: 'none', grad: true });
      assertAllFinite('loss', result.perElement.data);
      for (const key of ['anchor', 'positive', 'negative'] as const) assertAllFinite(key, result.grad?.[key].data ?? []);
    }
    const hinge = tripletMarginLoss(a, p, n, { eps: 0, reduction: 'none' }).perElement.data;
    assert.equal(hinge[0], 0, 'negative 2000√2 away: easy');
    assertClose('1e-7 apart', [hinge[1]], [1], { atol: 1e-12 });
    const soft = tripletMarginLoss(a, p, n, { eps: 0, soft: true, reduction: 'none' }).perElement.data;
    assert.ok(soft[0] >= 0 && soft[0] < 1e-300, 'softplus(−2828) underflows to 0, never below');
    assertClose('soft 1e-7 apart', [soft[1]], [Math.LN2], { atol: 1e-12 });
  });

  it('an empty batch: loss 0 (mean of nothing), empty per-element loss and gradients', () => {
    const empty: Tensor = { shape: [0, 4], data: new Float64Array(0) };
    const result = tripletMarginLoss(empty, empty, empty, { grad: true });
    assertClose('loss', result.loss.data, [0]);
    assert.deepEqual(result.perElement.shape, [0]);
    assert.deepEqual(result.grad?.anchor.shape, [0, 4]);
  });
});

describe('tripletMarginLoss: bad input', () => {
  const x = matrix([[1, 2], [3, 4]]);
  it('throws InputError naming the argument, the index and what was expected', () => {
    assert.throws(() => tripletMarginLoss(x, x, matrix([[1, 2, 3], [4, 5, 6]])), (e: unknown) => e instanceof InputError && e.argument === 'negative');
    assert.throws(() => tripletMarginLoss(x, matrix([[1, 2]]), x), (e: unknown) => e instanceof InputError && e.argument === 'positive');
    assert.throws(
      () => tripletMarginLoss(x, x, matrix([[1, 2], [NaN, 4]])),
      (e: unknown) => e instanceof InputError && e.fn === 'tripletMarginLoss' && e.argument === 'negative' && e.index?.join() === '1,0',
    );
    assert.throws(() => tripletMarginLoss(x, x, x, { p: 0 }), (e: unknown) => e instanceof InputError && e.argument === 'options.p');
    assert.throws(() => tripletMarginLoss(x, x, x, { margin: NaN }), (e: unknown) => e instanceof InputError && e.argument === 'options.margin');
    assert.throws(() => tripletMarginLoss(x, x, x, { eps: Infinity }), (e: unknown) => e instanceof InputError && e.argument === 'options.eps');
    assert.throws(() => tripletMarginLoss(x, x, x, { swap: 1 as unknown as boolean }), InputError);
    assert.throws(() => tripletMarginLoss(x, x, x, { distance: 'cosine', p: 1 }), InputError);
    assert.throws(() => tripletMarginLoss(x, x, x, { reduction: 'max' as 'sum' }), InputError);
    assert.throws(() => tripletMarginLoss({ shape: [2], data: Float64Array.of(1, 2) }, x, x), InputError);
  });
});

describe('tripletMarginLoss: PyTorch fixtures (torch.nn.functional.triplet_margin_loss, float64)', () => {
  interface Case { fn: string; name: string; inputs: Record<string, number[][]>; params: { margin: number; p: number; eps: number; swap: boolean }; expected: Record<string, number[] | number[][]> }
  const cases = (JSON.parse(readFileSync('test/fixtures/reference-losses.json', 'utf8')) as { cases: Case[] }).cases.filter((c) => c.fn === 'triplet');
  assert.ok(cases.length > 0);
  for (const c of cases) {
    it(c.name, () => {
      const [a, p, n] = ['anchor', 'positive', 'negative'].map((k) => toTensor('fixture', k, c.inputs[k]));
      const result = tripletMarginLoss(a, p, n, { ...c.params, reduction: 'none', grad: true });
      const tolerance = { atol: 1e-9, rtol: 1e-7 };
      assertClose('loss', result.perElement.data, c.expected.loss as number[], tolerance);
      for (const key of ['anchor', 'positive', 'negative'] as const) {
        assertClose(key, result.grad?.[key].data ?? [], (c.expected[`grad_${key}`] as number[][]).flat(), tolerance);
      }
    });
  }
});
