import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seededRandom } from '../helpers/random';
import type { DistanceKind } from '../../src/core/distances';
import { InputError } from '../../src/core/errors';
import {
  batchAll,
  batchHard,
  emptyCandidates,
  finishBatchHard,
  mergeCandidates,
  mineTileRows,
  prepareBatchHard,
  semiHardTriplets,
  tileRowCount,
  tripletCensus,
  type MiningOptions,
} from '../../src/core/mining';
import { toTensor, type Tensor } from '../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../helpers/gradcheck';

/** A labelled batch from a seed: embeddings uniform in [−1, 1), labels in [0, classes). */
function randomBatch(seed: number, n: number, d: number, classes: number): { embeddings: Tensor; labels: Tensor } {
  const random = seededRandom(seed);
  const embeddings: Tensor = { shape: [n, d], data: Float64Array.from({ length: n * d }, () => 2 * random() - 1) };
  const labels: Tensor = { shape: [n], data: Float64Array.from({ length: n }, () => Math.floor(random() * classes)) };
  return { embeddings, labels };
}

/** Euclidean distance between rows i and j, written out independently of src/. */
function dist(x: Tensor, i: number, j: number): number {
  const d = x.shape[1];
  let s = 0;
  for (let k = 0; k < d; k++) s += (x.data[i * d + k] - x.data[j * d + k]) ** 2;
  return Math.sqrt(s);
}

const hinge = (z: number, margin: number): number => Math.max(z + margin, 0);
const softplus = (z: number): number => Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0);

/** Naive batch-hard: per anchor, loop over every other sample. */
function naiveBatchHard(x: Tensor, labels: Tensor, margin: number, soft: boolean): { loss: number; perAnchor: number[]; valid: boolean[] } {
  const n = labels.shape[0];
  const perAnchor: number[] = [];
  const valid: boolean[] = [];
  for (let a = 0; a < n; a++) {
    let dap = -Infinity;
    let dan = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === a) continue;
      if (labels.data[j] === labels.data[a]) dap = Math.max(dap, dist(x, a, j));
      else dan = Math.min(dan, dist(x, a, j));
    }
    const ok = dap > -Infinity && dan < Infinity;
    valid.push(ok);
    perAnchor.push(ok ? (soft ? softplus(dap - dan) : hinge(dap - dan, margin)) : 0);
  }
  const count = valid.filter(Boolean).length;
  return { loss: count === 0 ? 0 : perAnchor.reduce((s, v) => s + v, 0) / count, perAnchor, valid };
}

/** Naive O(B³) triple loop over (a, p, n): batch-all and the census. */
function naiveTriplets(x: Tensor, labels: Tensor, margin: number, soft: boolean) {
  const n = labels.shape[0];
  let valid = 0, easy = 0, semihard = 0, hard = 0, positive = 0, sum = 0, count = 0;
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        if (a === p || labels.data[p] !== labels.data[a] || labels.data[q] === labels.data[a]) continue;
        valid++;
        const dap = dist(x, a, p);
        const dan = dist(x, a, q);
        if (dan > dap + margin) easy++;
        if (dap <= dan && dan <= dap + margin) semihard++;
        if (dan < dap) hard++;
        if (hinge(dap - dan, margin) > 1e-16) positive++;
        const loss = soft ? softplus(dap - dan) : hinge(dap - dan, margin);
        if (loss > 1e-16) {
          sum += loss;
          count++;
        }
      }
    }
  }
  return { census: { valid, easy, semihard, hard, positive }, batchAll: count === 0 ? 0 : sum / count, count };
}

const sizes = fc.tuple(fc.integer(), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }));

/**
 * Whether a discrete choice a miner makes (the selected pairs, the active hinges, the positive
 * triplets) stays the same under small random nudges of the input. Finite differences are only
 * meaningful away from the kinks where it changes.
 */
