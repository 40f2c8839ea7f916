import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrationToPlotly } from '../../../../src/core/figures/plotly/calibration';
import { FIGURE_SPEC_VERSION, type CalibrationFigure } from '../../../../src/core/figures/spec';
import { assertThemed, byName, deepFreeze, obj, sentinelTheme, titleOf } from './helpers';

const spec: CalibrationFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'calibration',
  x: [0.9, 0.2, 0.55],
  y: [0.7, 0.3, 0.5],
  anchors: [4, 9, 17],
  reliability: { x: [0.2, 0.725], y: [0.3, 0.6], counts: [1, 2] },
  xLabel: 'IoU',
  yLabel: 'σ',
};

describe('calibrationToPlotly', () => {
  const theme = sentinelTheme(17);

  it('positives as markers, the diagonal, and the reliability curve, on square [0, 1] axes', () => {
    const figure = calibrationToPlotly(spec, theme);
    assert.equal(figure.data.length, 3);
    const diagonal = byName(figure, 'σ = IoU');
    assert.deepEqual([diagonal.x, diagonal.y], [[0, 1], [0, 1]]);
    assert.equal(obj(diagonal.line).dash, 'dash');
    const points = byName(figure, 'positives');
    assert.equal(points.mode, 'markers');
    assert.equal(points.x, spec.x);
    assert.equal(points.y, spec.y);
    assert.equal(points.customdata, spec.anchors);
    const curve = byName(figure, 'mean σ per IoU bin');
    assert.equal(curve.x, spec.reliability?.x);
    assert.equal(curve.customdata, spec.reliability?.counts);
    assert.equal(titleOf(figure.layout.xaxis), 'IoU');
    assert.equal(titleOf(figure.layout.yaxis), 'σ');
    assert.equal(obj(figure.layout.yaxis).scaleanchor, 'x');
    assert.deepEqual(obj(figure.layout.xaxis).range, [-0.02, 1.02]);
  });

  it('no reliability curve when the spec has none; no positives is fine', () => {
    const bare: CalibrationFigure = { ...spec, x: [], y: [], anchors: [], reliability: undefined };
    assert.equal(calibrationToPlotly(bare, theme).data.length, 2);
  });

  it("given the cell's width, is as tall as its square plot needs to fill it, with the legend below", () => {
    assert.equal(calibrationToPlotly(spec, theme).layout.height, undefined);
    const height = (width: number): number => calibrationToPlotly(spec, theme, { width }).layout.height as number;
    // 100 px more width, 100 px more height: the plot stays square.
    assert.equal(height(600) - height(500), 100);
    assert.equal(height(5000), 720);
    assert.equal(obj(calibrationToPlotly(spec, theme).layout.legend).orientation, 'h');
  });

  it('is themed and leaves the spec untouched', () => {
    const s = deepFreeze(structuredClone(spec));
    const before = JSON.stringify(s);
    assertThemed(calibrationToPlotly(s, sentinelTheme(17)), sentinelTheme(17));
    assertThemed(calibrationToPlotly(s, sentinelTheme(18)), sentinelTheme(18));
    assert.equal(JSON.stringify(s), before);
  });
});
