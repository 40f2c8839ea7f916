import { toPlotly, type PlotlyFigure, type PlotlyObject } from '../core/figures/plotly';
import type { FigureRecomputer } from '../core/language/recompute';
import { projectionAtMargin } from '../core/figures/projection';
import { awaitsComputation, type FigureSpec } from '../core/figures/spec';
import type { FigureTheme } from '../core/figures/theme';
import { copyJson, createToolbar, exportImage } from './export';
import type { RendererMessage } from './messages';
import { loadPlotly, offlineConfig, type PlotlyApi } from './plotlyApi';
import { createSliderPanel, formatSliderValue, type SliderPanel, type SliderValues } from './sliders';

/** What a figure may ask of whoever embeds it: VS Code's renderer context, or nothing (the report). */
export interface RenderHost {
  postMessage?(message: RendererMessage): void;
}

export interface RenderOptions {
  /** The element the figure fills; its previous content is replaced. Its width sets the figure's. */
  readonly container: HTMLElement;
  readonly spec: FigureSpec;
  readonly theme: FigureTheme;
  readonly host?: RenderHost;
  /** plotly.js; by default the bundled copy, loaded on first use. */
  readonly plotly?: PlotlyApi;
}

/** Fired on the container after each slider redraw, with the new spec and how long it took. */
export const UPDATE_EVENT = 'losslab-figure-update';
export interface UpdateDetail {
  readonly spec: FigureSpec;
  /** Recompute plus Plotly.react, in milliseconds. */
  readonly ms: number;
  /** Of which the recompute in the core. */
  readonly computeMs: number;
  readonly error?: string;
}

export interface RenderedFigure {
  /** The element plotly draws into. */
  readonly graph: HTMLElement;
  /** The spec drawn now: the original, or its recomputation for the current slider values. */
  readonly spec: FigureSpec;
  /** Redraws in another theme. */
  setTheme(theme: FigureTheme): Promise<void>;
  /** Recomputes for these slider values and redraws, as a drag does (without the frame throttle). */
  update(values: SliderValues): Promise<UpdateDetail>;
  /** Shows a short message under the figure (host replies). */
  showStatus(text: string, ok: boolean): void;
  /** Purges plotly and removes every listener and element it added. */
  dispose(): void;
}

/**
 * Draws a figure spec into `container`: the plotly figure, its sliders (recomputed in the page by
 * the core, without the kernel) and an export toolbar. A plain DOM function, so it is tested in a
 * browser page without VS Code; index.ts adapts it to VS Code's renderer API.
 */
