import type { DistributionGridFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { distributionParts } from './distribution';
import { axis, baseConfig, baseLayout, formatNumber } from './layout';
import type { PlotlyFigure, PlotlyObject, PlotlyTrace } from './types';

/**
 * Several distributions in a grid of bar charts (`columns` per row), each drawn as the single
 * distribution is, on its own axes pair; its name and its DFL (and floor) are the subplot title.
 * The legend is shown once.
 */
export function distributionGridToPlotly(spec: DistributionGridFigure, theme: FigureTheme): PlotlyFigure {
  const columns = Math.max(1, Math.min(spec.columns, spec.panels.length));
  const rows = Math.max(1, Math.ceil(spec.panels.length / columns));
  const data: PlotlyTrace[] = [];
  const shapes: PlotlyObject[] = [];
  const annotations: PlotlyObject[] = [];
  const axes: Record<string, PlotlyObject> = {};
  spec.panels.forEach((panel, i) => {
    const k = i + 1;
    const parts = distributionParts(panel, theme, k, i === 0);
    data.push(...parts.traces);
    shapes.push(...parts.shapes);
    annotations.push(...parts.annotations);
    const suffix = k === 1 ? '' : String(k);
    const lastRow = Math.floor(i / columns) === rows - 1;
    axes[`xaxis${suffix}`] = axis(theme, lastRow ? spec.xLabel : '', { dtick: panel.probabilities.length > 24 ? undefined : 2 });
    axes[`yaxis${suffix}`] = axis(theme, i % columns === 0 ? 'probability' : '', { rangemode: 'tozero' });
    const loss = panel.loss === undefined ? '' : ` · DFL ${formatNumber(panel.loss)}${panel.entropyFloor === undefined ? '' : ` (floor ${formatNumber(panel.entropyFloor)})`}`;
    annotations.push({
      text: `<b>${panel.name}</b>${loss}`,
      x: 0.5,
      y: 1,
      xref: `x${suffix} domain`,
      yref: `y${suffix} domain`,
      xanchor: 'center',
      yanchor: 'bottom',
      yshift: 4,
      showarrow: false,
      font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
    });
  });
  const layout = baseLayout(theme, spec.title, {
    grid: { rows, columns, pattern: 'independent', ygap: 0.35, xgap: 0.12 },
    barmode: 'overlay',
    bargap: 0.15,
    ...axes,
    shapes,
    annotations,
  });
  return { data, layout, config: baseConfig() };
}
