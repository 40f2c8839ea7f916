import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { MathJsInstance } from 'mathjs';
import { InputError } from '../../core/errors';
import { checkInterrupt } from '../../core/interrupt';
import { isLoadedArray, loadBytes, toFloat64Tensor, type LoadedArray, type LoadedFile, type LoadedValue } from '../../core/io';
import { backedMatrix, listMatrix } from '../../core/language/values';
import { sharedFloat64, toShared } from '../parallel/shared';
import type { LoadProgress } from './protocol';

/**
 * `load(path)` for a notebook on disk, the one loader of both hosts (the kernel worker and
 * `losslab run`, through createNodeSession): resolve the path against the notebook's folder under
 * the workspace's trust, read the file (reporting progress for large ones), parse it with the core
 * loaders and turn each array into a value the language accepts (arraysToValues).
 */

/** Files larger than this are read in chunks, with a progress message after each. */
export const PROGRESS_THRESHOLD_BYTES = 50 * 1024 * 1024;
const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * The file `request` names, as an absolute path. Relative paths resolve against `folder` (the
 * notebook's folder). In an untrusted workspace only files inside that folder may be read: an
 * absolute path, or a relative one that climbs out with `..`, is refused with an InputError.
 */
export function resolveLoadPath(request: string, folder: string | undefined, trusted: boolean): string {
  if (isAbsolute(request)) {
    if (!trusted) throw new InputError('load', 'path', "relative to the notebook's folder in an untrusted workspace (trust the workspace to read absolute paths)", JSON.stringify(request));
    return resolve(request);
  }
  if (folder === undefined) throw new InputError('load', 'path', 'absolute, or the notebook saved to a folder first (a relative path needs the notebook\'s folder)', JSON.stringify(request));
  const file = resolve(folder, request);
  const inside = relative(folder, file);
  if (!trusted && (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))) {
    throw new InputError('load', 'path', "inside the notebook's folder in an untrusted workspace", JSON.stringify(request));
  }
  return file;
}

/**
 * Reads a whole file into its own buffer. Large files (over 50 MB) report progress after each
 * 16 MB chunk, which the host shows while the kernel is busy (posting needs no idle loop).
 * `readFileSync` is avoided on purpose: for small files it returns a slice of Node's shared pool at
 * an arbitrary byte offset, which would keep the pool alive through the loaders' zero-copy views
 * and misaligns them (a Float32Array view needs an offset that is a multiple of 4).
 */
export function readFileWithProgress(file: string, onProgress: (loadedBytes: number, totalBytes: number) => void): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const total = fstatSync(fd).size;
    const report = total > PROGRESS_THRESHOLD_BYTES;
    const bytes = new Uint8Array(total);
    let loaded = 0;
    if (report) onProgress(0, total);
    while (loaded < total) {
      // Cancelling the progress bar interrupts the cell: heard between chunks.
      checkInterrupt();
      const read = readSync(fd, bytes, loaded, Math.min(CHUNK_BYTES, total - loaded), loaded);
      if (read === 0) break;
      loaded += read;
      if (report) onProgress(loaded, total);
    }
    return loaded === total ? bytes : bytes.subarray(0, loaded);
  } finally {
    closeSync(fd);
  }
}

export interface LoaderContext {
  readonly folder: string | undefined;
  /** Read at each call: trust can be granted while the worker runs. */
  readonly isTrusted: () => boolean;
  /** The session's mathjs instance, for the matrices it returns. */
  readonly math: () => MathJsInstance;
  /** The session's element cap: larger arrays stay tensors (arraysToValues). */
  readonly matrixLimit: () => number;
  readonly onProgress: (progress: LoadProgress) => void;
}

