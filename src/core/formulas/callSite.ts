/**
 * The literal arguments a call gives by name, read from the text around a hovered loss name, so a
 * hover can show them next to the library's defaults: Python keyword arguments
 * (`QualityFocalLoss(beta=3.0)`, and mmdetection configs `dict(type='QualityFocalLoss', beta=3.0)`
 * where the name is a string inside the call), and the option object of a LossLab call
 * (`qfl(p, y, {beta: 3})`). Pure: a text and offsets in, names and source texts out.
 *
 * Positional arguments are left out: which parameter a position means depends on the overload
 * (`qfl(s, y, β)` against `qfl(pred, label, score)`), and a wrong guess would mislead.
 */
import { scan } from '../language/analysis/scanner';
import type { FormulaEntry, LibraryConvention } from './catalog';
import type { WordAt } from './lookup';

/** One named argument with a literal value, as written (`3.0`, `'sum'`, `True`). */
export interface CallArgument {
  readonly name: string;
  readonly value: string;
}

/** A number, a quoted string, or a Python/JavaScript constant: what a hover may repeat as "this call". */
const LITERAL = /^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|'[^'\\\n]*'|"[^"\\\n]*"|True|False|None|true|false|null)$/;

const OPENING: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/**
 * The text twice, at the same offsets: `clean` with comments blanked, and `structure` with strings
 * blanked too, where brackets and commas can be read without minding quotes. A LossLab cell is
 * lexed by the cell scanner (where `'` after a value is mathjs's transpose and elsewhere opens a
 * string); Python by its quotes and `#` comments.
 */
interface Lexed {
  readonly clean: string;
  readonly structure: string;
}

function lex(text: string, language: string): Lexed {
  const clean = text.split('');
  const structure = text.split('');
  const blank = (start: number, end: number, inStructureOnly: boolean): void => {
    for (let i = start; i < end; i++) {
      if (text[i] === '\n') continue;
      structure[i] = '_';
      if (!inStructureOnly) clean[i] = ' ';
    }
  };
  if (language === 'losslab') {
    for (const token of scan(text)) {
      if (token.kind === 'string') blank(token.start, token.end, true);
      else if (token.kind === 'comment') blank(token.start, token.end, false);
    }
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"' || c === "'") {
        const close = text.indexOf(c, i + 1);
        const end = close < 0 ? text.length : close + 1;
        blank(i, end, true);
        i = end - 1;
      } else if (c === '#') {
        const newline = text.indexOf('\n', i);
        const end = newline < 0 ? text.length : newline;
        blank(i, end, false);
        i = end - 1;
      }
    }
  }
  return { clean: clean.join(''), structure: structure.join('') };
}

/**
 * The index just past the bracket that closes the one at `open` (read in `structure`, where strings
 * and comments are blanked); undefined when the text ends first (a call still being typed).
 */
function closingIndex(structure: string, open: number): number | undefined {
  const stack: string[] = [];
  for (let i = open; i < structure.length; i++) {
    const c = structure[i];
    if (OPENING[c] !== undefined) {
      stack.push(OPENING[c]);
    } else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return undefined;
      if (stack.length === 0) return i + 1;
    }
  }
  return undefined;
}

/** The [start, end) ranges of an argument list between `from` and `to`, split at its top-level commas and trimmed; empty ones dropped. */
function topLevelParts(lexed: Lexed, from: number, to: number): [number, number][] {
  const ranges: [number, number][] = [];
  let depth = 0;
  let start = from;
  const push = (end: number): void => {
    let [a, b] = [start, end];
    while (a < b && /\s/.test(lexed.clean[a])) a++;
    while (b > a && /\s/.test(lexed.clean[b - 1])) b--;
    if (a < b) ranges.push([a, b]);
  };
  for (let i = from; i < to; i++) {
    const c = lexed.structure[i];
    if (OPENING[c] !== undefined) depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  push(to);
  return ranges;
}

/** `name=value` (Python), or `name: value` / `'name': value` inside an option object. */
function namedLiteral(part: string, separator: '=' | ':'): CallArgument | undefined {
  const pattern = separator === '=' ? /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]+)$/ : /^(?:([A-Za-z_]\w*)|'([A-Za-z_]\w*)'|"([A-Za-z_]\w*)")\s*:\s*([\s\S]+)$/;
  const match = pattern.exec(part);
  if (match === null) return undefined;
  const name = separator === '=' ? match[1] : (match[1] ?? match[2] ?? match[3]);
  const value = (separator === '=' ? match[2] : match[4]).trim();
  return LITERAL.test(value) ? { name, value } : undefined;
}

