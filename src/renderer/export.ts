import type { FigureSpec } from '../core/figures/spec';
import type { RendererMessage } from './messages';
import type { PlotlyApi } from './plotlyApi';

/** Where export requests go: the extension host when messaging is available, else the page. */
export interface ExportHost {
  postMessage?(message: RendererMessage): void;
}

/** A file name from the figure's title or kind: `QFL vs sigma` → `qfl-vs-sigma.png`. */
export function suggestedName(spec: FigureSpec, format: 'png' | 'svg'): string {
  const base = (spec.title ?? `losslab-${spec.kind}`)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${base === '' ? `losslab-${spec.kind}` : base}.${format}`;
}

/**
 * Exports the drawn figure as PNG or SVG at its on-screen size (PNG at twice the pixels, for
 * sharp slides). With a host, the host saves it through a save dialog (a webview cannot write
 * files); without one (the HTML report), the browser downloads it.
 */
export async function exportImage(plotly: PlotlyApi, graph: HTMLElement, spec: FigureSpec, format: 'png' | 'svg', host: ExportHost): Promise<string> {
  const width = Math.max(320, Math.round(graph.clientWidth));
  const height = Math.max(240, Math.round(graph.clientHeight));
  const dataUrl = await plotly.toImage(graph, { format, width, height, scale: format === 'png' ? 2 : 1 });
  const name = suggestedName(spec, format);
  if (host.postMessage !== undefined) {
    host.postMessage({ type: 'export', format, dataUrl, suggestedName: name });
    return `Exporting ${name}…`;
  }
  const link = graph.ownerDocument.createElement('a');
  link.href = dataUrl;
  link.download = name;
  link.click();
  return `Downloaded ${name}.`;
}

/**
 * Copies the figure's spec as JSON: through the host (VS Code's clipboard) when there is one,
 * since a webview may not be granted clipboard access, else through the page's clipboard.
 */
export async function copyJson(spec: FigureSpec, host: ExportHost, clipboard: Pick<Clipboard, 'writeText'> | undefined = globalThis.navigator?.clipboard): Promise<string> {
  const text = JSON.stringify(spec, null, 2);
  if (host.postMessage !== undefined) {
    host.postMessage({ type: 'copy', text });
    return 'Copying the figure JSON…';
  }
  if (clipboard === undefined) throw new Error('No clipboard is available here.');
  await clipboard.writeText(text);
  return 'Copied the figure JSON.';
}

export interface ToolbarOptions {
  readonly onExport: (format: 'png' | 'svg') => void;
  readonly onCopy: () => void;
  readonly signal: AbortSignal;
}

/** The small row of buttons under a figure. Listeners go away with `signal`. */
export function createToolbar(doc: Document, options: ToolbarOptions): HTMLElement {
  const bar = doc.createElement('div');
  bar.className = 'losslab-toolbar';
  const button = (label: string, title: string, action: () => void): HTMLButtonElement => {
    const element = doc.createElement('button');
    element.type = 'button';
    element.className = 'losslab-button';
    element.textContent = label;
    element.title = title;
    element.addEventListener('click', action, { signal: options.signal });
    return element;
  };
  bar.append(
    button('PNG', 'Save the figure as a PNG image', () => options.onExport('png')),
    button('SVG', 'Save the figure as an SVG image', () => options.onExport('svg')),
    button('Copy JSON', 'Copy the figure spec as JSON', options.onCopy),
  );
  return bar;
}
