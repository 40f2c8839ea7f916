import { defineEntry } from './entries';
import { describeJsonSyntaxError, failAt, failField, fieldName, type Source } from './errors';
import { sizeOfShape } from './dtypes';
import type { LoadedArray, LoadedFile } from './types';
import { decodeUtf8, fileStem } from './text';

// Deeper arrays are not detector outputs; the bound also keeps the walk off the stack limit.
const MAX_RANK = 32;

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return 'an object';
  // Never the string itself: the file may be a credentials file named .json by mistake.
  if (typeof value === 'string') return `a string of ${value.length} character${value.length === 1 ? '' : 's'}`;
  return String(value);
}

/**
 * Reads a rectangular nested array of numbers (booleans read as 0/1) into a float64 array. The
 * shape is taken from the first element at each depth; any row that disagrees is reported by its
 * path, e.g. `boxes[3]`.
 */
function nestedToArray(value: unknown, path: string, source: Source, textLength: number): LoadedArray {
  const shape: number[] = [];
  for (let probe = value; Array.isArray(probe); probe = probe[0]) {
    if (shape.length === MAX_RANK) failField(source, path, `at most ${MAX_RANK} levels of nesting`, 'deeper nesting');
    shape.push(probe.length);
  }
  const size = sizeOfShape(shape);
  // The first elements promise `size` numbers. More than the text could hold means ragged rows
  // (shallower or shorter siblings): the walk then checks without filling, and reports the first
  // row at fault, instead of allocating for the promise.
  const data = size <= textLength ? new Float64Array(size) : undefined;
  let cursor = 0;
  const walk = (node: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (typeof node === 'number' || typeof node === 'boolean') {
        if (data !== undefined) data[cursor] = typeof node === 'number' ? node : node ? 1 : 0;
        cursor++;
      } else {
        failField(source, at, depth === 0 ? 'a number or a nested array of numbers' : 'a number', describeJson(node));
      }
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      failField(source, at, `an array of length ${shape[depth]}, as its first sibling`, describeJson(node));
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${at}[${i}]`);
  };
  walk(value, 0, path);
  // Unreachable: an array of `size` leaves fits in its own text.
  if (data === undefined) failField(source, path, 'rows of equal length at each depth', `first elements promising ${size} numbers`);
  return { dtype: 'float64', shape, data };
}

/**
 * Loads a JSON export. A top-level nested array (or number) becomes one array named after the file
 * stem (`boxes.json` → `boxes`; `value` when the name has no stem); a top-level object becomes one
 * array per key. Values must be numbers or rectangular nested arrays of numbers (booleans read as
 * 0/1); every array is float64. Ragged rows and non-numbers are reported by path, e.g. `boxes[3]`.
 */
export function loadJson(bytes: Uint8Array, fileName: string): LoadedFile {
  const source: Source = { file: fileName };
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8(bytes, source));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    failAt(source, 0, 'valid JSON', describeJsonSyntaxError(error));
  }
  const arrays: Record<string, LoadedArray> = {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, entry] of Object.entries(value)) defineEntry(arrays, key, nestedToArray(entry, fieldName(key, `the key of ${key.length} characters`), source, bytes.length));
  } else {
    const name = fileStem(fileName) || 'value';
    defineEntry(arrays, name, nestedToArray(value, name, source, bytes.length));
  }
  return { format: 'json', arrays };
}
