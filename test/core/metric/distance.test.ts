import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cosineSimilarity, distanceMargin, lpDistance, measureBackward, measureBatch, resolveMetricDistance, type MetricDistance } from '../../../src/core/metric/distance';
import { InputError } from '../../../src/core/errors';
import type { Tensor } from '../../../src/core/tensor';
import { assertGradientMatches, finiteDifference } from '../../helpers/gradcheck';
import { batchArbitrary, wellSpread } from './batches';

/** Σ_ij W_ij·mat_ij for a fixed weight pattern, so every entry's gradient is exercised. */
function weighted(distance: MetricDistance, x: Tensor): number {
  const [B, d] = x.shape;
  const { mat } = measureBatch(distance, x.data, B, d);
  let s = 0;
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) if (i !== j) s += Math.sin(1 + 3 * i + 7 * j) * mat[i * B + j];
  return s;
}

function weightedGrad(distance: MetricDistance, x: Tensor): Float64Array {
  const [B, d] = x.shape;
  const batch = measureBatch(distance, x.data, B, d);
  const upstream = new Float64Array(B * B);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) if (i !== j) upstream[i * B + j] = Math.sin(1 + 3 * i + 7 * j);
  return measureBackward(batch, upstream).grad;
}

const DISTANCES: readonly [string, MetricDistance][] = [
  ['lp normalised', lpDistance()],
  ['lp raw', lpDistance(2, 1, false)],
  ['lp p=3 raw', lpDistance(3, 1, false)],
  ['lp power 2 normalised', lpDistance(2, 2, true)],
  ['cosine', cosineSimilarity()],
  ['cosine power 3', cosineSimilarity(3)],
];

describe('metric distances', () => {
  for (const [label, distance] of DISTANCES) {
    it(`${label}: the backward matches finite differences through the power, distance and normalisation`, () => {
      fc.assert(
        fc.property(batchArbitrary(), (batch) => {
          fc.pre(wellSpread(batch));
          const numeric = finiteDifference((x) => weighted(distance, x), batch.embeddings);
          assertGradientMatches(label, weightedGrad(distance, batch.embeddings), numeric, { atol: 1e-6, rtol: 1e-5 });
        }),
        { numRuns: 60 },
      );
    });
  }

  it('matches hand-computed values: L2 between normalised rows, raw rows, and cosine', () => {
    // Rows (3, 4) and (0, 2): normalised (0.6, 0.8) and (0, 1).
    const x = Float64Array.of(3, 4, 0, 2);
    assert.ok(Math.abs(measureBatch(lpDistance(), x, 2, 2).mat[1] - Math.sqrt(0.36 + 0.04)) < 1e-15);
    assert.ok(Math.abs(measureBatch(lpDistance(2, 1, false), x, 2, 2).mat[1] - Math.sqrt(9 + 4)) < 1e-15);
    assert.ok(Math.abs(measureBatch(cosineSimilarity(), x, 2, 2).mat[1] - 0.8) < 1e-15);
    assert.ok(Math.abs(measureBatch(lpDistance(2, 2, false), x, 2, 2).mat[1] - 13) < 1e-12);
  });

  it('a zero row normalises to zero (x / max(‖x‖, 1e-12)) and stays finite', () => {
    const batch = measureBatch(lpDistance(), Float64Array.of(0, 0, 1, 0), 2, 2);
    assert.equal(batch.mat[1], 1);
    const { grad } = measureBackward(batch, Float64Array.of(0, 1, 0, 0));
    assert.ok(grad.every(Number.isFinite));
  });

  it('inverts comparisons for a similarity: margin(x, y) = y − x', () => {
    assert.equal(distanceMargin(lpDistance(), 3, 1), 2);
    assert.equal(distanceMargin(cosineSimilarity(), 3, 1), -2);
    assert.equal(cosineSimilarity().isInverted, true);
    assert.equal(lpDistance().isInverted, false);
  });

  it('defaults to pml: normalised L2 (or cosine where the class defaults to it), and rejects bad options with a sentence', () => {
    assert.deepEqual(resolveMetricDistance('f', {}, 'lp'), lpDistance(2, 1, true));
    assert.deepEqual(resolveMetricDistance('f', {}, 'cosine'), cosineSimilarity());
    assert.throws(() => resolveMetricDistance('f', { distance: 'manhattan' as 'lp' }, 'lp'), (e: unknown) => e instanceof InputError && /options\.distance should be 'lp' or 'cosine'/.test(e.message));
    assert.throws(() => resolveMetricDistance('f', { distance: 'cosine', normalize_embeddings: false }, 'lp'), /CosineSimilarity requires it/);
    assert.throws(() => resolveMetricDistance('f', { p: 0 }, 'lp'), /options\.p should be a number > 0/);
  });
});

describe('metric distances: the two backward routes', () => {
  // A sparse upstream (a few pairs, as contrastive's) picks the pair-at-a-time route under `auto`,
  // a dense one the product; each route must give the other's gradient.
  const upstreamArbitrary = (B: number): fc.Arbitrary<Float64Array> =>
    fc.array(fc.tuple(fc.integer({ min: 0, max: B - 1 }), fc.integer({ min: 0, max: B - 1 }), fc.double({ min: -2, max: 2, noNaN: true })), { maxLength: 2 * B }).map((entries) => {
      const upstream = new Float64Array(B * B);
      for (const [i, j, v] of entries) upstream[i * B + j] += v;
      return upstream;
    });
  for (const [label, distance] of DISTANCES.filter(([, d]) => d.kind === 'cosine' || d.p === 2)) {
    it(`${label}: pair by pair equals the product, and matches finite differences`, () => {
      fc.assert(
        fc.property(batchArbitrary(9, 4, 3).chain((batch) => fc.tuple(fc.constant(batch), upstreamArbitrary(batch.embeddings.shape[0]))), ([batch, upstream]) => {
          const [B, d] = batch.embeddings.shape;
          const measured = measureBatch(distance, batch.embeddings.data, B, d);
          const pairs = measureBackward(measured, upstream.slice(), 'pairs');
          const product = measureBackward(measured, upstream.slice(), 'product');
          assertGradientMatches(label, pairs.grad, product.grad, { atol: 1e-12, rtol: 1e-10 });
          assert.equal(pairs.report.zeroDistance, product.report.zeroDistance);
          fc.pre(wellSpread(batch));
          const numeric = finiteDifference((x) => {
            const { mat } = measureBatch(distance, x.data, B, d);
            let s = 0;
            for (let k = 0; k < B * B; k++) if (k % (B + 1) !== 0) s += upstream[k] * mat[k];
            return s;
          }, batch.embeddings);
          assertGradientMatches(label, pairs.grad, numeric, { atol: 1e-6, rtol: 1e-5 });
        }),
        { numRuns: 60 },
      );
    });
  }
});
