/**
 * A parser for the small Python literals found in .npy headers, e.g.
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. It accepts dicts with string keys,
 * tuples, lists, strings, integers (with Python 2's `L` suffix, found in old files), True, False and
 * None, and nothing else. An integer beyond ±(2^53 − 1) is a BigInt, so that a message can print
 * the header's number exactly: the header is data, never code, so it is never evaluated.
 */
export type PyValue = string | number | bigint | boolean | null | PyTuple | PyValue[] | PyDict;

export interface PyTuple {
  readonly tuple: readonly PyValue[];
}

export interface PyDict {
  readonly dict: ReadonlyMap<string, PyValue>;
}

/** Reports a syntax error at a character index of the text. */
export type PyFail = (index: number, expected: string, found: string) => never;

const MAX_DEPTH = 16;

export function parsePyLiteral(text: string, fail: PyFail): PyValue {
  let pos = 0;

  const describeAt = (at: number): string => (at >= text.length ? 'end of header' : JSON.stringify(text.slice(at, at + 12)));

  const skipSpace = (): void => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\n' || text[pos] === '\r')) pos++;
  };

  const expectChar = (char: string): void => {
    skipSpace();
    if (text[pos] !== char) fail(pos, `"${char}"`, describeAt(pos));
    pos++;
  };

  const parseString = (): string => {
    const quote = text[pos];
    const start = pos++;
    let out = '';
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === '\\') {
        const escaped = text[pos + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (escaped === undefined || !(escaped in simple)) fail(pos, 'a simple string escape', describeAt(pos));
        out += simple[escaped];
        pos += 2;
      } else if (text[pos] === '\n') {
        fail(pos, 'a closing quote', 'a line break');
      } else {
        out += text[pos++];
      }
    }
    if (pos >= text.length) fail(start, 'a closing quote for this string', 'end of header');
    pos++;
    return out;
  };

  const parseInteger = (): number | bigint => {
    const start = pos;
    if (text[pos] === '-' || text[pos] === '+') pos++;
    const digitsStart = pos;
    while (pos < text.length && text[pos] >= '0' && text[pos] <= '9') pos++;
    if (pos === digitsStart) fail(start, 'a Python literal', describeAt(start));
    const digits = text.slice(start, pos);
    const value = Number(digits);
    // Big values stay exact; a digit run longer than any real header's is refused before BigInt parses it.
    if (!Number.isSafeInteger(value) && pos - digitsStart > 400) fail(start, 'an integer of at most 400 digits', `${pos - digitsStart} digits`);
    if (text[pos] === 'L' || text[pos] === 'l') pos++;
    if (text[pos] === '.' || text[pos] === 'e' || text[pos] === 'E' || text[pos] === 'j' || text[pos] === 'x') {
      fail(start, 'an integer (no other numbers appear in a header)', describeAt(start));
    }
    return Number.isSafeInteger(value) ? value : BigInt(digits);
  };

  // Items up to `close`, with Python's optional trailing comma.
  const parseItems = (close: string, depth: number): { items: PyValue[]; trailingComma: boolean } => {
    const items: PyValue[] = [];
    let trailingComma = false;
    for (;;) {
      skipSpace();
      if (text[pos] === close) break;
      items.push(parseValue(depth));
      skipSpace();
      trailingComma = text[pos] === ',';
      if (trailingComma) pos++;
      else if (text[pos] !== close) fail(pos, `"," or "${close}"`, describeAt(pos));
    }
    pos++;
    return { items, trailingComma };
  };

  const parseValue = (depth: number): PyValue => {
    skipSpace();
    // A header nests two levels; the bound keeps a hostile file from overflowing the stack.
    if (depth > MAX_DEPTH) fail(pos, `at most ${MAX_DEPTH} levels of nesting`, 'deeper nesting');
    const char = text[pos];
    if (char === "'" || char === '"') return parseString();
    if (char === '(') {
      pos++;
      const { items, trailingComma } = parseItems(')', depth + 1);
      // `(3)` is just 3 in Python; only a comma makes a one-tuple.
      if (items.length === 1 && !trailingComma) return items[0];
      return { tuple: items };
    }
    if (char === '[') {
      pos++;
      return parseItems(']', depth + 1).items;
    }
    if (char === '{') {
      pos++;
      const dict = new Map<string, PyValue>();
      for (;;) {
        skipSpace();
        if (text[pos] === '}') break;
        const keyAt = pos;
        if (text[pos] !== "'" && text[pos] !== '"') fail(pos, 'a string key', describeAt(pos));
        const key = parseString();
        if (dict.has(key)) fail(keyAt, 'each key once', `a second '${key}'`);
        expectChar(':');
        dict.set(key, parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail(pos, '"," or "}"', describeAt(pos));
      }
      pos++;
      return { dict };
    }
    for (const [word, value] of [['True', true], ['False', false], ['None', null]] as const) {
      if (text.startsWith(word, pos) && !/\w/.test(text[pos + word.length] ?? '')) {
        pos += word.length;
        return value;
      }
    }
    return parseInteger();
  };

  const value = parseValue(0);
  skipSpace();
  if (pos !== text.length) fail(pos, 'the end of the header', describeAt(pos));
  return value;
}

export function isPyDict(value: PyValue): value is PyDict {
  return typeof value === 'object' && value !== null && 'dict' in value;
}

export function isPyTuple(value: PyValue): value is PyTuple {
  return typeof value === 'object' && value !== null && 'tuple' in value;
}