function isStable(embeddings: Tensor, choice: (x: Tensor) => string): boolean {
  const base = choice(embeddings);
  const random = seededRandom(embeddings.data.length + 17);
  for (let trial = 0; trial < 4; trial++) {
    const nudged = Float64Array.from(embeddings.data, (v) => v + (random() - 0.5) * 1e-4);
    if (choice({ shape: embeddings.shape, data: nudged }) !== base) return false;
  }
  return true;
}

function selectionIsStable(embeddings: Tensor, labels: Tensor, options: MiningOptions): boolean {
  return isStable(embeddings, (x) => {
    const r = batchHard(x, labels, options);
    return `${Array.from(r.hardestPositive).join()}|${Array.from(r.hardestNegative).join()}|${Array.from(r.perAnchor.data, (v) => (v === 0 ? 0 : 1)).join('')}`;
  });
}

describe('batchHard', () => {
  it('matches a naive per-anchor loop (hinge and soft, any margin)', () => {
    fc.assert(
      fc.property(sizes, fc.double({ min: 0, max: 2, noNaN: true }), fc.boolean(), ([seed, n, d, classes], margin, soft) => {
        const { embeddings, labels } = randomBatch(seed, n, d, classes);
        const got = batchHard(embeddings, labels, { margin, soft });
        const want = naiveBatchHard(embeddings, labels, margin, soft);
        assertClose('loss', got.loss.data, [want.loss], { atol: 1e-14 });
        assertClose('perAnchor', got.perAnchor.data, want.perAnchor, { atol: 1e-14 });
        assert.deepEqual(got.validAnchor, want.valid);
        for (let a = 0; a < n; a++) {
          if (!want.valid[a]) continue;
          assert.equal(labels.data[got.hardestPositive[a]], labels.data[a]);
          assert.notEqual(labels.data[got.hardestNegative[a]], labels.data[a]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('matches the naive loop across the kernel tile edges (B = 70, d = 33)', () => {
    const { embeddings, labels } = randomBatch(5, 70, 33, 6);
    assertClose('loss', batchHard(embeddings, labels).perAnchor.data, naiveBatchHard(embeddings, labels, 0.3, false).perAnchor, { atol: 1e-14 });
  });

  for (const options of [{}, { soft: true }, { margin: 1.2 }, { distance: 'cosine' as DistanceKind }, { distance: 'squared-euclidean' as DistanceKind }, { p: 3 }]) {
    it(`gradient matches central finite differences: ${JSON.stringify(options)}`, () => {
      fc.assert(
        fc.property(sizes, ([seed, n, d, classes]) => {
          const { embeddings, labels } = randomBatch(seed, n, d, classes);
          // Finite differences are only meaningful away from kinks: skip draws where a nudge far
          // smaller than the batch's scale changes a selected pair or which hinges are active.
          fc.pre(selectionIsStable(embeddings, labels, options));
          const result = batchHard(embeddings, labels, { ...options, grad: true });
          const numeric = finiteDifference((x) => batchHard(x, labels, options).loss.data[0], embeddings);
          assertGradientMatches('embeddings', result.grad?.embeddings.data ?? new Float64Array(0), numeric, { atol: 1e-6, rtol: 1e-5 });
        }),
        { numRuns: 25 },
      );
    });
  }

  it('ties go to the lowest index, like torch.max/min along a dimension', () => {
    // Sample 0 (class 0) has positives 1 and 3 both at distance 1, negatives 2 and 4 both at 2.
    const embeddings = toTensor('t', 'e', [[0, 0], [1, 0], [2, 0], [-1, 0], [-2, 0]]);
    const labels = toTensor('t', 'l', [0, 0, 1, 0, 1]);
    const result = batchHard(embeddings, labels);
    assert.equal(result.hardestPositive[0], 1);
    assert.equal(result.hardestNegative[0], 2);
    // The last anchor meets its tied candidates from the other rows' passes.
    const later = batchHard(toTensor('t', 'e', [[-1, 0], [0, 2], [1, 0], [0, -2], [0, 0]]), toTensor('t', 'l', [0, 1, 0, 1, 0]));
    assert.equal(later.hardestPositive[4], 0);
    assert.equal(later.hardestNegative[4], 1);
  });
});

describe('batchAll and the census', () => {
  it('match a naive O(B³) triple loop', () => {
    fc.assert(
      fc.property(sizes, fc.double({ min: 0, max: 2, noNaN: true }), fc.boolean(), ([seed, n, d, classes], margin, soft) => {
        const { embeddings, labels } = randomBatch(seed, n, d, classes);
        const want = naiveTriplets(embeddings, labels, margin, soft);
        const all = batchAll(embeddings, labels, { margin, soft });
        assertClose('batchAll', all.loss.data, [want.batchAll], { atol: 1e-14, rtol: 1e-12 });
        assert.equal(all.positiveTriplets, want.count);
        assert.equal(all.validTriplets, want.census.valid);
        assert.deepEqual({ ...tripletCensus(embeddings, labels, margin) }, want.census);
      }),
      { numRuns: 60 },
    );
  });

  it('identities: easy + semihard + hard = valid = Σ_a (n_c − 1)(B − n_c); positive = semihard + hard away from ties', () => {
    fc.assert(
      fc.property(sizes, ([seed, n, d, classes]) => {
        const { embeddings, labels } = randomBatch(seed, n, d, classes);
        const census = tripletCensus(embeddings, labels, 0.5);
        assert.equal(census.easy + census.semihard + census.hard, census.valid);
        assert.equal(census.positive, census.semihard + census.hard);
        let valid = 0;
        for (let a = 0; a < n; a++) {
          const same = labels.data.filter((l) => l === labels.data[a]).length;
          valid += (same - 1) * (n - same);
        }
        assert.equal(census.valid, valid);
        const all = batchAll(embeddings, labels, { margin: 0.5 });
        assert.equal(all.fractionPositive, census.valid === 0 ? 0 : census.positive / census.valid);
      }),
      { numRuns: 40 },
    );
  });

  for (const options of [{}, { soft: true }, { margin: 1.5, distance: 'cosine' as DistanceKind }]) {
    it(`batchAll gradient matches central finite differences: ${JSON.stringify(options)}`, () => {
      fc.assert(
        fc.property(sizes, ([seed, n, d, classes]) => {
          const { embeddings, labels } = randomBatch(seed, n, d, classes);
          fc.pre(isStable(embeddings, (x) => String(batchAll(x, labels, options).positiveTriplets)));
          const result = batchAll(embeddings, labels, { ...options, grad: true });
          const numeric = finiteDifference((x) => batchAll(x, labels, options).loss.data[0], embeddings);
          assertGradientMatches('embeddings', result.grad?.embeddings.data ?? new Float64Array(0), numeric, { atol: 1e-6, rtol: 1e-5 });
        }),
        { numRuns: 20 },
      );
    });
  }
});

describe('semiHardTriplets', () => {
  it('picks, per (anchor, positive), the nearest negative beyond the positive within the margin, else the nearest', () => {
    fc.assert(
      fc.property(sizes, fc.double({ min: 0.01, max: 1.5, noNaN: true }), ([seed, n, d, classes], margin) => {
        const { embeddings, labels } = randomBatch(seed, n, d, classes);
        const result = semiHardTriplets(embeddings, labels, { margin });
        let t = 0;
        let sum = 0;
        for (let a = 0; a < n; a++) {
          for (let p = 0; p < n; p++) {
            if (p === a || labels.data[p] !== labels.data[a]) continue;
            const negatives = Array.from({ length: n }, (_, q) => q).filter((q) => labels.data[q] !== labels.data[a]);
            if (negatives.length === 0) continue;
            const dap = dist(embeddings, a, p);
            const window = negatives.filter((q) => dist(embeddings, a, q) > dap && dist(embeddings, a, q) < dap + margin);
            const pool = window.length > 0 ? window : negatives;
            const want = pool.reduce((best, q) => (dist(embeddings, a, q) < dist(embeddings, a, best) ? q : best));
            assert.deepEqual([result.anchors[t], result.positives[t], result.negatives[t], result.semiHard[t]], [a, p, want, window.length > 0 ? 1 : 0]);
            const loss = hinge(dap - dist(embeddings, a, want), margin);
            assertClose('perTriplet', [result.perTriplet.data[t]], [loss], { atol: 1e-14 });
            sum += loss;
            t++;
          }
        }
        assert.equal(result.anchors.length, t);
        assertClose('loss', result.loss.data, [t === 0 ? 0 : sum / t], { atol: 1e-14 });
      }),
      { numRuns: 50 },
    );
  });

  it('gradient matches central finite differences', () => {
    fc.assert(
      fc.property(sizes, fc.boolean(), ([seed, n, d, classes], soft) => {
        const { embeddings, labels } = randomBatch(seed, n, d, classes);
        const options: MiningOptions = { margin: 0.5, soft };
        fc.pre(isStable(embeddings, (x) => Array.from(semiHardTriplets(x, labels, options).negatives).join()));
        const result = semiHardTriplets(embeddings, labels, { ...options, grad: true });
        const numeric = finiteDifference((x) => semiHardTriplets(x, labels, options).loss.data[0], embeddings);
        assertGradientMatches('embeddings', result.grad?.embeddings.data ?? new Float64Array(0), numeric, { atol: 1e-6, rtol: 1e-5 });
      }),
      { numRuns: 25 },
    );
  });
});

describe('mining: degenerate batches', () => {
  it('identical embeddings: loss = margin (hinge) or log 2 (soft), zero finite gradient, collapse flagged', () => {
    const embeddings = toTensor('t', 'e', [[0.5, -1, 2], [0.5, -1, 2], [0.5, -1, 2], [0.5, -1, 2]]);
    const labels = toTensor('t', 'l', [0, 0, 1, 1]);
    const hard = batchHard(embeddings, labels, { margin: 0.3, grad: true });
    assertClose('hinge', hard.loss.data, [0.3]);
    assert.equal(hard.collapsed, true);
    assertClose('grad', hard.grad?.embeddings.data ?? [], new Array(12).fill(0));
    assert.ok(hard.report.zeroDistance > 0);
    assertClose('soft', batchHard(embeddings, labels, { soft: true }).loss.data, [Math.LN2], { atol: 1e-15 });
    const all = batchAll(embeddings, labels, { margin: 0.3, grad: true });
    assertClose('batchAll', all.loss.data, [0.3]);
    assertAllFinite('batchAll grad', all.grad?.embeddings.data ?? []);
    assert.deepEqual({ ...tripletCensus(embeddings, labels, 0.3) }, { valid: 8, easy: 0, semihard: 8, hard: 0, positive: 8 });
  });

  it('embeddings 1e-7 apart: distances ≥ 0, gradients finite, not collapsed', () => {
    const embeddings = toTensor('t', 'e', [[0.5, -1], [0.5 + 1e-7, -1], [0.5, -1 + 1e-7], [0.5 - 1e-7, -1 - 1e-7]]);
    const labels = toTensor('t', 'l', [0, 0, 1, 1]);
    const hard = batchHard(embeddings, labels, { grad: true });
    assertAllFinite('grad', hard.grad?.embeddings.data ?? []);
    assert.equal(hard.collapsed, false);
    for (const v of hard.perAnchor.data) assert.ok(v >= 0.3 - 1e-6 && v <= 0.3 + 1e-6);
    assertAllFinite('batchAll grad', batchAll(embeddings, labels, { grad: true }).grad?.embeddings.data ?? []);
  });

  it('huge coordinates (squared distances overflow): the selected distances are still exact and finite', () => {
    const embeddings = toTensor('t', 'e', [[1e200, 0], [-1e200, 0], [0, 1e200], [0, -1e200]]);
    const hard = batchHard(embeddings, toTensor('t', 'l', [0, 0, 1, 1]), { grad: true });
    assert.deepEqual([...hard.hardestNegative], [2, 2, 0, 0]);
    assertClose('perAnchor', hard.perAnchor.data, new Array(4).fill((2 - Math.SQRT2) * 1e200 + 0.3), { rtol: 1e-14 });
    assertAllFinite('grad', hard.grad?.embeddings.data ?? []);
  });

  it('no positives (all labels differ): loss 0, zero gradient, every anchor dropped for want of a positive', () => {
    const { embeddings } = randomBatch(3, 5, 4, 1);
    const labels = toTensor('t', 'l', [0, 1, 2, 3, 4]);
    const hard = batchHard(embeddings, labels, { grad: true });
    assertClose('loss', hard.loss.data, [0]);
    assertClose('grad', hard.grad?.embeddings.data ?? [], new Array(20).fill(0));
    assert.deepEqual(hard.dropped, { noPositive: 5, noNegative: 0 });
    assert.deepEqual([...hard.hardestPositive], [-1, -1, -1, -1, -1]);
    assertClose('batchAll', batchAll(embeddings, labels, { grad: true }).loss.data, [0]);
    assert.equal(semiHardTriplets(embeddings, labels).anchors.length, 0);
  });

  it('a single class: no negatives, loss 0, zero gradient', () => {
    const { embeddings } = randomBatch(4, 4, 3, 1);
    const labels = toTensor('t', 'l', [7, 7, 7, 7]);
    const hard = batchHard(embeddings, labels, { grad: true });
    assertClose('loss', hard.loss.data, [0]);
    assert.deepEqual(hard.dropped, { noPositive: 0, noNegative: 4 });
    assertClose('grad', hard.grad?.embeddings.data ?? [], new Array(12).fill(0));
    assert.equal(semiHardTriplets(embeddings, labels).droppedPairs, 12);
    assert.equal(tripletCensus(embeddings, labels).valid, 0);
  });

  it('B = 0 and B = 1', () => {
    for (const n of [0, 1]) {
      const embeddings: Tensor = { shape: [n, 3], data: new Float64Array(n * 3).fill(0.5) };
      const labels: Tensor = { shape: [n], data: new Float64Array(n) };
      const hard = batchHard(embeddings, labels, { grad: true });
      assertClose('loss', hard.loss.data, [0]);
      assert.deepEqual(hard.grad?.embeddings.shape, [n, 3]);
      assert.equal(hard.collapsed, false);
      assert.deepEqual(hard.dropped, { noPositive: n, noNegative: n });
      assertClose('batchAll', batchAll(embeddings, labels, { grad: true }).loss.data, [0]);
      assert.equal(tripletCensus(embeddings, labels).valid, 0);
    }
  });
});

describe('mining: bad input', () => {
  const embeddings = toTensor('t', 'e', [[1, 2], [3, 4], [5, 6]]);
  it('throws InputError naming the argument, the index and what was expected', () => {
    assert.throws(() => batchHard(embeddings, toTensor('t', 'l', [0, 1])), (e: unknown) => e instanceof InputError && e.argument === 'labels');
    assert.throws(
      () => batchHard(embeddings, toTensor('t', 'l', [0, 1, 1.5])),
      (e: unknown) => e instanceof InputError && e.fn === 'batchHard' && e.argument === 'labels' && e.index?.join() === '2',
    );
    assert.throws(
      () => batchAll(toTensor('t', 'e', [[1, 2], [3, NaN], [5, 6]]), toTensor('t', 'l', [0, 1, 1])),
      (e: unknown) => e instanceof InputError && e.argument === 'embeddings' && e.index?.join() === '1,1',
    );
    assert.throws(() => tripletCensus(embeddings, toTensor('t', 'l', [0, 1, 1]), NaN), (e: unknown) => e instanceof InputError && e.argument === 'options.margin');
    assert.throws(() => semiHardTriplets(toTensor('t', 'e', [1, 2, 3]), toTensor('t', 'l', [0, 1, 1])), InputError);
    assert.throws(() => batchHard(embeddings, toTensor('t', 'l', [0, 1, 1]), { distance: 'hamming' as DistanceKind }), InputError);
  });
});

describe('mining: PyTorch fixtures (Hermans et al. batch-hard, float64)', () => {
  interface Case {
    fn: string;
    name: string;
    inputs: { embeddings: number[][]; labels: number[] };
    params: { margin: number; soft: boolean };
    expected: { batch_hard: number; batch_hard_per_anchor: number[]; valid_anchor: boolean[]; grad_embeddings: number[][]; batch_all: number; census: Record<string, number> };
  }
  const cases = (JSON.parse(readFileSync('test/fixtures/reference-losses.json', 'utf8')) as { cases: Case[] }).cases.filter((c) => c.fn === 'triplet_mining');
  assert.ok(cases.length > 0);
  const tolerance = { atol: 1e-9, rtol: 1e-7 };
  for (const c of cases) {
    it(c.name, () => {
      const embeddings = toTensor('fixture', 'embeddings', c.inputs.embeddings);
      const labels = toTensor('fixture', 'labels', c.inputs.labels);
      const hard = batchHard(embeddings, labels, { ...c.params, grad: true });
      assertClose('batch_hard', hard.loss.data, [c.expected.batch_hard], tolerance);
      assertClose('per anchor', hard.perAnchor.data, c.expected.batch_hard_per_anchor, tolerance);
      assert.deepEqual(hard.validAnchor, c.expected.valid_anchor);
      assertClose('grad', hard.grad?.embeddings.data ?? [], c.expected.grad_embeddings.flat(), tolerance);
      // The fixture's batch_all is the hinge form in both cases (see test/parity/adapters/mining.ts).
      assertClose('batch_all', batchAll(embeddings, labels, { margin: c.params.margin }).loss.data, [c.expected.batch_all], tolerance);
      assert.deepEqual({ ...tripletCensus(embeddings, labels, c.params.margin) }, c.expected.census);
    });
  }
});

describe('batch-hard by runs of tile rows', () => {
  // The worker pool mines runs of tile rows into separate candidate blocks and merges them: any
  // split must give batchHard's result exactly, ties (duplicated rows) included.
  it('equals the one-pass result bit for bit for every split', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 140 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom<MiningOptions>({ grad: true }, { grad: true, distance: 'cosine' }, { grad: true, distance: 'euclidean', p: 1 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
        fc.integer(),
        (B, d, classes, options, cuts, seed) => {
          const random = seededRandom(seed);
          // Coordinates on a coarse grid, so that many distances tie exactly.
          const x: Tensor = { shape: [B, d], data: Float64Array.from({ length: B * d }, () => Math.round(random() * 4)) };
          const labels: Tensor = { shape: [B], data: Float64Array.from({ length: B }, () => Math.floor(random() * classes)) };
          const want = batchHard(x, labels, options);
          const job = prepareBatchHard(x, labels, options);
          const rows = tileRowCount(job);
          const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, rows)), rows])].sort((a, b) => a - b);
          const blocks = emptyCandidates(B, bounds.length - 1);
          let largest = 0;
          for (let slot = bounds.length - 2; slot >= 0; slot--) largest = Math.max(largest, mineTileRows(job, bounds[slot], bounds[slot + 1], blocks, slot));
          const merged = emptyCandidates(B);
          for (let slot = 0; slot < bounds.length - 1; slot++) mergeCandidates(merged, blocks, slot, B);
          assert.deepEqual(finishBatchHard(job, merged, largest), want);
        },
      ),
      { seed: 11, numRuns: 80 },
    );
  });
});
