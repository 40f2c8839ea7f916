import type { OptionSpec } from '../options';
import { callContextAt, type CallContext } from './callContext';
import { definitionsIn, type Definition } from './definitions';
import { scan, type Token } from './scanner';
import { callSnippet, parseSignature } from './signatures';
import { analyzeStructure, enclosingFrames } from './structure';
import { symbolTable, takesOptionsAt, variablesBefore, type KnownFunction, type SymbolTable } from './symbols';

/** One completion proposal, independent of the editor. */
export interface CompletionEntry {
  readonly label: string;
  readonly kind: 'function' | 'variable' | 'option' | 'value';
  /** What to insert; snippet syntax (`${1:pred}`) when `snippet` is true. */
  readonly insertText: string;
  readonly snippet: boolean;
  /** One line shown next to the label: a signature, an option's type and default. */
  readonly detail: string;
  /** Markdown. */
  readonly documentation: string;
  /** Orders proposals: the cell's own names, then LossLab's, then mathjs's. */
  readonly sortText: string;
  /** An option key whose values can be proposed next (strings with allowed values, booleans). */
  readonly valuesFollow?: boolean;
}

export interface CompletionResult {
  /** The text the proposals replace: the word being typed, or an empty range at the cursor. */
  readonly start: number;
  readonly end: number;
  readonly items: readonly CompletionEntry[];
}

export function optionDetail(spec: OptionSpec): string {
  return `${spec.key}: ${spec.values?.map((v) => JSON.stringify(v)).join(' | ') ?? spec.type}${spec.default === undefined ? '' : ` = ${JSON.stringify(spec.default)}`}`;
}

export function functionDocumentation(fn: KnownFunction): string {
  const example = fn.example === undefined ? '' : `\n\nExample: \`${fn.example}\``;
  const options = fn.options.length === 0 ? '' : `\n\nOptions: ${fn.options.map((o) => `\`${o.key}\``).join(', ')}`;
  return `${fn.summary}\n\n\`\`\`losslab\n${fn.signatures.join('\n')}\n\`\`\`${options}${example}`;
}

function functionEntry(fn: KnownFunction, callFollows: boolean): CompletionEntry {
  const insertText = callFollows ? fn.name : fn.arities === undefined ? `${fn.name}($1)` : callSnippet(fn.name, parseSignature(fn.signatures[0]), fn.options);
  const sortText = `${fn.origin === 'user' ? 0 : fn.origin === 'mathjs' ? 2 : 1}_${fn.name}`;
  return { label: fn.name, kind: 'function', insertText, snippet: !callFollows, detail: fn.signatures[0], documentation: functionDocumentation(fn), sortText };
}

function variableEntry(d: Definition, currentCell: number): CompletionEntry {
  const where = d.cell === currentCell ? 'defined above' : `defined in cell ${d.cell + 1}`;
  return { label: d.name, kind: 'variable', insertText: d.name, snippet: false, detail: where, documentation: `\`\`\`losslab\n${d.source}\n\`\`\``, sortText: `0_${d.name}` };
}

function optionEntries(fn: KnownFunction, present: readonly string[]): CompletionEntry[] {
  return fn.options
    .filter((o) => !present.includes(o.key))
    .map((o, i) => ({
      label: o.key,
      kind: 'option' as const,
      insertText: `${o.key}: `,
      snippet: false,
      detail: optionDetail(o),
      documentation: `${o.description}${o.default === undefined ? '' : `\n\nDefault: \`${JSON.stringify(o.default)}\``}`,
      // Keep the declared order: the common options come first.
      sortText: `0_${String(i).padStart(3, '0')}`,
      valuesFollow: o.values !== undefined || o.type === 'boolean',
    }));
}

function valueEntries(spec: OptionSpec | undefined, quote: string): CompletionEntry[] {
  const values = spec?.values?.map((v) => `${quote}${v}${quote}`) ?? (spec?.type === 'boolean' ? ['true', 'false'] : []);
  return values.map((v, i) => ({
    label: v,
    kind: 'value' as const,
    insertText: v,
    snippet: false,
    detail: optionDetail(spec as OptionSpec),
    documentation: spec?.description ?? '',
    sortText: `0_${i}`,
  }));
}

function expressionEntries(table: SymbolTable, text: string, offset: number, callFollows: boolean): CompletionEntry[] {
  const variables = variablesBefore(table, text, offset).map((d) => variableEntry(d, table.currentCell));
  const taken = new Set(variables.map((v) => v.label));
  const functions = [...table.functions.values()].filter((f) => !taken.has(f.name)).map((f) => functionEntry(f, callFollows));
  return [...variables, ...functions];
}

/** The option spec a call context's object key refers to, when the object is the call's option object. */
function optionFunction(context: CallContext | undefined, table: SymbolTable): KnownFunction | undefined {
  if (context?.option === undefined || context.member) return undefined;
  const fn = table.functions.get(context.name);
  return fn !== undefined && takesOptionsAt(fn, context.argIndex) ? fn : undefined;
}

const NONE = (offset: number): CompletionResult => ({ start: offset, end: offset, items: [] });

/**
 * The proposals at an offset of a cell, given the text of the notebook's earlier cells: option
 * keys inside a call's option object, allowed values after such a key, nothing inside comments,
 * numbers or after a `.`, and otherwise the functions and the variables defined above.
 * `definitionsOf` lets the editor reuse the definitions of cells it has read before.
 */
export function completeAt(text: string, offset: number, earlierCells: readonly string[] = [], definitionsOf: (text: string, cell: number) => Definition[] = definitionsIn): CompletionResult {
  const tokens = scan(text);
  const structure = analyzeStructure(tokens);
  const table = symbolTable(earlierCells, text, definitionsOf);
  const at: Token | undefined = tokens.find((t) => t.start < offset && offset <= t.end && t.kind !== 'newline');
  const insideString = at?.kind === 'string' && (offset < at.end || at.terminated === false);
  if (at?.kind === 'comment' || at?.kind === 'number') return NONE(offset);
  const word = at?.kind === 'name' ? at : undefined;
  const start = word?.start ?? offset;
  const end = word?.end ?? offset;
  const context = callContextAt(text, start, structure);
  const optionsOf = optionFunction(context, table);
  if (insideString && at !== undefined) {
    // Inside a string: only an option's allowed values, replacing the whole string.
    const key = context?.option?.at === 'value' ? context.option.key : undefined;
    const entries = optionsOf === undefined || key === undefined ? [] : valueEntries(optionsOf.options.find((o) => o.key === key), at.text[0]);
    return { start: at.start, end: at.end, items: entries };
  }
  const before = [...tokens].reverse().find((t) => t.end <= start && t.kind !== 'comment' && t.kind !== 'newline');
  if (before?.kind === 'dot') return NONE(offset);
  const innermost = structure.frames[enclosingFrames(structure, start)[0]];
  const atKey = innermost?.bracket === '{' && (context?.option === undefined || context.option.at === 'key') && (before?.text === '{' || before?.kind === 'comma');
  if (atKey) {
    const items = optionsOf !== undefined && context?.option?.at === 'key' ? optionEntries(optionsOf, context.option.presentKeys) : [];
    return { start, end, items };
  }
  const callFollows = /^\s*\(/.test(text.slice(end));
  const values = optionsOf !== undefined && context?.option?.at === 'value' ? valueEntries(optionsOf.options.find((o) => o.key === context.option?.key), '"') : [];
  return { start, end, items: [...values, ...expressionEntries(table, text, start, callFollows)] };
}
