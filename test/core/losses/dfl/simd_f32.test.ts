/**
 * DFL's float32 mode (`precision: 'float32'`, the `dfl_f32` kernel) against the float64 path on
 * the same float32 logits, with the bound derived in src/core/losses/dfl/simd.ts (u = 2⁻²⁴, b = bins):
 * loss (1.4b + 2·ln b + 2)·u, expectation (2.4b + 92)·u·E, floor 6u·floor + 1e-36, gradient
 * (1.4b + 8)·u·|c|, plus, for a float64 pred rounded to float32, 2u·max|x| (·E, ·|c|).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { distributionFocalLoss, type DflOptions, type DflResult } from '../../../../src/core/losses/dfl';
import { distributionFocalLossRows, newDflOutputs, prepareDfl } from '../../../../src/core/losses/dfl/job';
import { simdSupported } from '../../../../src/core/simd/memory';
import { setKernelPath } from '../../../../src/core/simd/path';
import { onPath } from '../../../helpers/kernelPath';
import type { Tensor, TensorF32 } from '../../../../src/core/tensor';
import { gaussian, seededRandom } from '../../../helpers/random';

after(() => setKernelPath('auto'));

const U = 2 ** -24;


const tensor = (shape: number[], data: Float64Array): Tensor => ({ shape, data });
const tensor32 = (shape: number[], data: Float32Array): TensorF32 => ({ shape, data });

function assertWithin(label: string, got: ArrayLike<number>, want: ArrayLike<number>, bound: (i: number) => number): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Number.isFinite(got[i]), `${label}[${i}] finite: ${got[i]}`);
    const b = bound(i);
    assert.ok(Math.abs(got[i] - want[i]) <= b, `${label}[${i}]: float32 ${got[i]} vs float64 ${want[i]} (bound ${b})`);
  }
}

/**
 * The float32 mode against the float64 TypeScript rows on the same logits. `inputRounding` is the
 * extra loss error when pred is float64 and is rounded to float32 first: 2u·max|x| per row (the
 * loss's gradient in the logits sums to at most 2 in absolute value).
 */
function assertFloat32Agrees(pred: Tensor | TensorF32, target: Tensor, options: DflOptions): DflResult {
  const fast = onPath('simd', () => distributionFocalLoss(pred, target, { ...options, precision: 'float32' }));
  const ref = onPath('typescript', () => distributionFocalLoss(pred, target, options));
  const [rows, bins] = pred.shape;
  assert.equal(fast.report.clampedTargets, ref.report.clampedTargets, 'clampedTargets');
  const rounding = Float64Array.from({ length: rows }, (_, r) => {
    if (pred.data instanceof Float32Array) return 0;
    let largest = 0;
    for (let i = r * bins; i < (r + 1) * bins; i++) largest = Math.max(largest, Math.abs(pred.data[i]));
    return 2 * U * largest;
  });
  // The float64 path's own rounding (a few 2⁻⁵² of the terms, up to 2·max|x| + ln b) is far below u.
  const lossBound = (r: number): number => (1.4 * bins + 2 * Math.log(bins) + 2) * U + rounding[r] + 1e-12;
  const floorBound = (r: number): number => 6 * U * ref.entropyFloor.data[r] + 1e-36;
  const weight = options.weight?.data;
  const c = (r: number): number => (weight === undefined ? 1 : Math.abs(weight[weight.length === 1 ? 0 : r]));
  assertWithin('perElement', fast.perElement.data, ref.perElement.data, lossBound);
  assertWithin('entropyFloor', fast.entropyFloor.data, ref.entropyFloor.data, floorBound);
  assertWithin('excess', fast.excess.data, ref.excess.data, (r) => lossBound(r) + floorBound(r));
  assertWithin('expectation', fast.expectation.data, ref.expectation.data, (r) => ((2.4 * bins + 92) * U + rounding[r]) * ref.expectation.data[r] + 1e-35);
  let reduced = 0;
  for (let r = 0; r < rows; r++) reduced += c(r) * lossBound(r);
  const perRow = fast.loss.data.length === rows;
  const mean = options.reduction === undefined || options.reduction === 'mean' ? 1 / Math.max(rows, 1) : 1;
  assertWithin('loss', fast.loss.data, ref.loss.data, (i) => (perRow ? c(i) * lossBound(i) : mean * reduced) + 1e-300);
  if (options.grad === true) {
    // Inputs rounded to float32 move the softmax too: |Δp| ≤ 2u·max|x|·p per bin.
    const scale = options.reduction === 'none' || options.reduction === 'sum' ? 1 : 1 / Math.max(rows, 1);
    const gradBound = (i: number): number => {
      const r = Math.floor(i / bins);
      return ((1.4 * bins + 8) * U + rounding[r]) * c(r) * scale + 1e-300;
    };
    assertWithin('grad', fast.grad!.pred.data, ref.grad!.pred.data, gradBound);
  }
  return fast;
}

