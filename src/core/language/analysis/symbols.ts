import { BUILTINS, isFigureRoom } from '../builtins';
import { SCALAR_FUNCTIONS } from '../scalars';
import type { OptionSpec } from '../options';
import { BLOCKED_IDENTIFIERS, createSandbox, type Sandbox } from '../sandbox';
import { suggestNames } from '../suggest';
import { definitionsIn, type Definition } from './definitions';

/**
 * Everything a cell can call, with what completion, signature help and validation need to know:
 * LossLab's functions, the figure functions, the scalar-only forms, mathjs's own functions, and
 * the functions and variables the notebook's cells define.
 */
export interface KnownFunction {
  readonly name: string;
  readonly origin: 'losslab' | 'figure' | 'scalar' | 'mathjs' | 'user';
  readonly signatures: readonly string[];
  readonly summary: string;
  /** Allowed argument counts (inclusive ranges); undefined where they are not known (mathjs, undocumented). */
  readonly arities?: readonly (readonly [number, number])[];
  readonly options: readonly OptionSpec[];
  /** Positions where an object literal is the option object; undefined: the last argument, anywhere. */
  readonly optionPositions?: readonly number[];
  /** A complete example line, for the documentation. */
  readonly example?: string;
  /** A user function's defining statement. */
  readonly source?: string;
}

/** The scalar forms that have no batched function of the same name, documented where they are defined (scalars.ts). */
const SCALAR_ONLY: readonly KnownFunction[] = SCALAR_FUNCTIONS.filter((f) => !BUILTINS.some((b) => b.name === f.name)).map(
  (f): KnownFunction => ({ name: f.name, origin: 'scalar', signatures: [f.signature], summary: f.summary, arities: [[f.minArgs, f.maxArgs]], options: [] }),
);

export const LOSSLAB_FUNCTIONS: readonly KnownFunction[] = [
  ...BUILTINS.map(
    (b): KnownFunction => ({
      name: b.name,
      origin: isFigureRoom(b.room) ? 'figure' : 'losslab',
      signatures: b.signatures,
      summary: b.summary,
      arities: b.arities,
      options: b.options,
      ...(b.optionPositions !== undefined ? { optionPositions: b.optionPositions } : {}),
      example: b.example,
    }),
  ),
  ...SCALAR_ONLY,
];

let sandbox: Sandbox | undefined;
/** One parser for all analyses; creating a mathjs instance is the slow part. */
export function analysisSandbox(): Sandbox {
  sandbox ??= createSandbox();
  return sandbox;
}

let builtins: readonly KnownFunction[] | undefined;
/** mathjs's functions a cell may call (sin, sum, zeros, …), without the blocked ones. */
export function mathjsFunctions(): readonly KnownFunction[] {
  if (builtins !== undefined) return builtins;
  const taken = new Set(LOSSLAB_FUNCTIONS.map((f) => f.name));
  const math = analysisSandbox().math as unknown as Record<string, unknown>;
  builtins = Object.keys(math)
    .filter((name) => typeof math[name] === 'function' && /^[a-z]\w*$/.test(name) && !BLOCKED_IDENTIFIERS.has(name) && !taken.has(name))
    .sort()
    .map((name): KnownFunction => ({ name, origin: 'mathjs', signatures: [`${name}(…)`], summary: `mathjs function ${name}`, options: [] }));
  return builtins;
}

export interface SymbolTable {
  /** By name; a cell's own definition of a name hides the built-in one, as at run time. */
  readonly functions: ReadonlyMap<string, KnownFunction>;
  /** All definitions of the notebook's cells up to and including the current one, in order. */
  readonly definitions: readonly Definition[];
  /** The current cell's index in `definitions[i].cell` numbering. */
  readonly currentCell: number;
}

/** LossLab's and mathjs's functions by name, before any cell defines one: a fresh map the caller may extend. */
export function builtinFunctions(): Map<string, KnownFunction> {
  const functions = new Map<string, KnownFunction>();
  for (const f of [...mathjsFunctions(), ...LOSSLAB_FUNCTIONS]) functions.set(f.name, f);
  return functions;
}

