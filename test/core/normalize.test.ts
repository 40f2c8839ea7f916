import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  NORMALIZE_EPS,
  columnNormsInto,
  columnNormsRangeInto,
  normalizeScaledColumnsBackwardInto,
  normalizeScaledColumnsBackwardTileInto,
  normalizeRowsBackwardInto,
  normalizeRowsInto,
  rowNormsInto,
} from '../../src/core/normalize';
import { assertClose, assertGradientMatches, finiteDifference } from '../helpers/gradcheck';
import { seededRandom } from '../helpers/random';

/** Σ gᵢₖ·v̂ᵢₖ for rows v̂ = v / max(‖v‖, ε), written from the definition, naively. */
function projectedRows(v: Float64Array, rows: number, cols: number, g: Float64Array): number {
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let k = 0; k < cols; k++) norm += v[i * cols + k] ** 2;
    const divisor = Math.max(Math.sqrt(norm), 1e-12);
    for (let k = 0; k < cols; k++) total += (g[i * cols + k] * v[i * cols + k]) / divisor;
  }
  return total;
}

function transpose(v: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) out[k * rows + i] = v[i * cols + k];
  return out;
}

const matrix = fc
  .record({ rows: fc.integer({ min: 0, max: 5 }), cols: fc.integer({ min: 1, max: 6 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      v: fc.float64Array({ minLength: rows * cols, maxLength: rows * cols, min: -3, max: 3, noNaN: true, noDefaultInfinity: true }),
      g: fc.float64Array({ minLength: rows * cols, maxLength: rows * cols, min: -2, max: 2, noNaN: true, noDefaultInfinity: true }),
    }),
  )
  // Finite differences need the norm comfortably away from the ε kink.
  .filter(({ v, rows, cols }) => {
    const norms = new Float64Array(rows);
    rowNormsInto(v, rows, cols, norms);
    return norms.every((n) => n > 0.1);
  });

/** Rows' backward given dL/dv̂ = g for L = Σ g·v̂: computes the dots the caller is expected to supply. */
function rowsBackward(v: Float64Array, rows: number, cols: number, g: Float64Array): Float64Array {
  const norms = new Float64Array(rows);
  rowNormsInto(v, rows, cols, norms);
  const hat = new Float64Array(v.length);
  normalizeRowsInto(v, rows, cols, norms, hat);
  const dots = new Float64Array(rows);
  for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) dots[i] += hat[i * cols + k] * g[i * cols + k];
  const grad = new Float64Array(g);
  normalizeRowsBackwardInto(grad, v, rows, cols, norms, dots);
  return grad;
}

