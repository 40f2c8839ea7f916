/**
 * JSON text of a value that may have come from a cell, bounded in depth and size, that never
 * throws: a cycle, a BigInt, a `toJSON` that throws, nesting deeper than `maxDepth` or text longer
 * than `maxChars` each give `{ ok: false, reason }` naming what and where (a JSON path), so that the
 * caller stores an error instead of dying. Otherwise it follows JSON.stringify: `toJSON` is called,
 * non-finite numbers become null, functions and undefined are left out of objects (null in arrays),
 * and typed arrays become arrays.
 */

export interface JsonLimits {
  /** Deepest nesting of arrays and objects (default 64). */
  readonly maxDepth?: number;
  /** Longest text (default 64 million characters). */
  readonly maxChars?: number;
}

export type BoundedJson = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

class Refusal extends Error {}

export function boundedStringify(value: unknown, limits: JsonLimits = {}): BoundedJson {
  const maxDepth = limits.maxDepth ?? 64;
  const maxChars = limits.maxChars ?? 64_000_000;
  const parts: string[] = [];
  let length = 0;
  const ancestors = new Set<object>();
  const emit = (text: string, path: string): void => {
    length += text.length;
    if (length > maxChars) throw new Refusal(`it is longer than ${maxChars.toLocaleString('en-US')} characters (at ${path})`);
    parts.push(text);
  };
  /** Writes `item`; false when it is omitted (a function or undefined). */
  const write = (raw: unknown, path: string, depth: number): boolean => {
    let item = raw;
    if (item !== null && typeof item === 'object' && typeof (item as { toJSON?: unknown }).toJSON === 'function' && !ArrayBuffer.isView(item)) {
      try {
        item = (item as { toJSON: () => unknown }).toJSON();
      } catch (error) {
        throw new Refusal(`its toJSON() failed at ${path}: ${error instanceof Error ? error.message.slice(0, 200) : 'a thrown value'}`);
      }
    }
    switch (typeof item) {
      case 'string':
        emit(JSON.stringify(item), path);
        return true;
      case 'number':
        emit(Number.isFinite(item) ? String(item) : 'null', path);
        return true;
      case 'boolean':
        emit(item ? 'true' : 'false', path);
        return true;
      case 'bigint':
        throw new Refusal(`it holds a BigInt at ${path}, which JSON cannot hold`);
      case 'undefined':
      case 'function':
      case 'symbol':
        return false;
    }
    if (item === null) {
      emit('null', path);
      return true;
    }
    const object = item as object;
    if (depth >= maxDepth) throw new Refusal(`it is nested deeper than ${maxDepth} levels (at ${path})`);
    if (ancestors.has(object)) throw new Refusal(`it contains itself (a cycle at ${path})`);
    ancestors.add(object);
    if (Array.isArray(object) || ArrayBuffer.isView(object)) {
      const items = object as ArrayLike<unknown>;
      emit('[', path);
      for (let i = 0; i < items.length; i++) {
        if (i > 0) emit(',', path);
        if (!write(items[i], `${path}[${i}]`, depth + 1)) emit('null', path);
      }
      emit(']', path);
    } else {
      emit('{', path);
      let first = true;
      for (const key of Object.keys(object)) {
        const mark = parts.length;
        const before = length;
        emit(`${first ? '' : ','}${JSON.stringify(key)}:`, path);
        if (write((object as Record<string, unknown>)[key], `${path}.${key}`, depth + 1)) first = false;
        else {
          parts.length = mark;
          length = before;
        }
      }
      emit('}', path);
    }
    ancestors.delete(object);
    return true;
  };
  try {
    if (!write(value, '$', 0)) return { ok: false, reason: 'it is not a JSON value' };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    // Only a getter of a cell's object could throw here; it is no reason to stop the caller either.
    return { ok: false, reason: `reading it failed: ${error instanceof Error ? error.message.slice(0, 200) : 'a thrown value'}` };
  }
  return { ok: true, text: parts.join('') };
}
