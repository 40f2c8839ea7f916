import type { CurvesFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { axis, baseConfig, baseLayout, seriesColor } from './layout';
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
  const gradLabel = `d(${spec.yLabel})/d${spec.xLabel}`;
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
        name: `d/d${spec.xLabel} ${series.name}`,
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
    ...(withGrad ? { yaxis2: axis(theme, gradLabel, { overlaying: 'y', side: 'right', showgrid: false, zeroline: false }) } : {}),
    legend: { font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground }, bgcolor: theme.background, orientation: 'h', y: -0.2 },
  });
  return { data, layout, config: baseConfig() };
}

/** Series names are user text: keep plotly from reading `%{…}` in them as template fields. */
export function escapeTemplate(text: string): string {
  return text.replace(/%\{/g, '%\u200b{');
}
