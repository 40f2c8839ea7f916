/**
 * Locates the first syntax error in a JSON text. JSON.parse says only *that* the text is broken;
 * how it words and positions the error differs between engines and versions, and a user fixing a
 * notebook file by hand needs a line and a column.
 */

/** 1-based line and column (in UTF-16 code units) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** A strict JSON (RFC 8259) scanner that returns the first error, or undefined for valid text. */
export function findJsonSyntaxError(text: string): { offset: number; problem: string } | undefined {
  let pos = 0;
  const here = (): string => (pos >= text.length ? 'end of file' : JSON.stringify(text[pos]));
  const fail = (problem: string): never => {
    throw new ScanError(pos, problem);
  };
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const literal = (word: string): void => {
    for (const char of word) {
      if (text[pos] !== char) fail(`unexpected ${here()}`);
      pos++;
    }
  };
  const string = (): void => {
    const start = pos++;
    for (;;) {
      if (pos >= text.length) {
        pos = start; // an editor shows where the string began, not the end of the file
        fail('unterminated string');
      }
      const code = text.charCodeAt(pos);
      if (code === 0x22) {
        pos++;
        return;
      }
      if (code < 0x20) fail('unescaped control character in a string');
      if (code === 0x5c) {
        pos++;
        const escape = text[pos];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 1, pos + 5))) fail('invalid \\u escape in a string');
          pos += 4;
        } else if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
          fail('invalid escape in a string');
        }
      }
      pos++;
    }
  };
  const number = (): void => {
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (match === null) fail(`unexpected ${here()}`);
    else pos += match[0].length;
  };
  /** After an element: the closing bracket (true) or a comma (false). */
  const closes = (close: string): boolean => {
    skipSpace();
    if (text[pos] === close) {
      pos++;
      return true;
    }
    if (text[pos] !== ',') fail(`expected "," or "${close}" but found ${here()}`);
    pos++;
    return false;
  };
  const value = (): void => {
    skipSpace();
    const char = text[pos];
    if (char === '{') {
      pos++;
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return;
      }
      do {
        skipSpace();
        if (text[pos] !== '"') fail(`expected a property name in double quotes but found ${here()}`);
        string();
        skipSpace();
        if (text[pos] !== ':') fail(`expected ":" but found ${here()}`);
        pos++;
        value();
      } while (!closes('}'));
    } else if (char === '[') {
      pos++;
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return;
      }
      do value();
      while (!closes(']'));
    } else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number();
    else fail(`unexpected ${here()}`);
  };
  try {
    value();
    skipSpace();
    if (pos < text.length) fail(`unexpected ${here()} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    // Anything but our own error (say, a stack overflow on absurd nesting) leaves it to JSON.parse's words.
    return error instanceof ScanError ? { offset: error.offset, problem: error.problem } : undefined;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class ScanError {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {}
}
