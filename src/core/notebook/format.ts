import { InputError, describeValue } from '../errors';
import { decodeBase64, decodeUtf8, encodeBase64 } from './bytes';
import { findJsonSyntaxError, lineAndColumn } from './jsonSyntax';

/**
 * The `.lossnb` notebook file: a pure model of it, `parseNotebook` (text → model) and
 * `serializeNotebook` (model → text). The layout is documented in docs/format.md.
 *
 * The file must never lose a user's notes, so every object keeps the fields this version does not
 * know in `extra`, in their original order, and writes them back after the known ones. A file we
 * wrote reads and writes back byte for byte. Anything malformed throws `NotebookFormatError`
 * naming the field (or the line and column of a JSON syntax error): a broken file must fail to
 * open, never open as an empty notebook that a later save would write over it.
 */

/** Any value JSON can hold; metadata and unknown fields are kept as such. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** The format version this code reads and writes. */
export const FORMAT_VERSION = 1;
/** The language id of code cells when the file does not name one. */
export const CODE_LANGUAGE = 'losslab';
/** The language id of markdown cells when the file does not name one. */
export const MARKDOWN_LANGUAGE = 'markdown';

export type CellKind = 'markdown' | 'code';

export interface NotebookModel {
  metadata: JsonObject;
  cells: CellModel[];
  /** Top-level fields this version does not know, in file order. */
  extra: JsonObject;
}

export interface CellModel {
  kind: CellKind;
  /** VS Code language id; defaults to `losslab` (code) or `markdown` (markdown). */
  language: string;
  /** The whole source; the file stores it as lines, each keeping its own `\n` or `\r\n`. */
  source: string;
  metadata: JsonObject;
  /** The last run; absent when the cell never ran. */
  execution?: ExecutionModel;
  outputs: OutputModel[];
  extra: JsonObject;
}

/** Mirrors VS Code's `NotebookCellExecutionSummary`. */
export interface ExecutionModel {
  executionOrder?: number;
  success?: boolean;
  timing?: TimingModel;
  extra: JsonObject;
}

/** Unix timestamps in milliseconds. */
export interface TimingModel {
  startTime: number;
  endTime: number;
  extra: JsonObject;
}

export interface OutputModel {
  /** Alternative renderings of one result, in the producer's order of preference. */
  items: OutputItemModel[];
  metadata: JsonObject;
  extra: JsonObject;
}

export interface OutputItemModel {
  mime: string;
  /** The raw bytes; text mimes are stored as UTF-8 text in the file, the rest as base64. */
  data: Uint8Array;
  extra: JsonObject;
}

/**
 * A file that cannot be read. `field` (the `argument` of InputError) is the JSON path of the
 * offending value, e.g. `cells[2].kind`; for a syntax error it is `the file` and `line`/`column`
 * (1-based) locate it.
 */
export class NotebookFormatError extends InputError {
  constructor(
    field: string,
    expected: string,
    found: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super('parseNotebook', field, expected, found);
  }
}

