import { BUILTINS, isFigureRoom } from '../builtins';
import { SCALAR_FUNCTIONS } from '../scalars';
import type { OptionSpec } from '../options';
import { BLOCKED_IDENTIFIERS, createSandbox, type Sandbox } from '../sandbox';
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

/** The symbols visible to a cell, given the text of the cells before it and its own. */
export function symbolTable(earlierCells: readonly string[], current: string): SymbolTable {
  const definitions = [...earlierCells.flatMap((text, cell) => definitionsIn(text, cell)), ...definitionsIn(current, earlierCells.length)];
  const functions = new Map<string, KnownFunction>();
  for (const f of [...mathjsFunctions(), ...LOSSLAB_FUNCTIONS]) functions.set(f.name, f);
  for (const d of definitions) {
    if (d.kind !== 'function') continue;
    functions.set(d.name, {
      name: d.name,
      origin: 'user',
      signatures: [`${d.name}(${d.params.join(', ')})`],
      summary: `Defined in ${d.cell === earlierCells.length ? 'this cell' : `cell ${d.cell + 1}`}: \`${d.source}\``,
      arities: [[d.params.length, d.params.length]],
      options: [],
      source: d.source,
    });
  }
  return { functions, definitions, currentCell: earlierCells.length };
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
