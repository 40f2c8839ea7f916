import type { CalibrationFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { axis, baseConfig, baseLayout, bottomLegend, heightForAspect } from './layout';
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
      name: 'σ = IoU',
      x: [0, 1],
      y: [0, 1],
      line: { color: theme.lineColor, width: 1.5, dash: 'dash' },
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'positives',
      x: spec.x,
      y: spec.y,
      customdata: spec.anchors,
      marker: { color: theme.blue, size: 7, opacity: 0.75 },
      hovertemplate: 'anchor %{customdata}<br>IoU %{x:.4g}<br>σ %{y:.4g}<extra></extra>',
    },
  ];
  if (spec.reliability !== undefined) {
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: 'mean σ per IoU bin',
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
