/**
 * Writes .npy files (format 1.0, C order, little-endian), whole or chunk by chunk: the bench
 * generates its large exports with it and tests write small ones. Arrays bigger than memory are
 * written by `openNpyWriter` and `append`, one chunk of rows at a time.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export type NpyFloatDescr = '<f4' | '<f8';

/** The header of a C-order array, padded so that the data starts on a 64-byte boundary (numpy's own layout). */
export function npyHeaderBytes(descr: NpyFloatDescr, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let text = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = 10 + text.length + 1;
  text += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + text.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
  for (let i = 0; i < text.length; i++) bytes[10 + i] = text.charCodeAt(i);
  return bytes;
}

export interface NpyWriter {
  /** Appends elements in C order (typed to the file's dtype). */
  append(data: Float32Array | Float64Array): void;
  close(): void;
}

export function openNpyWriter(path: string, descr: NpyFloatDescr, shape: readonly number[]): NpyWriter {
  const fd = openSync(path, 'w');
  writeSync(fd, npyHeaderBytes(descr, shape));
  return {
    append: (data) => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    },
    close: () => closeSync(fd),
  };
}

export function writeNpy(path: string, descr: NpyFloatDescr, shape: readonly number[], data: ArrayLike<number>): void {
  const writer = openNpyWriter(path, descr, shape);
  try {
    writer.append(descr === '<f4' ? Float32Array.from(data) : Float64Array.from(data));
  } finally {
    writer.close();
  }
}
