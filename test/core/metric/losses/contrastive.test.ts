import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cosineSimilarity, lpDistance, measureBatch, type MetricDistance } from '../../../../src/core/metric/distance';
import { contrastiveLoss, contrastiveLossAllPairs } from '../../../../src/core/metric/losses/contrastive';
import { metricLoss, type MetricLossOptions } from '../../../../src/core/metric/metricLoss';
import type { Reducer } from '../../../../src/core/metric/reducers';
import { allPairs } from '../../../../src/core/metric/tuples';
import { batchArbitrary, checkLossGradient, type Batch } from '../batches';

function evaluate(batch: Batch, options: MetricLossOptions): { value: number; grad: Float64Array; fingerprint: string } {
  const r = metricLoss(batch.embeddings, batch.labels, { loss: 'contrastive', ...options });
  const active = (values: unknown): string => [...(values as Float64Array)].map((v) => (v > 0 ? '1' : '0')).join('');
  return { value: r.value, grad: r.grad.data, fingerprint: `${active(r.parts.pos_losses)}|${active(r.parts.neg_losses)}` };
}

const VARIANTS: readonly [string, MetricLossOptions][] = [
  ['pml defaults (normalised L2, 0 / 1)', {}],
  ['raw L2, 0.3 / 1.5', { normalize_embeddings: false, pos_margin: 0.3, neg_margin: 1.5 }],
  ['cosine, 0.9 / 0.2', { distance: 'cosine', pos_margin: 0.9, neg_margin: 0.2 }],
  ['mean reducer, normalised L2, 0.5 / 1.2', { reducer: 'mean', pos_margin: 0.5, neg_margin: 1.2 }],
  ['on PairMarginMiner pairs', { miner: 'pair_margin' }],
];

describe('ContrastiveLoss', () => {
  for (const [label, options] of VARIANTS) {
    it(`${label}: the gradient matches finite differences (singletons and one class included)`, () => {
      checkLossGradient(label, (batch) => evaluate(batch, options));
    });
  }

  it('reduces each side by its own avg_non_zero and sums them (hand-computed, raw L2 on a line)', () => {
    // Rows 0, 1, 3 with labels 0, 0, 1; pos_margin 0.5, neg_margin 2.5.
    // Positive pairs (0,1), (1,0): d = 1 → relu(1 − 0.5) = 0.5 each: pos_loss 0.5.
    // Negative pairs (0,2), (2,0): d = 3 → 0; (1,2), (2,1): d = 2 → 0.5: neg_loss 0.5 over the 2 nonzero.
    const batch: Batch = { embeddings: { shape: [3, 1], data: Float64Array.of(0, 1, 3) }, labels: { shape: [3], data: Float64Array.of(0, 0, 1) } };
    const r = metricLoss(batch.embeddings, batch.labels, { loss: 'contrastive', normalize_embeddings: false, pos_margin: 0.5, neg_margin: 2.5 });
    assert.deepEqual([r.value, r.parts.pos_loss, r.parts.neg_loss, r.parts.num_pos_nonzero, r.parts.num_neg_nonzero], [1, 0.5, 0.5, 2, 2]);
    // Each active pair has weight ½. Positives: ∂d01/∂x0 = −1, so x0 gets 2·½·(−1) and x1 gets +1.
    // Negatives: loss 2.5 − d12 with ∂d12/∂x1 = −1, so x1 gets 2·½·(+1) more and x2 gets −1.
    assert.deepEqual([...r.grad.data], [-1, 2, -1]);
  });

  it("follows pml's quirk: with at most one element in each of a1, p, a2, n the loss is 0 with a zero gradient", () => {
    const batch: Batch = { embeddings: { shape: [3, 1], data: Float64Array.of(0, 1, 3) }, labels: { shape: [3], data: Float64Array.of(0, 0, 1) } };
    const given = { kind: 'pairs' as const, pairs: { a1: Int32Array.of(0), p: Int32Array.of(1), a2: Int32Array.of(1), n: Int32Array.of(2) } };
    const r = metricLoss(batch.embeddings, batch.labels, { loss: 'contrastive', normalize_embeddings: false, pos_margin: 0, neg_margin: 5 }, given);
    assert.equal(r.value, 0);
    assert.ok(r.grad.data.every((v) => v === 0));
  });

  it('rejects given pairs outside the batch with the position of the bad index', () => {
    const batch: Batch = { embeddings: { shape: [2, 1], data: Float64Array.of(0, 1) }, labels: { shape: [2], data: Float64Array.of(0, 1) } };
    const given = { kind: 'pairs' as const, pairs: { a1: Int32Array.of(0, 5), p: Int32Array.of(1, 0), a2: Int32Array.of(), n: Int32Array.of() } };
    assert.throws(() => metricLoss(batch.embeddings, batch.labels, { loss: 'contrastive' }, given), /metric_loss: tuples\.a1 at index \[1\] should be a row of embeddings, in \[0, 1\], but is 5/);
  });
});

describe('ContrastiveLoss over all pairs, along the rows', () => {
  it('is the pair-list loss bit for bit: value, per-pair losses, counts and ∂L/∂mat, for each reducer', () => {
    const reducers: Reducer[] = [{ kind: 'avg_non_zero' }, { kind: 'mean' }, { kind: 'threshold', low: 0.1, high: 0.9 }];
    fc.assert(
      fc.property(batchArbitrary(12, 4, 4), fc.constantFrom<MetricDistance>(cosineSimilarity(), lpDistance(), lpDistance(2, 1, false)), fc.constantFrom(...reducers), (batch, distance, reducer) => {
        const [B, d] = batch.embeddings.shape;
        const measured = measureBatch(distance, batch.embeddings.data, B, d);
        const options = { posMargin: 0.2, negMargin: 0.9, reducer };
        const rows = contrastiveLossAllPairs(measured, batch.labels.data, options);
        const lists = contrastiveLoss(measured, allPairs(batch.labels.data), options);
        assert.deepEqual({ ...rows, upstream: [...rows.upstream], posLosses: [...rows.posLosses], negLosses: [...rows.negLosses] }, { ...lists, upstream: [...lists.upstream], posLosses: [...lists.posLosses], negLosses: [...lists.negLosses] });
      }),
      { numRuns: 300 },
    );
  });
});
