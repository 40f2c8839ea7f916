import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  binCount,
  binDistribution,
  binaryEntropy,
  entropyFloor,
  expRowInto,
  integral,
  interpolationWeights,
  newExpRowStats,
  softmaxRows,
} from '../../src/core/distributions';
import { InputError } from '../../src/core/errors';
import { fastExp } from '../../src/core/numerics';
import type { Tensor } from '../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../helpers/gradcheck';
import { seededRandom } from '../helpers/random';

const tensor = (shape: number[], values: ArrayLike<number>): Tensor => ({ shape, data: Float64Array.from(values) });

/** Naive softmax expectation, for small logits only: Σ i·eˣⁱ / Σ eˣⁱ. */
function naiveExpectation(row: number[]): number {
  let sum = 0;
  let moment = 0;
  row.forEach((x, i) => {
    sum += Math.exp(x);
    moment += i * Math.exp(x);
  });
  return moment / sum;
}

describe('binCount', () => {
  it('names the convention: mmdetection reg_max 16 is 17 bins, ultralytics reg_max 16 is 16 bins', () => {
    assert.equal(binCount({ regMax: 16, convention: 'mmdetection' }), 17);
    assert.equal(binCount({ regMax: 16, convention: 'ultralytics' }), 16);
    assert.equal(binCount({ regMax: 7, convention: 'mmdetection' }), 8);
    assert.equal(binCount(17), 17);
    assert.equal(binCount(2), 2);
  });

  it('rejects fewer than two bins, fractions and unknown conventions', () => {
    assert.throws(() => binCount(1), InputError);
    assert.throws(() => binCount(2.5), InputError);
    assert.throws(() => binCount(Number.NaN), InputError);
    assert.throws(() => binCount({ regMax: 0, convention: 'mmdetection' }), InputError);
    assert.throws(() => binCount({ regMax: 1, convention: 'ultralytics' }), InputError);
    assert.throws(() => binCount({ regMax: 16, convention: 'yolo' } as never), /convention/);
  });
});