/** What completion and signature help know of a function a cell defines; `current`: the cell being edited defines it. */
export function userFunction(d: Definition, current: boolean): KnownFunction {
  return {
    name: d.name,
    origin: 'user',
    signatures: [`${d.name}(${d.params.join(', ')})`],
    summary: `Defined in ${current ? 'this cell' : `cell ${d.cell + 1}`}: \`${d.source}\``,
    arities: [[d.params.length, d.params.length]],
    options: [],
    source: d.source,
  };
}

/**
 * The symbols visible to a cell, given the text of the cells before it and its own. Each call reads
 * every earlier cell: right for one request (a completion, a hint), quadratic if made for every
 * cell of a notebook, which `src/core/language/analysis/notebook.ts` checks in one pass instead.
 * `definitionsOf` lets a caller reuse the definitions of cells it has read before.
 */
export function symbolTable(earlierCells: readonly string[], current: string, definitionsOf: (text: string, cell: number) => Definition[] = definitionsIn): SymbolTable {
  const definitions = [...earlierCells.flatMap((text, cell) => definitionsOf(text, cell)), ...definitionsOf(current, earlierCells.length)];
  const functions = builtinFunctions();
  for (const d of definitions) if (d.kind === 'function') functions.set(d.name, userFunction(d, d.cell === earlierCells.length));
  return { functions, definitions, currentCell: earlierCells.length };
}

/**
 * What one cell's checks ask of the names visible to it: the earlier cells' definitions and its own.
 * Built from a whole `SymbolTable` (one cell) or from a notebook's running prefix (every cell).
 */
export interface CellScope {
  /** By name, a cell's own definition hiding an earlier one and both hiding the built-in one. */
  readonly functions: { get(name: string): KnownFunction | undefined; has(name: string): boolean };
  /** The cell's own definitions, in order of their offsets. */
  readonly own: readonly Definition[];
  /** Whether any cell up to and including this one defines the name, as a variable or a function. */
  isDefined(name: string): boolean;
  /** Whether any cell up to and including this one defines the name as a variable. */
  isVariable(name: string): boolean;
  /**
   * The functions that are not mathjs's closest to a name that is not one: `suggestNames` over
   * their names in `functions`' order, the first suggestions for an unknown name.
   */
  suggestFunctions(name: string): string[];
}

/** The scope of the current cell of a symbol table. */
export function scopeOfTable(table: SymbolTable): CellScope {
  const defined = new Set(table.definitions.map((d) => d.name));
  const variables = new Set(table.definitions.filter((d) => d.kind === 'variable').map((d) => d.name));
  return {
    functions: table.functions,
    own: table.definitions.filter((d) => d.cell === table.currentCell),
    isDefined: (name) => defined.has(name),
    isVariable: (name) => variables.has(name),
    suggestFunctions: (name) => suggestNames(name, [...table.functions.values()].filter((f) => f.origin !== 'mathjs').map((f) => f.name)),
  };
}

/** Whether an object literal at argument `index` of a call is the function's option object. */
export function takesOptionsAt(fn: KnownFunction, index: number): boolean {
  return fn.options.length > 0 && (fn.optionPositions === undefined || fn.optionPositions.includes(index));
}

/**
 * Variables (not functions) defined in earlier cells, or in statements of the current cell that
 * end before `offset` (a newline or `;` separates them from it).
 */
export function variablesBefore(table: SymbolTable, text: string, offset: number): Definition[] {
  const byName = new Map<string, Definition>();
  for (const d of table.definitions) {
    if (d.kind !== 'variable') continue;
    if (d.cell === table.currentCell && !(d.statementEnd < offset && /[\n;]/.test(text.slice(d.statementEnd, offset)))) continue;
    byName.set(d.name, d);
  }
  return [...byName.values()];
}
