import type { MathNode } from 'mathjs';
import { InputError, describeValue } from '../../errors';
import type { FigureSpec, RecomputeSource, SliderSpec } from '../../figures/spec';
import { toNested } from '../../tensor';
import { isOptionObject, type OptionSpec, type OptionValues } from '../options';
import { valueToTensor } from '../values';
import { finiteNumber, numberList } from './arguments';

/**
 * What a figure function may read of the session that runs it, and nothing more: the statement
 * being run (a figure with sliders records it), the cell scope's names (to carry the numbers and
 * user functions it reads) and exact differentiation (curves with gradients, `grad`). The session
 * implements it; no figure imports the session.
 */
export interface FigureContext {
  /** The text of the statement being run; undefined outside a cell. */
  readonly currentStatement: string | undefined;
  /** A name of the cell scope: its value, and for a user function its definition. */
  lookup(name: string): { readonly value: unknown; readonly user?: FigureUserFunction } | undefined;
  /** Value and exact derivative of a scalar expression with respect to a variable at a point. */
  differentiate(node: MathNode, variable: string, at: number, scope: ReadonlyMap<string, unknown>): { v: number; d: number };
}

/** A user-defined function as a figure carries it: its parameters, body and defining statement. */
export interface FigureUserFunction {
  readonly params: readonly string[];
  readonly body: MathNode;
  readonly source: string;
}

/** Largest array a figure's recompute source may carry, so that figures stay small in the file. */
const MAX_BINDING_ELEMENTS = 4096;

export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'figure title' },
  { key: 'x_label', type: 'string', description: 'x-axis title' },
  { key: 'y_label', type: 'string', description: 'y-axis title' },
];

/** Parameter sets for `over: {beta: [0.5, 1, 2]}`: the Cartesian product of every key's values. */
export function parameterSets(fn: string, over: unknown): Record<string, number>[] {
  if (over === undefined) return [{}];
  if (!isOptionObject(over)) throw new InputError(fn, 'options.over', 'an object such as {beta: [0.5, 1, 2]}', describeValue(over));
  let sets: Record<string, number>[] = [{}];
  for (const [name, values] of Object.entries(over)) {
    const list = numberList(fn, `options.over.${name}`, values);
    sets = sets.flatMap((set) => list.map((value) => ({ ...set, [name]: value })));
  }
  return sets;
}

/** Sliders from `{beta: [0, 4]}`, `{beta: [0, 4, 0.1]}` or `{beta: slider(0, 4, 0.1)}`. */
export function readSliders(fn: string, sliders: unknown, scope: Map<string, unknown>): SliderSpec[] {
  if (sliders === undefined) return [];
  if (!isOptionObject(sliders)) throw new InputError(fn, 'options.sliders', 'an object such as {beta: [0, 4]}', describeValue(sliders));
  return Object.entries(sliders).map(([name, spec]) => {
    const value = scope.get(name);
    if (typeof value !== 'number') {
      throw new InputError(fn, `options.sliders.${name}`, `the name of a number variable used by the figure (define it first, e.g. ${name} = 1)`, describeValue(value));
    }
    const range = isOptionObject(spec) ? [spec.min, spec.max, spec.step] : numberList(fn, `options.sliders.${name}`, spec);
    const min = finiteNumber(fn, `options.sliders.${name}.min`, range[0]);
    const max = finiteNumber(fn, `options.sliders.${name}.max`, range[1]);
    if (!(max > min)) throw new InputError(fn, `options.sliders.${name}`, 'a range with max > min', `[${min}, ${max}]`);
    const step = range[2] === undefined ? (max - min) / 100 : finiteNumber(fn, `options.sliders.${name}.step`, range[2]);
    return { name, min, max, step, value: Math.min(max, Math.max(min, value)) };
  });
}

/**
 * What a figure needs to be recomputed without the kernel: the statement, the user functions it
 * calls (transitively) and the numbers and small arrays it reads. Undefined when it reads
 * something too large to carry (a loaded export), in which case it cannot have sliders.
 */
export function recomputeSource(context: FigureContext, nodes: readonly MathNode[], exclude: ReadonlySet<string>): RecomputeSource | undefined {
  const statement = context.currentStatement;
  if (statement === undefined) return undefined;
  const definitions: string[] = [];
  const bindings: Record<string, number | number[] | number[][]> = {};
  const visited = new Set<string>();
  let portable = true;
  const visit = (node: MathNode, locals: ReadonlySet<string>): void => {
    node.traverse((child) => {
      if (child.type !== 'SymbolNode') return;
      const name = (child as MathNode & { name: string }).name;
      if (exclude.has(name) || locals.has(name) || visited.has(name)) return;
      const found = context.lookup(name);
      if (found === undefined) return;
      visited.add(name);
      const { value, user } = found;
      if (user !== undefined) {
        visit(user.body, new Set(user.params));
        definitions.push(user.source);
        return;
      }
      if (typeof value === 'number') {
        bindings[name] = value;
        return;
      }
      try {
        const tensor = valueToTensor('figure', name, value);
        if (tensor.data.length <= MAX_BINDING_ELEMENTS && tensor.shape.length <= 2) {
          bindings[name] = toNested(tensor) as number[] | number[][];
          return;
        }
      } catch {
        // Not numeric: the figure cannot be recomputed elsewhere.
      }
      portable = false;
    });
  };
  for (const node of nodes) visit(node, new Set());
  return portable ? { statement, definitions, bindings } : undefined;
}

/** A figure with sliders must carry its recompute source, or the renderer could not move them. */
export function requirePortable(fn: string, sliders: readonly SliderSpec[], source: RecomputeSource | undefined): void {
  if (sliders.length > 0 && source === undefined) {
    throw new InputError(fn, 'options.sliders', 'used with expressions that read only numbers and small arrays', 'used with a large or non-numeric value');
  }
}

export function withCommon<T extends FigureSpec>(spec: T, options: OptionValues, sliders: SliderSpec[], source: RecomputeSource | undefined): T {
  return {
    ...spec,
    ...(options.title !== undefined ? { title: options.title as string } : {}),
    ...(sliders.length > 0 ? { sliders } : {}),
    ...(source !== undefined && sliders.length > 0 ? { source } : {}),
  };
}
