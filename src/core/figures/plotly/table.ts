import type { TableFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { baseConfig, baseLayout, font, formatNumber } from './layout';
import type { PlotlyFigure } from './types';

/**
 * Tables are drawn as a plotly `table` trace, like every other figure, so there is one rendering
 * path (themes, PNG export, resizing) and no separate HTML renderer; numbers are formatted to six
 * significant digits here because plotly's own cell format would also touch the string cells.
 */
export function tableToPlotly(spec: TableFigure, theme: FigureTheme): PlotlyFigure {
  const columns = spec.columns.map((_, c) => spec.rows.map((row) => cellText(row[c])));
  const rowHeight = Math.round(theme.fontSize * 2);
  return {
    data: [
      {
        type: 'table',
        header: {
          values: spec.columns.map((name) => `<b>${name}</b>`),
          align: 'left',
          fill: { color: theme.gridColor },
          line: { color: theme.lineColor, width: 1 },
          font: font(theme),
          height: rowHeight,
        },
        cells: {
          values: columns,
          align: spec.columns.map((_, c) => (spec.rows.every((row) => typeof row[c] === 'number') ? 'right' : 'left')),
          fill: { color: theme.background },
          line: { color: theme.gridColor, width: 1 },
          font: font(theme),
          height: rowHeight,
        },
      },
    ],
    layout: baseLayout(theme, spec.title, {
      // Tall enough for every row; plotly scrolls inside the trace beyond that.
      height: Math.min(600, (spec.title === undefined ? 40 : 80) + rowHeight * (spec.rows.length + 1) + 20),
      margin: { l: 10, r: 10, t: spec.title === undefined ? 10 : 50, b: 10 },
    }),
    config: baseConfig(),
  };
}

function cellText(cell: number | string | undefined): string {
  if (cell === undefined) return '';
  return typeof cell === 'number' ? (Number.isInteger(cell) ? String(cell) : formatNumber(cell, 6)) : cell;
}
