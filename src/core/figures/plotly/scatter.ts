import type { ScatterFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { marginCircle, marginWedge, unitCircle, unitSphere } from './geometry';
import { axis, baseConfig, baseLayout, font, sceneAxis, seriesColor } from './layout';
import type { PlotlyFigure, PlotlyTrace } from './types';

/** Points split by label, sorted by label: one trace per class (scatter and projection figures). */
export function groupByLabel(spec: Pick<ScatterFigure, 'points' | 'labels'>): { label: number | undefined; rows: number[] }[] {
  if (spec.labels === undefined) return [{ label: undefined, rows: spec.points.map((_, i) => i) }];
  const groups = new Map<number, number[]>();
  spec.labels.forEach((label, i) => {
    const rows = groups.get(label);
    if (rows === undefined) groups.set(label, [i]);
    else rows.push(i);
  });
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([label, rows]) => ({ label, rows }));
}

/** Colour of class `label`: class j and centre j share a colour. */
export function classColor(theme: FigureTheme, label: number | undefined): string {
  return label === undefined ? theme.blue : seriesColor(theme, Math.abs(Math.round(label)));
}

/**
 * Embeddings in 2-D or 3-D, coloured by label (class j has colorway colour j, as does centre j);
 * the unit circle or a translucent unit sphere behind them; class centres as larger diamonds; and,
 * with an ArcFace margin m, the region within ±m of each centre's direction: a translucent wedge
 * of the unit circle in 2-D, a circle on the sphere at angle m in 3-D. Axes keep a 1:1 aspect so
 * angles look like angles.
 */
export function scatterToPlotly(spec: ScatterFigure, theme: FigureTheme): PlotlyFigure {
  return spec.dimensions === 3 ? scatter3d(spec, theme) : scatter2d(spec, theme);
}

function scatter2d(spec: ScatterFigure, theme: FigureTheme): PlotlyFigure {
  const data: PlotlyTrace[] = [];
  if (spec.unitSphere === true) {
    const circle = unitCircle();
    data.push({ type: 'scatter', mode: 'lines', name: 'unit circle', x: circle.x, y: circle.y, line: { color: theme.lineColor, width: 1 }, hoverinfo: 'skip', showlegend: false });
  }
  const centres = spec.centres ?? [];
  if (spec.margin !== undefined) {
    centres.forEach((c, j) => {
      const wedge = marginWedge(c[0], c[1], spec.margin as number);
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `margin ±${spec.margin} (class ${j})`,
        x: wedge.x,
        y: wedge.y,
        fill: 'toself',
        fillcolor: classColor(theme, j),
        opacity: 0.2,
        line: { color: classColor(theme, j), width: 0 },
        hoverinfo: 'skip',
        showlegend: false,
      });
    });
  }
  for (const group of groupByLabel(spec)) {
    const x = group.rows.map((i) => spec.points[i][0]);
    const y = group.rows.map((i) => spec.points[i][1]);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: group.label === undefined ? 'points' : `class ${group.label}`,
      x,
      y,
      customdata: group.rows,
      marker: { color: classColor(theme, group.label), size: 7, opacity: 0.85 },
      hovertemplate: 'point %{customdata}: (%{x:.3g}, %{y:.3g})<extra>%{fullData.name}</extra>',
    });
  }
  if (centres.length > 0) {
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'centres',
      x: centres.map((c) => c[0]),
      y: centres.map((c) => c[1]),
      customdata: centres.map((_, j) => j),
      marker: { color: centres.map((_, j) => classColor(theme, j)), size: 16, symbol: 'diamond', line: { color: theme.foreground, width: 2 } },
      hovertemplate: 'centre %{customdata}: (%{x:.3g}, %{y:.3g})<extra></extra>',
    });
  }
  const layout = baseLayout(theme, spec.title, {
    xaxis: axis(theme, spec.xLabel ?? 'x₀'),
    yaxis: axis(theme, spec.yLabel ?? 'x₁', { scaleanchor: 'x', scaleratio: 1 }),
    hovermode: 'closest',
  });
  return { data, layout, config: baseConfig() };
}

function scatter3d(spec: ScatterFigure, theme: FigureTheme): PlotlyFigure {
  const data: PlotlyTrace[] = [];
  if (spec.unitSphere === true) {
    const sphere = unitSphere();
    data.push({
      type: 'surface',
      name: 'unit sphere',
      x: sphere.x,
      y: sphere.y,
      z: sphere.z,
      opacity: 0.12,
      colorscale: [
        [0, theme.lineColor],
        [1, theme.lineColor],
      ],
      showscale: false,
      hoverinfo: 'skip',
      contours: { x: { highlight: false }, y: { highlight: false }, z: { highlight: false } },
    });
  }
  const centres = spec.centres ?? [];
  if (spec.margin !== undefined) {
    centres.forEach((c, j) => {
      const circle = marginCircle(c, spec.margin as number);
      data.push({
        type: 'scatter3d',
        mode: 'lines',
        name: `margin ${spec.margin} (class ${j})`,
        x: circle.x,
        y: circle.y,
        z: circle.z,
        line: { color: classColor(theme, j), width: 4 },
        hoverinfo: 'skip',
        showlegend: false,
      });
    });
  }
  for (const group of groupByLabel(spec)) {
    data.push({
      type: 'scatter3d',
      mode: 'markers',
      name: group.label === undefined ? 'points' : `class ${group.label}`,
      x: group.rows.map((i) => spec.points[i][0]),
      y: group.rows.map((i) => spec.points[i][1]),
      z: group.rows.map((i) => spec.points[i][2]),
      customdata: group.rows,
      marker: { color: classColor(theme, group.label), size: 3.5, opacity: 0.9 },
      hovertemplate: 'point %{customdata}<extra>%{fullData.name}</extra>',
    });
  }
  if (centres.length > 0) {
    data.push({
      type: 'scatter3d',
      mode: 'markers',
      name: 'centres',
      x: centres.map((c) => c[0]),
      y: centres.map((c) => c[1]),
      z: centres.map((c) => c[2]),
      customdata: centres.map((_, j) => j),
      marker: { color: centres.map((_, j) => classColor(theme, j)), size: 8, symbol: 'diamond', line: { color: theme.foreground, width: 2 } },
      hovertemplate: 'centre %{customdata}<extra></extra>',
    });
  }
  const layout = baseLayout(theme, spec.title, {
    scene: {
      xaxis: sceneAxis(theme, spec.xLabel ?? 'x₀'),
      yaxis: sceneAxis(theme, spec.yLabel ?? 'x₁'),
      zaxis: sceneAxis(theme, spec.zLabel ?? 'x₂'),
      bgcolor: theme.background,
      aspectmode: 'data',
    },
    legend: { font: font(theme), bgcolor: theme.background },
    // A scene is a cube seen at an angle: in the usual 320 px, less the 2-D margins, its tick
    // labels were cut off at the bottom. It gets the height and the margins a cube needs.
    height: SCENE_HEIGHT,
    margin: { l: 0, r: 0, t: spec.title === undefined ? 30 : 60, b: 0 },
  });
  return { data, layout, config: baseConfig() };
}

/** The height of a 3-D scatter, in px. */
export const SCENE_HEIGHT = 480;
