import type { AnchorMapFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { escapeTemplate } from './curves';
import { axis, baseConfig, baseLayout, font } from './layout';
import type { PlotlyFigure } from './types';

/**
 * A per-anchor map on the feature grid: a heatmap in grid coordinates (column, row), rows growing
 * downwards as in the image, square cells, empty cells left as gaps; the hover names the anchor
 * index (and the pixel centre when the stride is known) so a bad cell can be looked up with `sides`.
 */
export function anchorMapToPlotly(spec: AnchorMapFigure, theme: FigureTheme): PlotlyFigure {
  const where = spec.stride === undefined ? '' : ` (≈ %{x}·${spec.stride} px, %{y}·${spec.stride} px)`;
  return {
    data: [
      {
        type: 'heatmap',
        z: spec.z,
        customdata: spec.anchors,
        colorscale: theme.colorscale,
        hoverongaps: false,
        colorbar: { title: { text: spec.zLabel, font: font(theme) }, tickfont: font(theme, 0.9), outlinecolor: theme.gridColor },
        hovertemplate: `col %{x}, row %{y}${where}<br>anchor %{customdata}<br>${escapeTemplate(spec.zLabel)} = %{z:.4g}<extra></extra>`,
      },
    ],
    layout: baseLayout(theme, spec.title, {
      xaxis: axis(theme, 'column', { showgrid: false, constrain: 'domain' }),
      yaxis: axis(theme, 'row', { showgrid: false, autorange: 'reversed', scaleanchor: 'x', scaleratio: 1, constrain: 'domain' }),
    }),
    config: baseConfig(),
  };
}
