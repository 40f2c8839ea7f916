import { callContextAt, type CallContext } from './callContext';
import { optionDetail } from './completion';
import { parseSignature, type ParsedSignature } from './signatures';
import { definitionsIn, type Definition } from './definitions';
import { symbolTable, type KnownFunction } from './symbols';

/** Parameter hints for the call around the cursor, independent of the editor. */
export interface SignatureHelpResult {
  readonly signatures: readonly {
    readonly label: string;
    /** Markdown. */
    readonly documentation: string;
    /** Each parameter's [start, end) in the label, and its documentation. */
    readonly parameters: readonly { readonly start: number; readonly end: number; readonly documentation: string }[];
  }[];
  readonly activeSignature: number;
  readonly activeParameter: number;
}

const optionIndex = (s: ParsedSignature): number => s.parameters.findIndex((p) => p.isOptions);

/**
 * Which documented form the call is writing: in an option object, the form whose options sit at
 * that argument; with a number first, a scalar form (no option object); else the first batched
 * form (one with an option object) long enough for the argument the cursor is in.
 */
function chooseSignature(signatures: readonly ParsedSignature[], context: CallContext): number {
  const fits = (s: ParsedSignature): boolean => s.parameters.length > context.argIndex;
  const preferences: ((s: ParsedSignature) => boolean)[] = context.inObjectArgument
    ? [(s) => optionIndex(s) === context.argIndex]
    : context.scalarFirst
      ? [(s) => optionIndex(s) < 0 && fits(s), fits]
      : [(s) => fits(s) && optionIndex(s) >= 0, fits];
  for (const prefer of preferences) {
    const index = signatures.findIndex(prefer);
    if (index >= 0) return index;
  }
  return 0;
}

function parameterDocumentation(fn: KnownFunction, isOptions: boolean): string {
  if (!isOptions) return '';
  return fn.options.map((o) => `- \`${optionDetail(o)}\`: ${o.description}`).join('\n');
}

/**
 * Signature help at an offset of a cell; undefined outside a call of a documented function (arities
 * known). `definitionsOf` lets the editor reuse the definitions of cells it has read before.
 */
export function signatureHelpAt(text: string, offset: number, earlierCells: readonly string[] = [], definitionsOf: (text: string, cell: number) => Definition[] = definitionsIn): SignatureHelpResult | undefined {
  const context = callContextAt(text, offset);
  if (context === undefined || context.member) return undefined;
  const fn = symbolTable(earlierCells, text, definitionsOf).functions.get(context.name);
  if (fn === undefined || fn.arities === undefined) return undefined;
  const parsed = fn.signatures.map(parseSignature);
  const activeSignature = chooseSignature(parsed, context);
  return {
    signatures: parsed.map((s) => ({
      label: s.label,
      documentation: fn.summary,
      parameters: s.parameters.map((p) => ({ start: p.start, end: p.end, documentation: parameterDocumentation(fn, p.isOptions) })),
    })),
    activeSignature,
    activeParameter: context.argIndex,
  };
}
