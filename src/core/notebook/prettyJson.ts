import type { JsonValue } from './format';

/**
 * JSON text laid out for line diffs, as a notebook file stores a figure: objects one field per
 * line, indented by two spaces as `JSON.stringify(value, null, 2)` does, except that an array
 * whose elements are all scalars (numbers, strings, booleans, null) stays on one line,
 * `[0, 0.25, 0.5]`. A 200-point curve is then one line rather than 200, so a changed curve is one
 * changed line and a changed title another. Keys keep their order and there is no final newline;
 * `JSON.parse` of the text gives the value back, and the same value always gives the same text.
 */
export function prettyJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, '', out);
  return out.join('');
}

function write(value: JsonValue, indent: string, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every(isScalar)) {
      out.push('[', value.map((item) => JSON.stringify(item)).join(', '), ']');
      return;
    }
    out.push('[');
    value.forEach((item, i) => {
      out.push(i === 0 ? '\n' : ',\n', inner);
      write(item, inner, out);
    });
    out.push('\n', indent, ']');
    return;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{');
  keys.forEach((key, i) => {
    out.push(i === 0 ? '\n' : ',\n', inner, JSON.stringify(key), ': ');
    write(value[key], inner, out);
  });
  out.push('\n', indent, '}');
}

function isScalar(value: JsonValue): boolean {
  return value === null || typeof value !== 'object';
}