const SPECIAL_LOGITS = [1000, -1000, 745, -745, 100, -100, 88, -88, 40, -40, 0, -0, 1e-30];

function randomTargets(random: () => number, n: number, bins: number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const v = random();
    if (v < 0.1) return 0;
    if (v < 0.2) return bins - 1;
    if (v < 0.3) return bins + random() * 3;
    if (v < 0.4) return -random() * 2;
    if (v < 0.5) return Math.floor(random() * (bins - 1));
    if (v < 0.55) return 1 - 2 ** -30;
    return random() * (bins - 1);
  });
}

describe('DFL float32 mode vs the float64 path', { skip: !simdSupported() }, () => {
  it('stays within the derived bound for random n (incl. 0), bins 2..40, targets, weights, reductions, logits up to ±1000', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 2, max: 40 }),
        fc.constantFrom('none' as const, 'mean' as const, 'sum' as const),
        fc.constantFrom('none', 'rows', 'scalar'),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, bins, reduction, weighting, grad, seed) => {
          const random = seededRandom(seed);
          const x = Float32Array.from(gaussian(random, n * bins, 3));
          for (let r = 0; r < n; r++) if (random() < 0.3) x[r * bins + Math.floor(random() * bins)] = SPECIAL_LOGITS[Math.floor(random() * SPECIAL_LOGITS.length)];
          const weight =
            weighting === 'rows'
              ? { weight: tensor([n], Float64Array.from({ length: n }, () => random() * 2 - 0.5)) }
              : weighting === 'scalar'
                ? { weight: tensor([], Float64Array.of(0.7)) }
                : {};
          assertFloat32Agrees(tensor32([n, bins], x), tensor([n], randomTargets(random, n, bins)), { bins, reduction, grad, ...weight });
        },
      ),
      { seed: 17, numRuns: 150 },
    );
  });

  it('adds only the rounding of a float64 pred to float32 (2u·max|x| on the loss)', () => {
    const random = seededRandom(23);
    for (const bins of [2, 5, 17]) {
      const n = 37;
      const x = gaussian(random, n * bins, 30);
      assertFloat32Agrees(tensor([n, bins], x), tensor([n], randomTargets(random, n, bins)), { bins, reduction: 'none', grad: true });
    }
  });

  it('agrees across block boundaries (n larger than one block, not a multiple of 4)', () => {
    const random = seededRandom(29);
    for (const bins of [3, 17]) {
      const n = 3003;
      const x = Float32Array.from(gaussian(random, n * bins, 2));
      assertFloat32Agrees(tensor32([n, bins], x), tensor([n], randomTargets(random, n, bins)), { bins, reduction: 'mean', grad: true });
    }
  });

  it('gives the exact limits at ±1000 (hand-computed: loss 2000 toward the low bin of [−1000, 1000])', () => {
    const result = onPath('simd', () =>
      distributionFocalLoss(tensor32([1, 2], Float32Array.of(-1000, 1000)), tensor([1], Float64Array.of(0)), { bins: 2, grad: true, reduction: 'sum', precision: 'float32' }),
    );
    assert.equal(result.perElement.data[0], 2000);
    assert.equal(result.expectation.data[0], 1);
    assert.deepEqual(Array.from(result.grad!.pred.data), [-1, 1]);
  });

  it('counts clamps and puts a clamped target on the end bins (uniform logits: CE = ln bins)', () => {
    const pred = tensor32([5, 4], new Float32Array(20));
    const result = onPath('simd', () =>
      distributionFocalLoss(pred, tensor([5], Float64Array.of(1.5, -2, 7, 3, 0)), { bins: 4, grad: true, reduction: 'sum', precision: 'float32' }),
    );
    assert.equal(result.report.clampedTargets, 3);
    for (const v of result.perElement.data) assert.ok(Math.abs(v - Math.log(4)) < 4 * U);
    assert.ok(Math.abs(result.entropyFloor.data[0] - Math.LN2) < 4 * U);
    assert.deepEqual(Array.from(result.entropyFloor.data.subarray(1)), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(result.grad!.pred.data.subarray(8, 12)), [0.25, 0.25, 0.25, -0.75]);
    assert.deepEqual(Array.from(result.grad!.pred.data.subarray(4, 8)), [-0.75, 0.25, 0.25, 0.25]);
  });

  it('gives the same bits whichever ranges the rows are split into', () => {
    const random = seededRandom(5);
    const n = 41;
    const bins = 7;
    const pred = tensor32([n, bins], Float32Array.from(gaussian(random, n * bins, 2)));
    const target = tensor([n], Float64Array.from({ length: n }, () => random() * 6.5));
    const job = prepareDfl('test', pred, target, { bins, reduction: 'sum', precision: 'float32' });
    onPath('simd', () => {
      const whole = newDflOutputs(n, bins, true);
      const split = newDflOutputs(n, bins, true);
      assert.equal(distributionFocalLossRows(job, 0, n, whole), 0);
      for (const [a, b] of [[0, 1], [1, 4], [4, 5], [5, 22], [22, 41]]) distributionFocalLossRows(job, a, b, split);
      for (const key of ['perElement', 'expectation', 'floor', 'excess', 'grad'] as const) assert.deepEqual(split[key], whole[key], key);
    });
  });

  it('names a non-finite logit with the same index as the float64 path', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 3 * 5 + 4, 6 * 5 + 2]) {
        const x = new Float32Array(7 * 5);
        x[at] = bad;
        const messages = (['float64', 'float32'] as const).map((precision) => {
          try {
            onPath('simd', () => distributionFocalLoss(tensor32([7, 5], x), tensor([7], new Float64Array(7)), { bins: 5, grad: true, precision }));
          } catch (error) {
            assert.ok(error instanceof InputError, String(error));
            return error.message;
          }
          return 'no error';
        });
        assert.match(messages[1], new RegExp(`${Math.floor(at / 5)}, ${at % 5}`));
        assert.equal(messages[1], messages[0]);
      }
    }
  });

  it('rejects an unknown precision', () => {
    const run = (): DflResult =>
      distributionFocalLoss(tensor([1, 2], new Float64Array(2)), tensor([1], new Float64Array(1)), { bins: 2, precision: 'float16' as 'float32' });
    assert.throws(run, (error: unknown) => error instanceof InputError && /precision/.test(error.message));
  });
});

