import type { MathNode } from 'mathjs';
import { FORMULA_BY_ID } from '../formulas/catalog';

/**
 * Default names of a plot's curves, as a reader would write them: `QFL (β = 0.5)` rather than
 * `qfl(s, y, beta) (beta = 0.5)`. A call of a formula whose paper has a name (the catalog's
 * `paper` alias: QFL, DFL, GIoU…) is called by it; parameters spelled as Greek letters are
 * written as the letters.
 */

const GREEK: Readonly<Record<string, string>> = {
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ε',
  zeta: 'ζ',
  eta: 'η',
  theta: 'θ',
  kappa: 'κ',
  lambda: 'λ',
  mu: 'μ',
  nu: 'ν',
  xi: 'ξ',
  rho: 'ρ',
  sigma: 'σ',
  tau: 'τ',
  phi: 'φ',
  chi: 'χ',
  psi: 'ψ',
  omega: 'ω',
};

/** A variable's name for a label: `beta` → `β`; other names as they are. */
export function symbolLabel(name: string): string {
  return GREEK[name] ?? name;
}

/** The paper's name of the formula `node` calls (`qfl(s, y)` → `QFL`), or undefined. */
function paperName(node: MathNode): string | undefined {
  if (node.type !== 'FunctionNode') return undefined;
  const fn = (node as MathNode & { fn: MathNode & { name?: string } }).fn.name;
  const entry = fn === undefined ? undefined : FORMULA_BY_ID.get(fn);
  return entry?.libraries.find((convention) => convention.library === 'paper')?.aliases[0];
}

/**
 * One base name per expression: the paper's name of the formula it calls, unless two expressions
 * would then share a name (`[qfl(s, 0.3), qfl(s, 0.9)]`), in which case those keep their text.
 */
export function expressionNames(expressions: readonly MathNode[]): string[] {
  const short = expressions.map((node) => paperName(node) ?? node.toString());
  return short.map((name, i) => (short.indexOf(name) === short.lastIndexOf(name) ? name : expressions[i].toString()));
}

/** `(β = 0.5, y = 0.3)` for one parameter set of `over`, numbers as they would be typed. */
export function parameterSuffix(set: Readonly<Record<string, number>>): string {
  const parts = Object.entries(set).map(([name, value]) => `${symbolLabel(name)} = ${Number(value.toPrecision(12))}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}
