import type { FigureTheme } from '../theme';
import type { PlotlyObject } from './types';

/**
 * Layout pieces every figure shares: the theme's background, font and grid applied once here, so
 * no figure function picks a colour of its own.
 */

/** The i-th series colour, cycling through the theme's colorway. */
export function seriesColor(theme: FigureTheme, i: number): string {
  return theme.colorway[i % theme.colorway.length];
}

export function font(theme: FigureTheme, scale = 1): PlotlyObject {
  return { family: theme.fontFamily, size: Math.round(theme.fontSize * scale), color: theme.foreground };
}

/** A 2-D cartesian axis with a title, in the theme's colours. */
export function axis(theme: FigureTheme, title: string, extra: PlotlyObject = {}): PlotlyObject {
  return {
    title: { text: title, font: font(theme) },
    color: theme.foreground,
    gridcolor: theme.gridColor,
    linecolor: theme.lineColor,
    zerolinecolor: theme.lineColor,
    tickfont: font(theme, 0.9),
    automargin: true,
    ...extra,
  };
}

/** A 3-D scene axis. */
export function sceneAxis(theme: FigureTheme, title: string, extra: PlotlyObject = {}): PlotlyObject {
  return {
    title: { text: title, font: font(theme) },
    color: theme.foreground,
    gridcolor: theme.gridColor,
    zerolinecolor: theme.lineColor,
    backgroundcolor: theme.background,
    showbackground: false,
    ...extra,
  };
}

/**
 * A one-row legend along the bottom edge of the figure, below the x-axis title: anchored to the
 * container rather than to the plot, so plotly reserves its height in the bottom margin and the
 * axis titles (placed by automargin) never run into it, at any figure height.
 */
export function bottomLegend(theme: FigureTheme): PlotlyObject {
  return { font: font(theme), bgcolor: theme.background, orientation: 'h', xref: 'paper', x: 0, xanchor: 'left', yref: 'container', y: 0, yanchor: 'bottom' };
}

/** A subplot's title: bold text centred just above the panel of axes `x{suffix}`/`y{suffix}`. */
export function panelTitle(theme: FigureTheme, suffix: string, text: string): PlotlyObject {
  return {
    text,
    x: 0.5,
    y: 1,
    xref: `x${suffix} domain`,
    yref: `y${suffix} domain`,
    xanchor: 'center',
    yanchor: 'bottom',
    yshift: 4,
    showarrow: false,
    font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
  };
}

/** The themed base layout; `rest` adds the figure's axes, shapes and annotations. */
export function baseLayout(theme: FigureTheme, title: string | undefined, rest: PlotlyObject = {}): PlotlyObject {
  return {
    ...(title === undefined ? {} : { title: { text: title, font: font(theme, 1.15) } }),
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: font(theme),
    colorway: theme.colorway,
    hoverlabel: { bgcolor: theme.background, bordercolor: theme.lineColor, font: font(theme) },
    legend: { font: font(theme), bgcolor: theme.background, bordercolor: theme.gridColor },
    margin: { l: 60, r: 30, t: title === undefined ? 30 : 60, b: 50 },
    ...rest,
  };
}

/** The tallest a figure whose height follows its width may grow, in px: about a screen's height. */
export const MAX_SQUARE_HEIGHT = 720;

/**
 * The height, in px, at which a plot area `plotWidth` px wide shows `aspect` (height / width) with
 * `vertical` px of margins around it: the figure then uses the cell's whole width, up to
 * MAX_SQUARE_HEIGHT (never below 320 px, the renderer's usual height).
 */
export function heightForAspect(plotWidth: number, aspect: number, vertical: number): number {
  return Math.round(Math.min(MAX_SQUARE_HEIGHT, Math.max(320, plotWidth * aspect + vertical)));
}

/** Plotly's config: responsive, no logo, PNG export at 2× for reports. */
export function baseConfig(): PlotlyObject {
  // No scroll zoom, not even in 3-D scenes (plotly's default there): in a notebook the wheel must
  // scroll the notebook, or a 3-D scatter under the pointer swallows it. The modebar still zooms.
  return { responsive: true, displaylogo: false, scrollZoom: false, toImageButtonOptions: { format: 'png', scale: 2 } };
}

/** Compact number text for annotations and titles. */
export function formatNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/** Plotly reads annotation text as HTML-like markup: plain text has its &, < and > escaped. */
export const escapeMarkup = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** How far under the plot area a note starts: below the x tick labels and the x-axis title. */
const NOTE_OFFSET_PX = 52;

/** Characters per line of a note before it wraps (a figure is about 700 px wide in a cell). */
const NOTE_LINE_CHARS = 110;

/**
 * A figure's note (the samples past π − m, the nearest class centres) as a left-aligned annotation
 * along the bottom edge of the figure, wrapped at word breaks, with the bottom margin that keeps
 * it clear of the x-axis title.
 */
export function noteAnnotation(theme: FigureTheme, note: string): { annotation: PlotlyObject; marginBottom: number } {
  const lines: string[] = [];
  let line = '';
  for (const word of note.split(' ')) {
    if (line.length > 0 && line.length + word.length + 1 > NOTE_LINE_CHARS) {
      lines.push(line);
      line = word;
    } else line = line.length === 0 ? word : `${line} ${word}`;
  }
  if (line.length > 0) lines.push(line);
  return {
    // Below the plot area by the height of the tick labels and the x-axis title (annotations cannot
    // be placed relative to the container, as legends can).
    annotation: { text: lines.map(escapeMarkup).join('<br>'), showarrow: false, xref: 'paper', x: 0, xanchor: 'left', yref: 'paper', y: 0, yanchor: 'top', yshift: -NOTE_OFFSET_PX, align: 'left', font: font(theme, 0.9) },
    marginBottom: NOTE_OFFSET_PX + 16 + Math.ceil(theme.fontSize * 1.3) * lines.length,
  };
}
