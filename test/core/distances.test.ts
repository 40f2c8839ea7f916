import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seededRandom } from '../helpers/random';
import {
  pairwiseDistances,
  pairwiseDistancesBackward,
  rowDistances,
  rowDistancesBackward,
  type DistanceKind,
  type DistanceOptions,
} from '../../src/core/distances';
import { InputError } from '../../src/core/errors';
import type { Tensor } from '../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../helpers/gradcheck';

const matrix = (rows: number[][], width = rows[0]?.length ?? 0): Tensor => ({ shape: [rows.length, width], data: Float64Array.from(rows.flat()) });

/** (n, d) uniform values in [−2, 2) from a seed: coincident coordinates have probability 0. */
function randomMatrix(seed: number, n: number, d: number): Tensor {
  const random = seededRandom(seed);
  return { shape: [n, d], data: Float64Array.from({ length: n * d }, () => 4 * random() - 2) };
}

/** The distance written out from its definition, one pair at a time (no scaling, no fast paths). */
function referenceDistance(x: ArrayLike<number>, y: ArrayLike<number>, options: DistanceOptions): number {
  const kind = options.distance ?? 'euclidean';
  const p = options.p ?? 2;
  const eps = options.eps ?? 0;
  if (kind === 'cosine') {
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let k = 0; k < x.length; k++) {
      xx += x[k] ** 2;
      yy += y[k] ** 2;
      xy += x[k] * y[k];
    }
    return 1 - xy / (Math.max(Math.sqrt(xx), 1e-8) * Math.max(Math.sqrt(yy), 1e-8));
  }
  const u = Array.from({ length: x.length }, (_, k) => Math.abs(x[k] - y[k] + eps));
  if (kind === 'squared-euclidean') return u.reduce((s, v) => s + v * v, 0);
  if (p === Infinity) return Math.max(0, ...u);
  return u.reduce((s, v) => s + v ** p, 0) ** (1 / p);
}

const kinds: { name: string; options: DistanceOptions }[] = [
  { name: 'p = 1', options: { p: 1 } },
  { name: 'p = 1.5', options: { p: 1.5 } },
  { name: 'p = 2', options: { p: 2 } },
  { name: 'p = 3', options: { p: 3 } },
  { name: 'p = 0.7', options: { p: 0.7 } },
  { name: 'p = ∞', options: { p: Infinity } },
  { name: 'squared-euclidean', options: { distance: 'squared-euclidean' } },
  { name: 'cosine', options: { distance: 'cosine' } },
];

