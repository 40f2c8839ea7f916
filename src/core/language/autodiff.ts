import type { MathNode } from 'mathjs';
import { SCALAR_FUNCTIONS_BY_NAME } from './scalars';

/**
 * Exact derivatives of scalar expressions by forward-mode automatic differentiation: each number
 * carries its derivative with respect to one variable, and every operation applies its own exact
 * rule. Unlike finite differences it has no step size, and unlike symbolic differentiation it
 * needs no simplifier, so user functions and LossLab's losses compose freely.
 */
export interface Dual {
  readonly v: number;
  readonly d: number;
}

/** A value during differentiation: a dual number, or a constant of any other type (matrix, string…). */
type Value = Dual | { readonly constant: unknown };

/** What the differentiator needs from the session. */
export interface DiffEnvironment {
  /** Looks a name up in the notebook's scope (variables and user functions). */
  readonly lookup: (name: string) => unknown;
  /** The syntax tree of a user-defined function, if `name` is one. */
  readonly userFunction: (name: string) => { params: readonly string[]; body: MathNode } | undefined;
  /** Evaluates a subtree that does not depend on the variable, with extra local bindings. */
  readonly evaluateConstant: (node: MathNode, locals: ReadonlyMap<string, unknown>) => unknown;
}

export class DifferentiationError extends Error {
  override readonly name = 'DifferentiationError';
}

const isDual = (value: Value): value is Dual => 'v' in value;
const constant = (value: unknown): Value => (typeof value === 'number' ? { v: value, d: 0 } : { constant: value });

function asDual(value: Value, what: string): Dual {
  if (isDual(value)) return value;
  const raw = value.constant;
  if (typeof raw === 'boolean') return { v: raw ? 1 : 0, d: 0 };
  throw new DifferentiationError(`grad: ${what} is not a number; only scalar expressions can be differentiated`);
}

type Rule = (x: number) => [number, number];
/**
 * The derivative table. A Map, never an object literal: a name such as `toString` or
 * `hasOwnProperty` must find no rule, not one inherited from Object.prototype.
 */
const UNARY_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>(Object.entries({
  exp: (x) => [Math.exp(x), Math.exp(x)],
  log: (x) => [Math.log(x), 1 / x],
  log1p: (x) => [Math.log1p(x), 1 / (1 + x)],
  log2: (x) => [Math.log2(x), 1 / (x * Math.LN2)],
  log10: (x) => [Math.log10(x), 1 / (x * Math.LN10)],
  sqrt: (x) => [Math.sqrt(x), x === 0 ? 0 : 0.5 / Math.sqrt(x)],
  abs: (x) => [Math.abs(x), Math.sign(x)],
  sin: (x) => [Math.sin(x), Math.cos(x)],
  cos: (x) => [Math.cos(x), -Math.sin(x)],
  tan: (x) => [Math.tan(x), 1 / Math.cos(x) ** 2],
  asin: (x) => [Math.asin(x), 1 / Math.sqrt(1 - x * x)],
  acos: (x) => [Math.acos(x), -1 / Math.sqrt(1 - x * x)],
  atan: (x) => [Math.atan(x), 1 / (1 + x * x)],
  sinh: (x) => [Math.sinh(x), Math.cosh(x)],
  cosh: (x) => [Math.cosh(x), Math.sinh(x)],
  tanh: (x) => [Math.tanh(x), 1 - Math.tanh(x) ** 2],
  square: (x) => [x * x, 2 * x],
  cube: (x) => [x * x * x, 3 * x * x],
  sign: (x) => [Math.sign(x), 0],
  floor: (x) => [Math.floor(x), 0],
  ceil: (x) => [Math.ceil(x), 0],
  round: (x) => [Math.round(x), 0],
  unaryMinus: (x) => [-x, -1],
  unaryPlus: (x) => [x, 1],
} satisfies Record<string, Rule>));

function power(base: Dual, exponent: Dual): Dual {
  const v = Math.pow(base.v, exponent.v);
  let d = 0;
  if (base.d !== 0) d += exponent.v === 0 ? 0 : exponent.v * Math.pow(base.v, exponent.v - 1) * base.d;
  if (exponent.d !== 0) d += v === 0 ? 0 : v * Math.log(base.v) * exponent.d;
  return { v, d };
}

function binary(op: string, a: Dual, b: Dual): Dual {
  switch (op) {
    case 'add':
      return { v: a.v + b.v, d: a.d + b.d };
    case 'subtract':
      return { v: a.v - b.v, d: a.d - b.d };
    case 'multiply':
      return { v: a.v * b.v, d: a.d * b.v + a.v * b.d };
    case 'divide':
      return { v: a.v / b.v, d: (a.d * b.v - a.v * b.d) / (b.v * b.v) };
    case 'pow':
      return power(a, b);
    case 'max':
      return a.v >= b.v ? a : b;
    case 'min':
      return a.v <= b.v ? a : b;
    case 'atan2':
      return { v: Math.atan2(a.v, b.v), d: (b.v * a.d - a.v * b.d) / (a.v * a.v + b.v * b.v) };
    case 'mod':
      return { v: a.v - b.v * Math.floor(a.v / b.v), d: a.d };
    default:
      throw new DifferentiationError(`grad: the operation '${op}' has no derivative rule`);
  }
}

