import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/errors';
import { loadBytes, toFloat64Tensor, type LoadedFile } from '../core/io';
import type { Tensor } from '../core/tensor';

/**
 * `load(path)` for a notebook on disk: the Node side of the language's `load`, shared by the
 * headless runner and (so that a cell means the same in both) the VS Code kernel.
 */

/** Turns one array into the language's value (the session passes a mathjs matrix maker). */
export type WrapArray = (tensor: Tensor) => unknown;

/**
 * The arrays of a loaded file as language values, by name: a 0-d array becomes a number, any other
 * a float64 `wrap(tensor)` (int64 beyond 2^53 throws rather than round). Pure: no file access.
 */
export function loadedFileToValues(file: LoadedFile, wrap: WrapArray): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(file.arrays)) {
    const tensor = toFloat64Tensor(file.arrays[name], name);
    const value = tensor.shape.length === 0 ? tensor.data[0] : wrap(tensor);
    // defineProperty: an entry named `__proto__` must stay an entry.
    Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return values;
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
export function createFileLoader(baseDir: string, wrap: WrapArray): (path: string) => Record<string, unknown> {
  const cache = new Map<string, { stamp: string; file: LoadedFile }>();
  return (path) => {
    const fullPath = isAbsolute(path) ? path : resolve(baseDir, path);
    let stamp: string;
    try {
      const stats = statSync(fullPath);
      if (!stats.isFile()) throw new InputError('load', 'path', 'a file, not a folder', JSON.stringify(path));
      stamp = `${stats.size}:${stats.mtimeMs}`;
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError('load', 'path', `an existing file relative to the notebook (looked for ${fullPath})`, JSON.stringify(path));
    }
    const cached = cache.get(fullPath);
    let file = cached !== undefined && cached.stamp === stamp ? cached.file : undefined;
    if (file === undefined) {
      file = loadBytes(new Uint8Array(readFileSync(fullPath)), path);
      cache.set(fullPath, { stamp, file });
    }
    return loadedFileToValues(file, wrap);
  };
}
