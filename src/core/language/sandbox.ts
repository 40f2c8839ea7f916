import { all, create, type MathJsInstance, type MathNode } from 'mathjs';
import { guardSubset, type AllocationGuard } from './allocation';

/**
 * Functions replaced by ones that throw. mathjs's security guidance names the first group: with
 * them an expression could redefine functions, create global units or evaluate text assembled at
 * run time. The rest reach the expression tree or global state. `derivative` gives way to
 * LossLab's exact `grad`.
 */
export const DISABLED_FUNCTIONS: readonly string[] = [
  'import',
  'createUnit',
  'evaluate',
  'parse',
  'compile',
  'simplify',
  'simplifyConstant',
  'simplifyCore',
  'resolve',
  'reviver',
  'derivative',
  'rationalize',
  'symbolicEqual',
  'leafCount',
  'chain',
  'parser',
  'Parser',
  'splitUnit',
  'help',
];

/**
 * Names that mathjs needs internally, so they cannot be replaced, but that no cell may mention:
 * the typed-function system, the configuration and its events, and the node constructors.
 */
export const BLOCKED_IDENTIFIERS: ReadonlySet<string> = new Set([
  ...DISABLED_FUNCTIONS,
  'typed',
  'config',
  'factory',
  'create',
  'on',
  'off',
  'once',
  'emit',
  'AccessorNode',
  'ArrayNode',
  'AssignmentNode',
  'BlockNode',
  'ConditionalNode',
  'ConstantNode',
  'FunctionAssignmentNode',
  'FunctionNode',
  'IndexNode',
  'Node',
  'ObjectNode',
  'OperatorNode',
  'ParenthesisNode',
  'RangeNode',
  'RelationalNode',
  'SymbolNode',
  'constructor',
  '__proto__',
  'prototype',
  'process',
  'globalThis',
  'window',
  'self',
  'require',
  'Function',
  'eval',
]);

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
}

/**
 * A mathjs instance for untrusted cell text, with the parser and the importer captured before
 * they were disabled: the host may still parse cells and add LossLab's functions; cells may not.
 */
export interface Sandbox {
  readonly math: MathJsInstance;
  readonly parse: (text: string) => MathNode;
  readonly importFunctions: (functions: Record<string, unknown>) => void;
}

/**
 * A fresh sandbox. With a guard, index assignment (`s[i] = v`) is guarded too: the parser captures
 * the instance's `subset` when it is first created, so the guarded one goes in before that (see
 * allocation.ts; the session guards the rest once it has imported its functions).
 */
export function createSandbox(guard?: AllocationGuard): Sandbox {
  const math = create(all, { number: 'number', matrix: 'Matrix' });
  const originalImport = math.import.bind(math);
  const importFunctions = (functions: Record<string, unknown>): void => {
    originalImport(functions, { override: true });
  };
  if (guard !== undefined) guardSubset(math, importFunctions, guard);
  const parse = math.parse.bind(math) as (text: string) => MathNode;
  const disabled: Record<string, () => never> = {};
  for (const name of DISABLED_FUNCTIONS) {
    disabled[name] = () => {
      throw new SandboxError(`${name}() is disabled in LossLab cells`);
    };
  }
  math.import(disabled, { override: true });
  return { math, parse, importFunctions };
}

/**
 * Rejects a parsed statement that mentions a blocked name, as a symbol, a function or a property
 * (`x.constructor`). mathjs already refuses unsafe property access at run time; checking the tree
 * first gives one clear message before anything runs.
 */
export function assertAllowed(node: MathNode): void {
  node.traverse((child) => {
    const named = child as MathNode & { name?: unknown; dimensions?: MathNode[] };
    const candidates: unknown[] = [];
    if (child.type === 'SymbolNode' || child.type === 'FunctionAssignmentNode') candidates.push(named.name);
    if (child.type === 'IndexNode') {
      for (const dimension of named.dimensions ?? []) {
        if (dimension.type === 'ConstantNode') candidates.push((dimension as MathNode & { value?: unknown }).value);
      }
    }
    // An array's length may be assigned in mathjs (`a.length = 1e9`): a size changed without an
    // allocation the guard could see. resize(a, [n]) is the checked way.
    if (child.type === 'AssignmentNode') {
      const index = (child as MathNode & { index?: (MathNode & { dimensions?: MathNode[] }) | null }).index;
      const last = index?.dimensions?.[index.dimensions.length - 1] as (MathNode & { value?: unknown }) | undefined;
      if (last?.type === 'ConstantNode' && last.value === 'length') {
        throw new SandboxError("assigning to 'length' is not available in LossLab cells: use resize(a, [n]) to change a size");
      }
    }
    for (const name of candidates) {
      if (typeof name === 'string' && BLOCKED_IDENTIFIERS.has(name)) {
        throw new SandboxError(`'${name}' is not available in LossLab cells`);
      }
    }
  });
}
