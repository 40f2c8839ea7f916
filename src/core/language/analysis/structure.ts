import { partitionPoint } from './bisect';
import type { Token } from './scanner';

/**
 * The bracket structure of a cell, recovered from its tokens without a full parse, so that it
 * exists for incomplete text: every `(`, `[` and `{` with its arguments, whether a `(` is a call,
 * and the keys written in each `{…}`.
 */
export interface Argument {
  /** Offsets of the argument's first and last token: [start, end); start = end when it is empty. */
  readonly start: number;
  readonly end: number;
  /** Index into `CellStructure.frames` when the whole argument is one `{…}` literal. */
  readonly object?: number;
}

export interface ObjectKey {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  /** The value's tokens, when it is exactly one string literal: what option values are checked against. */
  readonly stringValue?: { readonly value: string; readonly start: number; readonly end: number; readonly quote: string };
}

export interface Frame {
  readonly bracket: '(' | '[' | '{';
  /** Offset of the opening bracket; the closing one's, or undefined while it is missing. */
  readonly open: number;
  close: number | undefined;
  /** The enclosing frame's index, or -1 at the top level. */
  readonly parent: number;
  /** For a call `name(`: the callee; `member` when it is a method (`x.f(`). */
  readonly call?: { readonly name: string; readonly start: number; readonly end: number; readonly member: boolean };
  /** Offsets of the commas directly inside this frame. */
  readonly commas: number[];
  /** Keys written directly inside a `{…}`. */
  readonly keys: ObjectKey[];
  /** Token index of the opening bracket. */
  readonly token: number;
}

export interface CellStructure {
  readonly tokens: readonly Token[];
  readonly frames: readonly Frame[];
  /** The frame whose opening bracket is at an offset: a cell of many calls looks each up in O(1). */
  readonly frameAt: ReadonlyMap<number, number>;
}

/** mathjs operators spelt as words: `a mod (b)` applies an operator, it calls nothing. */
const WORD_OPERATORS: ReadonlySet<string> = new Set(['mod', 'to', 'in', 'and', 'or', 'xor', 'not']);
const OPENER_OF: Readonly<Record<string, Frame['bracket']>> = { ')': '(', ']': '[', '}': '{' };

const significant = (token: Token): boolean => token.kind !== 'comment' && token.kind !== 'newline';

function previousSignificant(tokens: readonly Token[], index: number): number {
  for (let i = index - 1; i >= 0; i--) if (tokens[i].kind !== 'comment') return tokens[i].kind === 'newline' ? -1 : i;
  return -1;
}

function nextSignificant(tokens: readonly Token[], index: number): number {
  for (let i = index + 1; i < tokens.length; i++) if (significant(tokens[i])) return i;
  return -1;
}

function unquote(text: string): string {
  return text.slice(1, text.endsWith(text[0]) && text.length > 1 ? -1 : undefined);
}

/**
 * The frames of a cell's tokens, in the order their brackets open. Linear in the tokens, since the
 * analysis runs on the extension host's thread for every cell a notebook opens, hostile ones
 * included: 10⁵ nested brackets took minutes when each closer searched the whole open stack.
 */
