import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { angleCensus } from '../../../src/core/embeddings/angles';
import { centreSimilarity } from '../../../src/core/embeddings/centres';
import { classDistances } from '../../../src/core/embeddings/classDistances';
import type { Tensor } from '../../../src/core/tensor';
import { columnsToRows, embeddingProblem, tensor } from '../../helpers/embeddingProblems';
import { assertClose } from '../../helpers/gradcheck';

/* The embedding-export statistics against brute-force loops and hand-computed cases. */

const t = tensor;
const problem = embeddingProblem(6, 4, 5);
const transpose = columnsToRows;

/** cos between row i of x and column j of W, looped naively with F.normalize's 1e-12. */
function naiveCosine(x: Tensor, W: Tensor, i: number, j: number): number {
  const [, d] = x.shape;
  const C = W.shape[1];
  let dot = 0;
  let xx = 0;
  let ww = 0;
  for (let q = 0; q < d; q++) {
    dot += x.data[i * d + q] * W.data[q * C + j];
    xx += x.data[i * d + q] ** 2;
    ww += W.data[q * C + j] ** 2;
  }
  return dot / Math.max(Math.sqrt(xx), 1e-12) / Math.max(Math.sqrt(ww), 1e-12);
}

const clampedAcos = (c: number): number => Math.acos(Math.min(1, Math.max(-1, c)));

describe('angleCensus', () => {
  it('gives θ_y and every θ_j (j ≠ y) of the naive cosines, in either layout, and lists the rows past π − m', () => {
    fc.assert(
      fc.property(problem, fc.double({ min: 0, max: 3, noNaN: true }), (p, m) => {
        const [B] = p.x.shape;
        const C = p.W.shape[1];
        const census = angleCensus(p.x, p.W, p.labels, m);
        const rows = angleCensus(p.x, transpose(p.W), p.labels, m, 'rows');
        assertClose('layouts', rows.target, census.target, { atol: 1e-6, rtol: 0 });
        const target: number[] = [];
        const others: number[] = [];
        for (let i = 0; i < B; i++) {
          for (let j = 0; j < C; j++) (j === p.labels.data[i] ? target : others).push(clampedAcos(naiveCosine(p.x, p.W, i, j)));
        }
        // acos amplifies a rounding difference δ near ±1 to √δ.
        assertClose('θ_y', census.target, target, { atol: 1e-6, rtol: 0 });
        assertClose('θ_j', census.nonTarget, others, { atol: 1e-6, rtol: 0 });
        const past = [...census.target.keys()].filter((i) => census.target[i] > Math.PI - m);
        assert.deepEqual([...census.pastPiMinusM].sort((a, b) => a - b), past);
        for (let k = 1; k < census.pastPiMinusM.length; k++) assert.ok(census.target[census.pastPiMinusM[k - 1]] >= census.target[census.pastPiMinusM[k]]);
      }),
      { numRuns: 80 },
    );
  });

  it('a sample opposite its centre is past π − m, one on it is not', () => {
    const census = angleCensus(t([2, 2], [-1, 0, 1, 0.1]), t([2, 1], [1, 0]), t([2], [0, 0]), 0.5);
    assert.deepEqual(census.pastPiMinusM, [0]);
    assertClose('θ_y', census.target, [Math.PI, Math.atan(0.1)]);
    assert.equal(census.nonTarget.length, 0);
  });
});