/** The named literal arguments of the argument list between `open` and its closing bracket. */
function argumentsOf(text: string, open: number, language: string): CallArgument[] | undefined {
  const lexed = lex(text, language);
  const close = closingIndex(lexed.structure, open);
  if (close === undefined) return undefined;
  const found: CallArgument[] = [];
  const named = (from: number, to: number, separator: '=' | ':'): void => {
    for (const [a, b] of topLevelParts(lexed, from, to)) {
      const argument = namedLiteral(lexed.clean.slice(a, b), separator);
      if (argument !== undefined) found.push(argument);
    }
  };
  // A config written as a dict literal: `{'type': 'X', 'beta': 2.0}`.
  if (text[open] === '{') {
    named(open + 1, close - 1, ':');
    return found;
  }
  for (const [a, b] of topLevelParts(lexed, open + 1, close - 1)) {
    if (lexed.structure[a] === '{') {
      // An option object (LossLab) or a dict literal (Python): its keys are the names.
      if (closingIndex(lexed.structure, a) === b) named(a + 1, b - 1, ':');
    } else if (language !== 'losslab') {
      const argument = namedLiteral(lexed.clean.slice(a, b), '=');
      if (argument !== undefined) found.push(argument);
    }
  }
  return found;
}

/**
 * The bracket a string at `start` is an argument of, when that string is the `type` of a config
 * (`dict(type='X', …)` or `{'type': 'X', …}`); undefined otherwise.
 */
function configOpening(text: string, start: number): number | undefined {
  const before = text.slice(0, start);
  if (!/(?:\btype\s*=\s*|['"]type['"]\s*:\s*)['"]$/.test(before)) return undefined;
  let depth = 0;
  for (let i = start - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) return c === '[' ? undefined : i;
      depth--;
    }
  }
  return undefined;
}

/**
 * The named literal arguments of the call the hovered word makes (`word(…)`), or of the config
 * whose `type` it is (`dict(type='word', …)`), in source order; `type` itself is left out.
 * Undefined when the word is not called there or the call is not closed yet.
 */
export function callSiteArguments(text: string, word: WordAt, language: string): CallArgument[] | undefined {
  const after = /^\s*\(/.exec(text.slice(word.end));
  if (after !== null) return argumentsOf(text, word.end + after[0].length - 1, language);
  if (language !== 'python') return undefined;
  const open = configOpening(text, word.start);
  if (open === undefined) return undefined;
  return argumentsOf(text, open, language)?.filter((argument) => argument.name !== 'type');
}

/** A row of the hover's call-site table. */
export interface CallSiteRow {
  readonly name: string;
  /** The value the call gives, as written. */
  readonly value: string;
  /** The default of the library whose name was hovered (LossLab's in cells); undefined if the catalog has none. */
  readonly default?: string;
}

/**
 * The call's arguments beside the defaults: LossLab's (`entry.parameters`) in a LossLab cell, else
 * those of the hovered library's convention (the first of `conventions`).
 */
export function callSiteRows(entry: FormulaEntry, conventions: readonly LibraryConvention[], args: readonly CallArgument[], language: string): CallSiteRow[] {
  const convention = conventions[0];
  const defaultOf = (name: string): string | undefined => {
    if (language === 'losslab' || convention === undefined || convention.library === 'losslab') {
      const fallback = entry.parameters.find((p) => p.key === name)?.default;
      return fallback === undefined ? undefined : typeof fallback === 'string' ? `'${fallback}'` : String(fallback);
    }
    return convention.parameters.find((p) => p.name === name)?.default;
  };
  return args.map(({ name, value }) => {
    const fallback = defaultOf(name);
    return fallback === undefined ? { name, value } : { name, value, default: fallback };
  });
}
