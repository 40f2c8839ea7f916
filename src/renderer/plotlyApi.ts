import type { PlotlyFigure } from '../core/figures/plotly/types';
import { PLOTLY_SCRIPT } from '../core/figures/plotly/script';

/**
 * The part of plotly.js the renderer uses, typed here so the rest of the renderer does not depend
 * on plotly's large declarations. plotly.js-dist is bundled with the extension and loaded lazily,
 * as a script of its own, the first time a figure is drawn: notebooks without figures never pay for it.
 */
export interface PlotlyApi {
  react(graph: HTMLElement, data: PlotlyFigure['data'], layout: PlotlyFigure['layout'], config: PlotlyFigure['config']): Promise<unknown>;
  restyle(graph: HTMLElement, update: Record<string, unknown[]>, traces: number[]): Promise<unknown>;
  purge(graph: HTMLElement): void;
  toImage(graph: HTMLElement, options: { format: 'png' | 'svg'; width?: number; height?: number; scale?: number }): Promise<string>;
  readonly Plots: { resize(graph: HTMLElement): Promise<unknown> | void };
}

let loading: Promise<PlotlyApi> | undefined;

const globalPlotly = (): PlotlyApi | undefined => (globalThis as { Plotly?: PlotlyApi }).Plotly;

/**
 * The bundled plotly.js, loaded once per page: already global in the HTML report, which inlines
 * it; in the notebook's webview, imported by URL from beside the renderer's bundle (this module is
 * part of the entry bundle, dist/renderer.js), where it sets globalThis.Plotly.
 */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= (async () => {
    if (globalPlotly() === undefined) await import(new URL(PLOTLY_SCRIPT, import.meta.url).href);
    const plotly = globalPlotly();
    if (plotly === undefined) throw new Error(`LossLab: ${PLOTLY_SCRIPT} loaded but did not define Plotly`);
    return plotly;
  })();
  // A failed load (a missing file, a blocked URL) may be retried by the next figure.
  loading.catch(() => {
    loading = undefined;
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
