import type { MathNode } from 'mathjs';
import { InputError, describeValue } from '../../errors';
import { compiled } from '../compiled';
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

/** Evaluates an argument a raw function received unevaluated. */
export function evaluateNode(node: MathNode, scope: Map<string, unknown>): unknown {
  return compiled(node).evaluate(scope) as unknown;
}

/** The variable an argument names (`s` in plot(qfl(s, 0.5), s, 0, 1)). */
export function symbolName(fn: string, node: MathNode | undefined, argument: string): string {
  if (node?.type !== 'SymbolNode') {
    throw new InputError(fn, argument, 'a variable name, as in plot(qfl(s, 0.5), s, 0, 1)', node === undefined ? 'missing' : `'${node.toString()}'`);
  }
  return (node as MathNode & { name: string }).name;
}
