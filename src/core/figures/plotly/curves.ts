import type { CurvesFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { axis, baseConfig, baseLayout, bottomLegend, seriesColor } from './layout';
import type { PlotlyFigure, PlotlyTrace } from './types';

/**
 * Curves: one solid line per series on the left axis; with gradients, each series' exact
 * derivative dashed in the same colour on a second (right) axis. The hover is unified over x and
 * each value trace's template reads both its value and its gradient (the gradient traces skip the
 * hover so nothing is listed twice). The spec's arrays are passed through uncopied, so a slider
 * redraw of a 1000-point curve costs only the recompute.
 */
export function curvesToPlotly(spec: CurvesFigure, theme: FigureTheme): PlotlyFigure {
  const withGrad = spec.series.some((s) => s.grad !== undefined);
  const gradLabel = spec.gradLabel ?? `∂/∂${spec.xLabel}`;
  const data: PlotlyTrace[] = [];
  spec.series.forEach((series, i) => {
    const color = seriesColor(theme, i);
    const hasGrad = series.grad !== undefined;
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: series.name,
      legendgroup: `series-${i}`,
      x: spec.x,
      y: series.y,
      line: { color, width: 2 },
      ...(hasGrad ? { customdata: series.grad } : {}),
      hovertemplate: hasGrad
        ? `${escapeTemplate(series.name)}: %{y:.4g} · gradient %{customdata:.4g}<extra></extra>`
        : `${escapeTemplate(series.name)}: %{y:.4g}<extra></extra>`,
    });
    if (series.grad !== undefined) {
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `${gradLabel} ${series.name}`,
        legendgroup: `series-${i}`,
        showlegend: false,
        x: spec.x,
        y: series.grad,
        yaxis: 'y2',
        line: { color, width: 1.5, dash: 'dash' },
        hoverinfo: 'skip',
      });
    }
  });
  const layout = baseLayout(theme, spec.title, {
    hovermode: 'x unified',
    xaxis: axis(theme, spec.xLabel),
    yaxis: axis(theme, spec.yLabel),
    // Plotly syncs an overlaying axis's ticks to the first axis's grid by default, which puts them
    // at values like −12.9 and 4.4; its own auto ticks are round numbers (its grid stays hidden).
    ...(withGrad ? { yaxis2: axis(theme, gradLabel, { overlaying: 'y', side: 'right', showgrid: false, zeroline: false, tickmode: 'auto' }) } : {}),
    // One curve is named by the y-axis title; a legend would only repeat it.
    showlegend: spec.series.length > 1,
    legend: bottomLegend(theme),
  });
  return { data, layout, config: baseConfig() };
}

/** Series names are user text: keep plotly from reading `%{…}` in them as template fields. */
export function escapeTemplate(text: string): string {
  return text.replace(/%\{/g, '%\u200b{');
}
