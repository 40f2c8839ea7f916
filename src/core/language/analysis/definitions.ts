import { splitStatements } from '../statements';
import { scan, type Token } from './scanner';

/** A variable `x = …` or a function `f(a, b) = …` that a cell defines. */
export interface Definition {
  readonly name: string;
  readonly kind: 'variable' | 'function';
  /** A function's parameter names. */
  readonly params: readonly string[];
  /** The defining statement, shown in completion documentation. */
  readonly source: string;
  /** Which cell (0-based, in notebook order) and where in it: the name's start, the statement's end. */
  readonly cell: number;
  readonly offset: number;
  readonly statementEnd: number;
}

const code = (tokens: readonly Token[]): Token[] => tokens.filter((t) => t.kind !== 'comment' && t.kind !== 'newline');

/** The definition a statement makes, if it is an assignment to a name or a function definition. */
function definitionOf(tokens: readonly Token[]): { name: Token; params: string[] | undefined } | undefined {
  const [first, second] = tokens;
  if (first?.kind !== 'name') return undefined;
  if (second?.kind === 'assign') return { name: first, params: undefined };
  if (second?.text !== '(') return undefined;
  const close = tokens.findIndex((t) => t.text === ')');
  if (close < 0 || tokens[close + 1]?.kind !== 'assign') return undefined;
  const inside = tokens.slice(2, close);
  // Only plain names separated by commas: `f(x[1]) = …` is not a definition.
  if (!inside.every((t, i) => (i % 2 === 0 ? t.kind === 'name' : t.kind === 'comma'))) return undefined;
  return { name: first, params: inside.filter((t) => t.kind === 'name').map((t) => t.text) };
}

/** Every definition in one cell's text, in order. */
export function definitionsIn(text: string, cell: number): Definition[] {
  const result: Definition[] = [];
  for (const statement of splitStatements(text)) {
    const found = definitionOf(code(scan(statement.text)));
    if (found === undefined) continue;
    result.push({
      name: found.name.text,
      kind: found.params === undefined ? 'variable' : 'function',
      params: found.params ?? [],
      source: statement.text,
      cell,
      offset: statement.offset + found.name.start,
      statementEnd: statement.offset + statement.text.length,
    });
  }
  return result;
}
