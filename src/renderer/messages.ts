/**
 * The messages between the figure renderer (webview) and the extension host, over the
 * `losslab-figures` renderer messaging channel. Both sides import these types, so the protocol is
 * written down once; the file holds no code that touches the DOM or `vscode`.
 */
export const RENDERER_ID = 'losslab-figures';

/** Save a rendered image: the host opens a save dialog and writes the decoded data URL. */
export interface ExportMessage {
  readonly type: 'export';
  readonly format: 'png' | 'svg';
  /** `data:image/png;base64,…` or `data:image/svg+xml,…` as Plotly.toImage returns it. */
  readonly dataUrl: string;
  /** A file name without folder, e.g. `qfl-curves.png`. */
  readonly suggestedName: string;
}

/** Put text on the clipboard; the webview's own clipboard may be denied. */
export interface CopyMessage {
  readonly type: 'copy';
  readonly text: string;
}

/** Write slider values back into the cells that assign them (`beta = 2` → `beta = 2.5`). */
export interface WriteBackMessage {
  readonly type: 'writeBack';
  /**
   * The statement that drew the figure (its recompute source), to find its cell: the extension
   * API does not expose output ids.
   */
  readonly statement: string;
  readonly values: Readonly<Record<string, number>>;
}

export type RendererMessage = ExportMessage | CopyMessage | WriteBackMessage;

/** The host's answer to a request, shown briefly under the figure. */
export interface HostReply {
  readonly type: 'status';
  readonly ok: boolean;
  readonly text: string;
}

export function isRendererMessage(value: unknown): value is RendererMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'export':
      return (message.format === 'png' || message.format === 'svg') && typeof message.dataUrl === 'string' && typeof message.suggestedName === 'string';
    case 'copy':
      return typeof message.text === 'string';
    case 'writeBack':
      return (
        typeof message.statement === 'string' &&
        typeof message.values === 'object' &&
        message.values !== null &&
        Object.values(message.values).every((v) => typeof v === 'number' && Number.isFinite(v))
      );
    default:
      return false;
  }
}

/** The bytes of a `data:` URL (base64 or percent-encoded), or undefined when it is not one. */
export function decodeDataUrl(url: string): { mime: string; bytes: Uint8Array } | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),/.exec(url);
  if (match === null) return undefined;
  const payload = url.slice(match[0].length);
  const mime = match[1] || 'text/plain';
  if (match[2].split(';').includes('base64')) {
    const binary = atob(payload);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return { mime, bytes };
  }
  return { mime, bytes: new TextEncoder().encode(decodeURIComponent(payload)) };
}
