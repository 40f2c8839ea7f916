import type { ActivationFunction } from 'vscode-notebook-renderer';
import { unsupportedSpec, type FigureSpec } from '../core/figures/spec';
import type { HostReply, RendererMessage } from './messages';
import { render, type RenderedFigure } from './render';
import { watchTheme } from './themeWatcher';

/**
 * VS Code's entry point for the `losslab-figures` renderer: adapts render() to output items, keeps
 * one figure per output id, and re-themes every figure when the theme changes.
 */
export const activate: ActivationFunction = (context) => {
  const figures = new Map<string, { figure?: RenderedFigure; cancelled: boolean }>();
  const theme = watchTheme((next) => {
    for (const entry of figures.values()) void entry.figure?.setTheme(next);
  });
  // Host replies are not addressed to a figure; the one that asked last shows them.
  let lastAsked: RenderedFigure | undefined;
  context.onDidReceiveMessage?.((message: unknown) => {
    const reply = message as Partial<HostReply>;
    if (reply.type === 'status' && typeof reply.text === 'string') lastAsked?.showStatus(reply.text, reply.ok === true);
  });
  const dispose = (id: string): void => {
    const entry = figures.get(id);
    if (entry === undefined) return;
    entry.cancelled = true;
    entry.figure?.dispose();
    figures.delete(id);
  };
  return {
    async renderOutputItem(outputItem, element, signal) {
      dispose(outputItem.id);
      const entry: { figure?: RenderedFigure; cancelled: boolean } = { cancelled: false };
      figures.set(outputItem.id, entry);
      const spec: unknown = outputItem.json();
      const unsupported = unsupportedSpec(spec);
      if (unsupported !== undefined) {
        const note = element.ownerDocument.createElement('p');
        note.className = 'losslab-unsupported';
        note.setAttribute('role', 'alert');
        note.textContent = unsupported;
        element.replaceChildren(note);
        return;
      }
      const host = {
        postMessage:
          context.postMessage === undefined
            ? undefined
            : (message: RendererMessage) => {
                lastAsked = entry.figure;
                context.postMessage?.(message);
              },
      };
      const figure = await render({ container: element, spec: spec as FigureSpec, theme: theme.current, host });
      // The item may have been disposed or re-rendered while plotly loaded.
      if (entry.cancelled || signal?.aborted === true) figure.dispose();
      else entry.figure = figure;
    },
    disposeOutputItem(id) {
      if (id === undefined) for (const key of [...figures.keys()]) dispose(key);
      else dispose(id);
    },
  };
};
