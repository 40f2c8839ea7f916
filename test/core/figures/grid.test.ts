import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decimalsOf, gridPoints } from '../../../src/core/figures/grid';

/** Digits after the point of a number as JavaScript prints it (exponent form counted out). */
function printedDecimals(x: number): number {
  const [mantissa, exponent = '0'] = String(x).split('e');
  return Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - Number(exponent));
}

describe('gridPoints', () => {
  it('decimalsOf counts the digits after the point at 12 significant digits', () => {
    assert.deepEqual([0.0049, 0.0125, 5, 250, 1e-7, 2.5e-7, 0, 0.004900000000000001].map(decimalsOf), [4, 4, 0, 0, 7, 8, 0, 4]);
  });

  // The ranges of the sample notebooks' plots and heat maps, and a few awkward ones.
  const cases: [number, number, number][] = [
    [0.01, 0.99, 201],
    [0.001, 0.999, 1000],
    [0, 15, 301],
    [0, 2.5, 201],
    [0, 1, 61],
    [0.01, 0.99, 61],
    [-3, 7, 41],
    [0.123456, 10.123456, 11],
    [1e-6, 2e-6, 5],
    [-0.5, 0.5, 7],
  ];

  it('each point is from + i·step to within rounding, and prints with no more decimals than the step and from', () => {
    for (const [from, to, count] of cases) {
      const points = gridPoints(from, to, count);
      const step = (to - from) / (count - 1);
      const allowed = Math.max(decimalsOf(step), decimalsOf(from));
      assert.equal(points.length, count);
      assert.deepEqual([points[0], points[count - 1]], [from, to]);
      points.forEach((x, i) => {
        // Exact decimal arithmetic by hand: the rounding moves a point by less than half a unit in its last decimal.
        assert.ok(Math.abs(x - (from + i * step)) <= 0.5 * 10 ** -allowed + 1e-15 * Math.abs(to - from), `${from}..${to}: point ${i} = ${x}`);
        assert.ok(printedDecimals(x) <= allowed, `${from}..${to}: point ${i} prints as ${x}, more than ${allowed} decimals`);
        if (i > 0) assert.ok(x > points[i - 1], `${from}..${to}: increasing at ${i}`);
      });
    }
  });

  it('the points are the short decimals a person would write', () => {
    // 0.01 + 10 × 0.0049 = 0.059, 0.01 + 200 × 0.0049 = 0.99; 0.2 + 0.1 would be 0.30000000000000004.
    const x = gridPoints(0.01, 0.99, 201);
    assert.deepEqual([x[10], x[100], x[199]], [0.059, 0.5, 0.9851]);
    assert.deepEqual(gridPoints(0, 1, 11), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    assert.deepEqual(gridPoints(0.2, 0.4, 3), [0.2, 0.3, 0.4]);
    // A step that is no short decimal (π / 300) keeps 12 significant digits, and the end is π itself.
    const angles = gridPoints(0, Math.PI, 301);
    assert.equal(angles[300], Math.PI);
    assert.ok(Math.abs(angles[150] - Math.PI / 2) < 1e-12);
    assert.deepEqual(gridPoints(3, 3, 1), [3]);
  });
});