export function analyzeStructure(tokens: readonly Token[]): CellStructure {
  const frames: Frame[] = [];
  const frameAt = new Map<number, number>();
  const stack: number[] = [];
  // For each kind of bracket, the stack depths at which one is open, innermost last: a closer finds
  // its partner at once instead of scanning the stack.
  const openDepths: Record<string, number[]> = { '(': [], '[': [], '{': [] };
  tokens.forEach((token, index) => {
    const top = stack.length > 0 ? frames[stack[stack.length - 1]] : undefined;
    if (token.kind === 'open') {
      const before = previousSignificant(tokens, index);
      const callee = before >= 0 && token.text === '(' && tokens[before].kind === 'name' && !WORD_OPERATORS.has(tokens[before].text) ? tokens[before] : undefined;
      const member = callee !== undefined && before > 0 && tokens[previousSignificant(tokens, before)]?.kind === 'dot';
      frames.push({
        bracket: token.text as Frame['bracket'],
        open: token.start,
        close: undefined,
        parent: stack.length > 0 ? stack[stack.length - 1] : -1,
        ...(callee !== undefined ? { call: { name: callee.text, start: callee.start, end: callee.end, member } } : {}),
        commas: [],
        keys: [],
        token: index,
      });
      frameAt.set(token.start, frames.length - 1);
      openDepths[token.text].push(stack.length);
      stack.push(frames.length - 1);
    } else if (token.kind === 'close') {
      // A stray closer closes up to its partner; one with no partner open is left to the parser.
      const opener = OPENER_OF[token.text];
      const depths = opener === undefined ? undefined : openDepths[opener];
      const depth = depths === undefined || depths.length === 0 ? -1 : depths[depths.length - 1];
      if (depth < 0) return;
      while (stack.length > depth) {
        const frame = frames[stack.pop() as number];
        frame.close = token.start;
        // The frame closed was the innermost open one of its kind.
        openDepths[frame.bracket].pop();
      }
    } else if (token.kind === 'comma' && top !== undefined) {
      top.commas.push(token.start);
    } else if ((token.kind === 'name' || token.kind === 'string') && top?.bracket === '{') {
      const before = previousSignificant(tokens, index);
      const after = nextSignificant(tokens, index);
      const atKey = before >= 0 && (tokens[before].kind === 'comma' || (tokens[before].kind === 'open' && tokens[before].text === '{')) && tokens[before].start >= top.open;
      if (atKey && after >= 0 && tokens[after].kind === 'colon') {
        const valueAt = nextSignificant(tokens, after);
        const valueEnd = valueAt >= 0 ? nextSignificant(tokens, valueAt) : -1;
        const value = valueAt >= 0 ? tokens[valueAt] : undefined;
        const single = value?.kind === 'string' && (valueEnd < 0 || tokens[valueEnd].kind === 'comma' || tokens[valueEnd].text === '}');
        top.keys.push({
          key: token.kind === 'string' ? unquote(token.text) : token.text,
          start: token.start,
          end: token.end,
          ...(single && value !== undefined ? { stringValue: { value: unquote(value.text), start: value.start, end: value.end, quote: value.text[0] } } : {}),
        });
      }
    }
  });
  return { tokens, frames, frameAt };
}

/** The index of the first token that starts at or after `offset` (tokens.length when none does). */
function firstStartingAt(tokens: readonly Token[], offset: number): number {
  return partitionPoint(tokens.length, (i) => tokens[i].start < offset);
}

/**
 * The first and last significant tokens strictly between two bracket or comma offsets, found by
 * bisection, so that the cost is that of the argument's own edges and not of the whole cell.
 */
function edgesBetween(tokens: readonly Token[], after: number, before: number): [Token, Token] | undefined {
  let first = firstStartingAt(tokens, after + 1);
  let last = firstStartingAt(tokens, before) - 1;
  while (first <= last && !significant(tokens[first])) first++;
  while (last >= first && (!significant(tokens[last]) || tokens[last].end > before)) last--;
  return first <= last ? [tokens[first], tokens[last]] : undefined;
}

/** The arguments of a `(…)` frame, split at its own commas; a missing `)` ends them at `limit`. */
export function argumentsOf(structure: CellStructure, frameIndex: number, limit = Infinity): Argument[] {
  const frame = structure.frames[frameIndex];
  const end = frame.close ?? limit;
  const bounds = [frame.open, ...frame.commas.filter((c) => c < end), end];
  const args: Argument[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [first, last] = edgesBetween(structure.tokens, bounds[i], bounds[i + 1]) ?? [];
    const objectIndex = first === undefined ? undefined : structure.frameAt.get(first.start);
    const object = objectIndex === undefined ? undefined : structure.frames[objectIndex];
    const isObject = object !== undefined && object.parent === frameIndex && object.bracket === '{';
    const whole = isObject && object.close !== undefined && last?.start === object.close;
    const unclosedToEnd = isObject && object.close === undefined;
    args.push({
      start: first?.start ?? bounds[i] + 1,
      end: last?.end ?? bounds[i] + 1,
      ...(whole || unclosedToEnd ? { object: objectIndex } : {}),
    });
  }
  // `f()` has no arguments, not one empty one.
  return args.length === 1 && args[0].start === args[0].end && frame.commas.length === 0 ? [] : args;
}

/** The frames that contain an offset, innermost first. */
export function enclosingFrames(structure: CellStructure, offset: number): number[] {
  const result: number[] = [];
  structure.frames.forEach((frame, index) => {
    if (frame.open < offset && (frame.close === undefined || offset <= frame.close)) result.push(index);
  });
  return result.reverse();
}
