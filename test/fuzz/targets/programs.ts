import { Session, type CellOutput } from '../../../src/core/language/session';
import { costOf } from '../../../src/core/language/allocation';
import { seededRandom as random } from '../../helpers/random';
import { FuzzViolation, type FuzzTarget } from '../target';

/**
 * Random cell programs built from the cell language's grammar (issue 16): assignments, function
 * definitions, calls of any function of the session's namespace with sizes as numbers, BigNumbers
 * and strings, matrices, ranges, indexing, strings, objects and property assignment. Invariants:
 * runCell never throws; no allocation escapes the guard (V8's "Invalid array length" and the like
 * mean something was built past the cap); no value in the scope is over the cap.
 */

const NAME = 'programs';
const CAP = 100_000;

const SIZES = ['0', '1', '3', '1e3', '1e5', '1e9', '1e12', '-1', 'NaN', 'Infinity', 'bignumber(1e6)', '"1e6"', '"1:1e9"', '2^31'];
const NAMES = ['a', 'b', 'c', 'f', 's', 't'];
/** Compute-only loops in the argument's value (see test/core/language/allocation.test.ts): the kernel's time limit stops them. */
const SKIPPED = new Set(['bellNumbers', 'stirlingS2', 'composition', 'catalan', 'permutations', 'combinations', 'combinationsWithRep', 'multinomial', 'factorial', 'gamma', 'lgamma', 'isPrime', 'primes', 'solveODE', 'zeta', 'bernoulli']);

let session: Session | undefined;
let functions: string[] = [];

function fresh(): Session {
  session = new Session({ elementCap: CAP });
  const namespace = (session.math as unknown as { expression: { mathWithTransform: Record<string, unknown> } }).expression.mathWithTransform;
  functions = Object.keys(namespace).filter((name) => typeof namespace[name] === 'function' && !SKIPPED.has(name));
  return session;
}

function program(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const expression = (depth: number): string => {
    const choice = depth > 3 ? next() * 4 : next() * 11;
    if (choice < 1) return pick(SIZES);
    if (choice < 2) return pick(NAMES);
    if (choice < 3) return `"${'ab'.repeat(Math.floor(next() * 4))}"`;
    if (choice < 4) return `[${expression(depth + 1)}, ${expression(depth + 1)}]`;
    if (choice < 5) return `${expression(depth + 1)} ${pick(['+', '-', '*', '/', '^', '.*', ':', '==', 'and'])} ${expression(depth + 1)}`;
    if (choice < 7) return `${pick(functions)}(${Array.from({ length: Math.floor(next() * 4) }, () => expression(depth + 1)).join(', ')})`;
    if (choice < 8) return `${pick(NAMES)}[${expression(depth + 1)}]`;
    if (choice < 9) return `{version: 1, kind: "${pick(['table', 'curves', 'heatmap'])}", columns: ${expression(depth + 1)}}`;
    if (choice < 10) return `${pick(NAMES)}.${pick(['resize', 'reshape', 'set', 'subset', 'map', 'toArray', 'toJSON', 'size'])}(${expression(depth + 1)})`;
    return `(${expression(depth + 1)})`;
  };
  const statement = (): string => {
    const choice = next() * 5;
    if (choice < 2) return `${pick(NAMES)} = ${expression(0)}`;
    if (choice < 3) return `f(x) = ${expression(1)}`;
    if (choice < 4) return `${pick(NAMES)}[${expression(2)}] = ${expression(2)}`;
    return expression(0);
  };
  return Array.from({ length: 1 + Math.floor(next() * 4) }, statement).join('\n');
}

/** Messages of errors built past a bound: an allocation the guard did not see. */
const ESCAPED = /Invalid (array|typed array|string) length|Array buffer allocation failed|Maximum call stack/;

export const fuzzTarget: FuzzTarget = {
  name: NAME,
  async runCase(seed: number) {
    const next = random(seed);
    // A fresh session now and then, so a case does not depend on a long history.
    const s = session === undefined || seed % 50 === 0 ? fresh() : session;
    const source = program(next);
    let outputs: CellOutput[];
    try {
      outputs = s.runCell(source);
    } catch (error) {
      throw new FuzzViolation(NAME, seed, `runCell threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} for ${JSON.stringify(source)}`);
    }
    for (const output of outputs) {
      if (output.kind === 'error' && ESCAPED.test(output.message)) throw new FuzzViolation(NAME, seed, `an allocation escaped the guard (${output.message}) for ${JSON.stringify(source)}`);
    }
    for (const [name, value] of s.scope) {
      if (costOf(value, CAP) > CAP) throw new FuzzViolation(NAME, seed, `'${name}' is over the cap after ${JSON.stringify(source)}`);
    }
    return outputs.some((output) => output.kind === 'error') ? 'rejected' : 'accepted';
  },
};
