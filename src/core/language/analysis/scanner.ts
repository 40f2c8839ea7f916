/**
 * A tolerant scanner for cell text: it never fails, so completion and diagnostics work while the
 * user is typing. It follows mathjs's lexical rules closely enough to find names, strings,
 * comments and brackets; the real parser still decides what is valid.
 */
import { partitionPoint } from './bisect';

export type TokenKind = 'name' | 'number' | 'string' | 'comment' | 'open' | 'close' | 'comma' | 'colon' | 'semicolon' | 'newline' | 'dot' | 'assign' | 'operator';

export interface Token {
  readonly kind: TokenKind;
  /** Offsets into the cell text: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** For strings: false when the closing quote is missing (the user is still typing). */
  readonly terminated?: boolean;
}

const NAME_START = /[\p{L}_$]/u;
const NAME_PART = /[\p{L}\p{N}_$]/u;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
// Longest first, so that `==` is never read as two assignments and `.*` never as an accessor.
const OPERATORS = ['>>>', '==', '!=', '<=', '>=', '<<', '>>', '.*', './', '.^', "'", '+', '-', '*', '/', '^', '%', '!', '<', '>', '&', '|', '~', '?'];
const PUNCTUATION: Readonly<Record<string, TokenKind>> = {
  '(': 'open', '[': 'open', '{': 'open', ')': 'close', ']': 'close', '}': 'close',
  ',': 'comma', ':': 'colon', ';': 'semicolon', '\n': 'newline', '.': 'dot', '=': 'assign',
};

/** `'` after a value is mathjs's transpose; anywhere else it opens a string. */
function endsValue(token: Token | undefined): boolean {
  if (token === undefined) return false;
  return token.kind === 'name' || token.kind === 'number' || token.kind === 'string' || (token.kind === 'close') || (token.kind === 'operator' && token.text === "'");
}

function stringEnd(text: string, start: number): { end: number; terminated: boolean } {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === quote) return { end: i + 1, terminated: true };
    // An unclosed string stops at the line end, so one typo does not swallow the rest of the cell.
    else if (ch === '\n') return { end: i, terminated: false };
  }
  return { end: text.length, terminated: false };
}

/** Every token of a cell, whitespace dropped, comments and newlines kept. */
export function scan(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, extra: { terminated?: boolean } = {}): void => {
    tokens.push({ kind, start: i, end, text: text.slice(i, end), ...extra });
    i = end;
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (ch === '#') {
      const newline = text.indexOf('\n', i);
      push('comment', newline === -1 ? text.length : newline);
    } else if (ch === '"' || (ch === "'" && !endsValue(tokens[tokens.length - 1]))) {
      const { end, terminated } = stringEnd(text, i);
      push('string', end, { terminated });
    } else if (NAME_START.test(ch)) {
      let end = i + 1;
      while (end < text.length && NAME_PART.test(text[end])) end++;
      push('name', end);
    } else if (/\d/.test(ch) || (ch === '.' && /\d/.test(text[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      NUMBER.exec(text);
      push('number', Math.max(NUMBER.lastIndex, i + 1));
    } else {
      const operator = OPERATORS.find((op) => text.startsWith(op, i));
      if (operator !== undefined && !(operator === "'" && !endsValue(tokens[tokens.length - 1]))) push('operator', i + operator.length);
      else push(PUNCTUATION[ch] ?? 'operator', i + 1);
    }
  }
  return tokens;
}

/** The token that contains an offset or ends exactly at it (the word being typed), if any. */
export function tokenAt(tokens: readonly Token[], offset: number): Token | undefined {
  for (const token of tokens) {
    if (token.start < offset && offset <= token.end) return token;
    if (token.start >= offset) break;
  }
  return undefined;
}

/**
 * The token that covers an offset (start ≤ offset < end), if any, by bisection: tokens are sorted
 * and never overlap, and a cell with thousands of errors looks one up for each.
 */
export function tokenCovering(tokens: readonly Token[], offset: number): Token | undefined {
  const token = tokens[partitionPoint(tokens.length, (i) => tokens[i].end <= offset)];
  return token !== undefined && token.start <= offset ? token : undefined;
}
