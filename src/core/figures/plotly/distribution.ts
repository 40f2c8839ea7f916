import type { DistributionFigure, DistributionPanel } from '../spec';
import type { FigureTheme } from '../theme';
import { axis, baseConfig, baseLayout, bottomLegend, formatNumber } from './layout';
import type { PlotlyFigure, PlotlyObject, PlotlyTrace } from './types';

/** What one distribution contributes to a figure, on the axes pair number `k` (1 = x/y). */
export interface PanelParts {
  readonly traces: PlotlyTrace[];
  readonly shapes: PlotlyObject[];
  readonly annotations: PlotlyObject[];
  /** The panel's axis ranges: every bin, and room above the bars for the labels. */
  readonly xRange: [number, number];
  readonly yRange: [number, number];
}

const axisNames = (k: number): { x: string; y: string } => (k === 1 ? { x: 'x', y: 'y' } : { x: `x${k}`, y: `y${k}` });

/** Height of one line of label text, in px: plotly sets text at about 1.3 em. */
const lineHeight = (theme: FigureTheme): number => Math.ceil(theme.fontSize * 1.3);

/**
 * The DFL picture of one distribution: bars of the softmax over bins; the expectation E as a
 * vertical line; for a target y, its two bins ⌊y⌋ and ⌊y⌋ + 1 redrawn in the highlight colour
 * with their interpolation weights, and y itself as a dashed line. Shared by the
 * single distribution and the distribution grid.
 *
 * Nothing here can measure text, so the labels are laid out so that they cannot meet whatever
 * the data: `E = …`, `y = …` and the weights `w = 0.25 | 0.75` (two digits; the hover has them
 * all) each have a row of their own at the top of the plot, each drawn on the side of its line (or
 * bins) that has more room, and the y axis reaches high enough (for a plot `plotHeight` px tall)
 * that the bars stay below the rows. The x axis has no zero line: it would run through
 * the middle of bin 0.
 */
export function distributionParts(panel: DistributionPanel, theme: FigureTheme, k: number, showLegend: boolean, plotHeight: number): PanelParts {
  const { x: xa, y: ya } = axisNames(k);
  const bins = panel.probabilities.length;
  const index = new Array<number>(bins);
  for (let i = 0; i < bins; i++) index[i] = i;
  const traces: PlotlyTrace[] = [
    {
      type: 'bar',
      name: 'softmax',
      legendgroup: 'softmax',
      showlegend: showLegend,
      x: index,
      y: panel.probabilities,
      xaxis: xa,
      yaxis: ya,
      marker: { color: theme.blue },
      hovertemplate: 'bin %{x}: p = %{y:.4g}<extra></extra>',
    },
  ];
  const row = lineHeight(theme);
  const side = (x: number): number => (x + 0.5) / bins;
  const shapes: PlotlyObject[] = [verticalLine(panel.expectation, xa, ya, theme.red, 'solid')];
  const annotations: PlotlyObject[] = [lineLabel(`E = ${formatNumber(panel.expectation)}`, panel.expectation, side(panel.expectation), 0, xa, ya, theme.red, theme)];
  let rows = 1;
  const target = panel.target;
  if (target !== undefined) {
    const weights = [target.weightLeft, target.weightRight];
    traces.push({
      type: 'bar',
      name: 'target bins',
      legendgroup: 'target',
      showlegend: showLegend,
      x: [target.left, target.right],
      y: [panel.probabilities[target.left], panel.probabilities[target.right]],
      xaxis: xa,
      yaxis: ya,
      customdata: weights,
      marker: { color: theme.orange },
      hovertemplate: 'bin %{x}: p = %{y:.4g}, target weight %{customdata:.4g}<extra></extra>',
    });
    shapes.push(verticalLine(target.y, xa, ya, theme.green, 'dash'));
    annotations.push(lineLabel(`y = ${formatNumber(target.y)}`, target.y, side(target.y), row, xa, ya, theme.green, theme));
    annotations.push(weightLabel(target, side(target.left + 0.5), 2 * row, xa, ya, theme));
    rows = 3;
  }
  // The top `rows` lines (and a little air) are the labels'; the tallest bar ends below them.
  const free = Math.max(0.3, 1 - (rows * row + 6) / plotHeight);
  const tallest = Math.max(...panel.probabilities.filter(Number.isFinite), 1e-12);
  return { traces, shapes, annotations, yRange: [0, tallest / free], xRange: [-0.5, bins - 0.5] };
}

