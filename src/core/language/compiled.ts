import type { MathNode } from 'mathjs';

/** Compiling is the slow part of evaluating a subtree; curves evaluate the same subtrees at every point. */
const compiledNodes = new WeakMap<MathNode, ReturnType<MathNode['compile']>>();

/** The node's compiled form, compiled once per node. */
export function compiled(node: MathNode): ReturnType<MathNode['compile']> {
  let code = compiledNodes.get(node);
  if (code === undefined) {
    code = node.compile();
    compiledNodes.set(node, code);
  }
  return code;
}
