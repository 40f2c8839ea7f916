import type { TableFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { baseConfig, baseLayout, font, formatNumber } from './layout';
import type { PlotlyFigure } from './types';

/**
 * Tables are drawn as a plotly `table` trace, like every other figure, so there is one rendering
 * path (themes, PNG export, resizing) and no separate HTML renderer; numbers are formatted to six
 * significant digits here because plotly's own cell format would also touch the string cells.
 */
/** The tallest a table is drawn, in px; longer tables scroll. */
const MAX_TABLE_HEIGHT = 600;

export function tableToPlotly(spec: TableFigure, theme: FigureTheme): PlotlyFigure {
  const columns = spec.columns.map((_, c) => spec.rows.map((row) => cellText(row[c])));
  // Plotly grows a row whose text has markup (the bold header) or may wrap to the text's height plus
  // 8 px of padding above and below; rows declared that tall keep the table's height predictable.
  const rowHeight = Math.round(theme.fontSize * 1.25) + 16;
  // Columns as wide as their longest text (plus room for the padding), relative to each other:
  // equal widths let a wide table's numbers run into their neighbours while `level` takes as much room.
  const columnwidth = spec.columns.map((name, c) => 2 + Math.max(name.length, ...columns[c].map((text) => text.length)));
  const margin = { l: 10, r: 10, t: spec.title === undefined ? 10 : 50, b: 10 };
  return {
    data: [
      {
        type: 'table',
        columnwidth,
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
      // Exactly the header and the rows (and their borders), so there is no blank band under the
      // last row; beyond MAX_TABLE_HEIGHT plotly scrolls inside the trace.
      height: Math.min(MAX_TABLE_HEIGHT, margin.t + margin.b + rowHeight * (spec.rows.length + 1) + 2),
      margin,
    }),
    config: baseConfig(),
  };
}

function cellText(cell: number | string | undefined): string {
  if (cell === undefined) return '';
  return typeof cell === 'number' ? (Number.isInteger(cell) ? String(cell) : formatNumber(cell, 6)) : cell;
}
