import type { MathNode } from 'mathjs';
import { checkHabits, explainError, HabitError, type HabitContext } from '../habits';
import { BLOCKED_IDENTIFIERS, DISABLED_FUNCTIONS } from '../sandbox';
import { splitStatements } from '../statements';
import { suggestNames } from '../suggest';
import { partitionPoint } from './bisect';
import type { Definition } from './definitions';
import { scan, tokenCovering, type Token } from './scanner';
import { analyzeStructure, argumentsOf, type CellStructure, type ObjectKey } from './structure';
import { analysisSandbox, mathjsFunctions, scopeOfTable, symbolTable, takesOptionsAt, type CellScope, type KnownFunction } from './symbols';

/**
 * Validation of a cell as the user types: what would fail when it runs, found without running it.
 * Parse errors come from mathjs's own parser; the rest from the tolerant structure, so they are
 * found even in a cell that does not parse yet.
 */
export type DiagnosticCode = 'parse-error' | 'unknown-function' | 'argument-count' | 'unknown-option' | 'invalid-option-value' | 'blocked-name' | 'pytorch-habit';

/** Replace [start, end) of the cell with `newText`. */
export interface QuickFix {
  readonly title: string;
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface CellDiagnostic {
  /** Offsets into the cell text: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly code: DiagnosticCode;
  /** Obvious corrections, best first; empty when there is none. */
  readonly fixes: readonly QuickFix[];
}

const quoted = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(' or ');

function replacements(suggestions: readonly string[], start: number, end: number): QuickFix[] {
  return suggestions.map((s) => ({ title: `Change to '${s}'`, start, end, newText: s }));
}

/** The token at an offset, or a one-character range there. */
function rangeAt(tokens: readonly Token[], at: number, end: number): [number, number] {
  const covering = tokenCovering(tokens, at);
  const token = covering?.kind === 'newline' ? undefined : covering;
  return token !== undefined ? [token.start, token.end] : at >= end ? [end - 1, end] : [at, at + 1];
}

/**
 * Parse errors, said the way the runtime says them (x ** 2, a missing comma between arguments),
 * and the PyTorch habits the runtime refuses before running (keyword arguments, np. prefixes).
 */
function parseErrors(text: string, tokens: readonly Token[], habits: HabitContext): { diagnostics: CellDiagnostic[]; broken: [number, number][] } {
  const diagnostics: CellDiagnostic[] = [];
  const broken: [number, number][] = [];
  const { parse } = analysisSandbox();
  for (const statement of splitStatements(text)) {
    const end = statement.offset + statement.text.length;
    let node: MathNode;
    try {
      node = parse(statement.text);
    } catch (error) {
      broken.push([statement.offset, end]);
      const err = error instanceof Error ? error : new Error(String(error));
      const explained = explainError(err, statement.text, habits.isFunction);
      const char = (error as { char?: unknown }).char;
      const at =
        statement.offset + (explained?.at ?? (typeof char === 'number' ? Math.max(0, Math.min(char, statement.text.length)) : 0));
      const [start, stop] = rangeAt(tokens, at, end);
      const message = (explained?.message ?? err.message).replace(/\s*\(char \d+\)$/, '');
      diagnostics.push({ start, end: stop, severity: 'error', message, code: 'parse-error', fixes: [] });
      continue;
    }
    try {
      checkHabits(node, statement.text, habits);
    } catch (error) {
      if (!(error instanceof HabitError)) throw error;
      const [start, stop] = rangeAt(tokens, statement.offset + error.char - 1, end);
      diagnostics.push({ start, end: stop, severity: 'error', message: error.message, code: 'pytorch-habit', fixes: [] });
    }
  }
  return { diagnostics, broken };
}

/** "2 to 4 arguments", "1 argument", "1, 2, 7 or 8 arguments". */
export function describeArities(arities: readonly (readonly [number, number])[]): string {
  const counts = arities.every(([a, b]) => b - a <= 1) ? arities.flatMap(([a, b]) => (a === b ? [a] : [a, b])) : undefined;
  const parts = counts?.map(String) ?? arities.map(([a, b]) => (a === b ? `${a}` : `${a} to ${b}`));
  const text = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
  return `${text} argument${parts.length === 1 && parts[0] === '1' ? '' : 's'}`;
}

function argumentCount(fn: KnownFunction, frameIndex: number, structure: CellStructure): CellDiagnostic | undefined {
  const frame = structure.frames[frameIndex];
  const call = frame.call;
  if (fn.arities === undefined || frame.close === undefined || call === undefined) return undefined;
  const args = argumentsOf(structure, frameIndex);
  if (fn.arities.some(([a, b]) => a <= args.length && args.length <= b)) return undefined;
  const most = Math.max(...fn.arities.map(([, b]) => b));
  const [start, end] = args.length > most ? [args[most].start, args[args.length - 1].end] : [call.start, call.end];
  const message = `${call.name} takes ${describeArities(fn.arities)}, got ${args.length}: ${fn.signatures.join(' or ')}`;
  return { start, end, severity: 'error', message, code: 'argument-count', fixes: [] };
}

/** The option object of a call: its last argument, when that is a `{…}` at a position that takes options. */
export function optionObjectOf(fn: KnownFunction, frameIndex: number, structure: CellStructure): number | undefined {
  const args = argumentsOf(structure, frameIndex);
  const last = args.length - 1;
  const object = args[last]?.object;
  if (object === undefined || !takesOptionsAt(fn, last)) return undefined;
  return object;
}

/** Where a key's name is, inside its quotes if it is written as a string. */
function keyNameRange(key: ObjectKey, text: string): [number, number] {
  const quote = text[key.start];
  return quote === '"' || quote === "'" ? [key.start + 1, key.end - (text[key.end - 1] === quote ? 1 : 0)] : [key.start, key.end];
}

function optionDiagnostics(fn: KnownFunction, objectIndex: number, structure: CellStructure, text: string): CellDiagnostic[] {
  const diagnostics: CellDiagnostic[] = [];
  const known = fn.options.map((o) => o.key);
  for (const key of structure.frames[objectIndex].keys) {
    const spec = fn.options.find((o) => o.key === key.key);
    if (spec === undefined) {
      const suggestions = suggestNames(key.key, known);
      const hint = suggestions.length > 0 ? `: did you mean ${quoted(suggestions)}?` : '.';
      const [start, end] = keyNameRange(key, text);
      diagnostics.push({
        start: key.start,
        end: key.end,
        severity: 'error',
        message: `Unknown option '${key.key}' for ${fn.name}${hint} Options: ${known.join(', ')}`,
        code: 'unknown-option',
        fixes: replacements(suggestions, start, end),
      });
    } else if (spec.values !== undefined && key.stringValue !== undefined && !spec.values.includes(key.stringValue.value)) {
      const value = key.stringValue;
      const suggestions = suggestNames(value.value, spec.values);
      diagnostics.push({
        start: value.start,
        end: value.end,
        severity: 'error',
        message: `Option '${key.key}' of ${fn.name} must be one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(value.value)}`,
        code: 'invalid-option-value',
        fixes: suggestions.map((s) => ({ title: `Change to ${value.quote}${s}${value.quote}`, start: value.start, end: value.end, newText: `${value.quote}${s}${value.quote}` })),
      });
    }
  }
  return diagnostics;
}

/**
 * The names to suggest for an unknown function, once per name and cell: a cell that calls the same
 * unknown name thousands of times would otherwise compare it with every known name each time.
 */
function suggestionsFor(name: string, scope: CellScope, memo: Map<string, string[]>): string[] {
  const known = memo.get(name);
  if (known !== undefined) return known;
  // Only functions: a fix to a matrix variable would turn a typo into an indexing error.
  let suggestions = scope.suggestFunctions(name);
  if (suggestions.length === 0) suggestions = suggestNames(name, mathjsFunctions().map((f) => f.name));
  memo.set(name, suggestions);
  return suggestions;
}

function unknownFunction(name: Token, scope: CellScope, memo: Map<string, string[]>): CellDiagnostic {
  const suggestions = suggestionsFor(name.text, scope, memo);
  const hint = suggestions.length > 0 ? `: did you mean ${quoted(suggestions)}?` : ': not a LossLab or mathjs function, nor one defined in an earlier cell';
  return { start: name.start, end: name.end, severity: 'error', message: `Unknown function '${name.text}'${hint}`, code: 'unknown-function', fixes: replacements(suggestions, name.start, name.end) };
}

function blockedName(token: Token): CellDiagnostic {
  const message = DISABLED_FUNCTIONS.includes(token.text) ? `${token.text}() is disabled in LossLab cells` : `'${token.text}' is not available in LossLab cells`;
  return { start: token.start, end: token.end, severity: 'error', message, code: 'blocked-name', fixes: [] };
}

/**
 * The first definition whose statement contains an offset (a function body sees its parameters).
 * `definitions` are one cell's, in order of their offsets, so bisection finds the last that starts
 * at or before the offset; the ones before it that share its statement come first.
 */
function definitionAround(definitions: readonly Definition[], offset: number): Definition | undefined {
  const after = partitionPoint(definitions.length, (i) => definitions[i].offset <= offset);
  let found: Definition | undefined;
  for (let i = after - 1; i >= 0 && definitions[i].statementEnd >= offset; i--) found = definitions[i];
  return found;
}

/**
 * Diagnostics for one cell, given the text of the notebook's earlier cells (their definitions
 * are known names). Sorted by position. It reads every earlier cell: to check a whole notebook,
 * `validateNotebook` (`notebook.ts`) carries the definitions forward instead. `definitionsOf` lets
 * the editor reuse the definitions of cells it has read before.
 */
export function validateCell(text: string, earlierCells: readonly string[] = [], definitionsOf?: (text: string, cell: number) => Definition[]): CellDiagnostic[] {
  return checkCell(text, scopeOfTable(symbolTable(earlierCells, text, definitionsOf)));
}

/** Diagnostics for one cell, given the names visible to it. Sorted by position. */
export function checkCell(text: string, scope: CellScope): CellDiagnostic[] {
  const tokens = scan(text);
  const structure = analyzeStructure(tokens);
  const math = analysisSandbox().math as unknown as Record<string, unknown>;
  const habits: HabitContext = {
    isDefined: (name) => scope.isDefined(name),
    isFunction: (name) => scope.functions.has(name) || (Object.hasOwn(math, name) && math[name] !== undefined),
    takesOptions: (name) => (scope.functions.get(name)?.options.length ?? 0) > 0,
  };
  const { diagnostics, broken } = parseErrors(text, tokens, habits);
  const keyStarts = new Set(structure.frames.flatMap((f) => f.keys.map((k) => k.start)));
  for (const token of tokens) {
    if (token.kind === 'name' && BLOCKED_IDENTIFIERS.has(token.text) && !keyStarts.has(token.start)) diagnostics.push(blockedName(token));
  }
  const suggestionMemo = new Map<string, string[]>();
  structure.frames.forEach((frame, index) => {
    const call = frame.call;
    if (call === undefined || call.member || BLOCKED_IDENTIFIERS.has(call.name)) return;
    const around = definitionAround(scope.own, call.start);
    if (around?.offset === call.start && around.kind === 'function') return;
    if (around?.params.includes(call.name)) return;
    const fn = scope.functions.get(call.name);
    if (fn === undefined) {
      if (!scope.isVariable(call.name)) {
        diagnostics.push(unknownFunction({ kind: 'name', start: call.start, end: call.end, text: call.name }, scope, suggestionMemo));
      }
      return;
    }
    const parses = !broken.some(([a, b]) => a <= call.start && call.start < b);
    const count = parses ? argumentCount(fn, index, structure) : undefined;
    if (count !== undefined) diagnostics.push(count);
    const object = optionObjectOf(fn, index, structure);
    if (object !== undefined) diagnostics.push(...optionDiagnostics(fn, object, structure, text));
  });
  return diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
}
