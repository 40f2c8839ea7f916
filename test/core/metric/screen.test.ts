import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cosineSimilarity, lpDistance, measureBatch, type MetricDistance } from '../../../src/core/metric/distance';
import { mine, mineMeasured, type MineOptions } from '../../../src/core/metric/mine';
import { exactEntry, exactRowEntries, forEachScreenBlock, screenBatch } from '../../../src/core/metric/screen';
import type { MinerName } from '../../../src/core/metric/defaults';
import { gaussian, seededRandom } from '../../helpers/random';
import { onPath } from '../../helpers/kernelPath';

/**
 * The screen (src/core/metric/screen.ts) must give the matrix route's tuples bit for bit. The
 * matrix route (measureBatch, then the miner over the (B, B) matrix) is the reference here: it is
 * held to pml's own outputs by the parity fixtures and to the definitions by the miners' tests.
 */

const DISTANCES: readonly [string, MetricDistance][] = [
  ['normalised L2', lpDistance()],
  ['raw L2', lpDistance(2, 1, false)],
  ['cosine', cosineSimilarity()],
];

describe('exactEntry', () => {
  it("is measureBatch's matrix entry, bit for bit, on the SIMD kernels (odd d, and d past one depth block)", () => {
    let compared = 0;
    for (const path of ['auto', 'simd'] as const) {
      for (const [B, d] of [[300, 300], [140, 7], [65, 1], [96, 128]]) {
        const x = gaussian(seededRandom(B + d), B * d);
        for (const [name, distance] of DISTANCES) {
          onPath(path, () => {
            // Under `auto` a small product stays in TypeScript and the screen declines it.
            const screen = screenBatch(distance, x, B, d);
            if (screen === null) return;
            const { mat } = measureBatch(distance, x, B, d);
            for (let i = 0; i < B; i++) {
              for (let j = 0; j < B; j++) {
                if (i !== j) assert.equal(exactEntry(screen.x, d, i, j, screen.cosine), mat[i * B + j], `${path} ${name} ${B}×${d} (${i}, ${j})`);
              }
            }
            compared++;
          });
        }
      }
    }
    assert.ok(compared >= 20, `compared ${compared} of 24 cases`);
  });

  it('redoes an overflowing squared sum with the scaled norm, as the matrix does', () => {
    const x = Float64Array.from([1e200, 3e200, -2e200, 1e200, 0, 0]);
    const distance = lpDistance(2, 1, false);
    const { mat } = onPath('simd', () => measureBatch(distance, x, 3, 2));
    for (const [i, j] of [[0, 1], [1, 2], [0, 2]]) assert.equal(exactEntry(x, 2, i, j, false), mat[i * 3 + j]);
    assert.ok(Number.isFinite(mat[1]) && mat[1] > 1e200);
  });
});

describe('exactRowEntries', () => {
  it('gives exactEntry for every column, four at a time and in the tail', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 11 }), fc.boolean(), (seed, d, count, cosine) => {
        const B = 12;
        const x = gaussian(seededRandom(seed), B * d);
        const columns = Int32Array.from({ length: count }, (_, k) => (k * 5 + 1) % B);
        const out = new Float64Array(count);
        exactRowEntries(x, d, 0, columns, 0, count, cosine, out);
        for (let k = 0; k < count; k++) assert.equal(out[k], exactEntry(x, d, 0, columns[k], cosine));
      }),
      { numRuns: 100 },
    );
  });
});

/** Rows whose coordinates span `scale`'s decades, subnormal-range floats among them. */
function wideBatch(seed: number, B: number, d: number, spread: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: B * d }, () => (random() - 0.5) * 10 ** (spread * (2 * random() - 1)));
}

