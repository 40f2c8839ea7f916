import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { dflPoint, distributionFocalLoss, type DflOptions } from '../../../../src/core/losses/dfl';
import type { Reduction } from '../../../../src/core/reduction';
import { toTensor, type Tensor } from '../../../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';
import { seededRandom } from '../../../helpers/random';

const tensor = (shape: number[], values: ArrayLike<number>): Tensor => ({ shape, data: Float64Array.from(values) });

/** Cross-entropy to bin k by the textbook formula, for small logits only: ln Σ eˣ − x_k. */
function naiveCrossEntropy(row: readonly number[], k: number): number {
  return Math.log(row.reduce((sum, x) => sum + Math.exp(x), 0)) - row[k];
}

/** The reported loss as one number: the sum of the elements for 'none'. */
function total(loss: Tensor): number {
  return loss.data.reduce((a, b) => a + b, 0);
}


describe('distributionFocalLoss: PyTorch fixtures', () => {
  // test/fixtures/reference-losses.json: PyTorch 1.13 float64, mmdetection distribution_focal_loss.
  const fixture = JSON.parse(readFileSync('test/fixtures/reference-losses.json', 'utf8')) as {
    cases: { name: string; fn: string; inputs: Record<string, unknown>; params: { bins: number }; expected: Record<string, unknown> }[];
  };
  for (const c of fixture.cases.filter((k) => k.fn === 'dfl')) {
    it(c.name, () => {
      const pred = toTensor('test', 'pred', c.inputs.pred);
      const target = toTensor('test', 'label', c.inputs.label);
      const result = distributionFocalLoss(pred, target, { bins: c.params.bins, reduction: 'none', grad: true });
      const tolerance = { atol: 1e-9, rtol: 1e-7 };
      assertClose('loss', result.loss.data, toTensor('test', 'loss', c.expected.loss).data, tolerance);
      assertClose('grad_pred', result.grad!.pred.data, toTensor('test', 'grad', c.expected.grad_pred).data, tolerance);
      assertClose('expectation', result.expectation.data, toTensor('test', 'e', c.expected.expectation).data, tolerance);
    });
  }
});

