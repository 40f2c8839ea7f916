import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distributionGridToPlotly } from '../../../../src/core/figures/plotly/distributionGrid';
import { FIGURE_SPEC_VERSION, type DistributionGridFigure, type DistributionPanel } from '../../../../src/core/figures/spec';
import { arr, assertThemed, deepFreeze, obj, sentinelTheme, titleOf } from './helpers';

const panel = (name: string, y: number | undefined): DistributionPanel => {
  const probabilities = [0.25, 0.25, 0.25, 0.25];
  if (y === undefined) return { name, probabilities, expectation: 1.5 };
  const left = Math.floor(y);
  return { name, probabilities, expectation: 1.5, target: { y, left, right: left + 1, weightLeft: left + 1 - y, weightRight: y - left }, loss: Math.log(4), entropyFloor: 0.5 };
};

const spec: DistributionGridFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'distribution-grid',
  panels: [panel('l', 0.5), panel('t', 1.25), panel('r', 2), panel('b', 2.9)],
  columns: 2,
  xLabel: 'bin (stride units)',
  title: 'anchor 7',
};

describe('distributionGridToPlotly', () => {
  const theme = sentinelTheme(5);

  it('lays the four sides out on a 2×2 grid of independent axes', () => {
    const figure = distributionGridToPlotly(spec, theme);
    assert.deepEqual(obj(figure.layout.grid).rows, 2);
    assert.deepEqual(obj(figure.layout.grid).columns, 2);
    assert.equal(figure.data.length, 8);
    const axes = ['x', 'x2', 'x3', 'x4'];
    axes.forEach((xa, k) => {
      const traces = figure.data.filter((t) => t.xaxis === xa);
      assert.equal(traces.length, 2, xa);
      assert.ok(traces.every((t) => t.yaxis === `y${k === 0 ? '' : k + 1}`));
    });
    for (const key of ['xaxis', 'xaxis2', 'xaxis3', 'xaxis4', 'yaxis', 'yaxis2', 'yaxis3', 'yaxis4']) assert.ok(figure.layout[key] !== undefined, key);
    // Bin titles on the bottom row only, probability on the left column only.
    assert.deepEqual(['xaxis', 'xaxis2', 'xaxis3', 'xaxis4'].map((k) => titleOf(figure.layout[k])), ['', '', 'bin (stride units)', 'bin (stride units)']);
    assert.deepEqual(['yaxis', 'yaxis2', 'yaxis3', 'yaxis4'].map((k) => titleOf(figure.layout[k])), ['probability', '', 'probability', '']);
  });

  it("highlights each side's own two bins with its weights", () => {
    const figure = distributionGridToPlotly(spec, theme);
    const highlighted = figure.data.filter((t) => t.name === 'target bins');
    assert.deepEqual(highlighted.map((t) => t.x), [[0, 1], [1, 2], [2, 3], [2, 3]]);
    const weights = arr(figure.layout.annotations).map((a) => obj(a)).filter((a) => String(a.text).startsWith('w = '));
    assert.deepEqual(weights.map((a) => [a.text, a.xref]), [
      ['w = 0.5 | 0.5', 'x'],
      ['w = 0.75 | 0.25', 'x2'],
      ['w = 1 | 0', 'x3'],
      ['w = 0.1 | 0.9', 'x4'],
    ]);
    // The legend lists softmax and target bins once.
    assert.equal(figure.data.filter((t) => t.showlegend === true).length, 2);
  });

  it('titles each panel with its name and DFL, and draws its lines on its own axes', () => {
    const figure = distributionGridToPlotly(spec, theme);
    const annotations = arr(figure.layout.annotations).map(obj);
    for (const name of ['l', 't', 'r', 'b']) assert.ok(annotations.some((a) => (a.text as string).startsWith(`<b>${name}</b> · DFL 1.386`)), name);
    const shapes = arr(figure.layout.shapes).map(obj);
    assert.equal(shapes.length, 8);
    assert.deepEqual(shapes.filter((s) => s.xref === 'x4').map((s) => s.x0), [1.5, 2.9]);
  });

  it('panels without targets and odd counts', () => {
    const three: DistributionGridFigure = { ...spec, panels: [panel('a', undefined), panel('b', undefined), panel('c', undefined)] };
    const figure = distributionGridToPlotly(three, theme);
    assert.equal(figure.data.length, 3);
    assert.deepEqual([obj(figure.layout.grid).rows, obj(figure.layout.grid).columns], [2, 2]);
    const empty = distributionGridToPlotly({ ...spec, panels: [] }, theme);
    assert.equal(empty.data.length, 0);
  });

  it('is themed and leaves the spec untouched', () => {
    const s = deepFreeze(structuredClone(spec));
    const before = JSON.stringify(s);
    assertThemed(distributionGridToPlotly(s, sentinelTheme(5)), sentinelTheme(5));
    assertThemed(distributionGridToPlotly(s, sentinelTheme(6)), sentinelTheme(6));
    assert.equal(JSON.stringify(s), before);
  });
});
