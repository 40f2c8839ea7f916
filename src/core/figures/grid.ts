/**
 * The evenly spaced points a figure is computed on (a curve's x, a heat map's axes, a histogram's
 * bin edges). They are stored in the notebook, so they should print as the decimals a person
 * would write: from + i·step accumulates binary rounding (0.059000000000000004 for 0.01 + 10 ×
 * 0.0049), so each point is rounded to the decimals of the step and of `from`, which gives back
 * exactly the short decimal whenever the range's ends and step are short decimals.
 */

/** Digits after the decimal point of `x` written to 12 significant digits: 0.0049 → 4, 250 → 0. */
export function decimalsOf(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return 0;
  const [mantissa, exponent] = Number(Math.abs(x).toPrecision(12)).toExponential().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/**
 * `count` points from `from` to `to` inclusive (`count` ≥ 1), point i being from + i·step with
 * step = (to − from)/(count − 1), rounded to max(decimalsOf(step), decimalsOf(from)) decimals
 * (at most 15, past which rounding changes nothing a plot can show); the ends are exactly `from`
 * and `to`.
 */
export function gridPoints(from: number, to: number, count: number): number[] {
  if (count === 1) return [from];
  const step = (to - from) / (count - 1);
  const decimals = Math.min(15, Math.max(decimalsOf(step), decimalsOf(from)));
  const points = new Array<number>(count);
  for (let i = 0; i < count; i++) points[i] = Number((from + i * step).toFixed(decimals));
  points[0] = from;
  points[count - 1] = to;
  return points;
}
