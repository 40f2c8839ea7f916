import type { PlotlyFigure } from '../core/figures/plotly/types';

/**
 * The part of plotly.js the renderer uses, typed here so the rest of the renderer does not depend
 * on plotly's large declarations. plotly.js-dist is bundled with the extension and loaded lazily,
 * as its own chunk, the first time a figure is drawn: notebooks without figures never pay for it.
 */
export interface PlotlyApi {
  react(graph: HTMLElement, data: PlotlyFigure['data'], layout: PlotlyFigure['layout'], config: PlotlyFigure['config']): Promise<unknown>;
  restyle(graph: HTMLElement, update: Record<string, unknown[]>, traces: number[]): Promise<unknown>;
  purge(graph: HTMLElement): void;
  toImage(graph: HTMLElement, options: { format: 'png' | 'svg'; width?: number; height?: number; scale?: number }): Promise<string>;
  readonly Plots: { resize(graph: HTMLElement): Promise<unknown> | void };
}

let loading: Promise<PlotlyApi> | undefined;

/** The bundled plotly.js, imported once per webview. */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('plotly.js-dist').then((module) => {
    const namespace = module as { default?: unknown };
    return (namespace.default ?? module) as PlotlyApi;
  });
  return loading;
}

/**
 * The config every figure is drawn with, over what toPlotly asks for: nothing may reach the
 * network (no MathJax, no cloud links) and the logo stays off.
 */
export function offlineConfig(config: PlotlyFigure['config']): PlotlyFigure['config'] {
  return {
    ...config,
    typesetMath: false,
    displaylogo: false,
    showLink: false,
    showSendToCloud: false,
    showEditInChartStudio: false,
    responsive: false,
  };
}
