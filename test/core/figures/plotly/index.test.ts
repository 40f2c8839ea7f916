import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPlotly } from '../../../../src/core/figures/plotly/index';
import { FIGURE_SPEC_VERSION, type FigureSpec } from '../../../../src/core/figures/spec';
import { defaultTheme } from '../../../../src/core/figures/theme';
import { assertThemed, deepFreeze, sentinelTheme } from './helpers';

const v = FIGURE_SPEC_VERSION;
const specs: FigureSpec[] = [
  { version: v, kind: 'curves', x: [0, 1], xLabel: 'x', yLabel: 'y', series: [{ name: 'a', y: [0, 1], grad: [1, 1] }] },
  { version: v, kind: 'distribution', probabilities: [0.5, 0.5], expectation: 0.5, target: { y: 0.5, left: 0, right: 1, weightLeft: 0.5, weightRight: 0.5 }, loss: Math.LN2, entropyFloor: Math.LN2 },
  { version: v, kind: 'distribution-grid', panels: [{ name: 'l', probabilities: [1, 0], expectation: 0 }], columns: 2, xLabel: 'bin' },
  { version: v, kind: 'heatmap', x: [0, 1], y: [0, 1], z: [[0, 1], [1, 0]], xLabel: 'x', yLabel: 'y', zLabel: 'z' },
  { version: v, kind: 'histogram', values: [0.5], binEdges: [0, 1], counts: [1], xLabel: 'v' },
  { version: v, kind: 'scatter', dimensions: 2, points: [[1, 0]], labels: [0], unitSphere: true },
  { version: v, kind: 'scatter', dimensions: 3, points: [[1, 0, 0]], centres: [[0, 0, 1]], margin: 0.2, unitSphere: true },
  { version: v, kind: 'table', columns: ['a'], rows: [[1]] },
  { version: v, kind: 'anchor-map', z: [[1, null]], anchors: [[0, null]], zLabel: 'loss' },
  { version: v, kind: 'calibration', x: [0.5], y: [0.4], anchors: [0], xLabel: 'IoU', yLabel: 'σ' },
];

describe('toPlotly', () => {
  it('draws every figure kind, every colour from the theme, the spec unchanged', () => {
    for (const raw of specs) {
      const spec = deepFreeze(structuredClone(raw));
      const before = JSON.stringify(spec);
      for (const theme of [sentinelTheme(21), sentinelTheme(22)]) {
        const figure = toPlotly(spec, theme);
        assert.ok(figure.data.length > 0, spec.kind);
        assertThemed(figure, theme);
        assert.equal(figure.config.displaylogo, false);
        // Plain data: survives JSON, as the renderer may post it across a message boundary.
        assert.doesNotThrow(() => JSON.stringify(figure));
      }
      assert.equal(JSON.stringify(spec), before, spec.kind);
    }
  });

  it('switching between the light and dark defaults changes the background and text colours', () => {
    for (const spec of specs) {
      const light = toPlotly(spec, defaultTheme('light'));
      const dark = toPlotly(spec, defaultTheme('dark'));
      assert.notEqual(light.layout.paper_bgcolor, dark.layout.paper_bgcolor);
      assert.notEqual(JSON.stringify(light.layout.font), JSON.stringify(dark.layout.font));
      assert.deepEqual(
        light.data.map((t) => t.type),
        dark.data.map((t) => t.type),
      );
    }
  });

  it('uses the theme font size', () => {
    const figure = toPlotly(specs[0], { ...defaultTheme('dark'), fontSize: 17 });
    assert.equal((figure.layout.font as { size: number }).size, 17);
  });
});
