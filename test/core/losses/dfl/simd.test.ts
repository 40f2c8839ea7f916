import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { distributionFocalLoss, type DflOptions, type DflResult } from '../../../../src/core/losses/dfl';
import { distributionFocalLossRows, newDflOutputs, prepareDfl } from '../../../../src/core/losses/dfl/job';
import { simdSupported } from '../../../../src/core/simd/memory';
import { setKernelPath } from '../../../../src/core/simd/path';
import { onPath } from '../../../helpers/kernelPath';
import type { Tensor } from '../../../../src/core/tensor';
import { gaussian, seededRandom } from '../../../helpers/random';

after(() => setKernelPath('auto'));


const tensor = (shape: number[], data: Float64Array): Tensor => ({ shape, data });

/** |a − b| ≤ ulps·2⁻⁵²·scale per element: the two paths differ only in their exp and log (≤ 2 ulp each). */
function assertNear(label: string, a: ArrayLike<number>, b: ArrayLike<number>, scale: (i: number) => number, ulps = 16): void {
  assert.equal(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Number.isFinite(a[i]), `${label}[${i}] finite: ${a[i]}`);
    const bound = ulps * 2 ** -52 * scale(i);
    assert.ok(Math.abs(a[i] - b[i]) <= bound, `${label}[${i}]: simd ${a[i]} vs typescript ${b[i]} (bound ${bound})`);
  }
}

/**
 * The SIMD kernel against the TypeScript rows. Per row, the loss is wl·((s − x_l) + ln Σ) + wr·(…):
 * it cancels when the target bins hold nearly all the mass, so it is bounded relative to the size
 * of its terms, |loss| + 2·max|x| + ln bins (as is excess = loss − floor); the floor is a sum of
 * non-negative terms (relative bound), the expectation lies in [0, bins − 1] (bound relative to
 * bins), and the gradient subtracts c·w from c·(wl + wr)·p at two bins (bound relative to |c|).
 */
function assertPathsAgree(pred: Tensor, target: Tensor, options: DflOptions): void {
  const simd = onPath('simd', () => distributionFocalLoss(pred, target, options));
  const ts = onPath('typescript', () => distributionFocalLoss(pred, target, options));
  const [rows, bins] = pred.shape;
  assert.equal(simd.report.clampedTargets, ts.report.clampedTargets, 'clampedTargets');
  const loss = ts.perElement.data;
  const floor = ts.entropyFloor.data;
  const rowScale = Float64Array.from({ length: rows }, (_, r) => {
    let largest = 0;
    for (let i = r * bins; i < (r + 1) * bins; i++) largest = Math.max(largest, Math.abs(pred.data[i]));
    return Math.abs(loss[r]) + 2 * largest + Math.log(bins) + floor[r];
  });
  const weight = options.weight?.data;
  const c = (r: number): number => (weight === undefined ? 1 : Math.abs(weight[weight.length === 1 ? 0 : r]));
  assertNear('perElement', simd.perElement.data, loss, (r) => rowScale[r]);
  assertNear('entropyFloor', simd.entropyFloor.data, floor, (r) => floor[r] + 1e-300);
  assertNear('expectation', simd.expectation.data, ts.expectation.data, () => bins);
  assertNear('excess', simd.excess.data, ts.excess.data, (r) => rowScale[r]);
  const reducedScale = rowScale.reduce((sum, v, r) => sum + c(r) * v, 0);
  assertNear('loss', simd.loss.data, ts.loss.data, (i) => (simd.loss.data.length === rows ? c(i) * rowScale[i] : reducedScale) + 1e-300);
  if (options.grad === true) assertNear('grad', simd.grad!.pred.data, ts.grad!.pred.data, (i) => c(Math.floor(i / bins)) + 1e-300);
}

const SPECIAL_LOGITS = [1000, -1000, 745, -745, 708.5, -708.5, 40, -40, 0, -0, 1e-300];

