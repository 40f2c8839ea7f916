import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mine } from '../../../../src/core/metric/mine';
import type { Pairs } from '../../../../src/core/metric/tuples';
import { batchArbitrary, permutationArbitrary, permuteBatch, tupleSet, type Batch } from '../batches';

function pairs(batch: Batch, options: Parameters<typeof mine>[2]): Pairs {
  return (mine(batch.embeddings, batch.labels, { miner: 'pair_margin', ...options }) as { pairs: Pairs }).pairs;
}

describe('PairMarginMiner', () => {
  it('with the defaults (0.2, 0.8, normalised L2) returns positives farther than 0.2 and negatives nearer than 0.8', () => {
    fc.assert(
      fc.property(batchArbitrary(8, 3, 3), (batch) => {
        const got = pairs(batch, {});
        const [B, d] = batch.embeddings.shape;
        const x = batch.embeddings.data;
        const unit = (i: number): number[] => {
          const row = [...x.subarray(i * d, i * d + d)];
          const norm = Math.hypot(...row);
          return row.map((v) => v / norm);
        };
        const dist = (i: number, j: number): number => Math.hypot(...unit(i).map((v, k) => v - unit(j)[k]));
        const y = batch.labels.data;
        const pos = new Set<string>();
        const neg = new Set<string>();
        for (let i = 0; i < B; i++) {
          for (let j = 0; j < B; j++) {
            if (i !== j && y[i] === y[j] && dist(i, j) > 0.2) pos.add(`${i},${j}`);
            if (y[i] !== y[j] && dist(i, j) < 0.8) neg.add(`${i},${j}`);
          }
        }
        assert.deepEqual(tupleSet([got.a1, got.p]), pos);
        assert.deepEqual(tupleSet([got.a2, got.n]), neg);
      }),
      { numRuns: 60 },
    );
  });

  it('with cosine returns positives with s < pos_margin and negatives with s > neg_margin', () => {
    // Rows at 0°, 90° (same label) and 45° (other label): s(0°, 90°) = 0, s(·, 45°) = √½.
    const batch: Batch = { embeddings: { shape: [3, 2], data: Float64Array.of(1, 0, 0, 1, 1, 1) }, labels: { shape: [3], data: Float64Array.of(0, 0, 1) } };
    const r = pairs(batch, { distance: 'cosine', pos_margin: 0.5, neg_margin: 0.7 });
    assert.deepEqual([[...r.a1], [...r.p], [...r.a2], [...r.n]], [[0, 1], [1, 0], [0, 1, 2, 2], [2, 2, 0, 1]]);
    assert.equal(pairs(batch, { distance: 'cosine', pos_margin: 0.5, neg_margin: 0.71 }).a2.length, 0);
  });

  it('returns pair sets invariant under a permutation of the batch (mapped back)', () => {
    fc.assert(
      fc.property(batchArbitrary(8, 3, 3).chain((b) => fc.tuple(fc.constant(b), permutationArbitrary(b.labels.shape[0]))), ([batch, perm]) => {
        const base = pairs(batch, { pos_margin: 0.5, neg_margin: 1 });
        const moved = pairs(permuteBatch(batch, perm), { pos_margin: 0.5, neg_margin: 1 });
        assert.deepEqual(tupleSet([moved.a1, moved.p], perm), tupleSet([base.a1, base.p]));
        assert.deepEqual(tupleSet([moved.a2, moved.n], perm), tupleSet([base.a2, base.n]));
      }),
      { numRuns: 40 },
    );
  });

  it('names the miner and its options when a key belongs to another miner', () => {
    const batch: Batch = { embeddings: { shape: [2, 2], data: Float64Array.of(1, 0, 0, 1) }, labels: { shape: [2], data: Float64Array.of(0, 1) } };
    assert.throws(() => pairs(batch, { epsilon: 0.1 }), /mine: options\.epsilon should be an option of miner 'pair_margin' \(distance, p, power, normalize_embeddings, miner, pos_margin, neg_margin\)/);
  });
});
