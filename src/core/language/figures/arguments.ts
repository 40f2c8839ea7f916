import type { MathNode } from 'mathjs';
import { InputError, describeValue } from '../../errors';
import { compiled } from '../compiled';
import type { Tensor } from '../../tensor';
import { isMatrixLike, valueToTensor } from '../values';

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

/**
 * A list of arrays as a cell holds it, item by item: a loaded torch.save list (whose items are
 * matrices), or one array whose first axis is the list (a cell's literal `[zeros(1, 2, 4, 4)]`,
 * since mathjs stacks the items of a literal into one array).
 */
export function tensorList(fn: string, argument: string, value: unknown, expected: string): Tensor[] {
  const items = Array.isArray(value) ? value : isMatrixLike(value) ? value.valueOf() : undefined;
  if (Array.isArray(items) && items.length > 0 && items.every((item) => isMatrixLike(item))) {
    return items.map((item, i) => valueToTensor(fn, `${argument}[${i + 1}]`, item));
  }
  const stacked = items === undefined ? undefined : valueToTensor(fn, argument, value);
  if (stacked === undefined || stacked.shape.length < 2 || stacked.shape[0] === 0) throw new InputError(fn, argument, expected, describeValue(value));
  const [count, ...shape] = stacked.shape;
  const size = stacked.data.length / count;
  return Array.from({ length: count }, (_, i) => ({ shape, data: stacked.data.slice(i * size, (i + 1) * size) }));
}
