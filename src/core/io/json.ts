import { defineEntry } from './entries';
import { failAt, failField, type Source } from './errors';
import type { LoadedArray, LoadedFile } from './types';
import { decodeUtf8, fileStem } from './text';

// Deeper arrays are not detector outputs; the bound also keeps the walk off the stack limit.
const MAX_RANK = 32;

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/**
 * Reads a rectangular nested array of numbers (booleans read as 0/1) into a float64 array. The
 * shape is taken from the first element at each depth; any row that disagrees is reported by its
 * path, e.g. `boxes[3]`.
 */
function nestedToArray(value: unknown, path: string, source: Source): LoadedArray {
  const shape: number[] = [];
  for (let probe = value; Array.isArray(probe); probe = probe[0]) {
    if (shape.length === MAX_RANK) failField(source, path, `at most ${MAX_RANK} levels of nesting`, 'deeper nesting');
    shape.push(probe.length);
  }
  let size = 1;
  for (const extent of shape) size *= extent;
  const data = new Float64Array(size);
  let cursor = 0;
  const walk = (node: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (typeof node === 'number') data[cursor++] = node;
      else if (typeof node === 'boolean') data[cursor++] = node ? 1 : 0;
      else failField(source, at, depth === 0 ? 'a number or a nested array of numbers' : 'a number', describeJson(node));
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      failField(source, at, `an array of length ${shape[depth]}, as its first sibling`, describeJson(node));
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${at}[${i}]`);
  };
  walk(value, 0, path);
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
    failAt(source, 0, 'valid JSON', `a syntax error (${error.message})`);
  }
  const arrays: Record<string, LoadedArray> = {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, entry] of Object.entries(value)) defineEntry(arrays, key, nestedToArray(entry, key, source));
  } else {
    const name = fileStem(fileName) || 'value';
    defineEntry(arrays, name, nestedToArray(value, name, source));
  }
  return { format: 'json', arrays };
}