function verticalLine(x: number, xa: string, ya: string, color: string, dash: string): PlotlyObject {
  return { type: 'line', xref: xa, yref: `${ya} domain`, x0: x, x1: x, y0: 0, y1: 1, line: { color, width: 2, dash } };
}

/**
 * A line's label in its own row (`down` px below the top of the plot), to the right of the line in
 * the left half of the axis and to its left in the right half, so it stays inside the plot.
 */
function lineLabel(text: string, x: number, fraction: number, down: number, xa: string, ya: string, color: string, theme: FigureTheme): PlotlyObject {
  const right = fraction > 0.5;
  return {
    text,
    x,
    y: 1,
    xref: xa,
    yref: `${ya} domain`,
    showarrow: false,
    xanchor: right ? 'right' : 'left',
    yanchor: 'top',
    xshift: right ? -4 : 4,
    yshift: -down,
    // The other line may cross the label: the background keeps the text readable.
    bgcolor: theme.background,
    font: { family: theme.fontFamily, size: theme.fontSize, color },
  };
}

/**
 * The two interpolation weights as one label, `w = left | right`, in the third row, starting at
 * the outer edge of the two target bins on the side of the axis with more room (two labels, one
 * per bar, would not fit side by side over bars narrower than their text).
 */
function weightLabel(target: NonNullable<DistributionPanel['target']>, fraction: number, down: number, xa: string, ya: string, theme: FigureTheme): PlotlyObject {
  const right = fraction > 0.5;
  return {
    text: `w = ${formatNumber(target.weightLeft, 2)} | ${formatNumber(target.weightRight, 2)}`,
    x: right ? target.right + 0.5 : target.left - 0.5,
    y: 1,
    xref: xa,
    yref: `${ya} domain`,
    showarrow: false,
    xanchor: right ? 'right' : 'left',
    yanchor: 'top',
    yshift: -down,
    bgcolor: theme.background,
    font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
  };
}

/** The title line of a distribution: its loss against its entropy floor, when there is a target. */
export function distributionTitle(base: string | undefined, panel: Pick<DistributionPanel, 'loss' | 'entropyFloor'>): string | undefined {
  if (panel.loss === undefined) return base;
  const floor = panel.entropyFloor === undefined ? '' : ` · entropy floor ${formatNumber(panel.entropyFloor)}`;
  return `${base ?? 'Distribution'} · DFL ${formatNumber(panel.loss)}${floor}`;
}

/** Height of a single distribution, in px: the bars, three label rows and the legend below. */
export const DISTRIBUTION_HEIGHT = 400;

/** A single distribution (the `dist` figure). */
export function distributionToPlotly(spec: DistributionFigure, theme: FigureTheme): PlotlyFigure {
  const title = distributionTitle(spec.title, spec);
  const margin = { l: 60, r: 30, t: title === undefined ? 30 : 60, b: 50 };
  // The plot's height less what the tick labels, the axis title and the legend take below it.
  const plotHeight = DISTRIBUTION_HEIGHT - margin.t - margin.b - 3 * lineHeight(theme);
  const parts = distributionParts({ ...spec, name: 'distribution' }, theme, 1, true, plotHeight);
  const layout = baseLayout(theme, title, {
    height: DISTRIBUTION_HEIGHT,
    margin,
    barmode: 'overlay',
    bargap: 0.15,
    xaxis: axis(theme, 'bin', { dtick: spec.probabilities.length > 24 ? undefined : 1, range: parts.xRange, zeroline: false }),
    yaxis: axis(theme, 'probability', { range: parts.yRange }),
    legend: bottomLegend(theme),
    shapes: parts.shapes,
    annotations: parts.annotations,
  });
  return { data: parts.traces, layout, config: baseConfig() };
}
