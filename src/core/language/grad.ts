import type { MathNode } from 'mathjs';
import { InputError, describeValue } from '../errors';
import { evaluateNode, symbolName } from './figures/arguments';
import type { FigureContext } from './figures/context';

/**
 * The cell function `grad`, beside the forward-mode differentiation it calls (autodiff.ts through
 * FigureContext.differentiate). It receives its arguments unevaluated, as the figure functions do.
 */

/** grad(expression, variable) or grad(expression, variable, at): the exact derivative. */
export function grad(context: FigureContext, args: MathNode[], scope: Map<string, unknown>): number {
  const fn = 'grad';
  if (args.length < 2 || args.length > 3) throw new InputError(fn, 'arguments', 'grad(expression, variable) or grad(expression, variable, at)', `${args.length} arguments`);
  const variable = symbolName(fn, args[1], 'variable');
  const at = args[2] === undefined ? scope.get(variable) : evaluateNode(args[2], scope);
  if (typeof at !== 'number') {
    throw new InputError(fn, variable, `a number: define ${variable} first or give the point, grad(expr, ${variable}, 0.5)`, describeValue(at));
  }
  return context.differentiate(args[0], variable, at, scope).d;
}