describe('screenBatch bound', () => {
  it('holds for every pair: |a − v²| (L2) or |a − v| (cosine) ≤ e_i, including tiny and widely scaled rows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 }), (seed, B, d, spread, which) => {
        const [, distance] = DISTANCES[which];
        const x = wideBatch(seed, B, d, spread);
        const screen = onPath('simd', () => screenBatch(distance, x, B, d));
        if (screen === null) return;
        forEachScreenBlock(screen, (block, width, i0, i1) => {
          for (let i = i0; i < i1; i++) {
            for (let j = i + 1; j < B; j++) {
              const s = block[(i - i0) * width + (j - i0)];
              const a = screen.cosine ? s : screen.squaredNorms[i] + screen.squaredNorms[j] - 2 * s;
              const v = exactEntry(screen.x, d, i, j, screen.cosine);
              const error = Math.abs(a - (screen.cosine ? v : v * v));
              assert.ok(error <= screen.bound[i] && error <= screen.bound[j], `(${i}, ${j}): |a − v| = ${error}, bound ${screen.bound[i]}`);
            }
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('declines what it cannot reproduce: power ≠ 1, p ≠ 2, the TypeScript kernels, products that overflow float32', () => {
    const x = gaussian(seededRandom(3), 200 * 64);
    assert.ok(screenBatch(lpDistance(), x, 200, 64) !== null);
    assert.equal(screenBatch(lpDistance(2, 2), x, 200, 64), null);
    assert.equal(screenBatch(lpDistance(1), x, 200, 64), null);
    assert.equal(onPath('typescript', () => screenBatch(lpDistance(), x, 200, 64)), null);
    assert.equal(screenBatch(lpDistance(2, 1, false), x.map((v) => v * 1e25), 200, 64), null);
  });
});

/**
 * Batches meant to sit on the screen's edges: coordinates on a coarse grid (duplicate rows, exact
 * ties, distances of exactly 0), a class of identical rows larger than the picks' room, and the
 * miners' thresholds taken from the batch's own entries so that comparisons land exactly on them.
 */
interface EdgeCase {
  readonly x: Float64Array;
  readonly labels: Float64Array;
  readonly B: number;
  readonly d: number;
  readonly distance: MetricDistance;
  readonly options: MineOptions;
}

function edgeCase(seed: number, miner: MinerName): EdgeCase {
  const random = seededRandom(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const collapsed = pick(6) === 0;
  const B = collapsed ? 40 + pick(40) : 2 + pick(40);
  const d = 1 + pick(6);
  const classes = 1 + pick(6);
  const grid = 1 + pick(4);
  const x = Float64Array.from({ length: B * d }, () => (collapsed ? 1 : (pick(2 * grid + 1) - grid) / grid));
  const labels = Float64Array.from({ length: B }, (_, i) => (collapsed && i < 36 ? 0 : pick(classes)));
  const distance = DISTANCES[pick(3)][1];
  const { mat } = onPath('simd', () => measureBatch(distance, x, B, d));
  const entry = (): number => mat[pick(B * B)];
  const options: MineOptions = { miner, distance: distance.kind, normalize_embeddings: distance.normalizeEmbeddings };
  if (miner === 'pair_margin') return { x, labels, B, d, distance, options: { ...options, pos_margin: entry(), neg_margin: entry() } };
  if (miner === 'multi_similarity') {
    const epsilon = [0.1, 0, Math.abs(entry() - entry()), entry()][pick(4)];
    return { x, labels, B, d, distance, options: { ...options, epsilon } };
  }
  return { x, labels, B, d, distance, options };
}

function columns(result: ReturnType<typeof mine>): Int32Array[] {
  return result.kind === 'triplets' ? [result.triplets.a, result.triplets.p, result.triplets.n] : [result.pairs.a1, result.pairs.p, result.pairs.a2, result.pairs.n];
}

describe('the screened miners', () => {
  for (const miner of ['pair_margin', 'batch_hard', 'multi_similarity'] as const) {
    it(`${miner}: the matrix route's tuples, bit for bit, on ties, thresholds at entries, and collapsed classes`, () => {
      let screened = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
          const { x, labels, B, d, distance, options } = edgeCase(seed, miner);
          onPath('simd', () => {
            screened += +(screenBatch(distance, x, B, d) !== null);
            const got = mine({ shape: [B, d], data: x }, { shape: [B], data: labels }, options);
            const want = mineMeasured('mine', measureBatch(distance, x, B, d), labels, miner, options);
            assert.deepEqual(columns(got).map((c) => [...c]), columns(want).map((c) => [...c]));
          });
        }),
        { numRuns: 400 },
      );
      // The comparison means something only if the screen ran.
      assert.ok(screened > 300, `screened ${screened} of 400`);
    });

    it(`${miner}: the matrix route's tuples on a 1024 × 128 batch of 64 classes`, () => {
      const [B, d] = [1024, 128];
      const x = gaussian(seededRandom(17), B * d);
      const labels = Float64Array.from({ length: B }, (_, i) => i % 64);
      for (const [, distance] of DISTANCES) {
        const options: MineOptions = { miner, distance: distance.kind, normalize_embeddings: distance.normalizeEmbeddings, ...(miner === 'pair_margin' ? { pos_margin: 1.41, neg_margin: 1.4 } : {}) };
        assert.ok(screenBatch(distance, x, B, d) !== null);
        const got = mine({ shape: [B, d], data: x }, { shape: [B], data: labels }, options);
        const want = mineMeasured('mine', measureBatch(distance, x, B, d), labels, miner, options);
        assert.deepEqual(columns(got).map((c) => [...c]), columns(want).map((c) => [...c]));
        assert.ok(columns(got)[0].length > 0);
      }
    });
  }
});
