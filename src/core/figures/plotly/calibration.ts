import type { CalibrationFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { axis, baseConfig, baseLayout, bottomLegend, heightForAspect, seriesColor } from './layout';
import type { FigureSize, PlotlyFigure, PlotlyTrace } from './types';

/**
 * QFL calibration: one marker per positive at (IoU target, σ of the labelled class), the diagonal
 * σ = IoU that QFL drives them to, and the binned mean σ per IoU bin as a line. Both axes span
 * [0, 1] at a 1:1 aspect, so distance from the diagonal reads the same either way. Given the
 * cell's width, the figure is as tall as that square needs to fill it (up to a screen's height),
 * with the legend below the plot rather than beside it.
 */
export function calibrationToPlotly(spec: CalibrationFigure, theme: FigureTheme, size?: FigureSize): PlotlyFigure {
  const margin = { l: 60, r: 30, t: spec.title === undefined ? 30 : 60, b: 50 };
  // Below the plot: tick labels, the axis title and the legend's row.
  const below = 3 * Math.ceil(theme.fontSize * 1.3);
  const data: PlotlyTrace[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: spec.xLabel.includes('IoU') ? 'σ = IoU' : 'σ = target',
      x: [0, 1],
      y: [0, 1],
      line: { color: theme.lineColor, width: 1.5, dash: 'dash' },
      hoverinfo: 'skip',
    },
  ];
  // One trace per level when the positives span several, so the legend names each level's colour.
  const markers = (name: string, x: readonly number[], y: readonly number[], anchors: readonly number[], color: string): PlotlyTrace => ({
    type: 'scatter',
    mode: 'markers',
    name,
    x,
    y,
    customdata: anchors,
    marker: { color, size: 7, opacity: 0.75 },
    hovertemplate: `anchor %{customdata}${spec.levels === undefined ? '' : `, ${name}`}<br>target %{x:.4g}<br>σ %{y:.4g}<extra></extra>`,
  });
  if (spec.levels === undefined) data.push(markers('positives', spec.x, spec.y, spec.anchors, theme.blue));
  else {
    const levels = spec.levels;
    for (const level of [...new Set(levels)].sort((a, b) => a - b)) {
      const at = levels.flatMap((l, i) => (l === level ? [i] : []));
      data.push(markers(`level ${level}`, at.map((i) => spec.x[i]), at.map((i) => spec.y[i]), at.map((i) => spec.anchors[i]), seriesColor(theme, level - 1)));
    }
  }
  if (spec.reliability !== undefined) {
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: spec.levels === undefined ? 'mean σ per IoU bin' : 'mean σ per bin',
      x: spec.reliability.x,
      y: spec.reliability.y,
      customdata: spec.reliability.counts,
      line: { color: theme.orange, width: 2 },
      marker: { color: theme.orange, size: 6 },
      hovertemplate: 'IoU ≈ %{x:.3g}: mean σ %{y:.4g} over %{customdata}<extra></extra>',
    });
  }
  const layout = baseLayout(theme, spec.title, {
    margin,
    ...(size !== undefined ? { height: heightForAspect(size.width - margin.l - margin.r, 1, margin.t + margin.b + below) } : {}),
    legend: bottomLegend(theme),
    xaxis: axis(theme, spec.xLabel, { range: [-0.02, 1.02], constrain: 'domain' }),
    yaxis: axis(theme, spec.yLabel, { range: [-0.02, 1.02], scaleanchor: 'x', scaleratio: 1, constrain: 'domain' }),
    hovermode: 'closest',
  });
  return { data, layout, config: baseConfig() };
}
