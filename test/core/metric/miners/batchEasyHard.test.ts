import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { batchHard } from '../../../../src/core/mining';
import { mine } from '../../../../src/core/metric/mine';
import type { PairStrategy } from '../../../../src/core/metric/miners/batchEasyHard';
import type { Pairs, Triplets } from '../../../../src/core/metric/tuples';
import { batchArbitrary, permutationArbitrary, permuteBatch, rowValue, tupleSet, type Batch } from '../batches';

const value = rowValue;

/**
 * The miner by its definition, per anchor with sorted candidate lists: closeness is "smaller" for
 * raw L2 and "larger" for cosine; hard positive = least close, hard negative = closest.
 */
function reference(batch: Batch, pos: PairStrategy, neg: PairStrategy, cosine: boolean): { pos: Map<number, number>; neg: Map<number, number> } {
  const B = batch.labels.shape[0];
  const y = batch.labels.data;
  const closeness = (i: number, j: number): number => (cosine ? -1 : 1) * value(batch, i, j, cosine); // smaller = closer
  const picks = { pos: new Map<number, number>(), neg: new Map<number, number>() };
  for (let a = 0; a < B; a++) {
    const ps = [...Array(B).keys()].filter((j) => j !== a && y[j] === y[a]).sort((u, v) => closeness(a, u) - closeness(a, v));
    const ns = [...Array(B).keys()].filter((j) => y[j] !== y[a]).sort((u, v) => closeness(a, u) - closeness(a, v));
    const pickPos = (list: number[]): number | undefined => (pos === 'easy' ? list[0] : list[list.length - 1]);
    const pickNeg = (list: number[]): number | undefined => (neg === 'easy' ? list[list.length - 1] : list[0]);
    let p: number | undefined;
    let n: number | undefined;
    if (pos === 'semihard') {
      n = pickNeg(ns);
      p = n === undefined ? undefined : pickPos(ps.filter((j) => closeness(a, j) < closeness(a, n as number)));
    } else if (neg === 'semihard') {
      p = pickPos(ps);
      n = p === undefined ? undefined : pickNeg(ns.filter((j) => closeness(a, j) > closeness(a, p as number)));
    } else {
      p = pickPos(ps);
      n = pickNeg(ns);
    }
    const bothSides = pos !== 'all' && neg !== 'all';
    if (p !== undefined && (!bothSides || n !== undefined)) picks.pos.set(a, p);
    if (n !== undefined && (!bothSides || p !== undefined)) picks.neg.set(a, n);
  }
  return picks;
}

function pairs(batch: Batch, pos: PairStrategy, neg: PairStrategy, cosine: boolean): Pairs {
  const r = mine(batch.embeddings, batch.labels, { miner: 'batch_easy_hard', pos_strategy: pos, neg_strategy: neg, ...(cosine ? { distance: 'cosine' } : { normalize_embeddings: false }) });
  assert.equal(r.kind, 'pairs');
  return (r as { pairs: Pairs }).pairs;
}

const COMBINATIONS: readonly [PairStrategy, PairStrategy][] = [
  ['easy', 'semihard'], ['semihard', 'hard'], ['hard', 'hard'], ['easy', 'easy'], ['hard', 'easy'], ['semihard', 'easy'], ['hard', 'semihard'],
];

