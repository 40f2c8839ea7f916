import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { curvesToPlotly } from '../../../../src/core/figures/plotly/curves';
import { FIGURE_SPEC_VERSION, type CurvesFigure } from '../../../../src/core/figures/spec';
import { arr, assertThemed, deepFreeze, obj, sentinelTheme, titleOf } from './helpers';

function spec(withGrad: boolean, count = 3, points = 5): CurvesFigure {
  const x = Array.from({ length: points }, (_, i) => i / (points - 1));
  return {
    version: FIGURE_SPEC_VERSION,
    kind: 'curves',
    x,
    xLabel: 'σ',
    yLabel: 'QFL',
    series: Array.from({ length: count }, (_, k) => ({
      name: `β = ${k + 1}`,
      y: x.map((s) => s ** (k + 1)),
      ...(withGrad ? { grad: x.map((s) => (k + 1) * s ** k) } : {}),
    })),
  };
}

describe('curvesToPlotly', () => {
  const theme = sentinelTheme(1);

  it('draws one line per series, on the first axis, with the spec arrays passed through', () => {
    const s = spec(false, 3, 7);
    const figure = curvesToPlotly(s, theme);
    assert.equal(figure.data.length, 3);
    figure.data.forEach((trace, k) => {
      assert.equal(trace.type, 'scatter');
      assert.equal(trace.name, `β = ${k + 1}`);
      assert.equal(trace.x, s.x);
      assert.equal(trace.y, s.series[k].y);
      assert.equal(arr(trace.y).length, 7);
      assert.equal(trace.yaxis, undefined);
    });
    assert.equal(titleOf(figure.layout.xaxis), 'σ');
    assert.equal(titleOf(figure.layout.yaxis), 'QFL');
    assert.equal(figure.layout.yaxis2, undefined);
  });

  it('puts each gradient on the second axis, dashed, in its series colour', () => {
    const s = spec(true, 4, 11);
    const figure = curvesToPlotly(s, theme);
    assert.equal(figure.data.length, 8);
    for (let k = 0; k < 4; k++) {
      const value = figure.data[2 * k];
      const grad = figure.data[2 * k + 1];
      assert.equal(value.yaxis, undefined);
      assert.equal(grad.yaxis, 'y2');
      assert.equal(grad.y, s.series[k].grad);
      assert.equal(arr(grad.x).length, 11);
      assert.equal(obj(grad.line).dash, 'dash');
      assert.notEqual(obj(value.line).dash, 'dash');
      assert.equal(obj(grad.line).color, obj(value.line).color);
      assert.equal(grad.legendgroup, value.legendgroup);
      assert.equal(grad.hoverinfo, 'skip');
    }
    // Distinct series get distinct colours while the colorway lasts (3 colours here).
    const colors = [0, 1, 2].map((k) => obj(figure.data[2 * k].line).color);
    assert.equal(new Set(colors).size, 3);
    const y2 = obj(figure.layout.yaxis2);
    assert.equal(y2.overlaying, 'y');
    assert.equal(y2.side, 'right');
    // ∂/∂ of the x title by default, the spec's gradLabel when given.
    assert.equal(titleOf(y2), '∂/∂σ');
    assert.equal(titleOf(curvesToPlotly({ ...s, gradLabel: '∂/∂s' }, theme).layout.yaxis2), '∂/∂s');
    // Plotly's default for an overlaying axis, 'sync', puts its ticks on the first axis's grid
    // lines, at values like −12.9; 'auto' picks round ones.
    assert.equal(y2.tickmode, 'auto');
  });

  it('names several curves in a legend below the plot, anchored to the figure, and one curve by its axis', () => {
    const figure = curvesToPlotly(spec(true, 3), theme);
    assert.equal(figure.layout.showlegend, true);
    const legend = obj(figure.layout.legend);
    // Anchored to the container, the legend gets its own band in the bottom margin, under the
    // x-axis title wherever automargin puts that.
    assert.deepEqual([legend.orientation, legend.yref, legend.y, legend.yanchor], ['h', 'container', 0, 'bottom']);
    assert.equal(curvesToPlotly(spec(true, 1), theme).layout.showlegend, false);
  });

  it('has a unified hover whose template reads both value and gradient', () => {
    const s = spec(true, 2);
    const figure = curvesToPlotly(s, theme);
    assert.equal(figure.layout.hovermode, 'x unified');
    const value = figure.data[0];
    assert.equal(value.customdata, s.series[0].grad);
    assert.match(value.hovertemplate as string, /%\{y[^}]*\}/);
    assert.match(value.hovertemplate as string, /%\{customdata[^}]*\}/);
    const plain = curvesToPlotly(spec(false, 1), theme).data[0];
    assert.doesNotMatch(plain.hovertemplate as string, /customdata/);
  });

  it('keeps template syntax in user names from being read as fields', () => {
    const s: CurvesFigure = { ...spec(false, 1), series: [{ name: 'f %{x}', y: [0, 0, 0, 0, 0] }] };
    const template = curvesToPlotly(s, theme).data[0].hovertemplate as string;
    assert.equal(template.match(/%\{/g)?.length, 1);
  });

  it('takes every colour from the theme and leaves the spec untouched', () => {
    const s = deepFreeze(spec(true, 4));
    const before = JSON.stringify(s);
    const a = curvesToPlotly(s, sentinelTheme(1));
    const b = curvesToPlotly(s, sentinelTheme(2));
    assertThemed(a, sentinelTheme(1));
    assertThemed(b, sentinelTheme(2));
    assert.notEqual(obj(a.data[0].line).color, obj(b.data[0].line).color);
    assert.equal(JSON.stringify(s), before);
  });

  it('handles a single point and no series', () => {
    const one: CurvesFigure = { ...spec(true, 1, 2), x: [0.5], series: [{ name: 'a', y: [1], grad: [2] }] };
    assert.equal(curvesToPlotly(one, theme).data.length, 2);
    const none: CurvesFigure = { ...spec(false, 0) };
    assert.equal(curvesToPlotly(none, theme).data.length, 0);
  });

  it('passes the spec arrays through without copying them, so a slider redraw stays cheap (timed in npm run bench)', () => {
    const s = spec(true, 8, 1000);
    const figure = curvesToPlotly(s, theme);
    const traces = figure.data as { x?: unknown; y?: unknown }[];
    assert.ok(traces.every((trace) => trace.x === s.x), 'every trace shares the x array');
    for (const series of s.series) {
      assert.ok(traces.some((trace) => trace.y === series.y), `${series.name}: values passed through`);
      assert.ok(traces.some((trace) => trace.y === series.grad), `${series.name}: gradient passed through`);
    }
  });
});
