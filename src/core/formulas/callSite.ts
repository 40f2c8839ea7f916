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
 * The index just past the bracket that closes the one at `open`, skipping strings and nested
 * brackets; undefined when the text ends first (a call still being typed).
 */
function closingIndex(text: string, open: number, quotes: string): number | undefined {
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quotes.includes(c)) {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '#') {
      // A comment (Python's and LossLab's) inside a call spread over lines.
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (OPENING[c] !== undefined) {
      stack.push(OPENING[c]);
    } else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return undefined;
      if (stack.length === 0) return i + 1;
    }
  }
  return undefined;
}

/** Splits an argument list (without its brackets) at the commas outside strings and brackets. */
function splitTopLevel(inner: string, quotes: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quotes.includes(c)) {
      const end = inner.indexOf(c, i + 1);
      i = end < 0 ? inner.length : end;
    } else if (c === '#') {
      const end = inner.indexOf('\n', i);
      i = end < 0 ? inner.length : end;
    } else if (OPENING[c] !== undefined) depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts.map((part) => part.replace(/#[^\n]*/g, '').trim()).filter((part) => part !== '');
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
  // In LossLab (mathjs) ' is the transpose operator; only " quotes a string.
  const quotes = language === 'losslab' ? '"' : `"'`;
  const close = closingIndex(text, open, quotes);
  if (close === undefined) return undefined;
  const found: CallArgument[] = [];
  const parts = splitTopLevel(text.slice(open + 1, close - 1), quotes);
  if (text[open] === '{') {
    // A config written as a dict literal: `{'type': 'X', 'beta': 2.0}`.
    for (const part of parts) {
      const argument = namedLiteral(part, ':');
      if (argument !== undefined) found.push(argument);
    }
    return found;
  }
  for (const part of parts) {
    if (part.startsWith('{')) {
      // An option object (LossLab) or a dict literal (Python): its keys are the names.
      const end = closingIndex(part, 0, quotes);
      if (end !== part.length) continue;
      for (const entry of splitTopLevel(part.slice(1, -1), quotes)) {
        const argument = namedLiteral(entry, ':');
        if (argument !== undefined) found.push(argument);
      }
    } else if (language !== 'losslab') {
      const argument = namedLiteral(part, '=');
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
