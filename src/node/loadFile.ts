import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { MathJsInstance } from 'mathjs';
import { InputError } from '../core/errors';
import { loadBytes, toFloat64Tensor, type LoadedFile } from '../core/io';
import { backedMatrix } from '../core/language/values';

/**
 * `load(path)` for a notebook on disk: the Node side of the language's `load`, shared by the
 * headless runner and the VS Code kernel, so that a cell means the same in both: `arraysToValues`
 * turns a loaded file into the cell's values in both hosts.
 */

/**
 * The language value of each array of a file, by name: a 0-d array is a number; an array of at
 * most `matrixLimit` elements (the session's element cap) is a mathjs matrix backed by its float64
 * tensor (backedMatrix), so that every mathjs function takes it (`size(pred)`, `pred[1, :]`,
 * `pred * 2`) while a loss reads the tensor without converting it back; a larger array, beyond
 * what a mathjs value may hold, and an empty one (a matrix of `[]` forgets the trailing extents of
 * (0, 4)) stay float64 tensors, which every loss, miner and helper takes. Pure: no file access.
 */
export function arraysToValues(file: LoadedFile, math: MathJsInstance, matrixLimit: number): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, array] of Object.entries(file.arrays)) {
    const tensor = toFloat64Tensor(array, name);
    const count = tensor.data.length;
    let value: unknown = tensor;
    if (tensor.shape.length === 0) value = tensor.data[0];
    else if (count > 0 && count <= matrixLimit) value = backedMatrix(math, tensor);
    // Names come from files: `__proto__` must stay an ordinary entry.
    Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return values;
}

/** Turns a file-system failure into the sentence a cell shows. */
export function readError(request: string, file: string, error: unknown): InputError {
  const code = (error as { code?: unknown }).code;
  const found =
    code === 'ENOENT' ? `${JSON.stringify(request)}, which does not exist (looked for ${file})`
    : code === 'EISDIR' ? `${JSON.stringify(request)}, which is a folder`
    : code === 'EACCES' || code === 'EPERM' ? `${JSON.stringify(request)}, which cannot be read (permission denied)`
    : `${JSON.stringify(request)}, which could not be read (${error instanceof Error ? error.message : String(error)})`;
  return new InputError('load', 'path', 'a readable .npy, .npz, .safetensors, .json or .csv file', found);
}

/**
 * A `load` for `new Session({ load })`: reads `path` relative to `baseDir` (the notebook's folder;
 * absolute paths are taken as they are) with the core loaders. The parsed file is cached by its
 * path, size and modification time, so re-running a cell does not read it again while a re-exported
 * file is picked up; the values are built afresh on every call, so a cell that changes them cannot
 * change what the next `load` returns.
 *
 * @throws InputError when the file does not exist or is a folder; LoadError when it cannot be read.
 */
export function createFileLoader(baseDir: string, toValues: (file: LoadedFile) => Record<string, unknown>): (path: string) => Record<string, unknown> {
  const cache = new Map<string, { stamp: string; file: LoadedFile }>();
  return (path) => {
    const fullPath = isAbsolute(path) ? path : resolve(baseDir, path);
    let stamp: string;
    try {
      const stats = statSync(fullPath);
      if (stats.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
      stamp = `${stats.size}:${stats.mtimeMs}`;
    } catch (error) {
      // The sentences the kernel's loader says too.
      throw readError(path, fullPath, error);
    }
    const cached = cache.get(fullPath);
    let file = cached !== undefined && cached.stamp === stamp ? cached.file : undefined;
    if (file === undefined) {
      file = loadBytes(new Uint8Array(readFileSync(fullPath)), path);
      cache.set(fullPath, { stamp, file });
    }
    return toValues(file);
  };
}