const COMPARISONS: ReadonlyMap<string, (a: number, b: number) => boolean> = new Map(Object.entries({
  smaller: (a, b) => a < b,
  larger: (a, b) => a > b,
  smallerEq: (a, b) => a <= b,
  largerEq: (a, b) => a >= b,
  equal: (a, b) => a === b,
  unequal: (a, b) => a !== b,
  and: (a, b) => a !== 0 && b !== 0,
  or: (a, b) => a !== 0 || b !== 0,
  xor: (a, b) => (a !== 0) !== (b !== 0),
} satisfies Record<string, (a: number, b: number) => boolean>));

/**
 * Does the subtree mention the variable, directly or through a user function's body? Curves ask
 * this for every node at every point, so answers are memoized per node and per set of
 * derivative-carrying locals, which is the same at every point of a curve.
 */
const dependencyMemo = new WeakMap<MathNode, Map<string, boolean>>();

/**
 * The memo key of a set of locals: the variable and which locals carry a derivative. A locals map
 * is shared by every node of the body it binds, so its key is built once per map, not per node.
 */
const localsKeys = new WeakMap<ReadonlyMap<string, Value>, string>();

function localsKey(variable: string, locals: ReadonlyMap<string, Value>): string {
  let key = localsKeys.get(locals);
  if (key === undefined) {
    key = variable;
    for (const [name, value] of locals) key += isDual(value) && value.d !== 0 ? `|${name}` : '|';
    localsKeys.set(locals, key);
  }
  return key;
}

function dependsOn(node: MathNode, variable: string, env: DiffEnvironment, locals: ReadonlyMap<string, Value>, seen: ReadonlySet<string>): boolean {
  const key = localsKey(variable, locals);
  let memo = dependencyMemo.get(node);
  if (memo === undefined) {
    memo = new Map();
    dependencyMemo.set(node, memo);
  }
  const cached = memo.get(key);
  if (cached !== undefined) return cached;
  const answer = computeDependsOn(node, variable, env, locals, seen);
  memo.set(key, answer);
  return answer;
}

const NO_LOCALS: ReadonlyMap<string, Value> = new Map();

function computeDependsOn(node: MathNode, variable: string, env: DiffEnvironment, locals: ReadonlyMap<string, Value>, seen: ReadonlySet<string>): boolean {
  let found = false;
  // Only a miss of the memo gets here (once per node and key per curve): copying is cheap.
  const entered = new Set(seen);
  node.traverse((child) => {
    if (found) return;
    if (child.type === 'SymbolNode') {
      const name = (child as MathNode & { name: string }).name;
      const local = locals.get(name);
      if (local !== undefined) {
        if (isDual(local) && local.d !== 0) found = true;
        return;
      }
      if (name === variable) found = true;
      const user = env.userFunction(name);
      if (user !== undefined && !entered.has(name)) {
        entered.add(name);
        if (dependsOn(user.body, variable, env, NO_LOCALS, entered)) found = true;
      }
    }
  });
  return found;
}

/** The names a dependency search has entered; a search that finds a user function copies it. */
const NO_NAMES: ReadonlySet<string> = new Set();

