import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DISTRIBUTION_HEIGHT, distributionToPlotly } from '../../../../src/core/figures/plotly/distribution';
import type { PlotlyFigure } from '../../../../src/core/figures/plotly/types';
import { FIGURE_SPEC_VERSION, type DistributionFigure } from '../../../../src/core/figures/spec';
import { arr, assertThemed, byName, deepFreeze, obj, sentinelTheme, titleOf } from './helpers';

const labels = (figure: PlotlyFigure): Record<string, unknown>[] => arr(figure.layout.annotations).map((a) => obj(a) as Record<string, unknown>);

// Probabilities over 5 bins, chosen by hand: E = 0·0.1 + 1·0.2 + 2·0.4 + 3·0.2 + 4·0.1 = 2.
const probabilities = [0.1, 0.2, 0.4, 0.2, 0.1];
const withTarget: DistributionFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'distribution',
  probabilities,
  expectation: 2,
  // y = 2.75 spreads over bins 2 and 3 with weights 0.25 and 0.75.
  target: { y: 2.75, left: 2, right: 3, weightLeft: 0.25, weightRight: 0.75 },
  // −(0.25 ln 0.4 + 0.75 ln 0.2) and H(0.25, 0.75), by hand.
  loss: -(0.25 * Math.log(0.4) + 0.75 * Math.log(0.2)),
  entropyFloor: -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)),
  title: 'side l',
};

describe('distributionToPlotly', () => {
  const theme = sentinelTheme(3);

  it('draws the softmax as bars over the bin indices', () => {
    const figure = distributionToPlotly(withTarget, theme);
    const bars = byName(figure, 'softmax');
    assert.equal(bars.type, 'bar');
    assert.deepEqual(bars.x, [0, 1, 2, 3, 4]);
    assert.equal(bars.y, probabilities);
    assert.equal(titleOf(figure.layout.xaxis), 'bin');
    assert.equal(titleOf(figure.layout.yaxis), 'probability');
  });

  it('highlights exactly the two target bins, in another colour, with their weights in one label', () => {
    const figure = distributionToPlotly(withTarget, theme);
    const bins = byName(figure, 'target bins');
    assert.deepEqual(bins.x, [2, 3]);
    assert.deepEqual(bins.y, [0.4, 0.2]);
    assert.deepEqual(bins.customdata, [0.25, 0.75]);
    assert.equal(labels(figure)[2].text, 'w = 0.25 | 0.75');
    assert.notEqual(obj(bins.marker).color, obj(byName(figure, 'softmax').marker).color);
    assert.equal(figure.layout.barmode, 'overlay');
  });

  it('marks the expectation and the target with vertical lines and labels', () => {
    const figure = distributionToPlotly(withTarget, theme);
    const shapes = arr(figure.layout.shapes).map(obj);
    assert.equal(shapes.length, 2);
    assert.deepEqual([shapes[0].x0, shapes[0].x1], [2, 2]);
    assert.deepEqual([shapes[1].x0, shapes[1].x1], [2.75, 2.75]);
    assert.deepEqual(labels(figure).map((a) => a.text), ['E = 2', 'y = 2.75', 'w = 0.25 | 0.75']);
  });

  it('gives each label a row of its own at the top and keeps the bars below the rows', () => {
    const figure = distributionToPlotly(withTarget, theme);
    const rows = labels(figure).map((a) => [a.yref, a.y, a.yanchor, a.yshift]);
    // 3 rows of 1.3 em of the sentinel theme's font, from the top of the plot down.
    const row = Math.ceil(theme.fontSize * 1.3);
    assert.deepEqual(rows, [
      ['y domain', 1, 'top', -0],
      ['y domain', 1, 'top', -row],
      ['y domain', 1, 'top', -2 * row],
    ]);
    // The plot is DISTRIBUTION_HEIGHT less its margins and the three rows under it.
    const plot = DISTRIBUTION_HEIGHT - 60 - 50 - 3 * row;
    const top = arr(obj(figure.layout.yaxis).range)[1] as number;
    // The tallest bar (0.4) ends at least the three rows (and 6 px) below the top of the axis.
    assert.ok(0.4 / top <= 1 - (3 * row + 6) / plot + 1e-12, `${0.4 / top}`);
    assert.deepEqual(obj(figure.layout.xaxis).range, [-0.5, 4.5]);
  });

  it('sets each label on the side of its line with more room', () => {
    // E = 2 is at (2 + 0.5) / 5 = 0.5 of the axis (left half: text to the right); y = 2.75 at 0.65.
    const [e, y, w] = labels(distributionToPlotly(withTarget, theme));
    assert.deepEqual([e.xanchor, y.xanchor], ['left', 'right']);
    // The weights start at the outer edge of bins 2 and 3, on the right: at 3.5, ending there.
    assert.deepEqual([w.x, w.xanchor], [3.5, 'right']);
    const early = labels(distributionToPlotly({ ...withTarget, target: { y: 0.5, left: 0, right: 1, weightLeft: 0.5, weightRight: 0.5 } }, theme))[2];
    assert.deepEqual([early.x, early.xanchor], [-0.5, 'left']);
  });

  it('draws no zero line on the bin axis (it would run through the middle of bin 0)', () => {
    assert.equal(obj(distributionToPlotly(withTarget, theme).layout.xaxis).zeroline, false);
  });

  it('puts the loss and its entropy floor in the title', () => {
    const title = titleOf(distributionToPlotly(withTarget, theme).layout);
    assert.match(title, /^side l/);
    assert.match(title, new RegExp(`DFL ${withTarget.loss?.toPrecision(4)}`));
    assert.match(title, new RegExp(`entropy floor ${withTarget.entropyFloor?.toPrecision(4)}`));
  });

  it('without a target: only the bars and the expectation', () => {
    const plain: DistributionFigure = { version: FIGURE_SPEC_VERSION, kind: 'distribution', probabilities, expectation: 2 };
    const figure = distributionToPlotly(plain, theme);
    assert.equal(figure.data.length, 1);
    assert.equal(arr(figure.layout.shapes).length, 1);
    assert.equal(figure.layout.title, undefined);
  });

  it('an end target highlights the last two bins, with weights (0, 1)', () => {
    const end: DistributionFigure = { ...withTarget, target: { y: 4, left: 3, right: 4, weightLeft: 0, weightRight: 1 } };
    const bins = byName(distributionToPlotly(end, theme), 'target bins');
    assert.deepEqual(bins.x, [3, 4]);
    assert.equal(labels(distributionToPlotly(end, theme))[2].text, 'w = 0 | 1');
  });

  it('is themed and leaves the spec untouched', () => {
    const s = deepFreeze({ ...withTarget });
    const before = JSON.stringify(s);
    assertThemed(distributionToPlotly(s, sentinelTheme(3)), sentinelTheme(3));
    assertThemed(distributionToPlotly(s, sentinelTheme(4)), sentinelTheme(4));
    assert.equal(JSON.stringify(s), before);
  });
});
