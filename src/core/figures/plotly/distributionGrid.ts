import type { DistributionGridFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { distributionParts } from './distribution';
import { axis, baseConfig, baseLayout, bottomLegend, formatNumber, panelTitle } from './layout';
import type { PlotlyFigure, PlotlyObject, PlotlyTrace } from './types';

/** Height of one row of panels, in px. */
const PANEL_HEIGHT = 220;
/** The gap between rows of panels, as a fraction of a row: room for tick labels and the next row's title. */
const Y_GAP = 0.3;

/**
 * Several distributions in a grid of bar charts (`columns` per row), each drawn as the single
 * distribution is, on its own axes pair; its name and its DFL (and floor) are the subplot title.
 * The legend is shown once.
 */
export function distributionGridToPlotly(spec: DistributionGridFigure, theme: FigureTheme): PlotlyFigure {
  const columns = Math.max(1, Math.min(spec.columns, spec.panels.length));
  const rows = Math.max(1, Math.ceil(spec.panels.length / columns));
  const height = rows * PANEL_HEIGHT + 140;
  const margin = { l: 60, r: 30, t: spec.title === undefined ? 40 : 70, b: 50 };
  // The room the bottom legend, tick labels and x-axis title take from the plot area, then the
  // gaps between rows (plotly's ygap is a fraction of a row's height).
  const plotHeight = (height - margin.t - margin.b - 3 * Math.ceil(theme.fontSize * 1.3)) / (rows + (rows - 1) * Y_GAP);
  const data: PlotlyTrace[] = [];
  const shapes: PlotlyObject[] = [];
  const annotations: PlotlyObject[] = [];
  const axes: Record<string, PlotlyObject> = {};
  spec.panels.forEach((panel, i) => {
    const k = i + 1;
    const parts = distributionParts(panel, theme, k, i === 0, plotHeight);
    data.push(...parts.traces);
    shapes.push(...parts.shapes);
    annotations.push(...parts.annotations);
    const suffix = k === 1 ? '' : String(k);
    const lastRow = Math.floor(i / columns) === rows - 1;
    axes[`xaxis${suffix}`] = axis(theme, lastRow ? spec.xLabel : '', { dtick: panel.probabilities.length > 24 ? undefined : 2, range: parts.xRange, zeroline: false });
    const rowLabel = spec.rowLabels?.[Math.floor(i / columns)] ?? 'probability';
    axes[`yaxis${suffix}`] = axis(theme, i % columns === 0 ? rowLabel : '', { range: parts.yRange });
    const loss = panel.loss === undefined ? '' : ` · DFL ${formatNumber(panel.loss)}${panel.entropyFloor === undefined ? '' : ` (floor ${formatNumber(panel.entropyFloor)})`}`;
    annotations.push(panelTitle(theme, suffix, `<b>${panel.name}</b>${loss}`));
  });
  const layout = baseLayout(theme, spec.title, {
    height,
    margin,
    grid: { rows, columns, pattern: 'independent', ygap: Y_GAP, xgap: 0.12 },
    legend: bottomLegend(theme),
    barmode: 'overlay',
    bargap: 0.15,
    ...axes,
    shapes,
    annotations,
  });
  return { data, layout, config: baseConfig() };
}
