import type { HistogramFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { escapeTemplate } from './curves';
import { axis, baseConfig, baseLayout, escapeMarkup, noteAnnotation, seriesColor } from './layout';
import type { PlotlyFigure, PlotlyObject, PlotlyTrace } from './types';

/**
 * A histogram from its own bin edges and counts (not plotly's binning): bar i spans exactly
 * [binEdges[i], binEdges[i + 1]], so bins in DFL units line up with the integer bins. Further
 * series are overlaid, half transparent, on the same bins; marks are dashed vertical lines; a note
 * goes under the plot.
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
  const series = spec.series ?? [];
  const overlaid = series.length > 0;
  const bars = (name: string, counts: readonly number[], color: string): PlotlyTrace => ({
    type: 'bar',
    name,
    x: centres,
    y: counts,
    width: widths,
    customdata: edges,
    ...(overlaid ? { opacity: 0.6 } : {}),
    marker: { color, line: { color: theme.background, width: count > 100 || overlaid ? 0 : 1 } },
    hovertemplate: `${overlaid ? `${escapeTemplate(name)}: ` : ''}[%{customdata[0]:.4g}, %{customdata[1]:.4g}): %{y:.4g}<extra></extra>`,
  });
  const data: PlotlyTrace[] = [bars(spec.name ?? 'count', spec.counts, theme.blue), ...series.map((s, i) => bars(s.name, s.counts, seriesColor(theme, i + 1)))];
  const marks = spec.marks ?? [];
  const shapes: PlotlyObject[] = marks.map((mark) => ({ type: 'line', xref: 'x', x0: mark.x, x1: mark.x, yref: 'paper', y0: 0, y1: 1, line: { color: theme.red, width: 2, dash: 'dash' } }));
  const annotations: PlotlyObject[] = marks.map((mark) => ({ text: escapeMarkup(mark.name), x: mark.x, xref: 'x', y: 1, yref: 'paper', yanchor: 'bottom', showarrow: false, font: { family: theme.fontFamily, size: theme.fontSize, color: theme.red } }));
  const note = spec.note === undefined ? undefined : noteAnnotation(theme, spec.note);
  if (note !== undefined) annotations.push(note.annotation);
  return {
    data,
    layout: baseLayout(theme, spec.title, {
      bargap: 0,
      ...(overlaid ? { barmode: 'overlay' } : {}),
      xaxis: axis(theme, spec.xLabel),
      yaxis: axis(theme, spec.yLabel ?? 'count', { rangemode: 'tozero' }),
      ...(shapes.length > 0 ? { shapes } : {}),
      ...(annotations.length > 0 ? { annotations } : {}),
      ...(note !== undefined ? { margin: { l: 60, r: 30, t: spec.title === undefined ? 40 : 70, b: note.marginBottom } } : {}),
    }),
    config: baseConfig(),
  };
}
