import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { batchAll, batchHard } from '../../../../src/core/mining';
import { metricLoss, type MetricLossOptions } from '../../../../src/core/metric/metricLoss';
import { assertClose } from '../../../helpers/gradcheck';
import { batchArbitrary, checkLossGradient, rowValue, type Batch } from '../batches';

/** The loss's value and its discrete decisions: which triplets are active, and which distance swap picked. */
function evaluate(batch: Batch, options: MetricLossOptions): { value: number; grad: Float64Array; fingerprint: string } {
  const r = metricLoss(batch.embeddings, batch.labels, { loss: 'triplet_margin', ...options });
  const losses = r.parts.losses as Float64Array;
  let fingerprint = [...losses].map((v) => (v > 0 ? '1' : '0')).join('');
  if (options.swap === true && r.tuples.kind === 'triplets') {
    const { a, p, n } = r.tuples.triplets;
    const cosine = options.distance === 'cosine';
    // Normalised L2 is monotone in the cosine, so the swap's choice is visible from the similarities.
    const raw = cosine || options.normalize_embeddings !== false;
    fingerprint += Array.from(a, (_, k) => (raw ? rowValue(batch, p[k], n[k], true) > rowValue(batch, a[k], n[k], true) : rowValue(batch, p[k], n[k], false) < rowValue(batch, a[k], n[k], false)) ? 's' : '-').join('');
  }
  return { value: r.value, grad: r.grad.data, fingerprint };
}

const VARIANTS: readonly [string, MetricLossOptions][] = [
  ['pml defaults (normalised L2, margin 0.05, avg_non_zero)', {}],
  ['raw L2, mean, margin 0.3', { normalize_embeddings: false, reducer: 'mean', margin: 0.3 }],
  ['cosine with swap', { distance: 'cosine', swap: true, margin: 0.1 }],
  ['normalised L2 with swap', { swap: true, margin: 0.4 }],
  ['smooth loss, raw L2', { smooth_loss: true, normalize_embeddings: false, margin: 0.2 }],
  ['threshold reducer (0.05, 0.6)', { reducer: 'threshold', reducer_low: 0.05, reducer_high: 0.6, margin: 0.5 }],
  ['power 2', { power: 2, margin: 0.2 }],
];

describe('TripletMarginLoss', () => {
  for (const [label, options] of VARIANTS) {
    it(`${label}: the gradient matches finite differences (singletons and one class included)`, () => {
      checkLossGradient(label, (batch) => evaluate(batch, options));
    });
  }

  it('with the hinge, raw L2 and avg_non_zero equals batch-all of src/core/mining.ts, value and gradient', () => {
    fc.assert(
      fc.property(batchArbitrary(9, 4, 3), fc.double({ min: 0.05, max: 1, noNaN: true }), (batch, margin) => {
        const r = metricLoss(batch.embeddings, batch.labels, { normalize_embeddings: false, margin });
        const all = batchAll(batch.embeddings, batch.labels, { margin, grad: true });
        assertClose('loss', Float64Array.of(r.value), all.loss.data, { atol: 1e-12, rtol: 1e-10 });
        assertClose('grad', r.grad.data, (all.grad as { embeddings: { data: Float64Array } }).embeddings.data, { atol: 1e-12, rtol: 1e-9 });
      }),
      { numRuns: 60 },
    );
  });

  it('on BatchHardMiner triplets with the mean reducer equals batch-hard of src/core/mining.ts', () => {
    fc.assert(
      fc.property(batchArbitrary(9, 4, 3), (batch) => {
        const r = metricLoss(batch.embeddings, batch.labels, { normalize_embeddings: false, margin: 0.3, reducer: 'mean', miner: { miner: 'batch_hard', normalize_embeddings: false } });
        const hard = batchHard(batch.embeddings, batch.labels, { margin: 0.3, grad: true });
        assertClose('loss', Float64Array.of(r.value), hard.loss.data, { atol: 1e-12, rtol: 1e-10 });
        assertClose('grad', r.grad.data, (hard.grad as { embeddings: { data: Float64Array } }).embeddings.data, { atol: 1e-12, rtol: 1e-9 });
      }),
      { numRuns: 60 },
    );
  });

  it('the smooth form is softplus of the violation, PyTorch\'s x itself above 20', () => {
    // One triplet on a line: d_ap = 1, d_an = 2, margin 0.5: violation −0.5; with margin 25: 24.
    const batch: Batch = { embeddings: { shape: [3, 1], data: Float64Array.of(0, 1, -2) }, labels: { shape: [3], data: Float64Array.of(0, 0, 1) } };
    const small = metricLoss(batch.embeddings, batch.labels, { normalize_embeddings: false, smooth_loss: true, margin: 0.5, miner: undefined }, { kind: 'triplets', triplets: { a: Int32Array.of(0), p: Int32Array.of(1), n: Int32Array.of(2) } });
    assert.ok(Math.abs(small.value - Math.log1p(Math.exp(-0.5))) < 1e-15);
    const large = metricLoss(batch.embeddings, batch.labels, { normalize_embeddings: false, smooth_loss: true, margin: 25 }, { kind: 'triplets', triplets: { a: Int32Array.of(0), p: Int32Array.of(1), n: Int32Array.of(2) } });
    assert.equal(large.value, 24);
  });

  it('a batch without a valid triplet (one class, or all singletons) gives 0 with a zero gradient', () => {
    for (const labels of [[0, 0, 0], [0, 1, 2]]) {
      const r = metricLoss({ shape: [3, 2], data: Float64Array.of(1, 0, 0, 1, 1, 1) }, { shape: [3], data: Float64Array.from(labels) }, { margin: 5 });
      assert.equal(r.value, 0);
      assert.equal(r.parts.num_triplets, 0);
      assert.ok(r.grad.data.every((v) => v === 0));
    }
  });

  it('over every triplet, the loss computed along the rows equals the loss over the listed triplets, value, parts and gradient', () => {
    const options: readonly MetricLossOptions[] = VARIANTS.map(([, o]) => o).filter((o) => o.swap !== true);
    fc.assert(
      fc.property(batchArbitrary(9, 4, 3), fc.constantFrom(...options), (batch, option) => {
        const rows = metricLoss(batch.embeddings, batch.labels, option);
        assert.equal(rows.tuples.kind, 'triplets');
        const listed = metricLoss(batch.embeddings, batch.labels, option, rows.tuples);
        assert.deepEqual(rows.parts.losses, listed.parts.losses);
        assert.equal(rows.parts.num_past_filter, listed.parts.num_past_filter);
        assertClose('loss', Float64Array.of(rows.value), Float64Array.of(listed.value), { atol: 1e-15, rtol: 1e-13 });
        assertClose('grad', rows.grad.data, listed.grad.data, { atol: 1e-13, rtol: 1e-10 });
      }),
      { numRuns: 150 },
    );
  });
});
