import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mine } from '../../../../src/core/metric/mine';
import type { Pairs } from '../../../../src/core/metric/tuples';
import { batchArbitrary, permutationArbitrary, permuteBatch, rowValue, tupleSet, type Batch } from '../batches';

const similarity = (batch: Batch, i: number, j: number): number => rowValue(batch, i, j, true);

/** Wang et al.'s pair mining with cosine: a positive is kept iff s_ap − ε < max_n s_an, a negative iff s_an + ε > min_p s_ap. */
function reference(batch: Batch, epsilon: number): { pos: Set<string>; neg: Set<string> } {
  const y = batch.labels.data;
  const B = y.length;
  const pos = new Set<string>();
  const neg = new Set<string>();
  for (let a = 0; a < B; a++) {
    const ps = [...Array(B).keys()].filter((j) => j !== a && y[j] === y[a]).map((j) => [j, similarity(batch, a, j)] as const);
    const ns = [...Array(B).keys()].filter((j) => y[j] !== y[a]).map((j) => [j, similarity(batch, a, j)] as const);
    if (ps.length === 0 || ns.length === 0) continue;
    const hardestNegative = Math.max(...ns.map(([, s]) => s));
    const hardestPositive = Math.min(...ps.map(([, s]) => s));
    for (const [j, s] of ps) if (s - epsilon < hardestNegative) pos.add(`${a},${j}`);
    for (const [j, s] of ns) if (s + epsilon > hardestPositive) neg.add(`${a},${j}`);
  }
  return { pos, neg };
}

function pairs(batch: Batch, epsilon: number): Pairs {
  return (mine(batch.embeddings, batch.labels, { miner: 'multi_similarity', epsilon }) as { pairs: Pairs }).pairs;
}

describe('MultiSimilarityMiner', () => {
  it('keeps the pairs of the definition (cosine, pml default), anchors without a positive or a negative keeping none', () => {
    fc.assert(
      fc.property(batchArbitrary(9, 3, 4), fc.double({ min: 0, max: 0.5, noNaN: true }), (batch, epsilon) => {
        const got = pairs(batch, epsilon);
        const want = reference(batch, epsilon);
        assert.deepEqual(tupleSet([got.a1, got.p]), want.pos);
        assert.deepEqual(tupleSet([got.a2, got.n]), want.neg);
      }),
      { numRuns: 80 },
    );
  });

  it('with a distance, mirrors the inequalities: the hardest negative is the nearest', () => {
    // Anchor 0 at 0; positive 1 at 1; negatives 2 at 0.8 and 3 at 3 (raw L2 on a line).
    const batch: Batch = { embeddings: { shape: [4, 1], data: Float64Array.of(0, 1, 0.8, 3) }, labels: { shape: [4], data: Float64Array.of(0, 0, 1, 2) } };
    const r = (mine(batch.embeddings, batch.labels, { miner: 'multi_similarity', distance: 'lp', normalize_embeddings: false, epsilon: 0.1 }) as { pairs: Pairs }).pairs;
    // Anchor 0: d_01 = 1, nearest negative 0.8: 1 + 0.1 > 0.8 keeps (0, 1); negatives with d − 0.1 < 1: only 2.
    // Anchor 1: d_10 = 1, nearest negative d_12 = 0.2: kept; negatives with d − 0.1 < 1: 2 (0.2); not 3 (2).
    assert.deepEqual([[...r.a1], [...r.p]], [[0, 1], [1, 0]]);
    assert.deepEqual([[...r.a2], [...r.n]], [[0, 1], [2, 2]]);
  });

  it('returns pair sets invariant under a permutation of the batch (mapped back), lexicographic', () => {
    fc.assert(
      fc.property(batchArbitrary(8, 3, 3).chain((b) => fc.tuple(fc.constant(b), permutationArbitrary(b.labels.shape[0]))), ([batch, perm]) => {
        const base = pairs(batch, 0.1);
        const moved = pairs(permuteBatch(batch, perm), 0.1);
        assert.deepEqual(tupleSet([moved.a1, moved.p], perm), tupleSet([base.a1, base.p]));
        assert.deepEqual(tupleSet([moved.a2, moved.n], perm), tupleSet([base.a2, base.n]));
        for (let k = 1; k < base.a2.length; k++) assert.ok(base.a2[k] > base.a2[k - 1] || (base.a2[k] === base.a2[k - 1] && base.n[k] > base.n[k - 1]));
      }),
      { numRuns: 60 },
    );
  });
});