describe('centreSimilarity', () => {
  it('is the symmetric matrix of naive centre cosines, and lists the most similar pairs first', () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 0, max: 12 }), (p, top) => {
        const C = p.W.shape[1];
        const s = centreSimilarity(p.W, top);
        const rows = centreSimilarity(transpose(p.W), top, 'rows');
        const all = [...Array(C).keys()];
        const cosines = s.cosinesAmong(all);
        assertClose('layouts', rows.cosinesAmong(all), cosines, { atol: 1e-12, rtol: 1e-12 });
        const pairs: { i: number; j: number; cosine: number }[] = [];
        for (let i = 0; i < C; i++) {
          for (let j = 0; j < C; j++) {
            const column = (k: number) => t([1, p.W.shape[0]], Array.from({ length: p.W.shape[0] }, (_, q) => p.W.data[q * C + k]));
            const want = naiveCosine(column(i), p.W, 0, j);
            assertClose(`cos ${i} ${j}`, [cosines[i * C + j]], [want], { atol: 1e-12, rtol: 1e-12 });
            if (i < j) pairs.push({ i, j, cosine: cosines[i * C + j] });
          }
        }
        pairs.sort((a, b) => b.cosine - a.cosine || a.i - b.i || a.j - b.j);
        // The scan takes each block's products separately: the same cosines up to rounding.
        assert.equal(s.nearest.length, Math.min(top, pairs.length));
        s.nearest.forEach((pair, k) => assertClose(`pair ${k}`, [pair.cosine], [pairs[k].cosine], { atol: 1e-12, rtol: 1e-12 }));
      }),
      { numRuns: 60 },
    );
  });

  it('scans pairs across its row blocks: a duplicate 500 classes apart ranks first among 600', () => {
    const [d, C] = [8, 600];
    const values = Array.from({ length: d * C }, (_, k) => Math.sin(k * 12.9898) * 43758.5453 % 1);
    for (let q = 0; q < d; q++) values[q * C + 510] = 2 * values[q * C + 10];
    const s = centreSimilarity(tensor([d, C], values), 4);
    assert.deepEqual([s.nearest[0].i, s.nearest[0].j], [10, 510]);
    assertClose('cos 1', [s.nearest[0].cosine], [1]);
    const all = s.cosinesAmong([...Array(C).keys()]);
    const others = [];
    for (let i = 0; i < C; i++) for (let j = i + 1; j < C; j++) if (!(i === 10 && j === 510)) others.push(all[i * C + j]);
    others.sort((a, b) => b - a);
    assertClose('runners-up', s.nearest.slice(1).map((p) => p.cosine), others.slice(0, 3), { atol: 1e-12, rtol: 1e-12 });
  });

  it('finds a duplicated class: two columns along the same direction have cosine 1', () => {
    const s = centreSimilarity(t([2, 3], [1, 0, 2, 0, 1, 0]), 1);
    assert.deepEqual(s.nearest, [{ i: 0, j: 2, cosine: 1 }]);
  });
});

describe('classDistances', () => {
  it('computes the hand example: two classes on a unit square', () => {
    // Class 0: (0, 0), (0, 1); class 1: (1, 0), (1, 1), (3, 0).
    const rows = classDistances(t([5, 2], [0, 0, 0, 1, 1, 0, 1, 1, 3, 0]), t([5], [0, 0, 1, 1, 1]), false);
    const [zero, one] = rows;
    assert.equal(zero.count, 2);
    assertClose('class 0', [zero.intraMean, zero.intraMax, zero.interMin], [1, 1, 1]);
    // Class 0 to class 1: 1, √2, 3, √2, 1, √10 → mean (2 + 2√2 + 3 + √10)/6.
    assertClose('inter mean', [zero.interMean, one.interMean], [(2 + 2 * Math.SQRT2 + 3 + Math.sqrt(10)) / 6, (2 + 2 * Math.SQRT2 + 3 + Math.sqrt(10)) / 6]);
    // Class 1: 1, 2, √5 → mean (3 + √5)/3, max √5, nearest 0 at 1, gap 1 − √5.
    assertClose('class 1', [one.intraMean, one.intraMax, one.gap], [(3 + Math.sqrt(5)) / 3, Math.sqrt(5), 1 - Math.sqrt(5)]);
    assert.equal(one.nearestClass, 0);
  });

  it('agrees with brute force on random exports, singletons and one class included', () => {
    fc.assert(
      fc.property(problem, fc.boolean(), (p, normalize) => {
        const [B, d] = p.x.shape;
        const rows = classDistances(p.x, p.labels, normalize);
        const point = (i: number): number[] => {
          const v = Array.from({ length: d }, (_, q) => p.x.data[i * d + q]);
          const n = normalize ? Math.max(Math.hypot(...v), 1e-12) : 1;
          return v.map((value) => value / n);
        };
        const dist = (i: number, j: number): number => Math.hypot(...point(i).map((v, q) => v - point(j)[q]));
        for (const row of rows) {
          const members = [...Array(B).keys()].filter((i) => p.labels.data[i] === row.label);
          const others = [...Array(B).keys()].filter((i) => p.labels.data[i] !== row.label);
          const intra = members.flatMap((i) => members.filter((j) => j > i).map((j) => dist(i, j)));
          const inter = members.flatMap((i) => others.map((j) => dist(i, j)));
          assert.equal(row.count, members.length);
          const mean = (v: number[]) => (v.length === 0 ? Number.NaN : v.reduce((a, b) => a + b, 0) / v.length);
          const extreme = (v: number[], f: (...n: number[]) => number) => (v.length === 0 ? Number.NaN : f(...v));
          const want = [mean(intra), extreme(intra, Math.max), extreme(inter, Math.min), mean(inter)];
          const got = [row.intraMean, row.intraMax, row.interMin, row.interMean];
          got.forEach((g, k) => (Number.isNaN(want[k]) ? assert.ok(Number.isNaN(g)) : assertClose(`${row.label}[${k}]`, [g], [want[k]], { atol: 1e-12, rtol: 1e-10 })));
          if (inter.length > 0) assert.equal(row.nearestClass === -1, false);
        }
      }),
      { numRuns: 80 },
    );
  });
});
