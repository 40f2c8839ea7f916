import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { checkInterrupt } from '../../core/interrupt';

/**
 * Opening and reading files that someone else may have prepared: only regular files, inspected
 * through the opened descriptor (so what is checked is what is read), never blocking on a FIFO,
 * and never larger than the caller allows. Used by `load`, `qfl_stream` and `losslab run`'s
 * notebook reads.
 */

/** A file that exists but may not be read as data: a FIFO, a device, a folder, a socket, or too large. */
export class FileRefusedError extends Error {
  override readonly name = 'FileRefusedError';

  constructor(
    readonly file: string,
    /** What the file is instead, as a clause: "which is a FIFO (named pipe), not a regular file". */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** What a non-regular file is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
// O_NOFOLLOW: the path was resolved already; a symlink swapped in since then is refused.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * Opens `file` for reading when it is a regular file of at most `maxBytes` bytes; the caller closes
 * the descriptor. Throws FileRefusedError for anything else, and Node's own error (ENOENT, EACCES,
 * ELOOP) when it cannot be opened at all.
 */
export function openRegularFile(file: string, maxBytes: number): { fd: number; size: number } {
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new FileRefusedError(file, `which is ${kindOf(stats)}, not a regular file`);
    if (stats.size > maxBytes) throw new FileRefusedError(file, `which is ${formatBytes(stats.size)} (${stats.size} bytes), over the ${formatBytes(maxBytes)} a read may take`);
    return { fd, size: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Bytes in the unit a person reads: 3.2 GB, 512 MB, 40 kB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} bytes`;
}

/** `realpath` of `path`, or of its nearest existing ancestor with the rest appended (for a file not yet written). */
export function realPathOrTarget(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = resolve(absolute, '..');
    if (parent === absolute) return absolute;
    return resolve(realPathOrTarget(parent), absolute.slice(parent.length + (parent.endsWith('/') ? 0 : 1)));
  }
}

const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Reads `length` bytes from `position` of an open file into a new buffer, in chunks, checking for an
 * interrupt between them and reporting each chunk's end through `onChunk`. A file that shrank since
 * it was measured gives the bytes there were. Its own buffer on purpose: `readFileSync` returns
 * small files as slices of Node's shared pool at arbitrary offsets, which would misalign the
 * loaders' zero-copy views (a Float32Array view needs an offset that is a multiple of 4).
 */
export function readRange(fd: number, position: number, length: number, onChunk: (done: number) => void = () => undefined): Uint8Array {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    checkInterrupt();
    const read = readSync(fd, bytes, done, Math.min(CHUNK_BYTES, length - done), position + done);
    if (read === 0) break;
    done += read;
    onChunk(done);
  }
  return done === length ? bytes : bytes.subarray(0, done);
}
