import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anchorMapToPlotly } from '../../../../src/core/figures/plotly/anchorMap';
import { FIGURE_SPEC_VERSION, type AnchorMapFigure } from '../../../../src/core/figures/spec';
import { assertThemed, deepFreeze, obj, sentinelTheme, titleOf } from './helpers';

const spec: AnchorMapFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'anchor-map',
  z: [
    [0.5, null, 2],
    [1, 1.5, 0],
  ],
  anchors: [
    [0, null, 1],
    [2, 3, 4],
  ],
  stride: 8,
  zLabel: 'loss_dfl',
  title: 'DFL per anchor',
};

describe('anchorMapToPlotly', () => {
  const theme = sentinelTheme(15);

  it('is a heatmap in grid coordinates, rows downwards, square cells, gaps left empty', () => {
    const figure = anchorMapToPlotly(spec, theme);
    assert.equal(figure.data.length, 1);
    const map = figure.data[0];
    assert.equal(map.type, 'heatmap');
    assert.equal(map.z, spec.z);
    assert.equal(map.customdata, spec.anchors);
    assert.equal(map.hoverongaps, false);
    assert.equal(map.x, undefined);
    assert.match(map.hovertemplate as string, /anchor %\{customdata\}/);
    assert.match(map.hovertemplate as string, /8 px/);
    assert.equal(titleOf(map.colorbar), 'loss_dfl');
    const y = obj(figure.layout.yaxis);
    assert.equal(y.autorange, 'reversed');
    assert.equal(y.scaleanchor, 'x');
    assert.equal(titleOf(figure.layout.xaxis), 'column');
    assert.equal(titleOf(y), 'row');
  });

  it("given the cell's width, is as tall as the grid's aspect needs to fill it, within a screen's height", () => {
    const height = (z: AnchorMapFigure['z'], width: number): unknown => anchorMapToPlotly({ ...spec, z }, theme, { width }).layout.height;
    assert.equal(anchorMapToPlotly(spec, theme).layout.height, undefined);
    const square = Array.from({ length: 40 }, () => new Array<number>(40).fill(1));
    const wide = Array.from({ length: 20 }, () => new Array<number>(40).fill(1));
    // Twice the width, twice the map's height (the margins stay); half the rows, half of it.
    const [a, b, c] = [height(square, 500) as number, height(square, 700) as number, height(wide, 700) as number];
    assert.ok(b > a);
    assert.ok(Math.abs(b - a - 200) <= 1, `${b - a}`);
    assert.ok(Math.abs(b - c - (b - 110) / 2) <= 1, `${b} ${c}`);
    assert.equal(height(Array.from({ length: 400 }, () => [1]), 700), 720);
    // Its title runs along the colour bar, so the bar takes little of the width.
    assert.equal(obj(obj(anchorMapToPlotly(spec, theme).data[0].colorbar).title).side, 'right');
  });

  it('without a stride the hover has no pixel position', () => {
    const { stride: _stride, ...rest } = spec;
    assert.doesNotMatch(anchorMapToPlotly(rest, theme).data[0].hovertemplate as string, /px/);
  });

  it('is themed and leaves the spec untouched', () => {
    const s = deepFreeze(structuredClone(spec));
    const before = JSON.stringify(s);
    assertThemed(anchorMapToPlotly(s, sentinelTheme(15)), sentinelTheme(15));
    assertThemed(anchorMapToPlotly(s, sentinelTheme(16)), sentinelTheme(16));
    assert.equal(JSON.stringify(s), before);
  });
});
