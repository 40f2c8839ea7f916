import { closeSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MathJsInstance } from 'mathjs';
import { InputError } from '../../core/errors';
import { FILE_START_LENGTH, checkFileStart, isLoadedArray, loadBytes, toFloat64Tensor, type LoadedArray, type LoadedFile, type LoadedValue } from '../../core/io';
import { backedMatrix, listMatrix } from '../../core/language/values';
import { FileRefusedError, openRegularFile, readRange } from '../files/read';
import { DEFAULT_MAX_LOAD_BYTES, checkRealPath, isInside, resolveRequest, type FileAccessPolicy } from '../files/policy';
import { sharedFloat64, toShared } from '../parallel/shared';
import type { LoadProgress } from './protocol';

/**
 * `load(path)` for a notebook on disk, the one loader of both hosts (the kernel worker and
 * `losslab run`, through createNodeSession): resolve the path against the notebook's folder and
 * check it under the file-access policy (`src/node/files/policy.ts`), open it as a regular file,
 * check its first bytes, then read it (reporting progress for large ones), parse it with the core
 * loaders and turn each array into a value the language accepts (arraysToValues).
 */

/** Files larger than this are read in chunks, with a progress message after each. */
export const PROGRESS_THRESHOLD_BYTES = 50 * 1024 * 1024;

/** `realpath`, or the path itself when it cannot be resolved (a root that does not exist holds nothing anyway). */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The file `request` names, as an absolute path with every symlink followed, once the policy allows
 * it. Relative paths resolve against `folder` (the notebook's folder). Outside a trusted workspace
 * the file must resolve inside one of the policy's roots; pseudo-files (/proc, /sys, /dev) are
 * refused always. A missing file or a dangling link is an InputError saying where it looked.
 */
export function resolveLoadPath(request: string, folder: string | undefined, policy: FileAccessPolicy): string {
  const resolved = resolveRequest(request, folder);
  const realRoots = policy.roots.map(realOrSelf);
  // The path as written is checked first, so a cell cannot learn whether a file outside exists.
  if (!policy.trusted && !policy.roots.some((root) => isInside(resolved, resolve(root)))) checkRealPath(request, resolved, resolved, realRoots, policy);
  let real: string;
  try {
    real = realpathSync(resolved);
  } catch (error) {
    throw readError(request, resolved, error);
  }
  checkRealPath(request, resolved, real, realRoots, policy);
  return real;
}

/**
 * Reads a whole regular file into its own buffer, refusing it from its first bytes when they
 * cannot start a file `loadBytes` reads (checkFileStart), so a junk file is never read whole. Large
 * files (over 50 MB) report progress after each 16 MB chunk, which the host shows while the kernel
 * is busy (posting needs no idle loop). `request` is the name messages give.
 */
export function readFileWithProgress(file: string, onProgress: (loadedBytes: number, totalBytes: number) => void, request = file, maxBytes = DEFAULT_MAX_LOAD_BYTES): Uint8Array {
  const { fd, size } = openRegularFile(file, maxBytes);
  try {
    const start = readRange(fd, 0, Math.min(size, FILE_START_LENGTH));
    checkFileStart(start, request, size);
    if (start.length === size) return start;
    const report = size > PROGRESS_THRESHOLD_BYTES;
    if (report) onProgress(0, size);
    const bytes = readRange(fd, 0, size, report ? (done) => onProgress(done, size) : undefined);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

export interface LoaderContext {
  readonly folder: string | undefined;
  /** The file-access policy, read at each call: trust can be granted while the worker runs. */
  readonly policy: () => FileAccessPolicy;
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
export function arraysToValues(file: LoadedFile, math: MathJsInstance, matrixLimit: number, fileName?: string): Record<string, unknown> {
  const converted = new Map<object, unknown>();
  const convert = (entry: LoadedValue, name: string): unknown => {
    if (entry === null || typeof entry !== 'object') return entry;
    const known = converted.get(entry);
    if (known !== undefined) return known;
    let value: unknown;
    if (isLoadedArray(entry)) {
      // A conversion error (an int64 beyond 2^53) names the file as well as the array.
      value = arrayToValue(entry, fileName === undefined ? name : `${name} (in ${fileName})`, math, matrixLimit);
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

/** Turns a file-system failure into the sentence a cell shows; a LoadError or InputError passes unchanged. */
export function readError(request: string, file: string, error: unknown): Error {
  if (error instanceof InputError || (error instanceof Error && error.name === 'LoadError')) return error;
  const code = (error as { code?: unknown }).code;
  const found =
    error instanceof FileRefusedError ? `${JSON.stringify(request)}, ${error.reason}`
    : code === 'ENOENT' ? `${JSON.stringify(request)}, which does not exist (looked for ${file})`
    : code === 'ELOOP' ? `${JSON.stringify(request)}, which is a symbolic link that changed while it was opened, or a loop of links`
    : code === 'EISDIR' ? `${JSON.stringify(request)}, which is a folder`
    : code === 'EACCES' || code === 'EPERM' ? `${JSON.stringify(request)}, which cannot be read (permission denied)`
    : `${JSON.stringify(request)}, which could not be read (${error instanceof Error ? error.message : String(error)})`;
  return new InputError('load', 'path', 'a readable .npy, .npz, .safetensors, .pt, .json or .csv file', found);
}

/** The `load` function a session is given (createNodeSession). */
export function createLoader(context: LoaderContext): (path: string) => Record<string, unknown> {
  return (request) => {
    const policy = context.policy();
    const file = resolveLoadPath(request, context.folder, policy);
    let bytes: Uint8Array;
    try {
      bytes = readFileWithProgress(file, (loadedBytes, totalBytes) => context.onProgress({ path: request, loadedBytes, totalBytes }), request, policy.maxBytes);
    } catch (error) {
      throw readError(request, file, error);
    }
    return arraysToValues(loadBytes(bytes, request), context.math(), context.matrixLimit(), request);
  };
}