export async function render(options: RenderOptions): Promise<RenderedFigure> {
  const { container, host = {} } = options;
  const doc = container.ownerDocument;
  const plotly = options.plotly ?? (await loadPlotly());
  const lifetime = new AbortController();
  let spec = options.spec;
  let theme = options.theme;
  let disposed = false;

  ensureStyles(doc);
  const root = doc.createElement('div');
  root.className = 'losslab-figure';
  root.dataset.kind = spec.kind;
  const graph = doc.createElement('div');
  graph.className = 'losslab-plot';
  const status = doc.createElement('div');
  status.className = 'losslab-status';
  status.setAttribute('role', 'status');
  if (spec.statement !== undefined) {
    const caption = doc.createElement('div');
    caption.className = 'losslab-statement';
    caption.textContent = spec.statement;
    root.append(caption);
  }
  root.append(graph);
  container.replaceChildren(root);

  const draw = async (mode: 'full' | 'drag' = 'full'): Promise<void> => {
    const figure = toPlotly(spec, theme, { width: graph.clientWidth || container.clientWidth });
    // A figure that sets its own height (tables, distributions, square maps) is exactly that tall:
    // the usual minimum would leave a blank band under it.
    graph.style.minHeight = figure.layout.height === undefined ? '' : '0';
    // Dragging a curve's slider changes only its y values: restyling them skips the layout pass
    // that dominates a full redraw. Everything else, and the redraw on release, goes through react.
    if (mode === 'drag' && spec.kind === 'curves' && sameTraces(graph, figure.data)) {
      await plotly.restyle(graph, { y: figure.data.map((trace) => trace.y as unknown) }, figure.data.map((_, i) => i));
      return;
    }
    const layout = mode === 'drag' ? frozenMargins(figure.layout, graph) : figure.layout;
    await plotly.react(graph, figure.data, layout, offlineConfig(figure.config));
  };
  let recomputer: FigureRecomputer | undefined;
  if (awaitsComputation(spec)) {
    // A spec from the Python package carries its statement but no points: the core computes
    // them here, as a slider move would. A failure (a typo in the expression) shows under it.
    try {
      recomputer = await createRecomputer(spec);
      spec = recomputer.update({});
    } catch (cause) {
      status.textContent = cause instanceof Error ? cause.message : String(cause);
      status.classList.add('losslab-error');
    }
  }
  await draw();

  let panel: SliderPanel | undefined;
  // A drag can outrun a redraw: keep only the latest values and draw them when the last one ends.
  let drawing: Promise<UpdateDetail> | undefined;
  let queued: SliderValues | undefined;
  const update = async (values: SliderValues, mode: 'full' | 'drag' = 'full'): Promise<UpdateDetail> => {
    const started = performance.now();
    let computed = started;
    let error: string | undefined;
    try {
      const original = options.spec;
      if (original.kind === 'projection') {
        // Recoloured here from the distances the spec carries: no kernel, no cell language.
        spec = projectionAtMargin(original, values.margin ?? original.margin);
      } else {
        recomputer ??= await createRecomputer(original);
        spec = recomputer.update(values);
      }
      computed = performance.now();
      await draw(mode);
      status.textContent = '';
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
      showStatus(error, false);
    }
    const detail: UpdateDetail = { spec, ms: performance.now() - started, computeMs: computed - started, ...(error === undefined ? {} : { error }) };
    container.dispatchEvent(new CustomEvent<UpdateDetail>(UPDATE_EVENT, { detail }));
    return detail;
  };
  // While a slider moves, margins stay as they are (plotly's automargin pass costs more than the
  // rest of a redraw); the redraw after the last move measures them again.
  const schedule = (values: SliderValues, mode: 'full' | 'drag' = 'drag'): void => {
    if (disposed) return;
    if (drawing !== undefined) {
      queued = values;
      queuedMode = mode === 'full' || queuedMode === 'full' ? 'full' : 'drag';
      return;
    }
    drawing = update(values, mode).finally(() => {
      drawing = undefined;
      const next = queued;
      const nextMode = queuedMode;
      queued = undefined;
      queuedMode = 'drag';
      if (next !== undefined) schedule(next, nextMode);
    });
  };
  let queuedMode: 'full' | 'drag' = 'drag';

  const sliders = options.spec.sliders ?? [];
  if (sliders.length > 0 && (options.spec.source !== undefined || options.spec.kind === 'projection')) {
    const source = options.spec.source;
    panel = createSliderPanel({
      sliders,
      onInput: (values) => schedule(values, 'drag'),
      onChange: (values) => schedule(values, 'full'),
      // A projection's margin is an option of its call, not a variable of the cells: nothing to write back.
      ...(host.postMessage === undefined || source === undefined
        ? {}
        : {
            onWriteBack: (values: SliderValues) => {
              // Written as the slider shows them, not with the float noise of min + k·step.
              const rounded: SliderValues = {};
              for (const slider of sliders) rounded[slider.name] = Number(formatSliderValue(values[slider.name], slider.step));
              host.postMessage?.({ type: 'writeBack', statement: source.statement, values: rounded });
            },
          }),
    });
    root.append(panel.element);
  }

  const showStatus = (text: string, ok: boolean): void => {
    status.textContent = text;
    status.classList.toggle('losslab-error', !ok);
  };
  const run = (action: () => Promise<string>): void => {
    action().then(
      (text) => showStatus(text, true),
      (cause: unknown) => showStatus(cause instanceof Error ? cause.message : String(cause), false),
    );
  };
  root.append(
    createToolbar(doc, {
      signal: lifetime.signal,
      onExport: (format) => run(() => exportImage(plotly, graph, spec, format, host)),
      onCopy: () => run(() => copyJson(spec, host)),
    }),
    status,
  );

  // The cell's width changes with the editor; plotly only measures its container when told to.
  let resizeFrame: number | undefined;
  let lastWidth = container.clientWidth;
  const resizer = new ResizeObserver(() => {
    if (container.clientWidth === lastWidth || resizeFrame !== undefined) return;
    resizeFrame = requestAnimationFrame(() => {
      resizeFrame = undefined;
      lastWidth = container.clientWidth;
      if (disposed) return;
      // The square kinds' height follows the width, which only a redraw recomputes.
      if (spec.kind === 'anchor-map' || spec.kind === 'anchor-map-grid' || spec.kind === 'assignment-map' || spec.kind === 'calibration') void draw();
      else void plotly.Plots.resize(graph);
    });
  });
  resizer.observe(container);

  // A 3-D scene's wheel handler calls preventDefault even with scroll zoom off, and a notebook's
  // output webview scrolls the notebook only for wheel events nobody prevented: the pointer over a
  // 3-D scatter stopped the notebook. For events on the figure, preventDefault does nothing.
  graph.addEventListener(
    'wheel',
    (event) => Object.defineProperty(event, 'preventDefault', { value: () => undefined }),
    { capture: true, signal: lifetime.signal },
  );

  return {
    graph,
    get spec() {
      return spec;
    },
    async setTheme(next) {
      theme = next;
      if (!disposed) await draw();
    },
    update,
    showStatus,
    dispose() {
      if (disposed) return;
      disposed = true;
      lifetime.abort();
      resizer.disconnect();
      if (resizeFrame !== undefined) cancelAnimationFrame(resizeFrame);
      panel?.dispose();
      plotly.purge(graph);
      root.remove();
    },
  };
}

