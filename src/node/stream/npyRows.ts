/**
 * Reads row ranges of a .npy file from disk without loading it whole: the header is parsed once,
 * then each `read(start, end)` reads just those rows' bytes (fs.readSync at the row offset) into
 * a reused buffer and decodes them to float64 (`readStored`: float32 data stays float32). Memory is
 * one chunk, whatever the file's size.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { openRegularFile } from '../files/read';
import { toFloat64Tensor } from '../../core/io/convert';
import { NPY_PREFIX_LENGTH, decodeNpyData, parseNpyHeader, type NpyHeader } from '../../core/io/npy';
import { LoadError } from '../../core/io/errors';
import type { Tensor, TensorF32 } from '../../core/tensor';
import type { LoadedArray } from '../../core/io/types';

export class NpyRowReader {
  readonly header: NpyHeader;
  /** Rows along axis 0 (1 for a scalar). */
  readonly rows: number;
  private readonly fd: number;
  private buffer = new Uint8Array(0);
  /** The float64 values of the last float32 (or float16) chunk `read`. */

  constructor(readonly path: string) {
    // Opened as a regular file only (a FIFO would block the kernel), whatever its size: rows are read in chunks.
    this.fd = openRegularFile(path, Number.MAX_SAFE_INTEGER).fd;
    try {
      this.header = readHeader(this.fd, path);
      if (this.header.fortranOrder && this.header.shape.filter((extent) => extent > 1).length > 1) {
        throw new LoadError(path, 'C order (rows contiguous on disk) to stream it', 'fortran_order True', { field: 'fortran_order' });
      }
      this.rows = this.header.shape.length === 0 ? 1 : this.header.shape[0];
    } catch (error) {
      closeSync(this.fd);
      throw error;
    }
  }

  /** Rows [start, end) as a float64 tensor of shape (end − start, …trailing). Valid until the next read. */
  read(start: number, end: number): Tensor {
    return toFloat64Tensor(this.readRows(start, end), this.path);
  }

  /**
   * Rows [start, end) in the width they are stored in (what the QFL stream feeds its kernels): data that decodes to
   * float32 ('<f4' and '>f4', float16 and bfloat16, which float32 holds exactly) as a TensorF32 —
   * for a little-endian '<f4' file a view of the read buffer, with no copy or conversion — and
   * every other dtype decoded to float64 as by `read`. Valid until the next read.
   */
  readStored(start: number, end: number): Tensor | TensorF32 {
    const rows = this.readRows(start, end);
    return rows.data instanceof Float32Array ? { shape: rows.shape, data: rows.data } : toFloat64Tensor(rows, this.path);
  }

  /** Reads rows [start, end)'s bytes into the reused buffer and decodes them (a view where the dtype allows). */
  private readRows(start: number, end: number): LoadedArray {
    const { header } = this;
    const bytes = (end - start) * header.rowStride;
    if (this.buffer.length < bytes) this.buffer = new Uint8Array(bytes);
    const chunk = this.buffer.subarray(0, bytes);
    let done = 0;
    while (done < bytes) {
      const read = readSync(this.fd, chunk, done, bytes - done, header.dataOffset + start * header.rowStride + done);
      if (read === 0) break;
      done += read;
    }
    const shape = header.shape.length === 0 ? [] : [end - start, ...header.shape.slice(1)];
    // decodeNpyData reports a short read (a truncated file) as a LoadError with the offset.
    return decodeNpyData(header, chunk.subarray(0, done), 0, shape, this.path);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readHeader(fd: number, path: string): NpyHeader {
  const size = fstatSync(fd).size;
  const prefix = new Uint8Array(Math.min(size, NPY_PREFIX_LENGTH));
  readSync(fd, prefix, 0, prefix.length, 0);
  // The prefix names the header length; a second read gets the whole header.
  let length = prefix.length;
  if (prefix.length === NPY_PREFIX_LENGTH) {
    const view = new DataView(prefix.buffer);
    length = prefix[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
  }
  const head = new Uint8Array(Math.min(size, Math.max(length, prefix.length)));
  readSync(fd, head, 0, head.length, 0);
  return parseNpyHeader(head, path);
}
