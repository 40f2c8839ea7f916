import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogramToPlotly } from '../../../../src/core/figures/plotly/histogram';
import { FIGURE_SPEC_VERSION, type HistogramFigure } from '../../../../src/core/figures/spec';
import { arr, assertThemed, deepFreeze, sentinelTheme, titleOf } from './helpers';

// Regression targets in bin units, with integer-aligned bins and one uneven bin at the end.
const spec: HistogramFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'histogram',
  values: [0.2, 0.7, 1.5, 2.9, 3.5],
  binEdges: [0, 1, 2, 3, 4.5],
  counts: [2, 1, 1, 1],
  xLabel: 'target (bins)',
};

describe('histogramToPlotly', () => {
  const theme = sentinelTheme(9);

  it('draws one bar per bin spanning exactly its edges', () => {
    const figure = histogramToPlotly(spec, theme);
    assert.equal(figure.data.length, 1);
    const bars = figure.data[0];
    assert.equal(bars.type, 'bar');
    assert.equal(bars.y, spec.counts);
    const x = arr(bars.x) as number[];
    const width = arr(bars.width) as number[];
    assert.equal(x.length, 4);
    for (let i = 0; i < 4; i++) {
      assert.equal(x[i] - width[i] / 2, spec.binEdges[i]);
      assert.equal(x[i] + width[i] / 2, spec.binEdges[i + 1]);
    }
    assert.equal(figure.layout.bargap, 0);
    assert.deepEqual(arr(bars.customdata)[3], [3, 4.5]);
    assert.equal(titleOf(figure.layout.xaxis), 'target (bins)');
    assert.equal(titleOf(figure.layout.yaxis), 'count');
  });

  it('an empty histogram has no bars', () => {
    const empty: HistogramFigure = { ...spec, values: [], binEdges: [0], counts: [] };
    assert.equal(arr(histogramToPlotly(empty, theme).data[0].x).length, 0);
  });

  it('overlays further series on the same bins, draws marks as dashed lines, and puts the note under the plot', () => {
    const angles: HistogramFigure = {
      ...spec,
      name: 'target θ_y',
      series: [{ name: 'non-target θ_j', counts: [0.1, 0.2, 0.3, 0.4] }],
      marks: [{ name: 'm = 28.6°', x: 28.6 }, { name: 'π − m <b>', x: 151.4 }],
      note: 'rows 3 & 5',
      yLabel: 'fraction of the series',
    };
    const figure = histogramToPlotly(angles, theme);
    assert.deepEqual(figure.data.map((trace) => trace.name), ['target θ_y', 'non-target θ_j']);
    assert.equal(figure.data[1].x, figure.data[0].x);
    assert.equal(figure.layout.barmode, 'overlay');
    const shapes = arr(figure.layout.shapes) as { x0: number; x1: number; line: { dash: string } }[];
    assert.deepEqual(shapes.map((shape) => [shape.x0, shape.x1, shape.line.dash]), [[28.6, 28.6, 'dash'], [151.4, 151.4, 'dash']]);
    const texts = (arr(figure.layout.annotations) as { text: string }[]).map((a) => a.text);
    assert.deepEqual(texts, ['m = 28.6°', 'π − m &lt;b&gt;', 'rows 3 &amp; 5']);
    assert.equal(titleOf(figure.layout.yaxis), 'fraction of the series');
    assertThemed(histogramToPlotly(deepFreeze(structuredClone(angles)), sentinelTheme(11)), sentinelTheme(11));
  });

  it('is themed and leaves the spec untouched', () => {
    const s = deepFreeze(structuredClone(spec));
    const before = JSON.stringify(s);
    assertThemed(histogramToPlotly(s, sentinelTheme(9)), sentinelTheme(9));
    assertThemed(histogramToPlotly(s, sentinelTheme(10)), sentinelTheme(10));
    assert.equal(JSON.stringify(s), before);
  });
});
