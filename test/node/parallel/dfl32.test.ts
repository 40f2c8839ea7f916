/**
 * DFL on float32 logits (TensorF32) through the worker pool, with the threshold forced to 0 and
 * small blocks so that the rows are split across threads: every output bit for bit equal to the
 * single-threaded core's, in both precisions (a row's result does not depend on its range), and a
 * non-finite logit named as the core names it; and which batches the default thresholds send to
 * the pool in each precision.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { distributionFocalLoss, type DflOptions } from '../../../src/core/losses/dfl';
import { InputError } from '../../../src/core/errors';
import type { Tensor, TensorF32 } from '../../../src/core/tensor';
import { parallelLosses } from '../../../src/node/parallel/losses';
import { ParallelPool, ready } from '../../../src/node/parallel/pool';
import { PARALLEL_MIN_ELEMENTS, PARALLEL_MIN_ELEMENTS_FLOAT32 } from '../../../src/node/parallel/threshold';
import { gaussian, seededRandom } from '../../helpers/random';

const pool = new ParallelPool(3);
const losses = parallelLosses(pool, { minElements: 0, blockElements: 17 * 5 });
before(async () => {
  await ready(pool);
});
after(async () => {
  await pool.close();
});

function batch(seed: number, n: number, bins: number): { pred: TensorF32; target: Tensor; weight: Tensor } {
  const random = seededRandom(seed);
  const x = Float32Array.from(gaussian(random, n * bins, 3));
  x[7] = 1000;
  x[bins + 2] = -1000;
  const y = Float64Array.from({ length: n }, () => random() * (bins + 2) - 1);
  return {
    pred: { shape: [n, bins], data: x },
    target: { shape: [n], data: y },
    weight: { shape: [n], data: Float64Array.from({ length: n }, () => random()) },
  };
}

describe('DFL with float32 logits on the worker pool', () => {
  for (const precision of ['float32', 'float64'] as const) {
    it(`gives the core's bits in ${precision} (rows split across threads)`, () => {
      const { pred, target, weight } = batch(41, 103, 17);
      const before = pool.sharedTasks;
      for (const options of [
        { bins: 17, grad: true, precision, weight },
        { bins: 17, grad: false, precision, reduction: 'none' },
      ] as DflOptions[]) {
        const pooled = losses.distributionFocalLoss(pred, target, options);
        const core = distributionFocalLoss(pred, target, options);
        assert.deepEqual(pooled.perElement, core.perElement);
        assert.deepEqual(pooled.expectation, core.expectation);
        assert.deepEqual(pooled.entropyFloor, core.entropyFloor);
        assert.deepEqual(pooled.excess, core.excess);
        assert.deepEqual(pooled.grad, core.grad);
        assert.deepEqual(pooled.loss, core.loss);
        assert.equal(pooled.report.clampedTargets, core.report.clampedTargets);
        assert.ok(core.report.clampedTargets > 0);
      }
      assert.ok(pool.sharedTasks > before, 'the pool ran the rows');
    });
  }

  it('names a non-finite logit as the core does', () => {
    const { pred, target } = batch(43, 40, 5);
    const x = Float32Array.from(pred.data);
    x[31 * 5 + 3] = NaN;
    const run = (): unknown => losses.distributionFocalLoss({ shape: pred.shape, data: x }, target, { bins: 5, precision: 'float32', grad: true });
    assert.throws(run, (error: unknown) => error instanceof InputError && /pred/.test(error.message) && /31, 3/.test(error.message));
  });
});

describe('the default thresholds', () => {
  // Between the two defaults: large enough for the pool in float64, too small in float32.
  const bins = 17;
  const n = Math.ceil((PARALLEL_MIN_ELEMENTS + PARALLEL_MIN_ELEMENTS_FLOAT32) / 2 / bins);
  const { pred, target } = batch(47, n, bins);
  const defaults = parallelLosses(pool);

  it('sends a float64-mode batch of more than PARALLEL_MIN_ELEMENTS elements to the pool', () => {
    const before = pool.sharedTasks;
    defaults.distributionFocalLoss(pred, target, { bins, grad: true });
    assert.equal(pool.sharedTasks, before + 1);
  });

  it('keeps the same batch in the float32 mode on the calling thread, below PARALLEL_MIN_ELEMENTS_FLOAT32', () => {
    const before = pool.sharedTasks;
    defaults.distributionFocalLoss(pred, target, { bins, grad: true, precision: 'float32' });
    assert.equal(pool.sharedTasks, before);
  });

  it('sends a float32-mode batch of PARALLEL_MIN_ELEMENTS_FLOAT32 elements to the pool', () => {
    const big = batch(53, Math.ceil(PARALLEL_MIN_ELEMENTS_FLOAT32 / bins), bins);
    const before = pool.sharedTasks;
    defaults.distributionFocalLoss(big.pred, big.target, { bins, grad: true, precision: 'float32' });
    assert.equal(pool.sharedTasks, before + 1);
  });
});
