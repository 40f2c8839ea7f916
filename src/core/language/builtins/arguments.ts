import type { MathJsInstance } from 'mathjs';
import { InputError, describeValue } from '../../errors';
import type { LossResult } from '../../losses/types';
import type { Reduction } from '../../reduction';
import type { Precision } from '../../simd/path';
import type { Tensor } from '../../tensor';
import { isOptionObject, type OptionValues } from '../options';
import { SCALAR_FUNCTIONS_BY_NAME } from '../scalars';
import { backedMatrix, valueToTensor } from '../values';
import { LOSS_MARK } from './marks';
import type { BuiltinDoc } from './types';

/* Argument and result plumbing the builtins share. */

export type Args = unknown[];

/** Splits a trailing option object off the positional arguments. */
export function splitOptions(builtin: BuiltinDoc, args: Args, counts: readonly number[]): { positional: Args; options: unknown } {
  const last = args[args.length - 1];
  const split = isOptionObject(last) ? { positional: args.slice(0, -1), options: last } : { positional: args, options: undefined };
  // A stray number where the options belong (focal(pred, target, 0.5)) must not be ignored.
  if (!counts.includes(split.positional.length)) {
    const signature = builtin.signatures.join(' or ');
    throw new InputError(builtin.name, 'arguments', `${counts.join(' or ')} arrays, then an optional {options} object: ${signature}`, `${split.positional.length} arguments before the options`);
  }
  return split;
}

export function tensorArg(fn: string, name: string, value: unknown): Tensor {
  if (value === undefined) throw new InputError(fn, name, 'given', 'missing');
  return valueToTensor(fn, name, value);
}

export const isScalar = (value: unknown): value is number => typeof value === 'number';

/** A core tensor as a language value: a number for a scalar, else a mathjs matrix. */
export const out = backedMatrix;

export function reductionOf(options: OptionValues): { reduction?: Reduction; avgFactor?: number; weight?: Tensor } {
  const result: { reduction?: Reduction; avgFactor?: number; weight?: Tensor } = {};
  if (options.reduction !== undefined) result.reduction = options.reduction as Reduction;
  if (options.avg_factor !== undefined) result.avgFactor = options.avg_factor as number;
  if (options.weight !== undefined) result.weight = valueToTensor('options', 'weight', options.weight);
  return result;
}

/** The object a loss call returns: its value, per-element losses, gradients by input, and report. */
export function lossValue(math: MathJsInstance, fn: string, result: LossResult<string>, extra: Record<string, Tensor> = {}): Record<string, unknown> {
  const grad: Record<string, unknown> = {};
  for (const [name, tensor] of Object.entries(result.grad ?? {})) grad[name] = out(math, tensor as Tensor);
  const value: Record<string, unknown> = {
    loss: out(math, result.loss),
    per_element: out(math, result.perElement),
    grad,
    report: { ...result.report },
  };
  for (const [key, tensor] of Object.entries(extra)) value[key] = out(math, tensor);
  Object.defineProperty(value, LOSS_MARK, { value: fn, enumerable: false });
  return value;
}

/** A scalar form's documented signature, from where it is defined (scalars.ts), under the name a cell calls. */
export function scalarSignature(name: string, calledAs = name): string {
  const scalar = SCALAR_FUNCTIONS_BY_NAME.get(name);
  if (scalar === undefined) throw new Error(`no scalar form of ${name}`);
  return scalar.signature.replace(/^\w+/, calledAs);
}

export function scalarForm(name: string, args: Args): number {
  const scalar = SCALAR_FUNCTIONS_BY_NAME.get(name);
  if (scalar === undefined) throw new Error(`no scalar form of ${name}`);
  return scalar.evaluate(args).value;
}


export const precisionOf = (options: OptionValues): { precision?: Precision } =>
  options.precision !== undefined ? { precision: options.precision as Precision } : {};
export function labelConvention(options: OptionValues): 'background-last' | 'background-first' {
  return options.background === 'first' ? 'background-first' : 'background-last';
}

/**
 * The core's 0-based indices as the 1-based positions cells index with (emb[h.hardest_positive[1], :]);
 * the core's −1 for "none" becomes 0, which no position is.
 */
export function positions(math: MathJsInstance, indices: ArrayLike<number>): unknown {
  return math.matrix(Array.from(indices, (i) => i + 1));
}

export function field(fn: string, record: unknown, ...keys: string[]): unknown {
  if (typeof record !== 'object' || record === null) throw new InputError(fn, 'data', 'an object of arrays', describeValue(record));
  for (const key of keys) {
    const value = (record as Record<string, unknown>)[key];
    if (value !== undefined) return value;
  }
  throw new InputError(fn, `data.${keys[0]}`, `present (as ${keys.join(' or ')})`, 'missing');
}
