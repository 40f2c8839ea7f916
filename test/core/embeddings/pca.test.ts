import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { JACOBI_LIMIT, pca } from '../../../src/core/embeddings/pca';
import { makeTensor, type Tensor } from '../../../src/core/tensor';
import { assertClose } from '../../helpers/gradcheck';

/*
 * PCA against hand-computed cases, a closed form (points on a known ellipse, embedded in many
 * dimensions) and numpy's SVD (test/fixtures/pca-numpy.json, written by
 * scripts/fixtures/make_pca_fixture.py).
 */

const rows = (values: readonly (readonly number[])[]): Tensor => makeTensor([values.length, values[0].length], Float64Array.from(values.flat()));
const axis = (result: ReturnType<typeof pca>, j: number): Float64Array => result.axes.slice(j * result.D, (j + 1) * result.D);

describe('pca', () => {
  it('finds the axes of a hand-computed cross, largest variance first', () => {
    const r = pca(rows([[2, 0], [-2, 0], [0, 1], [0, -1]]), 2);
    assertClose('axes', r.axes, [1, 0, 0, 1]);
    // var x = (4 + 4) / 3, var y = (1 + 1) / 3 (N − 1).
    assertClose('variance', r.variance, [8 / 3, 2 / 3]);
    assertClose('ratio', r.ratio, [0.8, 0.2]);
    assertClose('projected', r.projected, [2, 0, -2, 0, 0, 1, 0, -1]);
    assert.equal(r.method, 'jacobi');
  });

  it('puts points on the line y = x on its diagonal, with the sign rule deciding the tied loadings', () => {
    const r = pca(rows([[0, 0], [1, 1], [2, 2], [3, 3]]), 2);
    const h = Math.SQRT1_2;
    // Both loadings of each axis tie in |.|: the first one is made positive.
    assertClose('axes', r.axes, [h, h, h, -h]);
    // Positions along the line: √2·(−1.5, −0.5, 0.5, 1.5); variance (2·4.5 + 2·0.5)/3 = 10/3.
    assertClose('variance', r.variance, [10 / 3, 0], { atol: 1e-12 });
    assertClose('ratio', r.ratio, [1, 0], { atol: 1e-12 });
    assertClose('projected', r.projected, [-1.5 * Math.SQRT2, 0, -0.5 * Math.SQRT2, 0, 0.5 * Math.SQRT2, 0, 1.5 * Math.SQRT2, 0], { atol: 1e-12 });
  });

  for (const D of [7, JACOBI_LIMIT + 36]) {
    it(`recovers an ellipse with a third oscillation in ${D} dimensions in closed form (${D > JACOBI_LIMIT ? 'subspace iteration' : 'Jacobi'})`, () => {
      // Points (a cos t, b sin t, c cos 2t) for t = 2πi/n along three orthonormal directions u, v, w,
      // plus an offset: over n ≥ 5 equally spaced t the three coordinates have mean 0, are
      // uncorrelated and each sums to n/2 in squares, so the variances are (a², b², c²)·n/(2(n−1)).
      const [a, b, c, n, phi] = [3, 2, 1, 12, 0.4];
      const u = new Float64Array(D);
      const v = new Float64Array(D);
      const w = new Float64Array(D);
      [u[1], u[4]] = [Math.cos(phi), Math.sin(phi)];
      [v[1], v[4]] = [-Math.sin(phi), Math.cos(phi)];
      w[D - 1] = -1;
      const points: number[][] = [];
      for (let i = 0; i < n; i++) {
        const t = (2 * Math.PI * i) / n;
        points.push(Array.from({ length: D }, (_, q) => 0.5 * q + a * Math.cos(t) * u[q] + b * Math.sin(t) * v[q] + c * Math.cos(2 * t) * w[q]));
      }
      const r = pca(rows(points), 3);
      const scale = n / (2 * (n - 1));
      assertClose('variance', r.variance, [a * a * scale, b * b * scale, c * c * scale], { atol: 1e-10 });
      const total = (a * a + b * b + c * c) * scale;
      assertClose('ratio', r.ratio, [(a * a * scale) / total, (b * b * scale) / total, (c * c * scale) / total], { atol: 1e-10 });
      // Signs: u's largest loading is u[1] = cos 0.4 > 0; v's is v[4] = cos 0.4 > 0; w's is −1, so −w.
      assertClose('axis 1', axis(r, 0), u, { atol: 1e-8 });
      assertClose('axis 2', axis(r, 1), v, { atol: 1e-8 });
      assertClose('axis 3', axis(r, 2), w.map((x) => -x), { atol: 1e-8 });
      assert.equal(r.method, D > JACOBI_LIMIT ? 'subspace' : 'jacobi');
      assert.ok(r.converged);
    });
  }

  const fixture = JSON.parse(readFileSync('test/fixtures/pca-numpy.json', 'utf8')) as {
    cases: { name: string; k: number; x: number[][]; axes: number[][]; variance: number[]; ratio: number[]; projected: number[][] }[];
  };
  for (const c of fixture.cases) {
    it(`matches numpy's SVD on ${c.name}`, () => {
      const r = pca(rows(c.x), c.k, { tolerance: 1e-12 });
      assertClose('variance', r.variance, c.variance, { atol: 1e-12, rtol: 1e-9 });
      assertClose('ratio', r.ratio, c.ratio, { atol: 1e-12, rtol: 1e-9 });
      assertClose('axes', r.axes, c.axes.flat(), { atol: 1e-8 });
      assertClose('projected', r.projected, c.projected.flat(), { atol: 1e-7 });
      assert.ok(r.converged, `residual ${r.residual} after ${r.iterations} iterations`);
      assert.ok(r.residual <= 1e-12);
    });
  }

  it('says when the subspace iteration stopped before its tolerance, with the residual it reached', () => {
    const c = fixture.cases[2];
    const early = pca(rows(c.x), 3, { maxIterations: 1 });
    assert.equal(early.method, 'subspace');
    assert.equal(early.iterations, 1);
    assert.equal(early.converged, false);
    assert.ok(early.residual > 1e-8 && Number.isFinite(early.residual));
    // Weyl: each variance is within residual · λ_1 of a true eigenvalue (here, numpy's).
    early.variance.forEach((v, j) => assert.ok(Math.abs(v - c.variance[j]) <= early.residual * early.variance[0] * 1.0001, `variance ${j}`));
  });

  it('returns the same axes for the rows in any order and after a translation', () => {
    const c = fixture.cases[2];
    const base = pca(rows(c.x), 3);
    const order = c.x.map((_, i) => (i * 37) % c.x.length);
    const moved = pca(rows(order.map((i) => c.x[i].map((v, q) => v + 100 * Math.sin(q)))), 3);
    assertClose('axes', moved.axes, base.axes, { atol: 1e-8 });
    for (let i = 0; i < order.length; i++) assertClose(`row ${i}`, moved.projected.slice(i * 3, i * 3 + 3), base.projected.slice(order[i] * 3, order[i] * 3 + 3), { atol: 1e-7 });
  });

  it('gives orthonormal axes for a repeated eigenvalue (a circle)', () => {
    const points = Array.from({ length: 8 }, (_, i) => [Math.cos((Math.PI * i) / 4), Math.sin((Math.PI * i) / 4), 0.25 * (i % 2)]);
    const r = pca(rows(points), 2);
    assertClose('variance', r.variance, [4 / 7, 4 / 7], { atol: 1e-12 });
    const [p, q] = [axis(r, 0), axis(r, 1)];
    const dot = (x: Float64Array, y: Float64Array): number => x.reduce((s, v, i) => s + v * y[i], 0);
    assertClose('gram', [dot(p, p), dot(p, q), dot(q, q)], [1, 0, 1], { atol: 1e-12 });
    assertClose('in the circle plane', [p[2], q[2]], [0, 0], { atol: 1e-12 });
  });

  it('gives the coordinate axes and ratio 0 for a batch without spread', () => {
    for (const x of [rows([[1, 2, 3]]), rows([[1, 2, 3], [1, 2, 3]])]) {
      const r = pca(x, 2);
      assertClose('axes', r.axes, [1, 0, 0, 0, 1, 0]);
      assertClose('variance', r.variance, [0, 0]);
      assertClose('ratio', r.ratio, [0, 0]);
      assertClose('projected', r.projected, new Float64Array(2 * x.shape[0]));
    }
  });

  it('separates embeddings 1e-7 apart and stays finite', () => {
    const points = [[1, 1, 1], [1 + 1e-7, 1, 1], [1, 1 + 2e-7, 1], [1, 1, 1]];
    const r = pca(rows(points), 2);
    assert.ok(r.projected.every(Number.isFinite));
    assert.ok(r.variance[0] > 0 && r.variance[0] < 1e-13);
    assert.ok(Math.abs(r.axes[1]) > 0.8, `the wider spread is along the second coordinate: ${Array.from(r.axes.slice(0, 3))}`);
  });

  it('says what was wrong with bad input', () => {
    assert.throws(() => pca(rows([[1, 2], [3, 4]]), 3), /at least 1 row and 3 columns/);
    assert.throws(() => pca(rows([[1, 2, 3]]), 4), /2 or 3 axes/);
    assert.throws(() => pca(rows([[1, Number.NaN]]), 2), /finite/);
    assert.throws(() => pca(makeTensor([4], new Float64Array(4)), 2), /shape \(N, D\)/);
  });
});
