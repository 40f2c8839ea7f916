import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { tripletCensus } from '../../../../src/core/mining';
import { mine } from '../../../../src/core/metric/mine';
import type { Triplets } from '../../../../src/core/metric/tuples';
import { batchArbitrary, permutationArbitrary, permuteBatch, tupleSet, type Batch } from '../batches';

function triplets(batch: Batch, options: Parameters<typeof mine>[2]): Triplets {
  const r = mine(batch.embeddings, batch.labels, { miner: 'triplet_margin', ...options });
  assert.equal(r.kind, 'triplets');
  return (r as { triplets: Triplets }).triplets;
}

function isLexicographic(columns: readonly Int32Array[]): boolean {
  for (let k = 1; k < columns[0].length; k++) {
    for (const c of columns) {
      if (c[k] > c[k - 1]) break;
      if (c[k] < c[k - 1]) return false;
    }
  }
  return true;
}

const margins = fc.double({ min: 0, max: 1.5, noNaN: true });

describe('TripletMarginMiner', () => {
  it('counts agree with the census (raw L2) where the definitions coincide: easy, semihard, hard, and all = valid − easy', () => {
    fc.assert(
      fc.property(batchArbitrary(9, 4, 3), margins, (batch, margin) => {
        const census = tripletCensus(batch.embeddings, batch.labels, margin);
        const count = (type: 'all' | 'hard' | 'semihard' | 'easy'): number => triplets(batch, { type_of_triplets: type, margin, normalize_embeddings: false }).a.length;
        // Random coordinates make no tie d_an = d_ap, the one place pml's hard (≤) and the census's (<) differ.
        assert.equal(count('easy'), census.easy);
        assert.equal(count('hard'), census.hard);
        assert.equal(count('semihard'), census.semihard);
        assert.equal(count('all'), census.valid - census.easy);
      }),
      { numRuns: 80 },
    );
  });

  it('returns tuple sets invariant under a permutation of the batch (mapped back), in lexicographic order', () => {
    fc.assert(
      fc.property(batchArbitrary(8, 3, 3).chain((b) => fc.tuple(fc.constant(b), permutationArbitrary(b.labels.shape[0]))), fc.constantFrom('all', 'hard', 'semihard', 'easy' as const), fc.constantFrom('lp', 'cosine' as const), ([batch, perm], type, distance) => {
        const base = triplets(batch, { type_of_triplets: type, distance, margin: 0.3 });
        const moved = triplets(permuteBatch(batch, perm), { type_of_triplets: type, distance, margin: 0.3 });
        assert.ok(isLexicographic([base.a, base.p, base.n]));
        assert.deepEqual(tupleSet([moved.a, moved.p, moved.n], perm), tupleSet([base.a, base.p, base.n]));
      }),
      { numRuns: 80 },
    );
  });

  it('with margin 0, all equals hard and semihard is empty', () => {
    fc.assert(
      fc.property(batchArbitrary(8, 3, 3), (batch) => {
        const all = triplets(batch, { type_of_triplets: 'all', margin: 0 });
        const hard = triplets(batch, { type_of_triplets: 'hard', margin: 0 });
        assert.deepEqual(tupleSet([all.a, all.p, all.n]), tupleSet([hard.a, hard.p, hard.n]));
        assert.equal(triplets(batch, { type_of_triplets: 'semihard', margin: 0 }).a.length, 0);
      }),
      { numRuns: 40 },
    );
  });

  it('puts d_an = d_ap in hard and in all (pml includes equality), unlike the census', () => {
    // Anchor 0 at the origin; positive 1 and negative 2 both at distance 1.
    const batch: Batch = { embeddings: { shape: [3, 2], data: Float64Array.of(0, 0, 1, 0, 0, 1) }, labels: { shape: [3], data: Float64Array.of(0, 0, 1) } };
    const hard = triplets(batch, { type_of_triplets: 'hard', margin: 0.1, normalize_embeddings: false });
    assert.deepEqual([[...hard.a], [...hard.p], [...hard.n]], [[0], [1], [2]]);
    assert.equal(tripletCensus(batch.embeddings, batch.labels, 0.1).hard, 0);
  });

  it('compares similarities with cosine: hard means s_ap ≤ s_an', () => {
    // Rows at 0° and 60° share a label, the negative sits at 30°: nearer to each anchor than its positive, so both triplets are hard.
    const batch: Batch = { embeddings: { shape: [3, 2], data: Float64Array.of(1, 0, 0.5, Math.sqrt(3) / 2, Math.sqrt(3) / 2, 0.5) }, labels: { shape: [3], data: Float64Array.of(0, 0, 1) } };
    assert.equal(triplets(batch, { distance: 'cosine', type_of_triplets: 'hard', margin: 0.1 }).a.length, 2);
    assert.equal(triplets(batch, { distance: 'cosine', type_of_triplets: 'easy', margin: 0.1 }).a.length, 0);
  });

  it('finds nothing in a one-class batch, and never uses a singleton as an anchor', () => {
    fc.assert(
      fc.property(batchArbitrary(7, 3, 5), (batch) => {
        const t = triplets(batch, { type_of_triplets: 'all', margin: 10 });
        const labels = batch.labels.data;
        for (const a of t.a) assert.ok(labels.filter((y) => y === labels[a]).length > 1);
        if (new Set(labels).size === 1) assert.equal(t.a.length, 0);
      }),
      { numRuns: 40 },
    );
  });
});
