import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricLoss, type MetricLossOptions } from '../../src/core/metric/metricLoss';
import { scratchFloat64, scratchInt32, zeroedScratchFloat64 } from '../../src/core/scratch';
import { gaussian, seededRandom } from '../helpers/random';

describe('scratch arrays', () => {
  it('hand a role the same memory again, other roles their own, and huge arrays fresh memory', () => {
    const a = scratchFloat64('test a', 100);
    a[0] = 7;
    assert.equal(scratchFloat64('test a', 50).buffer, a.buffer);
    assert.equal(scratchFloat64('test a', 50)[0], 7);
    assert.notEqual(scratchFloat64('test b', 100).buffer, a.buffer);
    assert.equal(zeroedScratchFloat64('test a', 100)[0], 0);
    assert.equal(scratchInt32('test c', 10).length, 10);
    const huge = 5 * 2 ** 20;
    assert.notEqual(scratchFloat64('test huge', huge).buffer, scratchFloat64('test huge', huge).buffer);
  });
});

describe('metric_loss on scratch arrays', () => {
  function batch(seed: number, B: number, d: number, classes: number): [Parameters<typeof metricLoss>[0], Parameters<typeof metricLoss>[1]] {
    return [{ shape: [B, d], data: gaussian(seededRandom(seed), B * d) }, { shape: [B], data: Float64Array.from({ length: B }, (_, i) => i % classes) }];
  }

  it('gives the same value and gradient when called again after other batches, and leaves earlier results intact', () => {
    const losses: MetricLossOptions[] = [{ loss: 'contrastive' }, { loss: 'multi_similarity' }, { loss: 'triplet_margin' }, { loss: 'contrastive', miner: 'pair_margin' }];
    for (const options of losses) {
      const [x, y] = batch(1, 48, 8, 6);
      const first = metricLoss(x, y, options);
      const kept = { value: first.value, grad: [...first.grad.data] };
      // A larger and a smaller batch reuse (and overwrite) the same scratch arrays in between.
      const [x2, y2] = batch(2, 96, 8, 5);
      metricLoss(x2, y2, options);
      const [x3, y3] = batch(3, 7, 3, 2);
      metricLoss(x3, y3, options);
      const again = metricLoss(x, y, options);
      assert.equal(again.value, kept.value, JSON.stringify(options));
      assert.deepEqual([...again.grad.data], kept.grad);
      assert.deepEqual([...first.grad.data], kept.grad, 'the first result is untouched');
    }
  });
});