describe('normalize', () => {
  it('normalizes rows to unit length and reports column norms by the definition', () => {
    const v = Float64Array.of(3, 4, 0, 0, 1, 2);
    const norms = new Float64Array(3);
    rowNormsInto(v, 3, 2, norms);
    assertClose('row norms', norms, [5, 0, Math.sqrt(5)]);
    const hat = new Float64Array(6);
    normalizeRowsInto(v, 3, 2, norms, hat);
    assertClose('unit rows', hat, [0.6, 0.8, 0, 0, 1 / Math.sqrt(5), 2 / Math.sqrt(5)]);
    const columnNorms = new Float64Array(2);
    columnNormsInto(v, 3, 2, columnNorms);
    assertClose('column norms', columnNorms, [Math.sqrt(10), Math.sqrt(20)]);
  });

  it('row backward matches finite differences', () => {
    fc.assert(
      fc.property(matrix, ({ rows, cols, v, g }) => {
        const analytic = rowsBackward(v, rows, cols, g);
        const numeric = finiteDifference((t) => projectedRows(t.data, rows, cols, g), { shape: [rows, cols], data: v });
        assertGradientMatches('rows', analytic, numeric, { atol: 1e-6, rtol: 1e-5 });
      }),
      { numRuns: 100 },
    );
  });

  it('scaled column backward (gradient already over the norm) matches finite differences', () => {
    fc.assert(
      fc.property(matrix, ({ rows, cols, v, g }) => {
        const vt = transpose(v, rows, cols);
        const norms = new Float64Array(rows);
        columnNormsInto(vt, cols, rows, norms);
        // g′ⱼ = (dL/dv̂ⱼ)/max(‖vⱼ‖, ε): what x̂ᵀ·(G·diag(1/‖Wⱼ‖)) gives ArcFace.
        const grad = transpose(g, rows, cols);
        for (let k = 0; k < cols; k++) for (let j = 0; j < rows; j++) grad[k * rows + j] /= Math.max(norms[j], 1e-12);
        normalizeScaledColumnsBackwardInto(grad, vt, cols, rows, norms, 0, rows);
        const numeric = finiteDifference((t) => projectedRows(t.data, rows, cols, g), { shape: [rows, cols], data: v });
        assertGradientMatches('columns', transpose(grad, cols, rows), numeric, { atol: 1e-6, rtol: 1e-5 });
      }),
      { numRuns: 100 },
    );
  });

  it('column norms and the scaled column backward give the same bits on any split of the columns', () => {
    const [rows, cols] = [7, 23];
    const random = seededRandom(3);
    const v = Float32Array.from({ length: rows * cols }, () => random() - 0.5);
    for (let k = 0; k < rows; k++) v[k * cols + 5] = 0; // a zero column: gradient passed through
    const g = Float64Array.from({ length: rows * cols }, () => random() - 0.5);
    const whole = new Float64Array(cols);
    columnNormsInto(v, rows, cols, whole);
    const wholeGrad = g.slice();
    normalizeScaledColumnsBackwardInto(wholeGrad, v, rows, cols, whole, 0, cols);
    for (const cut of [1, 5, 6, 22]) {
      const split = new Float64Array(cols);
      columnNormsRangeInto(v, rows, cols, split, cut, cols);
      columnNormsRangeInto(v, rows, cols, split, 0, cut);
      assert.deepEqual(split, whole);
      const splitGrad = g.slice();
      normalizeScaledColumnsBackwardInto(splitGrad, v, rows, cols, split, cut, cols);
      normalizeScaledColumnsBackwardInto(splitGrad, v, rows, cols, split, 0, cut);
      assert.deepEqual(splitGrad, wholeGrad);
    }
    for (let k = 0; k < rows; k++) assert.equal(wholeGrad[k * cols + 5], g[k * cols + 5]);
  });

  it('the tile form of the scaled column backward equals the whole-matrix form, in float64 and float32', () => {
    const [rows, cols] = [7, 23];
    const random = seededRandom(4);
    const v = Float32Array.from({ length: rows * cols }, () => random() - 0.5);
    for (let k = 0; k < rows; k++) v[k * cols + 5] = 0; // a zero column: gradient passed through
    const g = Float64Array.from({ length: rows * cols }, () => random() - 0.5);
    const norms = new Float64Array(cols);
    columnNormsInto(v, rows, cols, norms);
    const whole = g.slice();
    normalizeScaledColumnsBackwardInto(whole, v, rows, cols, norms, 0, cols);
    const tiled = new Float64Array(rows * cols);
    const tiled32 = new Float32Array(rows * cols);
    const given = new Float64Array(rows * cols);
    for (const [j0, width] of [[0, 5], [5, 9], [14, 9]]) {
      const tile = Float64Array.from({ length: rows * width }, (_, e) => g[Math.floor(e / width) * cols + j0 + (e % width)]);
      normalizeScaledColumnsBackwardTileInto(tile, v, rows, cols, norms, j0, width, tiled);
      normalizeScaledColumnsBackwardTileInto(tile, v, rows, cols, norms, j0, width, tiled32);
      // The columns' dots computed by the caller, here by a plain loop in another order (last row first).
      const dots = new Float64Array(width);
      for (let k = 0; k < width; k++) for (let i = rows - 1; i >= 0; i--) dots[k] += v[i * cols + j0 + k] * tile[i * width + k];
      normalizeScaledColumnsBackwardTileInto(tile, v, rows, cols, norms, j0, width, given, dots);
      // Zero dots remove nothing: the tile passes through, so the given dots are the ones used.
      const through = new Float64Array(rows * cols);
      normalizeScaledColumnsBackwardTileInto(tile, v, rows, cols, norms, j0, width, through, new Float64Array(width));
      for (let e = 0; e < rows * width; e++) assert.equal(through[Math.floor(e / width) * cols + j0 + (e % width)], tile[e]);
    }
    // The same sums in the same order (four rows per step) as the whole form: the same bits.
    assert.deepEqual(tiled, whole);
    for (let e = 0; e < rows * cols; e++) {
      assert.equal(tiled32[e], Math.fround(tiled[e]));
      assert.ok(Math.abs(given[e] - whole[e]) <= 1e-15, `element ${e}: ${given[e]} vs ${whole[e]}`);
    }
  });

  it('a zero vector normalizes to zero and passes gradients through divided by ε, as F.normalize', () => {
    const v = new Float64Array(3);
    const norms = new Float64Array(1);
    rowNormsInto(v, 1, 3, norms);
    const hat = new Float64Array(3).fill(9);
    normalizeRowsInto(v, 1, 3, norms, hat);
    assert.deepEqual([...hat], [0, 0, 0]);
    const grad = Float64Array.of(1, -2, 0.5);
    normalizeRowsBackwardInto(grad, v, 1, 3, norms, Float64Array.of(0));
    assertClose('g/ε', grad, [1 / NORMALIZE_EPS, -2 / NORMALIZE_EPS, 0.5 / NORMALIZE_EPS]);
  });
});
