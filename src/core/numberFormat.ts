/**
 * The one way LossLab prints a number to a person: cell outputs, value summaries, hovers, the
 * variables view and figure fallbacks all call formatNumber, so the same value reads the same
 * everywhere.
 *
 * - an integer below 10¹⁵ in magnitude prints exactly (counts, sizes, indices: `1234567`);
 * - any other number keeps 6 significant digits, trailing zeros dropped (`0.333333`, `2.5`);
 * - outside [10⁻⁴, 10⁶) it takes the exponent form, with the same digits (`1.23457e-7`, `2e+6`);
 * - NaN, `∞` and `−∞` as words and symbols.
 */

/** Significant digits of a non-integer: float32 results agree with PyTorch's to about this many. */
export const SIGNIFICANT_DIGITS = 6;

export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  if (Number.isInteger(x) && magnitude < 1e15) return String(x);
  const rounded = Number(x.toPrecision(SIGNIFICANT_DIGITS));
  if (magnitude >= 1e6 || magnitude < 1e-4) return rounded.toExponential();
  return String(rounded);
}
