import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cosineSimilarity, lpDistance, measureBatch, type MetricDistance } from '../../../../src/core/metric/distance';
import { multiSimilarityLoss, multiSimilarityLossAllPairs } from '../../../../src/core/metric/losses/multiSimilarity';
import { metricLoss, type MetricLossOptions } from '../../../../src/core/metric/metricLoss';
import { allPairs } from '../../../../src/core/metric/tuples';
import fc from 'fast-check';
import { assertClose } from '../../../helpers/gradcheck';
import { seededRandom } from '../../../helpers/random';
import { batchArbitrary, checkLossGradient, type Batch } from '../batches';

const VARIANTS: readonly [string, MetricLossOptions][] = [
  ['pml defaults (cosine, 2, 50, 0.5)', {}],
  ['raw L2, alpha 1, beta 3, base 1', { distance: 'lp', normalize_embeddings: false, alpha: 1, beta: 3, base: 1 }],
  ['on MultiSimilarityMiner pairs', { miner: { miner: 'multi_similarity', epsilon: 0.3 } }],
];

describe('MultiSimilarityLoss', () => {
  for (const [label, options] of VARIANTS) {
    it(`${label}: the gradient matches finite differences (singletons and one class included)`, () => {
      checkLossGradient(label, (batch) => {
        const r = metricLoss(batch.embeddings, batch.labels, { loss: 'multi_similarity', ...options });
        const pairs = r.tuples.kind === 'pairs' ? r.tuples.pairs : null;
        // A miner's choice is a discrete decision: the fingerprint is the mined pairs.
        return { value: r.value, grad: r.grad.data, fingerprint: pairs === null ? '' : `${[...pairs.a1]}|${[...pairs.p]}|${[...pairs.a2]}|${[...pairs.n]}` };
      });
    });
  }

  it('matches the closed form on three rows, the singleton keeping only its negative term', () => {
    // Unit rows at 0°, 90° (label 0) and 45° (label 1): s01 = 0, s02 = s12 = √½.
    const batch: Batch = { embeddings: { shape: [3, 2], data: Float64Array.of(1, 0, 0, 1, 1, 1) }, labels: { shape: [3], data: Float64Array.of(0, 0, 1) } };
    const { alpha, beta, base } = { alpha: 2, beta: 50, base: 0.5 };
    const r = Math.SQRT1_2;
    const posTerm = Math.log1p(Math.exp(alpha * (base - 0))) / alpha;
    const negOne = Math.log1p(Math.exp(beta * (r - base))) / beta;
    const negTwo = Math.log1p(2 * Math.exp(beta * (r - base))) / beta;
    const want = [posTerm + negOne, posTerm + negOne, negTwo];
    const got = metricLoss(batch.embeddings, batch.labels, { loss: 'multi_similarity' });
    const losses = got.parts.losses as Float64Array;
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(losses[i] - want[i]) < 1e-14, `row ${i}: ${losses[i]} vs ${want[i]}`);
    assert.ok(Math.abs(got.value - (want[0] + want[1] + want[2]) / 3) < 1e-14);
  });

  it('stays finite for similarities far past the base (beta 1e4)', () => {
    const batch: Batch = { embeddings: { shape: [3, 2], data: Float64Array.of(1, 0, 1, 1e-3, 0.9, 0.1) }, labels: { shape: [3], data: Float64Array.of(0, 0, 1) } };
    const r = metricLoss(batch.embeddings, batch.labels, { loss: 'multi_similarity', beta: 1e4 });
    assert.ok(Number.isFinite(r.value) && r.grad.data.every(Number.isFinite));
  });

  it("rejects a reducer other than pml's mean", () => {
    const batch: Batch = { embeddings: { shape: [2, 1], data: Float64Array.of(0, 1) }, labels: { shape: [2], data: Float64Array.of(0, 1) } };
    assert.throws(() => metricLoss(batch.embeddings, batch.labels, { loss: 'multi_similarity', reducer: 'avg_non_zero' }), /options\.reducer should be 'mean' for multi_similarity/);
  });
});

describe('MultiSimilarityLoss over given pairs', () => {
  it('reads a set of pairs: shuffled and repeated pairs (the mask route) give what the sorted lists give', () => {
    fc.assert(
      fc.property(batchArbitrary(9, 4, 3), fc.integer({ min: 1, max: 2 ** 30 }), (batch, seed) => {
        const sorted = metricLoss(batch.embeddings, batch.labels, { loss: 'multi_similarity' });
        const pairs = sorted.tuples.kind === 'pairs' ? sorted.tuples.pairs : null;
        assert.ok(pairs !== null);
        const random = seededRandom(seed);
        // Each list reversed, with its first pair listed again at the end.
        const messy = (first: Int32Array, second: Int32Array): [Int32Array, Int32Array] => {
          const order = Array.from(first, (_, k) => k).reverse();
          if (first.length > 0) order.push(Math.floor(random() * first.length));
          return [Int32Array.from(order, (k) => first[k]), Int32Array.from(order, (k) => second[k])];
        };
        const [a1, p] = messy(pairs.a1, pairs.p);
        const [a2, n] = messy(pairs.a2, pairs.n);
        const given = metricLoss(batch.embeddings, batch.labels, { loss: 'multi_similarity' }, { kind: 'pairs', pairs: { a1, p, a2, n } });
        fc.pre(!(a1.length <= 1 && p.length <= 1 && a2.length <= 1 && n.length <= 1));
        assertClose('loss', Float64Array.of(given.value), Float64Array.of(sorted.value), { atol: 1e-14, rtol: 1e-12 });
        assertClose('grad', given.grad.data, sorted.grad.data, { atol: 1e-14, rtol: 1e-12 });
      }),
      { numRuns: 80 },
    );
  });
});

describe('MultiSimilarityLoss over all pairs, along the rows', () => {
  it('is the pair-list loss bit for bit: value, per-anchor losses and ∂L/∂mat (over an upstream full of NaN)', () => {
    fc.assert(
      fc.property(batchArbitrary(12, 4, 4), fc.constantFrom<MetricDistance>(cosineSimilarity(), lpDistance(), lpDistance(2, 1, false)), (batch, distance) => {
        const [B, d] = batch.embeddings.shape;
        const measured = measureBatch(distance, batch.embeddings.data, B, d);
        const options = { alpha: 2, beta: 50, base: 0.5 };
        // Its upstream may hold anything: every entry is written.
        const rows = multiSimilarityLossAllPairs(measured, batch.labels.data, options, new Float64Array(B * B).fill(Number.NaN));
        const lists = multiSimilarityLoss(measured, allPairs(batch.labels.data), options);
        assert.equal(rows.loss, lists.loss);
        assert.deepEqual([...rows.losses], [...lists.losses]);
        assert.deepEqual([...rows.upstream], [...lists.upstream]);
      }),
      { numRuns: 300 },
    );
  });
});
