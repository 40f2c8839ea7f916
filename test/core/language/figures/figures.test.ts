import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CurvesFigure, DistributionFigure, FigureSpec, HeatmapFigure, HistogramFigure, ScatterFigure, TableFigure } from '../../../../src/core/figures/spec';
import { FIGURE_SPEC_VERSION, isFigureSpec } from '../../../../src/core/figures/spec';
import { Session, type CellOutput } from '../../../../src/core/language/session';

function figure<T extends FigureSpec>(session: Session, source: string): T {
  const outputs = session.runCell(source);
  const last = outputs[outputs.length - 1];
  assert.equal(last?.kind, 'figure', `${source}: ${JSON.stringify(outputs)}`);
  const spec = (last as Extract<CellOutput, { kind: 'figure' }>).spec;
  assert.ok(isFigureSpec(spec));
  assert.equal(spec.version, FIGURE_SPEC_VERSION);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(spec)), 'plain, serializable data');
  return spec as T;
}
function errorOf(session: Session, source: string): string {
  const outputs = session.runCell(source);
  const last = outputs[outputs.length - 1];
  assert.equal(last?.kind, 'error', source);
  return (last as Extract<CellOutput, { kind: 'error' }>).message;
}

describe('plot', () => {
  it('samples the requested number of evenly spaced points, 201 by default', () => {
    const session = new Session();
    const spec = figure<CurvesFigure>(session, 'plot(s^2, s, -1, 1, {points: 5})');
    assert.deepEqual(spec.x, [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(spec.series.map((s) => s.y), [[1, 0.25, 0, 0.25, 1]]);
    assert.equal(spec.xLabel, 's');
    assert.equal(figure<CurvesFigure>(session, 'plot(sin(s), s, 0, 1)').x.length, 201);
    assert.match(errorOf(session, 'plot(s, s, 0, 1, {points: 1})'), /between 2 and 100000/);
  });

  it('draws one series per expression and per `over` value, named after them', () => {
    const session = new Session();
    const spec = figure<CurvesFigure>(session, 'plot([qfl(s, 0.5, b), focal(s, 1)], s, 0.1, 0.9, {points: 3, over: {b: [1, 2, 3]}})');
    assert.equal(spec.series.length, 6);
    // A formula with a paper name is called by it; others by their text.
    assert.deepEqual(spec.series.map((s) => s.name), [
      'QFL (b = 1)', 'QFL (b = 2)', 'QFL (b = 3)',
      'focal(s, 1) (b = 1)', 'focal(s, 1) (b = 2)', 'focal(s, 1) (b = 3)',
    ]);
    // qfl(0.1, 0.5, β) by hand for each β.
    for (const [i, beta] of [1, 2, 3].entries()) {
      const want = -(0.5 * Math.log(0.1) + 0.5 * Math.log(0.9)) * 0.4 ** beta;
      assert.ok(Math.abs(spec.series[i].y[0] - want) < 1e-12, `β = ${beta}`);
    }
    assert.equal(spec.yLabel, 'value');
    const named = figure<CurvesFigure>(session, 'plot([s, 2 s], s, 0, 1, {points: 2, names: ["one", "two"], title: "T", y_label: "Y", x_label: "X"})');
    assert.deepEqual(named.series.map((s) => s.name), ['one', 'two']);
    assert.deepEqual([named.title, named.xLabel, named.yLabel], ['T', 'X', 'Y']);
  });

  it('default names read as a person writes them: paper names, Greek letters, ∂/∂ of the variable', () => {
    const session = new Session();
    session.runCell('y = 0.6\nbeta = 2');
    const over = figure<CurvesFigure>(session, 'plot(qfl(s, y, beta), s, 0.01, 0.99, {points: 3, grad: true, over: {beta: [0.5, 4]}})');
    assert.deepEqual(over.series.map((s) => s.name), ['QFL (β = 0.5)', 'QFL (β = 4)']);
    assert.equal(over.yLabel, 'QFL');
    assert.equal(over.gradLabel, '∂/∂s');
    // The x title is the user's; the gradient axis still names the variable.
    const dfl = figure<CurvesFigure>(session, 'plot(dfl([1, 2, 0], t), t, 0, 2, {points: 3, grad: true, x_label: "target distance (bins)"})');
    assert.deepEqual([dfl.series[0].name, dfl.yLabel, dfl.gradLabel], ['DFL', 'DFL', '∂/∂t']);
    assert.equal(figure<CurvesFigure>(session, 'plot(theta ^ 2, theta, 0, 1, {points: 2, grad: true})').gradLabel, '∂/∂θ');
    assert.equal(figure<CurvesFigure>(session, 'plot(s ^ 2, s, 0, 1, {points: 2})').gradLabel, undefined);
    // Two calls of one formula would share its name: they keep their text.
    const two = figure<CurvesFigure>(session, 'plot([qfl(s, 0.3), qfl(s, 0.9), giou([[0, 0, 1, 1]], [[0, 0, 1, s]]).loss], s, 0.1, 0.9, {points: 2})');
    assert.deepEqual(two.series.map((s) => s.name), ['qfl(s, 0.3)', 'qfl(s, 0.9)', 'giou([[0, 0, 1, 1]], [[0, 0, 1, s]]).loss']);
  });

  it('grid points print as the short decimals they are: from + i·step, not its accumulated rounding', () => {
    const session = new Session();
    // 0.01 + 10 × 0.0049 accumulates to 0.059000000000000004 in binary.
    const spec = figure<CurvesFigure>(session, 'plot(s, s, 0.01, 0.99, {points: 201})');
    assert.equal(spec.x[10], 0.059);
    assert.equal(spec.x[8], 0.0492);
    assert.deepEqual([spec.x[0], spec.x[200]], [0.01, 0.99]);
    // Every point has at most the step's 4 decimals.
    for (const x of spec.x) assert.ok((String(x).split('.')[1] ?? '').length <= 4, String(x));
    const map = figure<HeatmapFigure>(session, 'heatmap(s * t, s, 0, 2, t, 0.1, 0.7, {points: 61})');
    for (const v of map.y) assert.ok((String(v).split('.')[1] ?? '').length <= 2, String(v));
    assert.deepEqual(figure<HistogramFigure>(session, 'hist([0.5], {bins: 10, range: [0, 1]})').binEdges, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  });

  it('with grad, the derivatives equal finite differences of the plotted values', () => {
    const session = new Session();
    session.runCell('beta = 1.5; f(s) = qfl(s, 0.3, beta) + sigmoid(4 s)');
    const spec = figure<CurvesFigure>(session, 'plot(f(s), s, 0.05, 0.95, {points: 2001, grad: true})');
    const [{ y, grad }] = spec.series;
    assert.ok(grad !== undefined);
    const h = spec.x[1] - spec.x[0];
    for (let i = 1; i < spec.x.length - 1; i += 50) {
      if (Math.abs(spec.x[i] - 0.3) < 2 * h) continue; // the kink of |y − σ|^β
      const fd = (y[i + 1] - y[i - 1]) / (2 * h);
      assert.ok(Math.abs(grad[i] - fd) < 1e-4 * (1 + Math.abs(fd)), `at ${spec.x[i]}: ${grad[i]} vs ${fd}`);
    }
    // And the values with grad are the values without it.
    const plain = figure<CurvesFigure>(session, 'plot(f(s), s, 0.05, 0.95, {points: 2001})');
    assert.deepEqual(plain.series[0].y, y);
  });

  it('records sliders with a recompute source holding the statement, definitions and bindings', () => {
    const session = new Session();
    session.runCell('beta = 2; w = [1, 2]; big = ones(5000); f(s, y) = qfl(s, y, beta); h(x) = f(x, 0.5) + w[1]');
    const statement = 'plot(h(s), s, 0.01, 0.99, {points: 5, sliders: {beta: [0, 4, 0.5]}})';
    const spec = figure<CurvesFigure>(session, statement);
    assert.deepEqual(spec.sliders, [{ name: 'beta', min: 0, max: 4, step: 0.5, value: 2 }]);
    assert.deepEqual(spec.source, { statement, definitions: ['f(s, y) = qfl(s, y, beta)', 'h(x) = f(x, 0.5) + w[1]'], bindings: { beta: 2, w: [1, 2] } });
    const defaultStep = figure<CurvesFigure>(session, 'plot(qfl(s, 0.5, beta), s, 0, 1, {points: 3, sliders: {beta: slider(1, 3)}})');
    assert.deepEqual(defaultStep.sliders, [{ name: 'beta', min: 1, max: 3, step: 0.02, value: 2 }]);
    assert.equal(figure<CurvesFigure>(session, 'plot(s, s, 0, 1, {points: 2})').source, undefined, 'no sliders, no source');
    // A figure that reads a large value cannot be recomputed elsewhere, so it refuses sliders.
    assert.match(errorOf(session, 'plot(s * big[1] * beta, s, 0, 1, {points: 3, sliders: {beta: [0, 4]}})'), /plot: options.sliders should be used with expressions that read only numbers and small arrays/);
    assert.doesNotThrow(() => figure(session, 'plot(s * big[1] * beta, s, 0, 1, {points: 3})'));
    assert.match(errorOf(session, 'plot(s, s, 0, 1, {sliders: {gamma: [0, 1]}})'), /options.sliders.gamma should be the name of a number variable/);
    assert.match(errorOf(session, 'plot(s * beta, s, 0, 1, {sliders: {beta: [1, 1]}})'), /max > min/);
  });

  it('refuses bad arguments', () => {
    const session = new Session();
    assert.match(errorOf(session, 'plot(s, 2, 0, 1)'), /plot: variable should be a variable name/);
    assert.match(errorOf(session, 'plot(s, s, 0)'), /4 or 5 arguments/);
    assert.match(errorOf(session, 'plot([s, s], s, 0, 1, {pointz: 3})'), /options.pointz should be one of the known options \(title, x_label, y_label, points, grad, over, sliders, names\)/);
    assert.match(errorOf(session, 'plot(s, s, 0, 1, {points: "a"})'), /options.points should be a number/);
  });
});

describe('heatmap', () => {
  it('evaluates z[j][i] at (x[i], y[j]) and draws the diagonal on request', () => {
    const session = new Session();
    const spec = figure<HeatmapFigure>(session, 'heatmap(qfl(s, y), s, 0.1, 0.9, y, 0, 1, {points: 3, diagonal: true})');
    assert.deepEqual(spec.x, [0.1, 0.5, 0.9]);
    assert.deepEqual(spec.y, [0, 0.5, 1]);
    for (const [j, y] of spec.y.entries()) {
      for (const [i, s] of spec.x.entries()) {
        const want = -(y * Math.log(s) + (1 - y) * Math.log(1 - s)) * Math.abs(y - s) ** 2;
        assert.ok(Math.abs(spec.z[j][i] - want) < 1e-12, `(${s}, ${y})`);
      }
    }
    assert.deepEqual(spec.lines, [{ name: 'y = s', x: [0.1, 0.9], y: [0.1, 0.9] }]);
    assert.deepEqual([spec.xLabel, spec.yLabel, spec.zLabel], ['s', 'y', 'qfl(s, y)']);
    assert.equal(figure<HeatmapFigure>(session, 'heatmap(s + y, s, 0, 1, y, 0, 1, {points: 2})').lines, undefined);
  });

  it('draws a matrix as is', () => {
    const spec = figure<HeatmapFigure>(new Session(), 'heatmap([[1, 2, 3], [4, 5, 6]])');
    assert.deepEqual(spec.z, [[1, 2, 3], [4, 5, 6]]);
    // The axes are positions, 1-based as in cells: the cell at (x, y) is z[y, x].
    assert.deepEqual([spec.x, spec.y], [[1, 2, 3], [1, 2]]);
  });

  it('refuses sliders when it reads a large value, like plot', () => {
    const session = new Session();
    session.runCell('big = ones(5000); k = 1');
    assert.match(errorOf(session, 'heatmap(s * y * big[1] * k, s, 0, 1, y, 0, 1, {points: 2, sliders: {k: [0, 2]}})'), /heatmap: options.sliders/);
    assert.deepEqual(figure<HeatmapFigure>(session, 'heatmap(s * y * k, s, 0, 1, y, 0, 1, {points: 2, sliders: {k: [0, 2]}})').source?.bindings, { k: 1 });
  });
});

describe('dist', () => {
  it('y = 2.3 falls between bins 2 and 3 with weights 0.7 and 0.3', () => {
    const spec = figure<DistributionFigure>(new Session(), 'dist([0, 1, 2, 1], 2.3)');
    const e = [0, 1, 2, 1].map(Math.exp);
    const sum = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / sum);
    spec.probabilities.forEach((got, i) => assert.ok(Math.abs(got - p[i]) < 1e-15));
    assert.ok(Math.abs(spec.expectation - p.reduce((a, v, i) => a + v * i, 0)) < 1e-14);
    const target = spec.target!;
    assert.deepEqual([target.y, target.left, target.right], [2.3, 2, 3]);
    assert.ok(Math.abs(target.weightLeft - 0.7) < 1e-12 && Math.abs(target.weightRight - 0.3) < 1e-12);
    assert.ok(Math.abs(spec.loss! - -(0.7 * Math.log(p[2]) + 0.3 * Math.log(p[3]))) < 1e-12);
    assert.ok(Math.abs(spec.entropyFloor! - -(0.7 * Math.log(0.7) + 0.3 * Math.log(0.3))) < 1e-12);
  });

  it('without a target shows only the distribution, and takes options second', () => {
    const session = new Session();
    const spec = figure<DistributionFigure>(session, 'dist([0, 0], {title: "flat"})');
    assert.deepEqual([spec.probabilities, spec.expectation, spec.target, spec.title], [[0.5, 0.5], 0.5, undefined, 'flat']);
    assert.match(errorOf(session, 'dist([1])'), /at least 2 bin logits/);
  });
});

describe('hist, scatter, table', () => {
  it('hist counts by hand, the last edge inclusive', () => {
    const spec = figure<HistogramFigure>(new Session(), 'hist([1, 2, 2, 3, 10], {bins: 3})');
    assert.deepEqual(spec.binEdges, [1, 4, 7, 10]);
    assert.deepEqual(spec.counts, [4, 0, 1]);
    const ranged = figure<HistogramFigure>(new Session(), 'hist([-5, 0, 0.5, 1, 7], {bins: 2, range: [0, 1]})');
    assert.deepEqual([ranged.binEdges, ranged.counts], [[0, 0.5, 1], [1, 2]]);
  });

  it('scatter normalize projects onto the unit circle and draws it', () => {
    const spec = figure<ScatterFigure>(new Session(), 'scatter([[3, 4], [0, 2], [0, 0]], {normalize: true, labels: [0, 1, 1], centres: [[0, 5]], margin: 0.5})');
    assert.deepEqual(spec.points, [[0.6, 0.8], [0, 1], [0, 0]]);
    assert.deepEqual([spec.dimensions, spec.unitSphere, spec.labels, spec.centres, spec.margin], [2, true, [0, 1, 1], [[0, 1]], 0.5]);
    assert.equal(figure<ScatterFigure>(new Session(), 'scatter([[1, 2, 3]])').dimensions, 3);
    assert.match(errorOf(new Session(), 'scatter([[1, 2]], {labels: [0, 1]})'), /one label per point/);
    assert.match(errorOf(new Session(), 'scatter([[1, 2, 3, 4]])'), /\(n, 2\) or \(n, 3\)/);
  });

  it('table shows the top k rows by a column, largest first unless ascending', () => {
    const session = new Session();
    const spec = figure<TableFigure>(session, 'table({loss: [0.1, 0.5, 0.3, 0.5], iou: [0.9, 0.2, 0.4, 0.1]}, {k: 3, by: "loss"})');
    assert.deepEqual(spec.columns, ['index', 'loss', 'iou']);
    // The index is each row's 1-based position, as cells index: loss[2] is 0.5.
    assert.deepEqual(spec.rows, [[2, 0.5, 0.2], [4, 0.5, 0.1], [3, 0.3, 0.4]]);
    const asc = figure<TableFigure>(session, 'table([[5, 1], [2, 2], [9, 3]], {by: "a", ascending: true, columns: ["a", "b"], k: 2})');
    assert.deepEqual(asc.rows, [[2, 2, 2], [1, 5, 1]]);
    assert.match(errorOf(session, 'table({a: [1]}, {by: "b"})'), /one of the columns \(a\)/);
    assert.match(errorOf(session, 'table({a: [1], b: [1, 2]})'), /data.b should be of length 1/);
  });
});
