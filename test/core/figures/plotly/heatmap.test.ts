import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heatmapToPlotly } from '../../../../src/core/figures/plotly/heatmap';
import { FIGURE_SPEC_VERSION, type HeatmapFigure } from '../../../../src/core/figures/spec';
import { arr, assertThemed, byName, deepFreeze, obj, sentinelTheme, titleOf } from './helpers';

const x = [0, 0.5, 1];
const y = [0, 0.25, 0.5, 0.75];
const spec: HeatmapFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'heatmap',
  x,
  y,
  z: y.map((yj) => x.map((xi) => (xi - yj) ** 2)),
  xLabel: 'σ',
  yLabel: 'y',
  zLabel: 'QFL',
  lines: [{ name: 'σ = y', x: [0, 0.75], y: [0, 0.75] }],
};

describe('heatmapToPlotly', () => {
  const theme = sentinelTheme(7);

  it('puts a note under the map, with room for it, and none without one', () => {
    assert.equal(heatmapToPlotly(spec, theme).layout.annotations, undefined);
    const figure = heatmapToPlotly({ ...spec, note: 'Most similar centres (class–class): 0–2 cos 1 (0°).' }, theme);
    const [note] = arr(figure.layout.annotations) as { text: string; y: number; yanchor: string; yshift: number }[];
    assert.equal(note.text, 'Most similar centres (class–class): 0–2 cos 1 (0°).');
    assert.deepEqual([note.y, note.yanchor], [0, 'top']);
    assert.ok(note.yshift < -40, 'below the x-axis title');
    assert.ok((obj(figure.layout.margin).b as number) > 60);
  });

  it('draws z over (x, y) with the spec arrays passed through, and titled axes and colour bar', () => {
    const figure = heatmapToPlotly(spec, theme);
    const map = figure.data[0];
    assert.equal(map.type, 'heatmap');
    assert.equal(map.x, spec.x);
    assert.equal(map.y, spec.y);
    assert.equal(map.z, spec.z);
    assert.equal(map.colorscale, theme.colorscale);
    assert.equal(titleOf(map.colorbar), 'QFL');
    // Beside the bar, not above it, where it met the top tick (test/renderer/readability.test.ts).
    assert.equal(obj(obj(map.colorbar).title).side, 'right');
    assert.equal(titleOf(figure.layout.xaxis), 'σ');
    assert.equal(titleOf(figure.layout.yaxis), 'y');
  });

  it('draws each reference line over the map, dashed', () => {
    const figure = heatmapToPlotly(spec, theme);
    assert.equal(figure.data.length, 2);
    const line = byName(figure, 'σ = y');
    assert.equal(line.type, 'scatter');
    assert.deepEqual([line.x, line.y], [[0, 0.75], [0, 0.75]]);
    assert.equal(obj(line.line).dash, 'dash');
    assert.equal(figure.layout.showlegend, true);
    assert.equal(heatmapToPlotly({ ...spec, lines: undefined }, theme).data.length, 1);
  });

  it('is themed and leaves the spec untouched', () => {
    const s = deepFreeze(structuredClone(spec));
    const before = JSON.stringify(s);
    assertThemed(heatmapToPlotly(s, sentinelTheme(7)), sentinelTheme(7));
    assertThemed(heatmapToPlotly(s, sentinelTheme(8)), sentinelTheme(8));
    assert.equal(JSON.stringify(s), before);
  });
});
