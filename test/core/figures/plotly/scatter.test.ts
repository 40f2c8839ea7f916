import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scatterToPlotly } from '../../../../src/core/figures/plotly/scatter';
import { FIGURE_SPEC_VERSION, type ScatterFigure } from '../../../../src/core/figures/spec';
import { arr, assertThemed, byName, deepFreeze, obj, sentinelTheme, titleOf, tracesOfType } from './helpers';

const s2: ScatterFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'scatter',
  dimensions: 2,
  points: [[1, 0], [0, 1], [0.6, 0.8], [-1, 0], [0.8, 0.6]],
  labels: [0, 1, 1, 2, 0],
  unitSphere: true,
  centres: [[1, 0], [0, 2], [-1, 0]],
  margin: 0.3,
  xLabel: 'e₀',
};

const s3: ScatterFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'scatter',
  dimensions: 3,
  points: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.6, 0.8, 0]],
  labels: [0, 1, 1, 0],
  unitSphere: true,
  centres: [[1, 0, 0], [0, 1, 0]],
  margin: 0.5,
};

describe('scatterToPlotly, 2-D', () => {
  const theme = sentinelTheme(11);

  it('one marker trace per class, holding exactly its points, with centres and the unit circle', () => {
    const figure = scatterToPlotly(s2, theme);
    assert.deepEqual(byName(figure, 'class 0').x, [1, 0.8]);
    assert.deepEqual(byName(figure, 'class 0').customdata, [0, 4]);
    assert.deepEqual(byName(figure, 'class 1').y, [1, 0.8]);
    assert.deepEqual(byName(figure, 'class 2').x, [-1]);
    const centres = byName(figure, 'centres');
    assert.deepEqual([centres.x, centres.y], [[1, 0, -1], [0, 2, 0]]);
    assert.ok((obj(centres.marker).size as number) > (obj(byName(figure, 'class 0').marker).size as number));
    // Class j and centre j share a colour.
    assert.deepEqual(obj(centres.marker).color, [0, 1, 2].map((j) => obj(byName(figure, `class ${j}`).marker).color));
    const circle = byName(figure, 'unit circle');
    (arr(circle.x) as number[]).forEach((x, i) => assert.ok(Math.abs(Math.hypot(x, (arr(circle.y) as number[])[i]) - 1) < 1e-12));
    assert.equal(titleOf(figure.layout.xaxis), 'e₀');
    assert.equal(obj(figure.layout.yaxis).scaleanchor, 'x');
  });

  it('draws a filled ±m wedge around each centre direction (the unscaled centre too)', () => {
    const figure = scatterToPlotly(s2, theme);
    const wedges = figure.data.filter((t) => t.fill === 'toself');
    assert.equal(wedges.length, 3);
    const x = arr(wedges[1].x) as number[];
    const y = arr(wedges[1].y) as number[];
    // Centre 1 points along +y: the arc runs from angle π/2 − 0.3 to π/2 + 0.3.
    assert.ok(Math.abs(Math.atan2(y[1], x[1]) - (Math.PI / 2 - 0.3)) < 1e-12);
    assert.ok(Math.abs(Math.atan2(y[y.length - 2], x[x.length - 2]) - (Math.PI / 2 + 0.3)) < 1e-12);
    assert.ok((wedges[0].opacity as number) < 0.5);
  });

  it('without labels, centres or margin: one trace of all points', () => {
    const plain: ScatterFigure = { version: FIGURE_SPEC_VERSION, kind: 'scatter', dimensions: 2, points: [[0, 1], [2, 3]] };
    const figure = scatterToPlotly(plain, theme);
    assert.equal(figure.data.length, 1);
    assert.deepEqual([figure.data[0].x, figure.data[0].y], [[0, 2], [1, 3]]);
    const empty = scatterToPlotly({ ...plain, points: [] }, theme);
    assert.deepEqual(empty.data[0].x, []);
  });
});

describe('scatterToPlotly, 3-D', () => {
  const theme = sentinelTheme(12);

  it('scatter3d per class, a translucent sphere surface, centres and margin circles on the sphere', () => {
    const figure = scatterToPlotly(s3, theme);
    const sphere = tracesOfType(figure, 'surface');
    assert.equal(sphere.length, 1);
    assert.ok((sphere[0].opacity as number) <= 0.3);
    assert.equal(sphere[0].showscale, false);
    assert.deepEqual(byName(figure, 'class 1').z, [0, 1]);
    assert.deepEqual(byName(figure, 'centres').x, [1, 0]);
    const circles = figure.data.filter((t) => t.type === 'scatter3d' && t.mode === 'lines');
    assert.equal(circles.length, 2);
    // Circle around centre 1 (+y): every point has y = cos 0.5.
    for (const y of arr(circles[1].y) as number[]) assert.ok(Math.abs(y - Math.cos(0.5)) < 1e-12);
    const scene = obj(figure.layout.scene);
    assert.equal(titleOf(scene.xaxis), 'x₀');
    assert.equal(titleOf(scene.zaxis), 'x₂');
    assert.equal(scene.bgcolor, theme.background);
  });
});

describe('scatterToPlotly themes', () => {
  it('takes every colour from the theme and leaves the spec untouched', () => {
    for (const spec of [s2, s3]) {
      const s = deepFreeze(structuredClone(spec));
      const before = JSON.stringify(s);
      assertThemed(scatterToPlotly(s, sentinelTheme(11)), sentinelTheme(11));
      assertThemed(scatterToPlotly(s, sentinelTheme(12)), sentinelTheme(12));
      assert.equal(JSON.stringify(s), before);
    }
  });
});
