/**
 * The one error type the loaders throw. A file a user exported is either read exactly or rejected
 * with a sentence that says where (file, npz entry, byte offset or field path) and what was expected,
 * so that the notebook can show it unchanged. Loaders never let a RangeError or TypeError escape.
 */
export class LoadError extends Error {
  override readonly name = 'LoadError';
  /** The npz member at fault, e.g. `pred.npy`. */
  readonly entry?: string;
  /** The byte offset at fault, relative to the start of the entry when there is one, else of the file. */
  readonly offset?: number;
  /** The field at fault: a header key (`descr`), a JSON path (`boxes[3]`), a CSV column. */
  readonly field?: string;

  constructor(
    /** The file name the bytes came from, as given to the loader. */
    readonly file: string,
    /** What was expected, as a sentence fragment: "the magic string \\x93NUMPY". */
    readonly expected: string,
    /** What was found instead. */
    readonly found: string,
    where: { readonly entry?: string; readonly offset?: number; readonly field?: string } = {},
  ) {
    const parts = [file];
    if (where.entry !== undefined) parts.push(`entry ${where.entry}`);
    if (where.offset !== undefined) parts.push(`byte ${where.offset}`);
    if (where.field !== undefined) parts.push(where.field);
    super(`${parts.join(', ')}: expected ${expected}, but found ${found}`);
    this.entry = where.entry;
    this.offset = where.offset;
    this.field = where.field;
  }
}

/**
 * Where a parser is reading: the file, the npz member if any, and a base byte offset so that
 * offsets in messages are relative to the start of the entry (or file).
 */
export interface Source {
  readonly file: string;
  readonly entry?: string;
}

/** Throws a LoadError at a byte offset of `source`. */
export function failAt(source: Source, offset: number, expected: string, found: string): never {
  throw new LoadError(source.file, expected, found, { entry: source.entry, offset });
}

/** Throws a LoadError at a named field of `source` (a header key, a JSON path, a CSV column). */
export function failField(source: Source, field: string, expected: string, found: string, offset?: number): never {
  throw new LoadError(source.file, expected, found, { entry: source.entry, field, offset });
}

/** Describes bytes for a message: printable ASCII as text, anything else as \xNN escapes. */
export function describeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'end of file';
  let text = '';
  for (const byte of bytes) {
    text += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `"${text}"`;
}

/** The longest excerpt of a file's text a message may carry (see `describeText`). */
export const EXCERPT_LENGTH = 16;

/**
 * Describes a string read from a file without repeating it: a message may land in a notebook's
 * outputs, a saved file or a CI log, and the file may be a credentials file reached by mistake.
 * Text of at most EXCERPT_LENGTH characters drawn from `[A-Za-z0-9_.<>|=-]` (dtype codes, header
 * keys, column names) is quoted, escaped; anything longer or otherwise is described by its length.
 */
export function describeText(text: string): string {
  return isShortName(text) ? `"${text}"` : `a string of ${text.length} character${text.length === 1 ? '' : 's'}`;
}

function isShortName(text: string): boolean {
  return text.length <= EXCERPT_LENGTH && /^[\w.<>|=-]*$/.test(text);
}

/**
 * A name from a file (a JSON key, a CSV column) as a message's field: itself when it is a short
 * plain name, else `fallback` (a column's number), so no long text of the file is repeated.
 */
export function fieldName(name: string, fallback: string): string {
  return isShortName(name) && name !== '' ? name : fallback;
}

/**
 * A JSON syntax error said without the parser's own excerpt of the text (V8 quotes the text around
 * the error): only the position, when the message gives one.
 */
export function describeJsonSyntaxError(error: SyntaxError): string {
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (position !== undefined) return `a syntax error at character ${position}`;
  return /Unexpected end of JSON input/.test(error.message) ? 'the text ending early' : 'a syntax error';
}
