/**
 * The one error type the core throws for bad input. Its message always says which argument was
 * wrong, where (the flat or multi-dimensional index, when there is one) and what was expected, so
 * that the notebook and the loaders can show it to a user unchanged.
 */
export class InputError extends Error {
  override readonly name = 'InputError';

  constructor(
    /** The function that rejected the input, e.g. `qfl`. */
    readonly fn: string,
    /** The argument at fault, e.g. `pred` or `options.beta`. */
    readonly argument: string,
    /** What was expected, as a sentence fragment: "finite numbers", "shape (n, 4)". */
    readonly expected: string,
    /** What was found instead. */
    readonly found: string,
    /**
     * Where in the argument, e.g. `[3, 1]`, counted from 0 as the core's arrays are; absent when the
     * whole argument is at fault. A cell shows it counted from 1, as cells index (session.ts).
     */
    readonly index?: readonly number[],
  ) {
    const where = index === undefined ? '' : ` at index [${index.join(', ')}]`;
    super(`${fn}: ${argument}${where} should be ${expected}, but is ${found}`);
  }
}

/** Describes a value for an error message without dumping a large array. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value;
}
