import type { AnchorMapFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { escapeTemplate } from './curves';
import { axis, baseConfig, baseLayout, font, heightForAspect } from './layout';
import type { FigureSize, PlotlyFigure } from './types';

/**
 * A per-anchor map on the feature grid: a heatmap in grid coordinates (column, row), rows growing
 * downwards as in the image, square cells, empty cells left as gaps; the hover names the anchor
 * index (and the pixel centre when the stride is known) so a bad cell can be looked up with `sides`.
 * Given the cell's width, the figure is as tall as the grid's aspect needs for the map to fill
 * that width (up to a screen's height); the colour bar's title runs along it, not across.
 */
export function anchorMapToPlotly(spec: AnchorMapFigure, theme: FigureTheme, size?: FigureSize): PlotlyFigure {
  const margin = { l: 60, r: 30, t: spec.title === undefined ? 30 : 60, b: 50 };
  const rows = spec.z.length;
  const cols = spec.z[0]?.length ?? 0;
  // The colour bar, its tick labels and its upright title take about this much of the width.
  const colorbarWidth = 110;
  const where = spec.stride === undefined ? '' : ` (≈ %{x}·${spec.stride} px, %{y}·${spec.stride} px)`;
  return {
    data: [
      {
        type: 'heatmap',
        z: spec.z,
        customdata: spec.anchors,
        colorscale: theme.colorscale,
        hoverongaps: false,
        colorbar: { title: { text: spec.zLabel, font: font(theme), side: 'right' }, tickfont: font(theme, 0.9), outlinecolor: theme.gridColor },
        hovertemplate: `col %{x}, row %{y}${where}<br>anchor %{customdata}<br>${escapeTemplate(spec.zLabel)} = %{z:.4g}<extra></extra>`,
      },
    ],
    layout: baseLayout(theme, spec.title, {
      margin,
      ...(size !== undefined && rows > 0 && cols > 0 ? { height: heightForAspect(size.width - margin.l - margin.r - colorbarWidth, rows / cols, margin.t + margin.b) } : {}),
      xaxis: axis(theme, 'column', { showgrid: false, constrain: 'domain' }),
      yaxis: axis(theme, 'row', { showgrid: false, autorange: 'reversed', scaleanchor: 'x', scaleratio: 1, constrain: 'domain' }),
    }),
    config: baseConfig(),
  };
}