describe("DFL 'float64' on float32 logits", () => {
  it('computes exactly what it computes on the widened values, on both kernel paths', () => {
    const random = seededRandom(31);
    const n = 23;
    const bins = 6;
    const x32 = Float32Array.from(gaussian(random, n * bins, 4));
    const target = tensor([n], randomTargets(random, n, bins));
    const options: DflOptions = { bins, reduction: 'none', grad: true, weight: tensor([n], Float64Array.from({ length: n }, () => random())) };
    for (const path of ['auto', 'typescript'] as const) {
      const narrow = onPath(path, () => distributionFocalLoss(tensor32([n, bins], x32), target, options));
      const wide = onPath(path, () => distributionFocalLoss(tensor([n, bins], Float64Array.from(x32)), target, options));
      assert.deepEqual(narrow.perElement, wide.perElement, path);
      assert.deepEqual(narrow.expectation, wide.expectation, path);
      assert.deepEqual(narrow.entropyFloor, wide.entropyFloor, path);
      assert.deepEqual(narrow.grad, wide.grad, path);
      assert.deepEqual(narrow.loss, wide.loss, path);
    }
  });

  it("falls back to the float64 path for 'float32' when the TypeScript kernels are forced", () => {
    const random = seededRandom(37);
    const x32 = Float32Array.from(gaussian(random, 8 * 3, 2));
    const target = tensor([8], randomTargets(random, 8, 3));
    const a = onPath('typescript', () => distributionFocalLoss(tensor32([8, 3], x32), target, { bins: 3, grad: true, precision: 'float32' }));
    const b = onPath('typescript', () => distributionFocalLoss(tensor32([8, 3], x32), target, { bins: 3, grad: true }));
    assert.deepEqual(a, b);
  });
});

describe('DFL float32 mode on float64 logits beyond float32', { skip: !simdSupported() }, () => {
  it('names the first logit that rounds to ±∞ in float32 (the float64 mode accepts it)', () => {
    const x = new Float64Array(4 * 3);
    x[2 * 3 + 1] = -1e39;
    x[3 * 3] = 3.4e38; // rounds to the largest float32: accepted
    const target = tensor([4], Float64Array.of(0.5, 1, 1.5, 2));
    const run = (): DflResult => onPath('simd', () => distributionFocalLoss(tensor([4, 3], x), target, { bins: 3, precision: 'float32' }));
    assert.throws(run, (error: unknown) => error instanceof InputError && /float32/.test(error.message) && /2, 1/.test(error.message));
    x[2 * 3 + 1] = 0;
    assert.ok(Number.isFinite(onPath('simd', () => distributionFocalLoss(tensor([4, 3], x), target, { bins: 3, precision: 'float32' })).loss.data[0]));
    x[2 * 3 + 1] = -1e39;
    assert.ok(Number.isFinite(distributionFocalLoss(tensor([4, 3], x), target, { bins: 3 }).loss.data[0]));
  });
});