function evaluate(node: MathNode, variable: string, env: DiffEnvironment, locals: ReadonlyMap<string, Value>, depth: number): Value {
  if (depth > 200) throw new DifferentiationError('grad: recursion deeper than 200 calls');
  if (!dependsOn(node, variable, env, locals, NO_NAMES)) {
    const plain = new Map<string, unknown>();
    for (const [name, value] of locals) plain.set(name, isDual(value) ? value.v : value.constant);
    return constant(env.evaluateConstant(node, plain));
  }
  const recurse = (child: MathNode): Value => evaluate(child, variable, env, locals, depth);
  switch (node.type) {
    case 'ParenthesisNode':
      return recurse((node as MathNode & { content: MathNode }).content);
    case 'SymbolNode': {
      const name = (node as MathNode & { name: string }).name;
      const local = locals.get(name);
      if (local !== undefined) return local;
      // Only the variable itself depends on the variable; inside a user function's body it is not
      // a local, so its seeded value comes from the top-level binding.
      const seed = env.lookup(name);
      if (typeof seed !== 'object' || seed === null || !('v' in seed)) {
        throw new DifferentiationError(`grad: the variable '${name}' should be a number`);
      }
      return seed as Dual;
    }
    case 'OperatorNode': {
      const { fn, args } = node as MathNode & { fn: string; args: MathNode[] };
      const values = args.map(recurse);
      if (values.length === 1) {
        if (fn === 'not') return { v: asDual(values[0], 'the operand').v === 0 ? 1 : 0, d: 0 };
        const rule = UNARY_RULES.get(fn);
        if (rule === undefined) throw new DifferentiationError(`grad: the operator '${fn}' has no derivative rule`);
        const x = asDual(values[0], 'the operand');
        const [v, slope] = rule(x.v);
        return { v, d: slope * x.d };
      }
      const [a, b] = values.map((value, i) => asDual(value, `operand ${i + 1} of '${fn}'`));
      const comparison = COMPARISONS.get(fn);
      if (comparison !== undefined) return { v: comparison(a.v, b.v) ? 1 : 0, d: 0 };
      return binary(fn === 'dotMultiply' ? 'multiply' : fn === 'dotDivide' ? 'divide' : fn === 'dotPow' ? 'pow' : fn, a, b);
    }
    case 'ConditionalNode': {
      const { condition, trueExpr, falseExpr } = node as MathNode & { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
      return asDual(recurse(condition), 'the condition').v !== 0 ? recurse(trueExpr) : recurse(falseExpr);
    }
    case 'FunctionNode':
      return callFunction(node as MathNode & { fn: MathNode; args: MathNode[] }, variable, env, locals, depth);
    default:
      throw new DifferentiationError(`grad: cannot differentiate through ${node.type.replace(/Node$/, '').toLowerCase()} '${node.toString()}'`);
  }
}

function callFunction(
  node: MathNode & { fn: MathNode; args: MathNode[] },
  variable: string,
  env: DiffEnvironment,
  locals: ReadonlyMap<string, Value>,
  depth: number,
): Value {
  const name = (node.fn as MathNode & { name?: string }).name ?? node.fn.toString();
  const args = node.args.map((arg) => evaluate(arg, variable, env, locals, depth));
  const user = locals.has(name) ? undefined : env.userFunction(name);
  if (user !== undefined) {
    if (args.length !== user.params.length) {
      throw new DifferentiationError(`grad: ${name} takes ${user.params.length} arguments, got ${args.length}`);
    }
    const inner = new Map<string, Value>();
    user.params.forEach((param, i) => inner.set(param, args[i]));
    return evaluate(user.body, variable, env, inner, depth + 1);
  }
  const rule = UNARY_RULES.get(name);
  if (rule !== undefined && args.length === 1) {
    const x = asDual(args[0], `the argument of ${name}`);
    const [v, slope] = rule(x.v);
    return { v, d: slope * x.d };
  }
  if (name === 'log' && args.length === 2) {
    return binary('divide', evaluateRule('log', asDual(args[0], 'log x')), evaluateRule('log', asDual(args[1], 'log base')));
  }
  if (['pow', 'max', 'min', 'atan2', 'mod'].includes(name) && args.length === 2) {
    return binary(name, asDual(args[0], `argument 1 of ${name}`), asDual(args[1], `argument 2 of ${name}`));
  }
  const scalar = SCALAR_FUNCTIONS_BY_NAME.get(name);
  if (scalar !== undefined) {
    const plain = args.map((arg) => (isDual(arg) ? arg.v : arg.constant));
    const { value, partials } = scalar.evaluate(plain);
    let d = 0;
    args.forEach((arg, i) => {
      if (!isDual(arg) || arg.d === 0) return;
      const partial = partials[i];
      if (partial === null || partial === undefined) {
        throw new DifferentiationError(`grad: ${name} is not differentiable with respect to argument ${i + 1}`);
      }
      d += partial * arg.d;
    });
    return { v: value, d };
  }
  throw new DifferentiationError(
    `grad: the function '${name}' has no derivative rule, so grad cannot differentiate it (differentiable: ${DIFFERENTIABLE_NAMES}, LossLab's scalar forms, and functions defined in a cell)`,
  );
}

/** The names with a rule, for the error that names a function grad cannot differentiate. */
const DIFFERENTIABLE_NAMES = [...UNARY_RULES.keys(), 'pow', 'max', 'min', 'atan2', 'mod'].filter((name) => !name.startsWith('unary')).join(', ');

function evaluateRule(name: string, x: Dual): Dual {
  const rule = UNARY_RULES.get(name);
  if (rule === undefined) throw new DifferentiationError(`grad: the function '${name}' has no derivative rule`);
  const [v, slope] = rule(x.v);
  return { v, d: slope * x.d };
}

/**
 * The value and exact derivative of `expression` with respect to `variable` at `at`; every other
 * name takes its value from the environment.
 */
export function differentiate(
  expression: MathNode,
  variable: string,
  at: number,
  env: DiffEnvironment,
): Dual {
  const seed: Dual = { v: at, d: 1 };
  const seeded: DiffEnvironment = { ...env, lookup: (name) => (name === variable ? seed : env.lookup(name)) };
  const locals = new Map<string, Value>([[variable, seed]]);
  return asDual(evaluate(expression, variable, seeded, locals, 0), `'${expression.toString()}'`);
}
