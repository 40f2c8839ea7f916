/**
 * The colours and fonts a figure is drawn with. Figure specs carry no colours at all: the renderer
 * reads VS Code's theme (its --vscode-* CSS variables) into a FigureTheme and toPlotly applies it,
 * so a figure re-themes when the user switches between light, dark and high-contrast themes.
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast';

export interface FigureTheme {
  readonly kind: ThemeKind;
  /** Paper and plot background: the editor's, so a figure sits in the notebook seamlessly. */
  readonly background: string;
  /** Text: titles, tick labels, annotations. */
  readonly foreground: string;
  readonly fontFamily: string;
  /** Base font size in px; titles are drawn a little larger. */
  readonly fontSize: number;
  /** Grid lines. */
  readonly gridColor: string;
  /** Axis lines, zero lines and reference lines (diagonals, unit circles, the expectation). */
  readonly lineColor: string;
  /** Series colours, in order. */
  readonly colorway: readonly string[];
  /** Semantic colours for highlights: DFL target bins, margins, warnings. */
  readonly red: string;
  readonly blue: string;
  readonly yellow: string;
  readonly orange: string;
  readonly green: string;
  readonly purple: string;
  /** A plotly colour-scale name for heatmaps, readable on this background. */
  readonly colorscale: string;
}

/** The VS Code variables a theme is read from, for the renderer to document or watch. */
export const THEME_VARIABLES = {
  background: '--vscode-editor-background',
  foreground: '--vscode-editor-foreground',
  fontFamily: '--vscode-font-family',
  fontSize: '--vscode-font-size',
  chartsForeground: '--vscode-charts-foreground',
  chartsLines: '--vscode-charts-lines',
  panelBorder: '--vscode-panel-border',
  red: '--vscode-charts-red',
  blue: '--vscode-charts-blue',
  yellow: '--vscode-charts-yellow',
  orange: '--vscode-charts-orange',
  green: '--vscode-charts-green',
  purple: '--vscode-charts-purple',
} as const;

// VS Code's own default values of these variables, so a figure outside VS Code (tests, exports)
// looks as it would inside it.
const LIGHT: FigureTheme = {
  kind: 'light',
  background: '#ffffff',
  foreground: '#3b3b3b',
  fontFamily: '-apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif',
  fontSize: 13,
  gridColor: '#e5e5e5',
  lineColor: '#616161',
  colorway: ['#1a85ff', '#e51400', '#bf8803', '#d18616', '#388a34', '#652d90'],
  red: '#e51400',
  blue: '#1a85ff',
  yellow: '#bf8803',
  orange: '#d18616',
  green: '#388a34',
  purple: '#652d90',
  colorscale: 'Viridis',
};

const DARK: FigureTheme = {
  ...LIGHT,
  kind: 'dark',
  background: '#1f1f1f',
  foreground: '#cccccc',
  gridColor: '#2b2b2b',
  lineColor: '#848484',
  colorway: ['#3794ff', '#f14c4c', '#cca700', '#d18616', '#89d185', '#b180d7'],
  red: '#f14c4c',
  blue: '#3794ff',
  yellow: '#cca700',
  orange: '#d18616',
  green: '#89d185',
  purple: '#b180d7',
};

const HIGH_CONTRAST: FigureTheme = {
  ...DARK,
  kind: 'high-contrast',
  background: '#000000',
  foreground: '#ffffff',
  gridColor: '#6fc3df',
  lineColor: '#ffffff',
};

/** VS Code's defaults for a theme kind: the fallbacks of themeFromCssVariables. */
export function defaultTheme(kind: ThemeKind): FigureTheme {
  return kind === 'light' ? LIGHT : kind === 'dark' ? DARK : HIGH_CONTRAST;
}

/** '13px' → 13; anything unreadable → undefined. */
function parsePixels(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$/.exec(value);
  if (match === null) return undefined;
  const size = Number(match[1]);
  return size > 0 ? size : undefined;
}

/**
 * A theme from VS Code's CSS variables. `read(name)` returns a variable's value (as
 * `getComputedStyle(document.documentElement).getPropertyValue(name)` does: '' when unset); every
 * variable that is unset falls back to VS Code's default for `kind`. Pure: the renderer supplies
 * `read`, so this runs and is tested without a DOM.
 *
 * Mapping: editor background/foreground → background/foreground (charts-foreground wins for text
 * when set); font family and size; charts-lines → axis and reference lines; panel-border → grid;
 * charts-blue/red/yellow/orange/green/purple → the semantic colours and, in that order, the colorway.
 */
export function themeFromCssVariables(read: (name: string) => string, kind: ThemeKind): FigureTheme {
  const fallback = defaultTheme(kind);
  const get = (name: string, otherwise: string): string => {
    const value = read(name).trim();
    return value === '' ? otherwise : value;
  };
  const v = THEME_VARIABLES;
  const red = get(v.red, fallback.red);
  const blue = get(v.blue, fallback.blue);
  const yellow = get(v.yellow, fallback.yellow);
  const orange = get(v.orange, fallback.orange);
  const green = get(v.green, fallback.green);
  const purple = get(v.purple, fallback.purple);
  return {
    kind,
    background: get(v.background, fallback.background),
    foreground: get(v.chartsForeground, get(v.foreground, fallback.foreground)),
    fontFamily: get(v.fontFamily, fallback.fontFamily),
    fontSize: parsePixels(read(v.fontSize)) ?? fallback.fontSize,
    gridColor: get(v.panelBorder, fallback.gridColor),
    lineColor: get(v.chartsLines, fallback.lineColor),
    colorway: [blue, red, yellow, orange, green, purple],
    red,
    blue,
    yellow,
    orange,
    green,
    purple,
    colorscale: fallback.colorscale,
  };
}