describe('interpolationWeights', () => {
  it('splits a fractional target between its neighbours', () => {
    assert.deepEqual(interpolationWeights(3.25, 17), { left: 3, right: 4, weightLeft: 0.75, weightRight: 0.25, clamped: false });
    assert.deepEqual(interpolationWeights(0, 17), { left: 0, right: 1, weightLeft: 1, weightRight: 0, clamped: false });
    assert.deepEqual(interpolationWeights(15, 17), { left: 15, right: 16, weightLeft: 1, weightRight: 0, clamped: false });
  });

  it('clamps the last bin, beyond it and negative targets to the ends, flagged', () => {
    assert.deepEqual(interpolationWeights(16, 17), { left: 15, right: 16, weightLeft: 0, weightRight: 1, clamped: true });
    assert.deepEqual(interpolationWeights(40, 17), { left: 15, right: 16, weightLeft: 0, weightRight: 1, clamped: true });
    assert.deepEqual(interpolationWeights(-0.5, 17), { left: 0, right: 1, weightLeft: 1, weightRight: 0, clamped: true });
    assert.deepEqual(interpolationWeights(1, 2), { left: 0, right: 1, weightLeft: 0, weightRight: 1, clamped: true });
  });

  it('weights sum to one and reconstruct the target: wl·left + wr·right = y', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (bins, u) => {
        const y = u * (bins - 1);
        const w = interpolationWeights(y, bins);
        assert.ok(w.weightLeft >= 0 && w.weightRight >= 0);
        assert.ok(Math.abs(w.weightLeft + w.weightRight - 1) <= 1e-15);
        assert.ok(Math.abs(w.weightLeft * w.left + w.weightRight * w.right - y) <= 1e-12 * Math.max(1, y));
        assert.ok(w.right === w.left + 1 && w.left >= 0 && w.right <= bins - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects non-finite targets', () => {
    assert.throws(() => interpolationWeights(Number.NaN, 17), InputError);
    assert.throws(() => interpolationWeights(Infinity, 17), InputError);
  });
});

describe('binaryEntropy and entropyFloor', () => {
  it('is 0 at integer targets and ln 2 halfway between bins', () => {
    assert.equal(binaryEntropy(1, 0), 0);
    assert.equal(binaryEntropy(0, 1), 0);
    assert.equal(entropyFloor(4, 17), 0);
    for (const k of [0, 3, 15]) assertClose(`floor(${k}.5)`, [entropyFloor(k + 0.5, 17)], [Math.LN2]);
  });

  it('matches −w ln w − (1−w) ln(1−w), is symmetric, and never exceeds ln 2', () => {
    for (const w of [0.1, 0.25, 0.3, 0.9]) {
      assertClose(`H(${w})`, [binaryEntropy(w, 1 - w)], [-w * Math.log(w) - (1 - w) * Math.log(1 - w)]);
      assert.equal(binaryEntropy(w, 1 - w), binaryEntropy(1 - w, w));
      assert.ok(binaryEntropy(w, 1 - w) < Math.LN2);
    }
  });
});

describe('fastExp (numerics), the exponential behind the softmax kernels', () => {
  it('agrees with Math.exp to a few ulp across the whole range, with exact limits', () => {
    for (let i = 0; i <= 20000; i++) {
      const x = -760 + (1480 * i) / 20000 + 1e-3 * Math.sin(i);
      const want = Math.exp(x);
      const got = fastExp(x);
      if (want === 0 || !Number.isFinite(want)) assert.equal(got, want);
      else assert.ok(Math.abs(got - want) <= 4e-16 * want, `fastExp(${x}) = ${got}, Math.exp = ${want}`);
    }
    assert.equal(fastExp(0), 1);
    assert.equal(fastExp(-1000), 0);
    assert.equal(fastExp(1000), Infinity);
    assert.ok(Number.isNaN(fastExp(Number.NaN)));
  });
});

describe('expRowInto', () => {
  it('gives the same softmax with and without the max-shift, and stays finite at ±1000', () => {
    const rows = [
      [0.5, -1, 2, 0],
      [1000, -1000, 999, 0],
      [-1000, -1000, -1001, -999],
    ];
    const stats = newExpRowStats();
    for (const row of rows) {
      const out = new Float64Array(row.length);
      expRowInto(Float64Array.from(row), 0, row.length, out, 0, stats);
      assertAllFinite('e', out);
      const max = Math.max(...row);
      const shifted = row.map((x) => Math.exp(x - max));
      const total = shifted.reduce((a, b) => a + b, 0);
      assertClose('softmax', Array.from(out, (e) => e / stats.sum), shifted.map((e) => e / total), { atol: 1e-15, rtol: 1e-13 });
      assertClose('logsumexp', [stats.shift + Math.log(stats.sum)], [max + Math.log(total)]);
    }
  });
});

describe('integral', () => {
  it('is the expected bin of a one-hot-ish distribution and the middle of a uniform one', () => {
    const bins = 17;
    for (const k of [0, 5, 16]) {
      const row = new Array<number>(bins).fill(0);
      row[k] = 60;
      assertClose(`one-hot ${k}`, integral(tensor([1, bins], row)).expectation.data, [k], { atol: 1e-20, rtol: 1e-12 });
    }
    assertClose('uniform', integral(tensor([1, bins], new Array(bins).fill(3))).expectation.data, [8]);
    // Two equal logits at 1000 over −1000 elsewhere: the midpoint, finite.
    const row = new Array<number>(bins).fill(-1000);
    row[3] = 1000;
    row[4] = 1000;
    const result = integral(tensor([1, bins], row), { grad: true, probabilities: true });
    assertClose('midpoint', result.expectation.data, [3.5]);
    assertAllFinite('grad at ±1000', result.grad!.pred.data);
  });

  it('matches a naive softmax expectation, and its probabilities sum to one', () => {
    const rows = [
      [0.1, -0.3, 2, 1.5, -2],
      [3, 3, 3, 3, 3],
    ];
    const result = integral(tensor([2, 5], rows.flat()), { probabilities: true });
    assertClose('expectation', result.expectation.data, rows.map(naiveExpectation), { atol: 1e-14, rtol: 1e-13 });
    const p = result.probabilities!.data;
    for (let r = 0; r < 2; r++) assertClose('Σp', [p.slice(r * 5, r * 5 + 5).reduce((a, b) => a + b, 0)], [1]);
  });

  it('chains an upstream gradient: matches finite differences of Σ upstream·E over random shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, bins, seed) => {
          const random = seededRandom(seed);
          const pred = tensor([n, bins], Array.from({ length: n * bins }, () => (random() - 0.5) * 8));
          const upstream = Float64Array.from({ length: n }, () => (random() - 0.5) * 4);
          const f = (p: Tensor): number => {
            const e = integral(p).expectation.data;
            let total = 0;
            for (let r = 0; r < n; r++) total += upstream[r] * e[r];
            return total;
          };
          const analytic = integral(pred, { grad: true, upstream }).grad!.pred;
          assert.deepEqual(analytic.shape, [n, bins]);
          assertGradientMatches('integral', analytic.data, finiteDifference(f, pred));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('adds into an accumulate buffer, and defaults upstream to ones', () => {
    const pred = tensor([2, 3], [0.2, -1, 0.5, 2, 0, 1]);
    const plain = integral(pred, { grad: true }).grad!.pred.data;
    const buffer = new Float64Array(6).fill(1);
    const result = integral(pred, { grad: true, upstream: [1, 1], accumulate: buffer });
    assert.equal(result.grad!.pred.data, buffer);
    assertClose('accumulated', buffer, Array.from(plain, (g) => g + 1));
    // The gradient of E with respect to a constant shift of the logits is zero: each row sums to 0.
    assertClose('row sums', [plain[0] + plain[1] + plain[2], plain[3] + plain[4] + plain[5]], [0, 0], { atol: 1e-15 });
  });

  it('rejects bad input with the argument and index', () => {
    assert.throws(() => integral(tensor([3], [1, 2, 3])), /pred/);
    assert.throws(() => integral(tensor([1, 2], [0, Number.NaN])), (e: unknown) => e instanceof InputError && e.argument === 'pred' && e.index?.[1] === 1);
    assert.throws(() => integral(tensor([2, 2], [0, 1, 2, 3]), { grad: true, upstream: [1] }), /upstream/);
    assert.throws(() => integral(tensor([1, 2], [0, 1]), { grad: true, upstream: [Infinity] }), /upstream/);
    assert.throws(() => integral(tensor([1, 2], [0, 1]), { grad: true, accumulate: new Float64Array(3) }), /accumulate/);
  });
});

describe('softmaxRows', () => {
  it('normalizes each row', () => {
    const p = softmaxRows(tensor([2, 2], [0, 0, 1000, -1000])).data;
    assertClose('p', p, [0.5, 0.5, 1, 0]);
  });
});


describe('binDistribution', () => {
  it('is the softmax and its expectation in bins, by hand, and stays finite for logits of ±1000', () => {
    assert.deepEqual(binDistribution([0, 0]), { probabilities: [0.5, 0.5], expectation: 0.5 });
    const skewed = binDistribution([0, Math.log(3)]);
    assert.ok(Math.abs(skewed.probabilities[0] - 0.25) < 1e-15 && Math.abs(skewed.probabilities[1] - 0.75) < 1e-15);
    assert.ok(Math.abs(skewed.expectation - 0.75) < 1e-15);
    const extreme = binDistribution([1000, -1000, 1000]);
    assert.deepEqual(extreme.probabilities.map((p) => Math.round(p * 1e12) / 1e12), [0.5, 0, 0.5]);
    assert.ok(Math.abs(extreme.expectation - 1) < 1e-12, String(extreme.expectation));
  });
});