describe('rowDistances: closed forms', () => {
  it('the 3-4-5 triangle under each norm', () => {
    const x1 = matrix([[0, 0], [1, 1]]);
    const x2 = matrix([[3, -4], [1, 1]]);
    const at = (options: DistanceOptions): Float64Array => rowDistances(x1, x2, { eps: 0, ...options }).distances.data;
    assertClose('p=2', at({}), [5, 0]);
    assertClose('p=1', at({ p: 1 }), [7, 0]);
    assertClose('p=∞', at({ p: Infinity }), [4, 0]);
    assertClose('p=3', at({ p: 3 }), [Math.cbrt(91), 0]);
    assertClose('squared', at({ distance: 'squared-euclidean' }), [25, 0]);
  });

  it('adds eps to the difference, as torch.nn.functional.pairwise_distance does (default 1e-6)', () => {
    const x = matrix([[1, 2, 3, 4]]);
    assertClose('identical rows', rowDistances(x, x).distances.data, [2e-6], { atol: 1e-20 });
    // x1 − x2 = (−1e-6, 0): adding eps cancels the first coordinate and leaves the second.
    assertClose('cancel', rowDistances(matrix([[0, 0]]), matrix([[1e-6, 0]])).distances.data, [1e-6], { atol: 1e-20 });
  });

  it('cosine: same direction 0, orthogonal 1, opposite 2; a zero vector is floored and counted', () => {
    const result = rowDistances(matrix([[1, 2], [1, 0], [1, 1], [0, 0]]), matrix([[2, 4], [0, 3], [-2, -2], [1, 0]]), { distance: 'cosine' });
    assertClose('cosine', result.distances.data, [0, 1, 2, 1], { atol: 1e-15 });
    assert.equal(result.report.clampedNorm, 1);
  });

  it('agrees with the definition on random rows for every kind', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 9 }), (seed, n, d) => {
        const x1 = randomMatrix(seed, n, d);
        const x2 = randomMatrix(seed + 1, n, d);
        for (const { options } of kinds) {
          const got = rowDistances(x1, x2, { ...options, eps: 1e-6 }).distances.data;
          const want = Array.from({ length: n }, (_, i) => referenceDistance(x1.data.subarray(i * d, i * d + d), x2.data.subarray(i * d, i * d + d), { ...options, eps: 1e-6 }));
          assertClose('distance', got, want, { atol: 1e-14, rtol: 1e-12 });
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('rowDistancesBackward: central finite differences', () => {
  for (const { name, options } of kinds) {
    it(name, () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 6 }), (seed, n, d) => {
          const x1 = randomMatrix(seed, n, d);
          const x2 = randomMatrix(seed + 7, n, d);
          const upstream: Tensor = { shape: [n], data: randomMatrix(seed + 3, n, 1).data };
          const f = (a: Tensor, b: Tensor): number => {
            const dist = rowDistances(a, b, options).distances.data;
            return dist.reduce((s, v, i) => s + v * upstream.data[i], 0);
          };
          const { distances } = rowDistances(x1, x2, options);
          const grad = rowDistancesBackward(x1, x2, distances, upstream, options);
          assert.deepEqual(grad.x1.shape, [n, d]);
          assertGradientMatches('x1', grad.x1.data, finiteDifference((a) => f(a, x2), x1), { atol: 1e-6, rtol: 1e-5 });
          assertGradientMatches('x2', grad.x2.data, finiteDifference((b) => f(x1, b), x2), { atol: 1e-6, rtol: 1e-5 });
        }),
        { numRuns: 25 },
      );
    });
  }

  it('p = ∞ shares the gradient among tied coordinates, like PyTorch (torch gives ∓0.5, ±0.5)', () => {
    const x1 = matrix([[0, 0]]);
    const x2 = matrix([[1, -1]]);
    const options = { p: Infinity, eps: 0 };
    const grad = rowDistancesBackward(x1, x2, rowDistances(x1, x2, options).distances, { shape: [1], data: Float64Array.of(1) }, options);
    assertClose('x1', grad.x1.data, [-0.5, 0.5]);
    assertClose('x2', grad.x2.data, [0.5, -0.5]);
  });

  it('zero distance has the subgradient 0 for every p, and is counted', () => {
    const x = matrix([[1, 2, 3]]);
    for (const { name, options } of kinds) {
      if (options.distance === 'cosine') continue;
      const o = { ...options, eps: 0 };
      const grad = rowDistancesBackward(x, x, rowDistances(x, x, o).distances, { shape: [1], data: Float64Array.of(1) }, o);
      assertClose(name, grad.x1.data, [0, 0, 0]);
      if (options.distance !== 'squared-euclidean') assert.equal(grad.report.zeroDistance, 1, name);
    }
  });
});

describe('pairwiseDistances', () => {
  it('matches the definition pair by pair, across tile edges (B up to 70, not a multiple of 4)', () => {
    for (const [seed, n, d] of [[1, 0, 3], [2, 1, 5], [3, 5, 1], [4, 37, 7], [5, 70, 3], [6, 66, 128]] as const) {
      const x = randomMatrix(seed, n, d);
      for (const options of [{}, { p: 1 }, { p: 3 }, { p: Infinity }, { distance: 'squared-euclidean' as DistanceKind }, { distance: 'cosine' as DistanceKind }]) {
        const D = pairwiseDistances(x, options);
        assert.deepEqual(D.shape, [n, n]);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const want = i === j ? 0 : referenceDistance(x.data.subarray(i * d, i * d + d), x.data.subarray(j * d, j * d + d), options);
            const got = D.data[i * n + j];
            if (!(Math.abs(got - want) <= 1e-13 + 1e-12 * Math.abs(want))) assert.fail(`${JSON.stringify(options)} B=${n}: D[${i},${j}] = ${got}, want ${want}`);
            assert.equal(got, D.data[j * n + i], 'symmetric');
          }
        }
      }
    }
  });

  it('is exact for near-identical embeddings of large norm, where ‖a‖² + ‖b‖² − 2a·b cancels', () => {
    const base = Array.from({ length: 64 }, (_, k) => 1e4 + k);
    const shifted = base.map((v, k) => (k === 3 ? v + 1e-6 : v));
    const D = pairwiseDistances(matrix([base, shifted]));
    // 1e4 + 3 + 1e-6 is not exactly representable; the spacing there is 2^-39.
    const want = 10003 + 1e-6 - 10003;
    assert.ok(Math.abs(D.data[1] - want) <= 2 ** -39, `got ${D.data[1]}`);
  });

  it('embeddings differing by 1e-7: distances ≥ 0 and accurate, gradients finite', () => {
    const x = matrix([[0.5, -0.25, 1], [0.5 + 1e-7, -0.25, 1], [0.5, -0.25 - 1e-7, 1]]);
    const D = pairwiseDistances(x);
    for (const v of D.data) assert.ok(v >= 0);
    assertClose('D01', [D.data[1]], [1e-7], { atol: 1e-16, rtol: 1e-8 });
    assertClose('D12', [D.data[5]], [Math.SQRT2 * 1e-7], { atol: 1e-16, rtol: 1e-8 });
    const upstream: Tensor = { shape: [3, 3], data: new Float64Array(9).fill(1) };
    assertAllFinite('grad', pairwiseDistancesBackward(x, D, upstream).x.data);
  });

  it('identical embeddings: all zero, with a finite (zero) gradient, zero distances counted', () => {
    const x = matrix([[1, 2], [1, 2], [1, 2]]);
    const D = pairwiseDistances(x);
    assertClose('D', D.data, new Array(9).fill(0));
    const back = pairwiseDistancesBackward(x, D, { shape: [3, 3], data: new Float64Array(9).fill(1) });
    assertClose('grad', back.x.data, new Array(6).fill(0));
    assert.equal(back.report.zeroDistance, 6);
  });

  it('stays finite for huge coordinates (the sum of squares would overflow)', () => {
    const D = pairwiseDistances(matrix([[1e200, 0], [-1e200, 1e200]]));
    assertClose('D', [D.data[1]], [Math.sqrt(5) * 1e200], { rtol: 1e-15 });
  });
});

