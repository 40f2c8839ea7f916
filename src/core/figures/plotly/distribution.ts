import type { DistributionFigure, DistributionPanel } from '../spec';
import type { FigureTheme } from '../theme';
import { axis, baseConfig, baseLayout, formatNumber } from './layout';
import type { PlotlyFigure, PlotlyObject, PlotlyTrace } from './types';

/** What one distribution contributes to a figure, on the axes pair number `k` (1 = x/y). */
export interface PanelParts {
  readonly traces: PlotlyTrace[];
  readonly shapes: PlotlyObject[];
  readonly annotations: PlotlyObject[];
}

const axisNames = (k: number): { x: string; y: string } => (k === 1 ? { x: 'x', y: 'y' } : { x: `x${k}`, y: `y${k}` });

/**
 * The DFL picture of one distribution: bars of the softmax over bins; the expectation E as a
 * vertical line with its value; and for a target y, its two bins ⌊y⌋ and ⌊y⌋ + 1 redrawn in the
 * highlight colour with their interpolation weights as bar text, and y itself as a dashed line.
 * Shared by the single distribution and the distribution grid.
 */
export function distributionParts(panel: DistributionPanel, theme: FigureTheme, k: number, showLegend: boolean): PanelParts {
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
  const shapes: PlotlyObject[] = [verticalLine(panel.expectation, xa, ya, theme.red, 'solid')];
  const annotations: PlotlyObject[] = [lineLabel(`E = ${formatNumber(panel.expectation)}`, panel.expectation, xa, ya, theme.red, theme, 1)];
  const target = panel.target;
  if (target !== undefined) {
    traces.push({
      type: 'bar',
      name: 'target bins',
      legendgroup: 'target',
      showlegend: showLegend,
      x: [target.left, target.right],
      y: [panel.probabilities[target.left], panel.probabilities[target.right]],
      xaxis: xa,
      yaxis: ya,
      marker: { color: theme.orange },
      text: [`w = ${formatNumber(target.weightLeft)}`, `w = ${formatNumber(target.weightRight)}`],
      textposition: 'outside',
      textfont: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
      cliponaxis: false,
      hovertemplate: 'bin %{x}: p = %{y:.4g}, target weight %{text}<extra></extra>',
    });
    shapes.push(verticalLine(target.y, xa, ya, theme.green, 'dash'));
    annotations.push(lineLabel(`y = ${formatNumber(target.y)}`, target.y, xa, ya, theme.green, theme, 0.9));
  }
  return { traces, shapes, annotations };
}

function verticalLine(x: number, xa: string, ya: string, color: string, dash: string): PlotlyObject {
  return { type: 'line', xref: xa, yref: `${ya} domain`, x0: x, x1: x, y0: 0, y1: 1, line: { color, width: 2, dash } };
}

function lineLabel(text: string, x: number, xa: string, ya: string, color: string, theme: FigureTheme, y: number): PlotlyObject {
  return {
    text,
    x,
    y,
    xref: xa,
    yref: `${ya} domain`,
    showarrow: false,
    xanchor: 'left',
    yanchor: 'top',
    xshift: 4,
    font: { family: theme.fontFamily, size: theme.fontSize, color },
  };
}

/** The title line of a distribution: its loss against its entropy floor, when there is a target. */
export function distributionTitle(base: string | undefined, panel: Pick<DistributionPanel, 'loss' | 'entropyFloor'>): string | undefined {
  if (panel.loss === undefined) return base;
  const floor = panel.entropyFloor === undefined ? '' : ` · entropy floor ${formatNumber(panel.entropyFloor)}`;
  return `${base ?? 'Distribution'} · DFL ${formatNumber(panel.loss)}${floor}`;
}

/** A single distribution (the `dist` figure). */
export function distributionToPlotly(spec: DistributionFigure, theme: FigureTheme): PlotlyFigure {
  const parts = distributionParts({ ...spec, name: 'distribution' }, theme, 1, true);
  const layout = baseLayout(theme, distributionTitle(spec.title, spec), {
    barmode: 'overlay',
    bargap: 0.15,
    xaxis: axis(theme, 'bin', { dtick: spec.probabilities.length > 24 ? undefined : 1 }),
    yaxis: axis(theme, 'probability', { rangemode: 'tozero' }),
    shapes: parts.shapes,
    annotations: parts.annotations,
  });
  return { data: parts.traces, layout, config: baseConfig() };
}