/** Whether the graph already shows traces of the same kinds over the same x values (so only y changed). */
function sameTraces(graph: HTMLElement, data: PlotlyFigure['data']): boolean {
  const shown = (graph as HTMLElement & { data?: { type?: unknown; x?: unknown; name?: unknown }[] }).data;
  return (
    shown !== undefined &&
    shown.length === data.length &&
    shown.every((trace, i) => trace.type === data[i].type && trace.name === data[i].name && sameAxis(trace.x, data[i].x))
  );
}

/** The same x grid: a recomputed curve rebuilds its (identical) grid, so compare by value. */
function sameAxis(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The layout with the margins plotly last computed, fixed: no automargin on any axis and no
 * margin push by the legend, so a redraw does not lay the figure out twice.
 */
function frozenMargins(layout: PlotlyObject, graph: HTMLElement): PlotlyObject {
  const size = (graph as HTMLElement & { _fullLayout?: { _size?: { l: number; r: number; t: number; b: number } } })._fullLayout?._size;
  if (size === undefined) return layout;
  const frozen: Record<string, PlotlyObject[string]> = { ...layout, margin: { l: size.l, r: size.r, t: size.t, b: size.b, autoexpand: false } };
  for (const [key, value] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) frozen[key] = { ...(value as PlotlyObject), automargin: false };
  }
  return frozen;
}

/** The core's session is large (mathjs); only figures with sliders load it, once. */
async function createRecomputer(spec: FigureSpec): Promise<FigureRecomputer> {
  if (spec.source === undefined) throw new Error('This figure carries no recompute source, so its sliders cannot move.');
  const { FigureRecomputer } = await import('../core/language/recompute');
  return new FigureRecomputer(spec.source);
}

const STYLE_ID = 'losslab-figure-style';
// VS Code's variables with fallbacks, so the controls also read in the HTML report.
const STYLE = `
.losslab-figure { width: 100%; }
.losslab-plot { width: 100%; min-height: 320px; }
.losslab-sliders { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: center; margin: 4px 0; font: 12px var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-foreground, inherit); }
.losslab-slider { display: inline-flex; gap: 6px; align-items: center; }
.losslab-slider input[type=range] { width: 160px; accent-color: var(--vscode-focusBorder, #1a85ff); }
.losslab-slider-value { min-width: 3.5em; font-variant-numeric: tabular-nums; }
.losslab-toolbar { display: flex; gap: 6px; margin: 4px 0; }
.losslab-button { font: 12px var(--vscode-font-family, system-ui, sans-serif); padding: 2px 8px; cursor: pointer; border-radius: 2px;
  color: var(--vscode-button-secondaryForeground, inherit); background: var(--vscode-button-secondaryBackground, transparent);
  border: 1px solid var(--vscode-button-border, var(--vscode-panel-border, #8888)); }
.losslab-button:hover { background: var(--vscode-button-secondaryHoverBackground, #8882); }
.losslab-statement { font: italic 12px var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-descriptionForeground, inherit); margin: 2px 0; overflow-wrap: anywhere; }
.losslab-status { font: 12px var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-descriptionForeground, inherit); min-height: 1em; }
.losslab-status.losslab-error { color: var(--vscode-errorForeground, #e51400); }
`;

function ensureStyles(doc: Document): void {
  if (doc.getElementById(STYLE_ID) !== null) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = STYLE;
  doc.head.append(style);
}
