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

  it('is themed and leaves the spec untouched', () => {
    const s = deepFreeze(structuredClone(spec));
    const before = JSON.stringify(s);
    assertThemed(histogramToPlotly(s, sentinelTheme(9)), sentinelTheme(9));
    assertThemed(histogramToPlotly(s, sentinelTheme(10)), sentinelTheme(10));
    assert.equal(JSON.stringify(s), before);
  });
});