/**
 * The language value of each entry of a file, by name (a file's `values` when it has containers,
 * else its `arrays`). Arrays: a 0-d array is a number; an array of at
 * most `matrixLimit` elements (the session's element cap) is a mathjs matrix backed by its float64
 * tensor (backedMatrix), so that every mathjs function takes it (`size(pred)`, `pred[1, :]`,
 * `pred * 2`) while a loss reads the tensor without converting it back; a larger array, beyond
 * what a mathjs value may hold, and an empty one (a matrix of `[]` forgets the trailing extents of
 * (0, 4)) stay float64 tensors, which every loss, miner and helper takes. Containers (torch.save):
 * a dict is an object of its entries' values, a list or tuple of numbers a vector, and any other
 * list or tuple a vector of its items' values (listMatrix), so `d.cls_scores[1]` is the first
 * tensor of a saved list, 1-based as every index in a cell; strings, bools and None stay as they
 * are. A container or array the file holds twice is converted once. Pure: no file access.
 *
 * The float64 values are in shared memory: the worker pool reads a loss's inputs from there, and
 * would otherwise copy an export into it at every call of a cell that re-runs a loss on it. A
 * conversion (a float32 export) writes there directly; float64 values read as a view of the file
 * are copied there once, up to `matrixLimit` elements (a larger file would be held twice meanwhile).
 */
export function arraysToValues(file: LoadedFile, math: MathJsInstance, matrixLimit: number): Record<string, unknown> {
  const converted = new Map<object, unknown>();
  const convert = (entry: LoadedValue, name: string): unknown => {
    if (entry === null || typeof entry !== 'object') return entry;
    const known = converted.get(entry);
    if (known !== undefined) return known;
    let value: unknown;
    if (isLoadedArray(entry)) {
      value = arrayToValue(entry, name, math, matrixLimit);
    } else if (entry.kind === 'dict') {
      value = record([...entry.entries].map(([key, item]) => [key, convert(item, `${name}.${key}`)]));
    } else {
      const items = entry.items.map((item, i) => convert(item, `${name}[${i + 1}]`));
      value = items.every((item) => typeof item === 'number') ? math.matrix(items as number[]) : listMatrix(math, items);
    }
    converted.set(entry, value);
    return value;
  };
  return record([...(file.values ?? Object.entries(file.arrays))].map(([name, entry]) => [name, convert(entry, name)]));
}

/** An object of the given entries; names come from files, so `__proto__` must stay an ordinary entry. */
function record(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, value] of entries) Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  return values;
}

/** One array's language value (arraysToValues). */
function arrayToValue(array: LoadedArray, name: string, math: MathJsInstance, matrixLimit: number): unknown {
  const converted = toFloat64Tensor(array, name, sharedFloat64);
  const count = converted.data.length;
  const tensor = count <= matrixLimit ? { shape: converted.shape, data: toShared(converted.data) } : converted;
  if (tensor.shape.length === 0) return tensor.data[0];
  if (count > 0 && count <= matrixLimit) return backedMatrix(math, tensor);
  return tensor;
}

/** Turns a file-system failure into the sentence a cell shows. */
export function readError(request: string, file: string, error: unknown): InputError {
  const code = (error as { code?: unknown }).code;
  const found =
    code === 'ENOENT' ? `${JSON.stringify(request)}, which does not exist (looked for ${file})`
    : code === 'EISDIR' ? `${JSON.stringify(request)}, which is a folder`
    : code === 'EACCES' || code === 'EPERM' ? `${JSON.stringify(request)}, which cannot be read (permission denied)`
    : `${JSON.stringify(request)}, which could not be read (${error instanceof Error ? error.message : String(error)})`;
  return new InputError('load', 'path', 'a readable .npy, .npz, .safetensors, .pt, .json or .csv file', found);
}

/** The `load` function a session is given (createNodeSession). */
export function createLoader(context: LoaderContext): (path: string) => Record<string, unknown> {
  return (request) => {
    const file = resolveLoadPath(request, context.folder, context.isTrusted());
    let bytes: Uint8Array;
    try {
      bytes = readFileWithProgress(file, (loadedBytes, totalBytes) => context.onProgress({ path: request, loadedBytes, totalBytes }));
    } catch (error) {
      throw readError(request, file, error);
    }
    return arraysToValues(loadBytes(bytes, request), context.math(), context.matrixLimit());
  };
}