/** A notebook with no cells: what an empty (0-byte) file opens as. */
export function emptyNotebook(): NotebookModel {
  return { metadata: {}, cells: [], extra: {} };
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Parses the text of a `.lossnb` file. The empty string is a new, empty notebook (VS Code's
 * "New File" creates 0 bytes); a leading byte-order mark is ignored. Throws NotebookFormatError
 * for invalid JSON (with line and column), a missing or unsupported `version` (a newer one asks
 * the user to update the extension) and any field of the wrong shape (named by its path).
 */
export function parseNotebook(text: string): NotebookModel {
  if (text === '') return emptyNotebook();
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let root: JsonValue;
  try {
    root = JSON.parse(body) as JsonValue;
  } catch (error) {
    throw syntaxError(body, error);
  }
  const top = requireObject(root, 'the file', 'a JSON object with "version" and "cells"');
  readVersion(top.version);
  const cellsValue = top.cells;
  if (!Array.isArray(cellsValue)) throw new NotebookFormatError('cells', 'an array of cells', describe(cellsValue));
  return {
    metadata: readMetadata(top.metadata, 'metadata'),
    cells: cellsValue.map((cell, i) => readCell(cell, `cells[${i}]`)),
    extra: extraFields(top, TOP_KEYS),
  };
}

function syntaxError(text: string, error: unknown): NotebookFormatError {
  const found = findJsonSyntaxError(text);
  if (found === undefined) {
    // JSON.parse refused something our scanner accepts (e.g. nesting too deep): report its words.
    return new NotebookFormatError('the file', 'valid JSON', `not: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { line, column } = lineAndColumn(text, found.offset);
  return new NotebookFormatError('the file', 'valid JSON', `broken at line ${line}, column ${column}: ${found.problem}`, line, column);
}

const TOP_KEYS = ['version', 'metadata', 'cells'] as const;
const CELL_KEYS = ['kind', 'language', 'metadata', 'execution', 'source', 'outputs'] as const;
const EXECUTION_KEYS = ['executionOrder', 'success', 'timing'] as const;
const TIMING_KEYS = ['startTime', 'endTime'] as const;
const OUTPUT_KEYS = ['metadata', 'items'] as const;
const ITEM_KEYS = ['mime', 'encoding', 'data'] as const;

function readVersion(version: JsonValue | undefined): void {
  const expected = `${FORMAT_VERSION} (the .lossnb format version)`;
  if (version === undefined) throw new NotebookFormatError('version', expected, 'missing');
  if (typeof version === 'number' && Number.isInteger(version) && version > FORMAT_VERSION) {
    throw new NotebookFormatError(
      'version',
      expected,
      `${version}: this file was written by a newer LossLab; update the extension to open it`,
    );
  }
  if (version !== FORMAT_VERSION) throw new NotebookFormatError('version', expected, describe(version));
}

function readCell(value: JsonValue, path: string): CellModel {
  const cell = requireObject(value, path, 'a cell object');
  const kind = cell.kind;
  if (kind !== 'code' && kind !== 'markdown') {
    throw new NotebookFormatError(`${path}.kind`, '"code" or "markdown"', describe(kind));
  }
  const language = cell.language ?? (kind === 'code' ? CODE_LANGUAGE : MARKDOWN_LANGUAGE);
  if (typeof language !== 'string' || language === '') {
    throw new NotebookFormatError(`${path}.language`, 'a non-empty language id', describe(language));
  }
  const outputs = cell.outputs ?? [];
  if (!Array.isArray(outputs)) throw new NotebookFormatError(`${path}.outputs`, 'an array of outputs', describe(outputs));
  const result: CellModel = {
    kind,
    language,
    source: readLines(cell.source ?? [], `${path}.source`),
    metadata: readMetadata(cell.metadata, `${path}.metadata`),
    outputs: outputs.map((output, i) => readOutput(output, `${path}.outputs[${i}]`)),
    extra: extraFields(cell, CELL_KEYS),
  };
  if (cell.execution !== undefined) result.execution = readExecution(cell.execution, `${path}.execution`);
  return result;
}

function readExecution(value: JsonValue, path: string): ExecutionModel {
  const execution = requireObject(value, path, 'an execution summary object');
  const result: ExecutionModel = { extra: extraFields(execution, EXECUTION_KEYS) };
  const { executionOrder, success, timing } = execution;
  if (executionOrder !== undefined) {
    if (typeof executionOrder !== 'number' || !Number.isInteger(executionOrder) || executionOrder < 0) {
      throw new NotebookFormatError(`${path}.executionOrder`, 'a non-negative integer', describe(executionOrder));
    }
    result.executionOrder = executionOrder;
  }
  if (success !== undefined) {
    if (typeof success !== 'boolean') throw new NotebookFormatError(`${path}.success`, 'true or false', describe(success));
    result.success = success;
  }
  if (timing !== undefined) {
    const t = requireObject(timing, `${path}.timing`, 'an object with startTime and endTime');
    result.timing = {
      startTime: requireNumber(t.startTime, `${path}.timing.startTime`),
      endTime: requireNumber(t.endTime, `${path}.timing.endTime`),
      extra: extraFields(t, TIMING_KEYS),
    };
  }
  return result;
}

function readOutput(value: JsonValue, path: string): OutputModel {
  const output = requireObject(value, path, 'an output object');
  const items = output.items;
  if (!Array.isArray(items)) throw new NotebookFormatError(`${path}.items`, 'an array of output items', describe(items));
  const read = items.map((item, i) => readItem(item, `${path}.items[${i}]`));
  // VS Code keeps one item per mime (streams excepted) and would silently drop the others.
  const seen = new Set<string>();
  read.forEach(({ mime }, i) => {
    const key = normalizeMime(mime);
    if (seen.has(key) && !STREAM_MIMES.includes(key)) {
      throw new NotebookFormatError(`${path}.items[${i}].mime`, 'a mime type not already used in the same output', JSON.stringify(mime));
    }
    seen.add(key);
  });
  return {
    items: read,
    metadata: readMetadata(output.metadata, `${path}.metadata`),
    extra: extraFields(output, OUTPUT_KEYS),
  };
}

function readItem(value: JsonValue, path: string): OutputItemModel {
  const item = requireObject(value, path, 'an output item object');
  const { mime, encoding, data } = item;
  if (typeof mime !== 'string' || !MIME.test(mime)) {
    throw new NotebookFormatError(`${path}.mime`, 'a mime type "type/subtype[;parameters]"', describe(mime));
  }
  let bytes: Uint8Array;
  if (encoding === 'base64') {
    const decoded = typeof data === 'string' ? decodeBase64(data) : undefined;
    if (decoded === undefined) {
      throw new NotebookFormatError(`${path}.data`, 'a base64 string (encoding is "base64")', describe(data));
    }
    bytes = decoded;
  } else if (encoding === undefined) {
    bytes = new TextEncoder().encode(readLines(data, `${path}.data`));
  } else {
    throw new NotebookFormatError(`${path}.encoding`, '"base64" or absent (UTF-8 text)', describe(encoding));
  }
  return { mime, data: bytes, extra: extraFields(item, ITEM_KEYS) };
}

/** VS Code's own mime pattern and normalization (type and subtype are case-insensitive). */
const MIME = /^(.+)\/(.+?)(;.+)?$/;
const STREAM_MIMES = ['application/vnd.code.notebook.stdout', 'application/vnd.code.notebook.stderr'];

function normalizeMime(mime: string): string {
  const [, type, subtype, parameters] = MIME.exec(mime) ?? [];
  return `${type.toLowerCase()}/${subtype.toLowerCase()}${parameters ?? ''}`;
}

/** Text is stored as an array of lines; a hand-written file may also give one string. */
function readLines(value: JsonValue | undefined, path: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] !== 'string') {
        throw new NotebookFormatError(`${path}[${i}]`, 'a string (one line of text)', describe(value[i]));
      }
    }
    return value.join('');
  }
  throw new NotebookFormatError(path, 'a string or an array of lines', describe(value));
}

function readMetadata(value: JsonValue | undefined, path: string): JsonObject {
  return value === undefined ? {} : requireObject(value, path, 'a JSON object');
}

function requireObject(value: JsonValue | undefined, path: string, expected: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NotebookFormatError(path, expected, describe(value));
  }
  return value;
}

function requireNumber(value: JsonValue | undefined, path: string): number {
  if (typeof value !== 'number') throw new NotebookFormatError(path, 'a number (milliseconds)', describe(value));
  return value;
}

/** The fields of `object` not in `known`, in file order. */
function extraFields(object: JsonObject, known: readonly string[]): JsonObject {
  const extra: JsonObject = {};
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) setField(extra, key, object[key]);
  }
  return extra;
}

/** Plain assignment of `__proto__` would change the prototype instead of adding a field. */
function setField(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function describe(value: JsonValue | undefined): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return 'an object';
  return describeValue(value);
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Writes the text of a `.lossnb` file: JSON indented by 2 spaces with a final newline, known keys
 * in the documented order followed by each object's `extra` fields in their order. Empty
 * `metadata`, empty `outputs` and an absent `execution` are left out. An output item is written as
 * UTF-8 text (an array of lines) when its mime is textual and its bytes are valid UTF-8, otherwise
 * as base64 with `"encoding": "base64"`.
 */
export function serializeNotebook(model: NotebookModel): string {
  const top = new Ordered([
    ['version', FORMAT_VERSION],
    ['metadata', nonEmpty(model.metadata)],
    ['cells', model.cells.map(cellNode)],
  ], model.extra);
  const out: string[] = [];
  print(top, '', out);
  out.push('\n');
  return out.join('');
}

function cellNode(cell: CellModel): Ordered {
  return new Ordered([
    ['kind', cell.kind],
    ['language', cell.language],
    ['metadata', nonEmpty(cell.metadata)],
    ['execution', cell.execution && executionNode(cell.execution)],
    ['source', splitLines(cell.source)],
    ['outputs', cell.outputs.length === 0 ? undefined : cell.outputs.map(outputNode)],
  ], cell.extra);
}

function executionNode(execution: ExecutionModel): Ordered {
  const { timing } = execution;
  return new Ordered([
    ['executionOrder', execution.executionOrder],
    ['success', execution.success],
    ['timing', timing && new Ordered([['startTime', timing.startTime], ['endTime', timing.endTime]], timing.extra)],
  ], execution.extra);
}

function outputNode(output: OutputModel): Ordered {
  return new Ordered([
    ['metadata', nonEmpty(output.metadata)],
    ['items', output.items.map(itemNode)],
  ], output.extra);
}

function itemNode(item: OutputItemModel): Ordered {
  const text = isTextMime(item.mime) ? decodeUtf8(item.data) : undefined;
  return new Ordered([
    ['mime', item.mime],
    ['encoding', text === undefined ? 'base64' : undefined],
    ['data', text === undefined ? encodeBase64(item.data) : splitLines(text)],
  ], item.extra);
}

function nonEmpty(object: JsonObject): JsonObject | undefined {
  return Object.keys(object).length === 0 ? undefined : object;
}

/**
 * Mimes whose payload is text: `text/*`, JSON and XML flavours (including the figure and VS Code's
 * error mime) and VS Code's stdout/stderr. Stored readable in the file so that diffs show them.
 */
export function isTextMime(mime: string): boolean {
  const m = mime.toLowerCase();
  return (
    m.startsWith('text/') ||
    m.endsWith('+json') ||
    m.endsWith('+xml') ||
    m === 'application/json' ||
    m === 'application/xml' ||
    m === 'application/javascript' ||
    m.startsWith('application/vnd.code.notebook.')
  );
}

/**
 * Splits text into lines that each keep their terminator (`\n`, so `\r\n` stays intact), as
 * Jupyter does: `"a\nb"` → `["a\n", "b"]`, `"a\n"` → `["a\n"]`, `""` → `[]`. Joining gives the text back.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
    lines.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** An object whose keys print in this order, then `extra`'s; undefined entries are left out. */
class Ordered {
  readonly entries: Array<readonly [string, Printable]> = [];

  constructor(known: ReadonlyArray<readonly [string, Printable | undefined]>, extra: JsonObject) {
    for (const [key, value] of known) if (value !== undefined) this.entries.push([key, value]);
    for (const key of Object.keys(extra)) this.entries.push([key, extra[key]]);
  }
}

type Printable = JsonValue | Ordered | readonly Printable[];

/** JSON.stringify(value, null, 2), except that Ordered objects keep their order even for integer-like keys. */
function print(value: Printable, indent: string, out: string[]): void {
  let entries: ReadonlyArray<readonly [string | undefined, Printable]>;
  let open: string;
  let close: string;
  if (value instanceof Ordered) {
    [entries, open, close] = [value.entries, '{', '}'];
  } else if (Array.isArray(value)) {
    [entries, open, close] = [value.map((v: Printable) => [undefined, v] as const), '[', ']'];
  } else if (typeof value === 'object' && value !== null) {
    [entries, open, close] = [Object.keys(value).map((k) => [k, (value as JsonObject)[k]] as const), '{', '}'];
  } else {
    out.push(JSON.stringify(value));
    return;
  }
  if (entries.length === 0) {
    out.push(open, close);
    return;
  }
  const inner = `${indent}  `;
  out.push(open);
  entries.forEach(([key, child], i) => {
    out.push(i === 0 ? '\n' : ',\n', inner);
    if (key !== undefined) out.push(JSON.stringify(key), ': ');
    print(child, inner, out);
  });
  out.push('\n', indent, close);
}
