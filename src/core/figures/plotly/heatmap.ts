import type { HeatmapFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { escapeTemplate } from './curves';
import { axis, baseConfig, baseLayout, font, noteAnnotation } from './layout';
import type { PlotlyFigure, PlotlyTrace } from './types';

/**
 * A heatmap of z over (x, y) in the theme's colour scale, with the spec's reference lines (e.g.
 * the QFL minimum σ = y) drawn over it, dashed, in the theme's highlight colour, and its note
 * (the nearest class centres, say) under it.
 */
export function heatmapToPlotly(spec: HeatmapFigure, theme: FigureTheme): PlotlyFigure {
  const data: PlotlyTrace[] = [
    {
      type: 'heatmap',
      x: spec.x,
      y: spec.y,
      z: spec.z,
      colorscale: theme.colorscale,
      // The title beside the bar, as the anchor maps have it: above it, it met the top tick
      // whenever the data reach the scale's end (a cosine matrix's 1 on its diagonal).
      colorbar: { title: { text: spec.zLabel, font: font(theme), side: 'right' }, tickfont: font(theme, 0.9), outlinecolor: theme.gridColor },
      hovertemplate: `${escapeTemplate(spec.xLabel)} = %{x:.4g}<br>${escapeTemplate(spec.yLabel)} = %{y:.4g}<br>${escapeTemplate(spec.zLabel)} = %{z:.4g}<extra></extra>`,
    },
  ];
  for (const line of spec.lines ?? []) {
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: line.name,
      x: line.x,
      y: line.y,
      line: { color: theme.red, width: 2, dash: 'dash' },
      hovertemplate: `${escapeTemplate(line.name)}<extra></extra>`,
    });
  }
  const note = spec.note === undefined ? undefined : noteAnnotation(theme, spec.note);
  const layout = baseLayout(theme, spec.title, {
    xaxis: axis(theme, spec.xLabel, { showgrid: false }),
    yaxis: axis(theme, spec.yLabel, { showgrid: false }),
    showlegend: (spec.lines?.length ?? 0) > 0,
    legend: { font: font(theme), bgcolor: theme.background, x: 0, y: 1.02, yanchor: 'bottom', orientation: 'h' },
    ...(note === undefined ? {} : { annotations: [note.annotation], margin: { l: 60, r: 30, t: spec.title === undefined ? 30 : 60, b: note.marginBottom } }),
  });
  return { data, layout, config: baseConfig() };
}
