import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FigureRecomputer, RecomputeError } from '../../../src/core/language/recompute';
import type { CurvesFigure, DistributionFigure, FigureSpec } from '../../../src/core/figures/spec';
import { Session } from '../../../src/core/language/session';

/** Runs cells in a fresh session and returns the figure of the last one. */
function figureOf(cells: readonly string[]): FigureSpec {
  const session = new Session();
  let last = session.runCell('');
  for (const cell of cells) last = session.runCell(cell);
  const figure = last.find((output) => output.kind === 'figure');
  assert.ok(figure !== undefined && figure.kind === 'figure', JSON.stringify(last));
  return figure.spec;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('FigureRecomputer', () => {
  const cells = ['beta = 2', 'f(s, y) = abs(y - s)^beta', 'y0 = 0.5', 'plot(f(s, y0), s, 0, 1, {points: 11, grad: true, sliders: {beta: [0, 4], y0: [0, 1]}})'];

  it('reproduces the kernel figure at the original slider values', () => {
    const spec = figureOf(cells);
    assert.ok(spec.source !== undefined);
    const again = new FigureRecomputer(spec.source).update({});
    assert.deepEqual(again, spec);
  });

  it('matches the closed form |y − s|^β and its derivative for new slider values', () => {
    const spec = figureOf(cells);
    assert.ok(spec.source !== undefined);
    const recomputer = new FigureRecomputer(spec.source);
    for (const [beta, y0] of [[3, 0.25], [1.5, 0.9], [4, 0]]) {
      const next = recomputer.update({ beta, y0 }) as CurvesFigure;
      assert.equal(next.kind, 'curves');
      next.x.forEach((s, i) => {
        const r = Math.abs(y0 - s);
        assert.ok(Math.abs(next.series[0].y[i] - r ** beta) <= 1e-12, `y at s = ${s}`);
        const slope = r === 0 ? 0 : -beta * r ** (beta - 1) * Math.sign(y0 - s);
        assert.ok(Math.abs((next.series[0].grad ?? [])[i] - slope) <= 1e-9, `grad at s = ${s}`);
      });
      assert.deepEqual(next.sliders?.map((slider) => slider.value), [beta, y0]);
    }
  });

  it('agrees with a session that ran the cells with the new value directly', () => {
    const spec = figureOf(cells);
    assert.ok(spec.source !== undefined);
    const recomputed = new FigureRecomputer(spec.source).update({ beta: 0.7 });
    const direct = figureOf(['beta = 0.7', ...cells.slice(1)]);
    assert.deepEqual(recomputed, direct);
  });

  it('recomputes dist with array bindings (mathjs matrices) and a target slider', () => {
    const spec = figureOf(['z = [0, 1, 3, 1, 0]', 't = 1.5', 'dist(z, t, {sliders: {t: [0, 4, 0.25]}})']);
    assert.ok(spec.source !== undefined);
    assert.deepEqual(spec.source.bindings.z, [0, 1, 3, 1, 0]);
    const next = new FigureRecomputer(spec.source).update({ t: 2.25 }) as DistributionFigure;
    assert.deepEqual([next.target?.left, next.target?.right], [2, 3]);
    assert.ok(Math.abs((next.target?.weightLeft ?? 0) - 0.75) < 1e-12);
    const e = [0, 1, 3, 1, 0].map(Math.exp);
    const total = e.reduce((a, b) => a + b, 0);
    const expected = -(0.75 * Math.log(e[2] / total) + 0.25 * Math.log(e[3] / total));
    assert.ok(Math.abs((next.loss ?? 0) - expected) < 1e-12);
  });

  it('recomputes a heatmap with a slider', () => {
    const spec = figureOf(['k = 1', 'heatmap(sigmoid(k * x) * y, x, -1, 1, y, 0, 1, {points: 3, sliders: {k: [0, 5]}})']);
    assert.ok(spec.source !== undefined);
    const next = new FigureRecomputer(spec.source).update({ k: 2 });
    assert.equal(next.kind, 'heatmap');
    if (next.kind === 'heatmap') assert.ok(Math.abs(next.z[2][2] - sigmoid(2) * 1) < 1e-12);
  });

  it('throws a RecomputeError naming the problem for a failing statement, a non-figure and a bad value', () => {
    assert.throws(() => new FigureRecomputer({ statement: 'plot(g(s), s, 0, 1)', definitions: ['g(s) = s +'], bindings: {} }), RecomputeError);
    assert.throws(() => new FigureRecomputer({ statement: 'beta + 1', definitions: [], bindings: { beta: 1 } }).update({ beta: 2 }), /yields no figure/);
    assert.throws(() => new FigureRecomputer({ statement: 'plot(s^b, s, 0, 1)', definitions: [], bindings: { b: 1 } }).update({ b: Number.NaN }), /finite number/);
    assert.throws(() => new FigureRecomputer({ statement: 'plot(s^b, s, 0, 1)', definitions: [], bindings: {} }).update({}), RecomputeError);
  });
});
