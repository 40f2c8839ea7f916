/*
 * Marks on the objects some builtins return, so that a cell's outputs can show them for what they
 * are: a loss result as its loss, a print as its text.
 */

/** Marks the objects returned by loss calls, so outputs can show them as losses. */
export const LOSS_MARK = Symbol.for('losslab.loss');

export function lossName(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? ((value as Record<symbol, unknown>)[LOSS_MARK] as string | undefined) : undefined;
}

/** Marks what `print` returns, so that the cell shows it as an output wherever it stands. */
export const PRINTED_MARK = Symbol.for('losslab.printed');

/** The text of a `print` value, or undefined for any other value. */
export function printedText(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? ((value as Record<symbol, unknown>)[PRINTED_MARK] as string | undefined) : undefined;
}
