import type { HistogramFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { axis, baseConfig, baseLayout } from './layout';
import type { PlotlyFigure } from './types';

/**
 * A histogram from its own bin edges and counts (not plotly's binning): bar i spans exactly
 * [binEdges[i], binEdges[i + 1]], so bins in DFL units line up with the integer bins.
 */
export function histogramToPlotly(spec: HistogramFigure, theme: FigureTheme): PlotlyFigure {
  const count = spec.counts.length;
  const centres = new Array<number>(count);
  const widths = new Array<number>(count);
  const edges = new Array<[number, number]>(count);
  for (let i = 0; i < count; i++) {
    const low = spec.binEdges[i];
    const high = spec.binEdges[i + 1];
    centres[i] = (low + high) / 2;
    widths[i] = high - low;
    edges[i] = [low, high];
  }
  return {
    data: [
      {
        type: 'bar',
        name: 'count',
        x: centres,
        y: spec.counts,
        width: widths,
        customdata: edges,
        marker: { color: theme.blue, line: { color: theme.background, width: count > 100 ? 0 : 1 } },
        hovertemplate: '[%{customdata[0]:.4g}, %{customdata[1]:.4g}): %{y}<extra></extra>',
      },
    ],
    layout: baseLayout(theme, spec.title, {
      bargap: 0,
      xaxis: axis(theme, spec.xLabel),
      yaxis: axis(theme, 'count', { rangemode: 'tozero' }),
    }),
    config: baseConfig(),
  };
}
