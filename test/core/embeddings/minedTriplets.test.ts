import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { censusMinedTriplets } from '../../../src/core/embeddings/minedTriplets';
import { cosineSimilarity, lpDistance, measureBatch, type MetricDistance } from '../../../src/core/metric/distance';
import { mine } from '../../../src/core/metric/mine';
import { mineBatchHard } from '../../../src/core/metric/miners/batchEasyHard';
import { gaussian, seededRandom } from '../../helpers/random';

/*
 * The projection's triplet census against pml's own miner (src/core/metric/mine.ts, whose
 * TripletMarginMiner types are checked at parity): at every slider step, hard / semi-hard / easy
 * are exactly the counts of mine(…, {type_of_triplets}) at that margin; and the drawn triplets
 * against a brute-force sort of every triplet.
 */

const B = 24;
const d = 5;
const random = seededRandom(17);
const embeddings = gaussian(random, B * d);
const labels = Float64Array.from({ length: B }, (_, i) => i % 4);
// Two exact ties d_an = d_ap: row 5 copied onto row 2's class mate (so d(0, 4) = d(0, 5) with labels 0 and 1).
embeddings.set(embeddings.subarray(4 * d, 5 * d), 5 * d);
const tensors = { embeddings: { shape: [B, d], data: embeddings }, labels: { shape: [B], data: labels } };
const margins = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 1];

function pmlCount(distance: MetricDistance, margin: number, type: 'hard' | 'semihard' | 'easy'): number {
  const result = mine(tensors.embeddings, tensors.labels, { miner: 'triplet_margin', margin, type_of_triplets: type, distance: distance.kind, normalize_embeddings: distance.normalizeEmbeddings });
  assert.equal(result.kind, 'triplets');
  return result.kind === 'triplets' ? result.triplets.a.length : -1;
}

describe('censusMinedTriplets', () => {
  for (const distance of [lpDistance(2, 1, true), lpDistance(2, 1, false), cosineSimilarity()]) {
    it(`counts every valid triplet as pml's TripletMarginMiner types do at each step (${distance.kind}${distance.normalizeEmbeddings ? '' : ', raw'})`, () => {
      const batch = measureBatch(distance, embeddings, B, d);
      const census = censusMinedTriplets(batch, { kind: 'all', labels }, margins, 10);
      // 24 rows in 4 classes of 6: 24 anchors · 5 positives · 18 negatives.
      assert.equal(census.total, 24 * 5 * 18);
      margins.forEach((margin, s) => {
        const got = { hard: census.hard[s], semihard: census.semihard[s], easy: census.easy[s] };
        assert.deepEqual(got, { hard: pmlCount(distance, margin, 'hard'), semihard: pmlCount(distance, margin, 'semihard'), easy: pmlCount(distance, margin, 'easy') }, `margin ${margin}`);
      });
    });
  }

  it('keeps the hardest triplets, smallest d_an − d_ap first and ties in (a, p, n) order, with their distances', () => {
    const batch = measureBatch(lpDistance(), embeddings, B, d);
    const all: { m: number; key: number[] }[] = [];
    for (let a = 0; a < B; a++) {
      for (let p = 0; p < B; p++) {
        if (p === a || labels[p] !== labels[a]) continue;
        for (let n = 0; n < B; n++) if (labels[n] !== labels[a]) all.push({ m: batch.mat[a * B + n] - batch.mat[a * B + p], key: [a, p, n] });
      }
    }
    // Array.prototype.sort is stable: equal margins keep the lexicographic order.
    all.sort((x, y) => x.m - y.m);
    for (const limit of [0, 1, 7, 50, 3000]) {
      const { drawn } = censusMinedTriplets(batch, { kind: 'all', labels }, margins, limit);
      const want = all.slice(0, limit);
      assert.deepEqual(Array.from(drawn.a, (a, k) => [a, drawn.p[k], drawn.n[k]]), want.map((w) => w.key), `limit ${limit}`);
      want.forEach((w, k) => {
        const [a, p, n] = w.key;
        assert.equal(drawn.ap[k], batch.mat[a * B + p]);
        assert.equal(drawn.an[k], batch.mat[a * B + n]);
      });
    }
  });

  it("counts a miner's own triplets when given them (batch-hard: one per anchor)", () => {
    const batch = measureBatch(lpDistance(), embeddings, B, d);
    const triplets = mineBatchHard(batch, labels);
    const census = censusMinedTriplets(batch, { kind: 'mined', triplets }, margins, 100);
    assert.equal(census.total, B);
    for (let s = 0; s < margins.length; s++) assert.equal(census.hard[s] + census.semihard[s] + census.easy[s], B);
    assert.equal(census.drawn.a.length, B);
  });

  it('draws a uniform sample with draw "sample": all of them when they fit, else distinct valid triplets, sorted, the same on every run', () => {
    const batch = measureBatch(lpDistance(), embeddings, B, d);
    const key = (drawn: { a: Int32Array; p: Int32Array; n: Int32Array }): string[] => Array.from(drawn.a, (a, k) => `${a},${drawn.p[k]},${drawn.n[k]}`);
    const everything = censusMinedTriplets(batch, { kind: 'all', labels }, margins, 5000, 'sample');
    assert.deepEqual(key(everything.drawn), key(censusMinedTriplets(batch, { kind: 'all', labels }, margins, 5000).drawn));
    const sample = censusMinedTriplets(batch, { kind: 'all', labels }, margins, 200, 'sample');
    const keys = key(sample.drawn);
    assert.equal(new Set(keys).size, 200);
    assert.deepEqual(keys, key(censusMinedTriplets(batch, { kind: 'all', labels }, margins, 200, 'sample').drawn));
    const m = Array.from(sample.drawn.ap, (ap, k) => sample.drawn.an[k] - ap);
    assert.deepEqual(m, m.slice().sort((x, y) => x - y));
    for (const k of keys) {
      const [a, p, n] = k.split(',').map(Number);
      assert.ok(a !== p && labels[a] === labels[p] && labels[n] !== labels[a], k);
    }
    // Not the hardest: a sample of 200 of 2160 reaches past the 200th smallest margin, and holds
    // easy triplets in about their share (the seed is fixed, so this is not a flaky bound).
    const hardest = censusMinedTriplets(batch, { kind: 'all', labels }, margins, 200).drawn;
    assert.ok(Math.max(...m) > hardest.an[199] - hardest.ap[199]);
    const easyShare = m.filter((v) => v > 0.2).length / 200;
    const s = margins.indexOf(0.2);
    assert.ok(Math.abs(easyShare - everything.easy[s] / everything.total) < 0.1, `${easyShare} vs ${everything.easy[s] / everything.total}`);
  });
});
