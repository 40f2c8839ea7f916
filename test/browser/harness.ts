// A stand-in for VS Code's notebook webview: it imports the real renderer bundle, activates it
// with a renderer context that records what the renderer posts, and hands it output items.
import type { ActivationFunction, OutputItem, RendererApi, RendererContext } from 'vscode-notebook-renderer';

interface Harness {
  /** Messages the renderer posted to the "extension host". */
  readonly messages: unknown[];
  render(id: string, spec: unknown, width?: number): Promise<void>;
  dispose(id?: string): void;
  /** Sends a message as the extension host would. */
  reply(message: unknown): void;
  /** Switches the page's theme as VS Code does: body class plus CSS variables on the root. */
  setTheme(kind: 'vscode-light' | 'vscode-dark' | 'vscode-high-contrast', variables: Record<string, string>): void;
}

declare global {
  interface Window {
    harness: Harness;
    harnessReady: Promise<void>;
  }
}

const messages: unknown[] = [];
const listeners: ((message: unknown) => void)[] = [];
const context: RendererContext<unknown> = {
  setState: () => undefined,
  getState: () => undefined,
  getRenderer: async () => undefined,
  postMessage: (message) => void messages.push(message),
  onDidReceiveMessage: (listener: (message: unknown) => void) => {
    listeners.push(listener);
    return { dispose: () => listeners.splice(listeners.indexOf(listener), 1) };
  },
  workspace: { isTrusted: true },
};

function outputItem(id: string, spec: unknown): OutputItem {
  const text = JSON.stringify(spec);
  const bytes = new TextEncoder().encode(text);
  return {
    id,
    mime: 'application/vnd.losslab.figure+json',
    text: () => text,
    json: () => JSON.parse(text) as unknown,
    data: () => bytes,
    blob: () => new Blob([bytes], { type: 'application/vnd.losslab.figure+json' }),
    metadata: {},
  };
}

window.harnessReady = (async () => {
  // Loaded as VS Code loads a renderer: an ES module by URL, its chunks next to it.
  const url = new URL('./renderer/index.js', import.meta.url).href;
  const module = (await import(/* @vite-ignore */ url)) as { activate: ActivationFunction };
  const api = (await module.activate(context)) as RendererApi;
  const outputs = document.getElementById('outputs') as HTMLElement;
  window.harness = {
    messages,
    async render(id, spec, width = 720) {
      let element = document.getElementById(`output-${id}`);
      if (element === null) {
        element = document.createElement('div');
        element.id = `output-${id}`;
        element.className = 'output';
        outputs.append(element);
      }
      element.style.width = `${width}px`;
      await api.renderOutputItem(outputItem(id, spec), element, new AbortController().signal);
    },
    dispose(id) {
      api.disposeOutputItem?.(id);
      if (id === undefined) outputs.replaceChildren();
      else document.getElementById(`output-${id}`)?.remove();
    },
    reply(message) {
      for (const listener of [...listeners]) listener(message);
    },
    setTheme(kind, variables) {
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(kind);
      const root = document.documentElement;
      root.removeAttribute('style');
      for (const [name, value] of Object.entries(variables)) root.style.setProperty(name, value);
    },
  };
})();
