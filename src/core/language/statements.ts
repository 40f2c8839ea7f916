/**
 * Splits a cell into top-level statements so that each can be parsed and run on its own and an
 * error can name its line and column. mathjs separates statements by newlines and semicolons,
 * except inside brackets, strings and comments; so do we.
 */
export interface Statement {
  /** The statement's text, without its terminator. */
  readonly text: string;
  /** Offset of the statement's first non-blank character in the cell. */
  readonly offset: number;
  /** 1-based line and column of that character. */
  readonly line: number;
  readonly column: number;
  /** False when the statement ends with `;`, which hides its value as in mathjs. */
  readonly visible: boolean;
}

/** 1-based line and column of an offset in a text. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function splitStatements(source: string): Statement[] {
  const statements: Statement[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | null = null;
  // Lines are counted once, as the statements' offsets grow: positionAt from the top for each
  // statement made a cell of 40,000 statements cost minutes, in the kernel and the editor's checks.
  let counted = 0;
  let line = 1;
  let lineStart = 0;
  const positionOf = (offset: number): { line: number; column: number } => {
    for (; counted < offset; counted++) {
      if (source[counted] === '\n') {
        line++;
        lineStart = counted + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  };
  const flush = (end: number, visible: boolean): void => {
    const raw = source.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text.length > 0 && !text.startsWith('#')) {
      const offset = start + lead;
      statements.push({ text, offset, ...positionOf(offset), visible });
    }
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quote !== null) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') {
      // A comment runs to the end of the line; its text never separates statements.
      const end = source.indexOf('\n', i);
      const commentEnd = end === -1 ? source.length : end;
      if (depth === 0) {
        flush(i, true);
        start = commentEnd;
      }
      i = commentEnd - 1;
    } else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (ch === ';' || ch === '\n')) {
      flush(i, ch !== ';');
      start = i + 1;
    }
  }
  flush(source.length, true);
  return statements;
}
