import type { FigureSpec } from '../spec';
import type { FigureTheme } from '../theme';
import { anchorMapToPlotly } from './anchorMap';
import { anchorMapGridToPlotly } from './anchorMapGrid';
import { assignmentMapToPlotly } from './assignmentMap';
import { calibrationToPlotly } from './calibration';
import { curvesToPlotly } from './curves';
import { distributionToPlotly } from './distribution';
import { distributionGridToPlotly } from './distributionGrid';
import { heatmapToPlotly } from './heatmap';
import { histogramToPlotly } from './histogram';
import { projectionToPlotly } from './projection';
import { scatterToPlotly } from './scatter';
import { tableToPlotly } from './table';
import type { FigureSize, PlotlyFigure } from './types';

export type { FigureSize, PlotlyFigure, PlotlyObject, PlotlyTrace, PlotlyValue } from './types';

/**
 * A figure spec as plotly `{data, layout, config}` in the given theme. Pure and cheap: the spec's
 * arrays are passed through (never copied), nothing in the spec is modified, and every colour
 * comes from `theme`, so re-theming is calling this again with another theme. Every kind,
 * tables included, is drawn by plotly. `size` (the cell's width) sets the height of the kinds
 * drawn at a fixed aspect (anchor maps and their grids, assignment maps, calibration), so that they fill the width; without it
 * they keep plotly's default height.
 */
export function toPlotly(spec: FigureSpec, theme: FigureTheme, size?: FigureSize): PlotlyFigure {
  switch (spec.kind) {
    case 'curves':
      return curvesToPlotly(spec, theme);
    case 'distribution':
      return distributionToPlotly(spec, theme);
    case 'distribution-grid':
      return distributionGridToPlotly(spec, theme);
    case 'heatmap':
      return heatmapToPlotly(spec, theme);
    case 'histogram':
      return histogramToPlotly(spec, theme);
    case 'scatter':
      return scatterToPlotly(spec, theme);
    case 'table':
      return tableToPlotly(spec, theme);
    case 'anchor-map':
      return anchorMapToPlotly(spec, theme, size);
    case 'calibration':
      return calibrationToPlotly(spec, theme, size);
    case 'anchor-map-grid':
      return anchorMapGridToPlotly(spec, theme, size);
    case 'assignment-map':
      return assignmentMapToPlotly(spec, theme, size);
    case 'projection':
      return projectionToPlotly(spec, theme);
  }
}