describe('distributionFocalLoss: gradients', () => {
  const reductions: Reduction[] = ['none', 'mean', 'sum'];
  it('matches central finite differences for random n (incl. 0), bins 2..20, targets, reductions, weights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 2, max: 20 }),
        fc.constantFrom(...reductions),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, bins, reduction, weighted, withAvgFactor, seed) => {
          const random = seededRandom(seed);
          const pred = tensor([n, bins], Array.from({ length: n * bins }, () => (random() - 0.5) * 10));
          // A mix of fractional, integer, last-bin, beyond and negative targets.
          const target = tensor(
            [n],
            Array.from({ length: n }, () => {
              const kind = random();
              if (kind < 0.15) return Math.floor(random() * bins);
              if (kind < 0.25) return bins - 1;
              if (kind < 0.35) return bins - 1 + random() * 3;
              if (kind < 0.45) return -random() * 3;
              return random() * (bins - 1);
            }),
          );
          const options: DflOptions = { bins, reduction };
          if (weighted) options.weight = tensor([n], Array.from({ length: n }, () => random() * 2));
          if (withAvgFactor && reduction === 'mean') options.avgFactor = 0.5 + random() * 5;
          const result = distributionFocalLoss(pred, target, { ...options, grad: true });
          assert.deepEqual(result.grad!.pred.shape, [n, bins]);
          const f = (p: Tensor): number => total(distributionFocalLoss(p, target, options).loss);
          assertGradientMatches('dfl', result.grad!.pred.data, finiteDifference(f, pred));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('dflPoint agrees with the batched loss and with finite differences', () => {
    const logits = [0.3, -1.2, 2.5, 0.7, -0.1];
    for (const y of [0, 1.3, 2.5, 3.999, 4, 7, -2]) {
      const point = dflPoint(logits, y);
      const batched = distributionFocalLoss(tensor([1, 5], logits), tensor([1], [y]), { bins: 5, reduction: 'sum' });
      assertClose(`value(${y})`, [point.value], batched.loss.data);
      const fd = finiteDifference((p) => dflPoint(p.data, y).value, tensor([5], logits));
      assertGradientMatches(`gradient(${y})`, point.gradient, fd);
      assert.equal(point.clamped, y < 0 || y >= 4);
      assertClose('expectation', [point.expectation], batched.expectation.data);
    }
  });
});

describe('distributionFocalLoss: identities', () => {
  it('with an integer target equals the cross-entropy to that bin', () => {
    const row = [0.4, -0.7, 1.9, 0.05, -2.2, 1.1];
    for (let k = 0; k < row.length; k++) {
      const result = distributionFocalLoss(tensor([1, 6], row), tensor([1], [k]), { bins: 6, reduction: 'none' });
      assertClose(`CE to ${k}`, result.loss.data, [naiveCrossEntropy(row, k)]);
      assert.equal(result.entropyFloor.data[0], 0);
    }
  });

  it('is the weighted mix of the two cross-entropies (mmdetection formula, by hand)', () => {
    const row = [0.4, -0.7, 1.9, 0.05];
    const y = 1.75;
    const want = 0.25 * naiveCrossEntropy(row, 1) + 0.75 * naiveCrossEntropy(row, 2);
    assertClose('mix', distributionFocalLoss(tensor([1, 4], row), tensor([1], [y]), { bins: 4, reduction: 'sum' }).loss.data, [want]);
  });

  it('is at least the entropy floor for random logits; the floor is ln 2 halfway between bins', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (bins, seed) => {
        const random = seededRandom(seed);
        const n = 8;
        const pred = tensor([n, bins], Array.from({ length: n * bins }, () => (random() - 0.5) * 12));
        const target = tensor([n], Array.from({ length: n }, () => random() * (bins - 1)));
        const result = distributionFocalLoss(pred, target, { bins, reduction: 'none' });
        for (let r = 0; r < n; r++) {
          assert.ok(result.perElement.data[r] >= result.entropyFloor.data[r] - 1e-12);
          assert.ok(result.excess.data[r] >= -1e-12);
          assertClose('excess', [result.excess.data[r]], [result.perElement.data[r] - result.entropyFloor.data[r]]);
        }
      }),
      { numRuns: 60 },
    );
    const half = distributionFocalLoss(tensor([2, 3], [0, 0, 0, 1, 2, 3]), tensor([2], [0.5, 1.5]), { bins: 3, reduction: 'none' });
    assertClose('ln 2', half.entropyFloor.data, [Math.LN2, Math.LN2]);
  });

  it('reaches the floor when the softmax is the two-bin interpolation distribution (ε → 0)', () => {
    const bins = 7;
    for (const y of [2.3, 4.5, 0.9, 3]) {
      let previous = Infinity;
      for (const epsilon of [1e-3, 1e-6, 1e-9, 1e-12]) {
        const left = Math.floor(y);
        const row = new Array<number>(bins).fill(Math.log(epsilon));
        row[left] = Math.log(Math.max(left + 1 - y, epsilon));
        row[left + 1] = Math.log(Math.max(y - left, epsilon));
        const result = distributionFocalLoss(tensor([1, bins], row), tensor([1], [y]), { bins, reduction: 'none' });
        const excess = result.excess.data[0];
        // KL to a distribution with ε mass per other bin is O(bins·ε).
        assert.ok(excess >= -1e-12 && excess <= 10 * bins * epsilon, `y=${y} ε=${epsilon}: excess ${excess}`);
        assert.ok(excess <= previous + 1e-15);
        previous = excess;
        assertClose('expectation → y', [result.expectation.data[0]], [y], { atol: 10 * bins * bins * epsilon, rtol: 0 });
      }
    }
  });

  it('reductions: mean = Σ/n, avgFactor divides the weighted sum, n = 0 gives 0', () => {
    const pred = tensor([3, 4], [0.1, 0.2, -0.3, 1, 2, 0, 0, -1, 0.5, 0.5, 0.5, 3]);
    const target = tensor([3], [0.5, 2.2, 1]);
    const none = distributionFocalLoss(pred, target, { bins: 4, reduction: 'none' }).loss.data;
    const sum = none[0] + none[1] + none[2];
    assertClose('sum', distributionFocalLoss(pred, target, { bins: 4, reduction: 'sum' }).loss.data, [sum]);
    assertClose('mean', distributionFocalLoss(pred, target, { bins: 4 }).loss.data, [sum / 3]);
    const weight = tensor([3], [2, 0, 1]);
    const weighted = distributionFocalLoss(pred, target, { bins: 4, weight, avgFactor: 4 });
    assertClose('avgFactor', weighted.loss.data, [(2 * none[0] + none[2]) / 4]);
    const empty = distributionFocalLoss(tensor([0, 4], []), tensor([0], []), { bins: 4, grad: true });
    assert.deepEqual(Array.from(empty.loss.data), [0]);
    assert.deepEqual(empty.grad!.pred.shape, [0, 4]);
  });
});

describe('distributionFocalLoss: bin conventions', () => {
  const target = tensor([1], [3.5]);
  it('mmdetection reg_max 16 expects 17 bins, ultralytics reg_max 16 expects 16', () => {
    const p17 = tensor([1, 17], new Array(17).fill(0));
    const p16 = tensor([1, 16], new Array(16).fill(0));
    const mm = distributionFocalLoss(p17, target, { bins: { regMax: 16, convention: 'mmdetection' } });
    assertClose('uniform over 17', mm.loss.data, [Math.log(17)]);
    const ul = distributionFocalLoss(p16, target, { bins: { regMax: 16, convention: 'ultralytics' } });
    assertClose('uniform over 16', ul.loss.data, [Math.log(16)]);
    assert.throws(() => distributionFocalLoss(p16, target, { bins: { regMax: 16, convention: 'mmdetection' } }), /pred/);
    assert.throws(() => distributionFocalLoss(p17, target, { bins: { regMax: 16, convention: 'ultralytics' } }), /pred/);
  });
});

