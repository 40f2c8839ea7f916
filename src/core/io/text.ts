import { failAt, type Source } from './errors';

/** Decodes UTF-8 text strictly (a byte-order mark is dropped); invalid bytes are a LoadError. */
export function decodeUtf8(bytes: Uint8Array, source: Source): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return failAt(source, firstInvalidUtf8(bytes), 'UTF-8 text', 'an invalid byte sequence');
  }
}

// The offset of the first byte that cannot belong to valid UTF-8, for the message.
function firstInvalidUtf8(bytes: Uint8Array): number {
  let low = 0;
  let high = bytes.length;
  // Binary search on the longest prefix that decodes in streaming mode (an incomplete tail is fine).
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}

/** The file name without directories or its last extension: `out/head.v2.json` → `head.v2`. */
export function fileStem(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot >= 0 ? base.slice(0, dot) : base;
}

/** The lower-case last extension without the dot, or '' when there is none. */
export function fileExtension(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot >= 0 ? base.slice(dot + 1).toLowerCase() : '';
}
