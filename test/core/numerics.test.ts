import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  absPow,
  bceWithLogits,
  clampCosine,
  log1pUnit,
  logSigmoid,
  logSoftmaxInto,
  logSumExp,
  safeAcos,
  safeSqrt,
  sigmoidBce,
  sigmoid,
  softmaxInto,
  softplus,
  type ClampCounter,
} from '../../src/core/numerics';

const moderate = fc.double({ min: -30, max: 30, noNaN: true });

describe('softplus / sigmoid / logSigmoid', () => {
  it('match the naive formulas where those are accurate', () => {
    fc.assert(
      fc.property(moderate, (x) => {
        assert.ok(Math.abs(softplus(x) - Math.log(1 + Math.exp(x))) <= 1e-12 * Math.max(1, Math.abs(x)));
        assert.ok(Math.abs(sigmoid(x) - 1 / (1 + Math.exp(-x))) <= 1e-15);
        assert.ok(Math.abs(logSigmoid(x) - Math.log(1 / (1 + Math.exp(-x)))) <= 1e-12 * Math.max(1, Math.abs(x)));
      }),
    );
  });

  it('have the right limits at ±1000 instead of overflowing', () => {
    assert.equal(softplus(1000), 1000);
    assert.ok(softplus(-1000) === 0);
    assert.equal(sigmoid(1000), 1);
    assert.ok(sigmoid(-1000) === 0);
    assert.equal(logSigmoid(-1000), -1000);
    assert.ok(logSigmoid(1000) === 0);
    // Far in the tail softplus(x) ≈ eˣ, which the naive log(1 + eˣ) rounds to 0.
    assert.ok(Math.abs(softplus(-40) / Math.exp(-40) - 1) < 1e-15);
  });

  it('satisfy softplus(x) − softplus(−x) = x', () => {
    fc.assert(fc.property(moderate, (x) => Math.abs(softplus(x) - softplus(-x) - x) <= 1e-12 * Math.max(1, Math.abs(x))));
  });
});

describe('bceWithLogits', () => {
  it('equals −y·log σ − (1−y)·log(1−σ) where the naive form is accurate', () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (x, y) => {
        const p = 1 / (1 + Math.exp(-x));
        const naive = -y * Math.log(p) - (1 - y) * Math.log(1 - p);
        if (!Number.isFinite(naive) || p === 1) return;
        assert.ok(Math.abs(bceWithLogits(x, y) - naive) <= 1e-9 * Math.max(1, Math.abs(naive)));
      }),
    );
  });

  it('is exact at ±1000', () => {
    assert.equal(bceWithLogits(1000, 1), 0);
    assert.equal(bceWithLogits(1000, 0), 1000);
    assert.equal(bceWithLogits(-1000, 0), 0);
    assert.equal(bceWithLogits(-1000, 1), 1000);
  });
});

describe('logSumExp and softmax', () => {
  it('are shift invariant and do not overflow', () => {
    const row = [1000, 999, -1000];
    const expected = 1000 + Math.log(1 + Math.exp(-1));
    assert.ok(Math.abs(logSumExp(row) - expected) < 1e-12);
    const out = new Float64Array(3);
    softmaxInto(row, out);
    assert.ok(Math.abs(out[0] - 1 / (1 + Math.exp(-1))) < 1e-12);
    assert.equal(out[2], 0);
    logSoftmaxInto(row, out);
    assert.ok(Math.abs(out[1] - (999 - expected)) < 1e-12);
  });

  it('sum to one on random rows, over a sub-range', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 3, maxLength: 20 }), (row) => {
        const out = new Float64Array(row.length);
        softmaxInto(row, out, 1, row.length - 2);
        let sum = 0;
        for (let i = 1; i < row.length - 1; i++) sum += out[i];
        assert.ok(Math.abs(sum - 1) < 1e-12);
        assert.equal(out[0], 0);
      }),
    );
  });

  it('of an empty row is −∞, and all −∞ stays −∞ rather than NaN', () => {
    assert.equal(logSumExp([]), -Infinity);
    assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
  });
});

describe('absPow', () => {
  it('gives 0^0 = 1 and finite derivatives at 0 for any exponent', () => {
    assert.deepEqual(absPow(0, 0), { value: 1, derivative: 0 });
    for (const p of [0.3, 1, 2.5]) {
      const { value, derivative } = absPow(0, p);
      assert.equal(value, 0);
      assert.equal(derivative, 0);
    }
  });

  it('has the derivative of |u|^p away from 0', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: 0.1, max: 4, noNaN: true }), (u, p) => {
        if (Math.abs(u) < 1e-3) return;
        const h = 1e-6;
        const numeric = (Math.pow(Math.abs(u + h), p) - Math.pow(Math.abs(u - h), p)) / (2 * h);
        const { value, derivative } = absPow(u, p);
        assert.ok(Math.abs(value - Math.pow(Math.abs(u), p)) <= 1e-12 * Math.max(1, value));
        assert.ok(Math.abs(derivative - numeric) <= 1e-5 * Math.max(1, Math.abs(numeric)));
      }),
    );
  });
});

describe('safe sqrt / acos', () => {
  it('clamp and count instead of returning NaN', () => {
    const clamps: ClampCounter = { count: 0 };
    assert.equal(safeSqrt(-1e-18, clamps), 0);
    assert.equal(safeSqrt(4, clamps), 2);
    assert.equal(safeAcos(1 + 1e-15, clamps), 0);
    assert.equal(safeAcos(-1 - 1e-15, clamps), Math.PI);
    assert.equal(clampCosine(0.5, clamps), 0.5);
    assert.equal(clamps.count, 3);
  });
});

describe('log1pUnit', () => {
  it('matches Math.log1p within a few ulp over [0, 1], tiny arguments included', () => {
    for (let i = 0; i <= 20000; i++) {
      const u = i % 2 === 0 ? i / 20000 : Math.pow(10, (-300 * i) / 20000);
      const want = Math.log1p(u);
      assert.ok(Math.abs(log1pUnit(u) - want) <= 4 * Number.EPSILON * want, `log1pUnit(${u})`);
    }
    assert.equal(log1pUnit(0), 0);
    assert.equal(log1pUnit(5e-324), 5e-324);
  });
});

describe('sigmoidBce, the sigmoid-BCE core of the focal and QFL loops', () => {
  it('agrees with sigmoid, 1 − sigmoid and bceWithLogits, saturated logits included', () => {
    for (const x of [-800, -40, -3, -1e-9, 0, 1e-9, 0.5, 3, 40, 800]) {
      for (const y of [0, 0.3, 1]) {
        const { sigma, oneMinusSigma, bce } = sigmoidBce(x, y);
        assert.ok(Math.abs(sigma - sigmoid(x)) <= 4 * Number.EPSILON * sigmoid(x), `σ(${x})`);
        assert.ok(Math.abs(oneMinusSigma - sigmoid(-x)) <= 4 * Number.EPSILON * sigmoid(-x), `1 − σ(${x})`);
        const want = bceWithLogits(x, y);
        assert.ok(Math.abs(bce - want) <= 4 * Number.EPSILON * Math.max(1, want), `BCE(${x}, ${y}) = ${bce}, want ${want}`);
      }
    }
  });
});