describe('DFL SIMD kernel vs the TypeScript rows', { skip: !simdSupported() }, () => {
  it('agrees for random n (odd and even, incl. 0), bins 2..40, targets, weights, reductions, logits up to ±1000', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 2, max: 40 }),
        fc.constantFrom('none' as const, 'mean' as const, 'sum' as const),
        fc.constantFrom('none', 'rows', 'scalar'),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, bins, reduction, weighting, grad, seed) => {
          const random = seededRandom(seed);
          const x = gaussian(random, n * bins, 3);
          // Some rows get a saturating logit, which forces the max-shifted second pass.
          for (let r = 0; r < n; r++) if (random() < 0.3) x[r * bins + Math.floor(random() * bins)] = SPECIAL_LOGITS[Math.floor(random() * SPECIAL_LOGITS.length)];
          const y = Float64Array.from({ length: n }, () => {
            const u = random();
            if (u < 0.1) return 0;
            if (u < 0.2) return bins - 1;
            if (u < 0.3) return bins + random() * 3;
            if (u < 0.4) return -random() * 2;
            if (u < 0.5) return Math.floor(random() * (bins - 1));
            return random() * (bins - 1);
          });
          const weight =
            weighting === 'rows'
              ? { weight: tensor([n], Float64Array.from({ length: n }, () => random() * 2 - 0.5)) }
              : weighting === 'scalar'
                ? { weight: tensor([], Float64Array.of(0.7)) }
                : {};
          assertPathsAgree(tensor([n, bins], x), tensor([n], y), { bins, reduction, grad, ...weight });
        },
      ),
      { seed: 7, numRuns: 150 },
    );
  });

  it('agrees across block boundaries (n larger than one block, odd)', () => {
    const random = seededRandom(11);
    for (const bins of [3, 17]) {
      const n = 3001;
      const y = Float64Array.from({ length: n }, () => random() * (bins + 1) - 0.5);
      assertPathsAgree(tensor([n, bins], gaussian(random, n * bins, 2)), tensor([n], y), { bins, reduction: 'mean', grad: true });
    }
  });

  it('gives finite, exact-limit results at ±1000 (hand-computed: loss 2000 toward the low bin of [1000, −1000])', () => {
    const result = onPath('simd', () => distributionFocalLoss(tensor([1, 2], Float64Array.of(-1000, 1000)), tensor([1], Float64Array.of(0)), { bins: 2, grad: true, reduction: 'sum' }));
    assert.equal(result.perElement.data[0], 2000);
    assert.equal(result.expectation.data[0], 1);
    assert.deepEqual(Array.from(result.grad!.pred.data), [-1, 1]);
  });

  it('counts a clamped odd last row once and puts its mass on the end bins', () => {
    const pred = tensor([3, 4], new Float64Array(12));
    const result = onPath('simd', () => distributionFocalLoss(pred, tensor([3], Float64Array.of(1.5, -2, 7)), { bins: 4, grad: true, reduction: 'sum' }));
    assert.equal(result.report.clampedTargets, 2);
    // Uniform logits: CE to any bin is ln 4; the floor is H(0.5, 0.5) = ln 2 for 1.5, 0 for the clamped.
    for (const v of result.perElement.data) assert.ok(Math.abs(v - Math.log(4)) < 1e-15);
    assert.ok(Math.abs(result.entropyFloor.data[0] - Math.LN2) < 1e-15);
    assert.equal(result.entropyFloor.data[2], 0);
    assert.deepEqual(Array.from(result.grad!.pred.data.subarray(8)), [0.25, 0.25, 0.25, -0.75]);
  });

  it('gives the same bits whichever ranges the rows are split into', () => {
    const random = seededRandom(5);
    const n = 41;
    const bins = 7;
    const pred = tensor([n, bins], gaussian(random, n * bins, 2));
    const target = tensor([n], Float64Array.from({ length: n }, () => random() * 6.5));
    const job = prepareDfl('test', pred, target, { bins, reduction: 'sum' });
    onPath('simd', () => {
      const whole = newDflOutputs(n, bins, true);
      const split = newDflOutputs(n, bins, true);
      assert.equal(distributionFocalLossRows(job, 0, n, whole), 0);
      for (const [a, b] of [[0, 1], [1, 4], [4, 5], [5, 22], [22, 41]]) distributionFocalLossRows(job, a, b, split);
      for (const key of ['perElement', 'expectation', 'floor', 'excess', 'grad'] as const) assert.deepEqual(split[key], whole[key], key);
    });
  });

  it('names a non-finite logit with its index', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = new Float64Array(5 * 3);
      x[3 * 3 + 2] = bad;
      const run = (): DflResult => onPath('simd', () => distributionFocalLoss(tensor([5, 3], x), tensor([5], new Float64Array(5)), { bins: 3, grad: true }));
      assert.throws(run, (error: unknown) => error instanceof InputError && /pred/.test(error.message) && /3, 2/.test(error.message));
    }
  });
});
