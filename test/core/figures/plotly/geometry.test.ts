import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { marginCircle, marginWedge, unitCircle, unitSphere } from '../../../../src/core/figures/plotly/geometry';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('figure geometry', () => {
  it('the unit circle is closed and of radius 1', () => {
    const { x, y } = unitCircle(64);
    assert.equal(x.length, 65);
    x.forEach((xi, i) => close(Math.hypot(xi, y[i]), 1));
    close(x[0], x[64]);
    close(y[0], y[64]);
  });

  it('the unit sphere grid lies on the sphere', () => {
    const { x, y, z } = unitSphere(6, 12);
    assert.equal(x.length, 7);
    assert.equal(x[0].length, 13);
    x.forEach((row, i) => row.forEach((xi, j) => close(Math.hypot(xi, y[i][j], z[i][j]), 1)));
  });

  it('a margin wedge runs from the origin over exactly ±m around the centre direction', () => {
    fc.assert(
      fc.property(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.double({ min: 0.01, max: 1.5, noNaN: true }), fc.double({ min: 0.1, max: 10, noNaN: true }), (phi, m, r) => {
        const { x, y } = marginWedge(r * Math.cos(phi), r * Math.sin(phi), m, 16);
        assert.deepEqual([x[0], y[0], x[x.length - 1], y[y.length - 1]], [0, 0, 0, 0]);
        for (let i = 1; i < x.length - 1; i++) {
          close(Math.hypot(x[i], y[i]), 1, 1e-12);
          // Angle from the centre direction: cos of it is the dot product with the unit direction.
          const cosine = x[i] * Math.cos(phi) + y[i] * Math.sin(phi);
          assert.ok(cosine >= Math.cos(m) - 1e-12);
        }
        close(x[1] * Math.cos(phi) + y[1] * Math.sin(phi), Math.cos(m), 1e-12);
        close(x[x.length - 2] * Math.cos(phi) + y[y.length - 2] * Math.sin(phi), Math.cos(m), 1e-12);
      }),
      { numRuns: 100 },
    );
  });

  it('a margin circle lies on the sphere at angle m from the centre', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }), fc.double({ min: 0, max: 3, noNaN: true }), (c, m) => {
        const norm = Math.hypot(c[0], c[1], c[2]);
        fc.pre(norm > 1e-3);
        const circle = marginCircle(c, m, 24);
        assert.equal(circle.x.length, 25);
        for (let i = 0; i < circle.x.length; i++) {
          close(Math.hypot(circle.x[i], circle.y[i], circle.z[i]), 1, 1e-12);
          close((circle.x[i] * c[0] + circle.y[i] * c[1] + circle.z[i] * c[2]) / norm, Math.cos(m), 1e-12);
        }
      }),
      { numRuns: 100 },
    );
    // Centres along the axes (where a naive perpendicular degenerates) and a zero centre.
    for (const c of [[1, 0, 0], [0, 1, 0], [0, 0, -2]]) {
      const circle = marginCircle(c, 0.5, 8);
      circle.x.forEach((xi, i) => close(xi * c[0] + circle.y[i] * c[1] + circle.z[i] * c[2], Math.cos(0.5) * Math.hypot(c[0], c[1], c[2]), 1e-12));
    }
    assert.equal(marginCircle([0, 0, 0], 0.5).x.length, 0);
  });
});