describe('distributionFocalLoss: adversarial numerics', () => {
  it('stays finite for logits of ±1000 and reaches the right limits', () => {
    const bins = 17;
    const random = seededRandom(7);
    const n = 50;
    const pred = tensor([n, bins], Array.from({ length: n * bins }, () => (random() < 0.5 ? -1000 : 1000) * random()));
    const target = tensor([n], Array.from({ length: n }, () => random() * 16));
    const result = distributionFocalLoss(pred, target, { bins, reduction: 'none', grad: true });
    assertAllFinite('loss', result.loss.data);
    assertAllFinite('grad', result.grad!.pred.data);
    assertAllFinite('expectation', result.expectation.data);

    // Confident and right: loss 0, gradient 0. Confident and wrong: CE = 1000 − (−1000) = 2000.
    const right = new Array<number>(bins).fill(-1000);
    right[5] = 1000;
    const wrong = new Array<number>(bins).fill(-1000);
    wrong[9] = 1000;
    const limits = distributionFocalLoss(tensor([2, bins], [...right, ...wrong]), tensor([2], [5, 5]), {
      bins,
      reduction: 'none',
      grad: true,
    });
    assertClose('limits', limits.loss.data, [0, 2000]);
    assertClose('expectations', limits.expectation.data, [5, 9]);
    const g = limits.grad!.pred.data;
    assertClose('grad right', g.slice(0, bins), new Array(bins).fill(0));
    const wantWrong = new Array<number>(bins).fill(0);
    wantWrong[5] = -1;
    wantWrong[9] = 1;
    assertClose('grad wrong', g.slice(bins), wantWrong);
  });

  it('clamps targets at the last bin, beyond it and below 0, counting them, with no index error', () => {
    const row = [0.3, -0.2, 1.1, 0.4];
    const targets = [3, 3.0000001, 12, -0.01, -50, 1.5];
    const pred = tensor([6, 4], [].concat(...targets.map(() => row as never[])));
    const result = distributionFocalLoss(pred, tensor([6], targets), { bins: 4, reduction: 'none', grad: true });
    assert.equal(result.report.clampedTargets, 5);
    const last = naiveCrossEntropy(row, 3);
    const first = naiveCrossEntropy(row, 0);
    assertClose('clamped', result.loss.data.slice(0, 5), [last, last, last, first, first]);
    assertAllFinite('grad', result.grad!.pred.data);
    // Continuity at the last bin: just below bins − 1 is almost the cross-entropy to the last bin.
    const near = distributionFocalLoss(tensor([1, 4], row), tensor([1], [3 - 1e-9]), { bins: 4, reduction: 'sum' });
    assert.equal(near.report.clampedTargets, 0);
    assertClose('continuous', near.loss.data, [last], { atol: 1e-8, rtol: 0 });
  });
});

describe('distributionFocalLoss: errors', () => {
  const pred = tensor([2, 3], [0, 1, 2, 3, 4, 5]);
  const isInputError = (argument: string, index?: number[]) => (e: unknown): boolean =>
    e instanceof InputError && e.fn === 'distributionFocalLoss' && e.argument === argument && (index === undefined || e.index?.join() === index.join());

  it('rejects NaN and infinite targets with their index', () => {
    assert.throws(() => distributionFocalLoss(pred, tensor([2], [1, Number.NaN]), { bins: 3 }), isInputError('target', [1]));
    assert.throws(() => distributionFocalLoss(pred, tensor([2], [Infinity, 1]), { bins: 3 }), isInputError('target', [0]));
  });

  it('rejects non-finite logits with their index', () => {
    assert.throws(() => distributionFocalLoss(tensor([2, 3], [0, 1, 2, 3, -Infinity, 5]), tensor([2], [1, 1]), { bins: 3 }), isInputError('pred', [1, 1]));
  });

  it('rejects wrong shapes and a bin count that does not match pred', () => {
    assert.throws(() => distributionFocalLoss(tensor([3], [0, 1, 2]), tensor([1], [1]), { bins: 3 }), isInputError('pred'));
    assert.throws(() => distributionFocalLoss(pred, tensor([3], [1, 1, 1]), { bins: 3 }), isInputError('target'));
    assert.throws(() => distributionFocalLoss(pred, tensor([2, 1], [1, 1]), { bins: 3 }), isInputError('target'));
    assert.throws(() => distributionFocalLoss(pred, tensor([2], [1, 1]), { bins: 4 }), isInputError('pred'));
    assert.throws(() => distributionFocalLoss(tensor([2, 1], [0, 1]), tensor([2], [0, 0]), { bins: 1 }), isInputError('options.bins'));
    assert.throws(() => distributionFocalLoss(pred, tensor([2], [1, 1]), {} as DflOptions), isInputError('options.bins'));
    assert.throws(() => distributionFocalLoss(pred, tensor([2], [1, 1]), { bins: 3, weight: tensor([3], [1, 1, 1]) }), InputError);
    assert.throws(() => dflPoint([1], 0), InputError);
  });
});
