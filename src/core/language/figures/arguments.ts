import { InputError, describeValue } from '../../errors';
import { valueToTensor } from '../values';

/** Argument readers the figure functions share: each names the function and argument in its error. */

export function finiteNumber(fn: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(fn, argument, 'a finite number', describeValue(value));
  return value;
}

export function numberList(fn: string, argument: string, value: unknown): number[] {
  const t = valueToTensor(fn, argument, value);
  return Array.from(t.data);
}