describe('BatchEasyHardMiner', () => {
  for (const [pos, neg] of COMBINATIONS) {
    it(`${pos} positives / ${neg} negatives pick as the definition says, for L2 and cosine`, () => {
      fc.assert(
        fc.property(batchArbitrary(9, 3, 4), fc.boolean(), (batch, cosine) => {
          const got = pairs(batch, pos, neg, cosine);
          const want = reference(batch, pos, neg, cosine);
          assert.deepEqual([...got.a1], [...want.pos.keys()]);
          assert.deepEqual([...got.p], [...want.pos.values()]);
          assert.deepEqual([...got.a2], [...want.neg.keys()]);
          assert.deepEqual([...got.n], [...want.neg.values()]);
        }),
        { numRuns: 40 },
      );
    });
  }

  it("'all' on one side returns every pair of that side and one pair per anchor on the other", () => {
    fc.assert(
      fc.property(batchArbitrary(8, 3, 3), (batch) => {
        const got = pairs(batch, 'all', 'hard', false);
        const want = reference(batch, 'all', 'hard', false);
        const y = batch.labels.data;
        let positives = 0;
        for (let i = 0; i < y.length; i++) for (let j = 0; j < y.length; j++) if (i !== j && y[i] === y[j]) positives++;
        assert.equal(got.a1.length, positives);
        assert.deepEqual([...got.n], [...want.neg.values()]);
      }),
      { numRuns: 40 },
    );
  });

  it('BatchHardMiner agrees with the batch-hard miner of src/core/mining.ts (raw L2): the same anchors, positives and negatives', () => {
    fc.assert(
      fc.property(batchArbitrary(10, 4, 4), (batch) => {
        const r = mine(batch.embeddings, batch.labels, { miner: 'batch_hard', normalize_embeddings: false });
        const t = (r as { triplets: Triplets }).triplets;
        const existing = batchHard(batch.embeddings, batch.labels);
        const anchors = existing.validAnchor.flatMap((ok, i) => (ok ? [i] : []));
        assert.deepEqual([...t.a], anchors);
        assert.deepEqual([...t.p], anchors.map((i) => existing.hardestPositive[i]));
        assert.deepEqual([...t.n], anchors.map((i) => existing.hardestNegative[i]));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps only values inside the allowed range (lo ≤ v ≤ hi)', () => {
    fc.assert(
      fc.property(batchArbitrary(8, 3, 3), fc.double({ min: 0, max: 1, noNaN: true }), (batch, lo) => {
        const hi = lo + 0.5;
        const r = mine(batch.embeddings, batch.labels, { miner: 'batch_easy_hard', pos_strategy: 'hard', neg_strategy: 'hard', allowed_pos_range: [lo, hi], allowed_neg_range: [lo, hi] });
        const p = (r as { pairs: Pairs }).pairs;
        // Normalised L2 between rows i, j from the raw rows.
        const nd = (i: number, j: number): number => Math.sqrt(Math.max(0, 2 - 2 * value(batch, i, j, true)));
        for (let k = 0; k < p.a1.length; k++) assert.ok(nd(p.a1[k], p.p[k]) >= lo - 1e-12 && nd(p.a1[k], p.p[k]) <= hi + 1e-12);
        for (let k = 0; k < p.a2.length; k++) assert.ok(nd(p.a2[k], p.n[k]) >= lo - 1e-12 && nd(p.a2[k], p.n[k]) <= hi + 1e-12);
      }),
      { numRuns: 40 },
    );
  });

  it('returns pair sets invariant under a permutation of the batch (mapped back)', () => {
    fc.assert(
      fc.property(batchArbitrary(8, 3, 3).chain((b) => fc.tuple(fc.constant(b), permutationArbitrary(b.labels.shape[0]))), fc.constantFrom(...COMBINATIONS), ([batch, perm], [pos, neg]) => {
        const base = pairs(batch, pos, neg, false);
        const moved = pairs(permuteBatch(batch, perm), pos, neg, false);
        assert.deepEqual(tupleSet([moved.a1, moved.p], perm), tupleSet([base.a1, base.p]));
        assert.deepEqual(tupleSet([moved.a2, moved.n], perm), tupleSet([base.a2, base.n]));
      }),
      { numRuns: 60 },
    );
  });

  it("rejects pml's forbidden combinations with a sentence", () => {
    const batch = { embeddings: { shape: [2, 2], data: Float64Array.of(1, 0, 0, 1) }, labels: { shape: [2], data: Float64Array.of(0, 1) } };
    assert.throws(() => mine(batch.embeddings, batch.labels, { miner: 'batch_easy_hard', pos_strategy: 'semihard', neg_strategy: 'semihard' }), /pml forbids both/);
    assert.throws(() => mine(batch.embeddings, batch.labels, { miner: 'batch_easy_hard', pos_strategy: 'all', neg_strategy: 'semihard' }), /'semihard' with 'all'/);
    assert.throws(() => mine(batch.embeddings, batch.labels, { miner: 'batch_easy_hard', pos_strategy: 'hardest' as PairStrategy }), /options\.pos_strategy should be one of/);
  });
});