describe('pairwiseDistancesBackward', () => {
  for (const options of [{}, { p: 1 }, { p: 3 }, { distance: 'squared-euclidean' as DistanceKind }, { distance: 'cosine' as DistanceKind }]) {
    it(`dense upstream matches finite differences: ${JSON.stringify(options)}`, () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 5 }), (seed, n, d) => {
          const x = randomMatrix(seed, n, d);
          const upstream: Tensor = { shape: [n, n], data: randomMatrix(seed + 1, n, n).data };
          const f = (input: Tensor): number => pairwiseDistances(input, options).data.reduce((s, v, i) => s + v * upstream.data[i], 0);
          const back = pairwiseDistancesBackward(x, pairwiseDistances(x, options), upstream, options);
          assertGradientMatches('x', back.x.data, finiteDifference(f, x), { atol: 1e-6, rtol: 1e-5 });
        }),
        { numRuns: 20 },
      );
    });
  }

  it('a sparse upstream gives the same gradient as the equivalent dense one', () => {
    const n = 9;
    const x = randomMatrix(11, n, 4);
    const D = pairwiseDistances(x);
    const first = Int32Array.of(0, 3, 3, 8, 5);
    const second = Int32Array.of(4, 1, 1, 2, 5);
    const weight = Float64Array.of(0.5, -1, 2, 0.25, 7);
    const dense = new Float64Array(n * n);
    for (let k = 0; k < first.length; k++) if (first[k] !== second[k]) dense[first[k] * n + second[k]] += weight[k];
    const sparse = pairwiseDistancesBackward(x, D, { first, second, weight }).x.data;
    assertClose('sparse vs dense', sparse, pairwiseDistancesBackward(x, D, { shape: [n, n], data: dense }).x.data, { atol: 1e-14 });
  });
});

describe('distances: bad input', () => {
  it('names the function, the argument and the index', () => {
    assert.throws(() => rowDistances(matrix([[1, 2]]), matrix([[1, 2, 3]])), (e: unknown) => e instanceof InputError && e.argument === 'x2');
    assert.throws(
      () => rowDistances(matrix([[1, 2], [3, NaN]]), matrix([[1, 2], [3, 4]])),
      (e: unknown) => e instanceof InputError && e.fn === 'rowDistances' && e.argument === 'x1' && e.index?.join() === '1,1',
    );
    assert.throws(() => pairwiseDistances(matrix([[1, Infinity]])), (e: unknown) => e instanceof InputError && e.index?.join() === '0,1');
    for (const p of [0, -1, NaN]) assert.throws(() => rowDistances(matrix([[1]]), matrix([[2]]), { p }), (e: unknown) => e instanceof InputError && e.argument === 'options.p');
    assert.throws(() => rowDistances(matrix([[1]]), matrix([[2]]), { distance: 'cosine', p: 3 }), InputError);
    assert.throws(() => rowDistances(matrix([[1]]), matrix([[2]]), { distance: 'manhattan' as DistanceKind }), InputError);
    assert.throws(() => pairwiseDistances(matrix([[1]]), { eps: 1e-6 }), (e: unknown) => e instanceof InputError && e.argument === 'options.eps');
    assert.throws(() => pairwiseDistances({ shape: [3], data: new Float64Array(3) }), InputError);
    assert.throws(
      () => pairwiseDistancesBackward(matrix([[1], [2]]), pairwiseDistances(matrix([[1], [2]])), { first: Int32Array.of(0), second: Int32Array.of(2), weight: Float64Array.of(1) }),
      InputError,
    );
  });
});
