import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAllowed, BLOCKED_IDENTIFIERS, createSandbox, DISABLED_FUNCTIONS } from '../../../src/core/language/sandbox';
import { Session, type CellOutput } from '../../../src/core/language/session';

type ErrorOutput = Extract<CellOutput, { kind: 'error' }>;

/** Runs a one-statement cell and returns its single error output (failing if it produced a value). */
function refused(session: Session, source: string): ErrorOutput {
  const outputs = session.runCell(source);
  assert.equal(outputs.length, 1, `${source}: ${JSON.stringify(outputs)}`);
  const [output] = outputs;
  assert.equal(output.kind, 'error', `${source} should be refused, got ${JSON.stringify(output)}`);
  return output as ErrorOutput;
}

describe('sandbox: disabled functions', () => {
  it('refuses every disabled function when called, mentioned or aliased in a cell', () => {
    const session = new Session();
    for (const name of DISABLED_FUNCTIONS) {
      for (const source of [`${name}("1 + 1")`, `${name}`, `f = ${name}`, `g(x) = ${name}(x)`, `[${name}]`]) {
        const error = refused(session, source);
        assert.equal(error.name, 'SandboxError', source);
        assert.match(error.message, new RegExp(`'${name}' is not available`), source);
      }
      assert.equal(session.scope.has('f'), false, 'a refused alias is never bound');
    }
  });

  it('replaces the functions themselves, so reaching them at run time still throws', () => {
    const { math } = createSandbox();
    for (const name of DISABLED_FUNCTIONS) {
      const fn = (math as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
      assert.equal(typeof fn, 'function', name);
      assert.throws(() => fn('1 + 1'), (error: Error) => error.name === 'SandboxError' && error.message === `${name}() is disabled in LossLab cells`, name);
    }
  });

  it('lists the mathjs security guidance names among the disabled ones', () => {
    for (const name of ['import', 'createUnit', 'evaluate', 'parse', 'simplify', 'derivative', 'resolve', 'reviver', 'compile']) {
      assert.ok(DISABLED_FUNCTIONS.includes(name), name);
    }
  });
});

describe('sandbox: blocked identifiers', () => {
  it('refuses every blocked name as a symbol, a property, a string index and a function name', () => {
    const session = new Session();
    session.runCell('x = {a: 1}');
    for (const name of BLOCKED_IDENTIFIERS) {
      for (const source of [name, `x.${name}`, `x["${name}"]`, `x['${name}']`, `${name}(t) = t`, `cos.${name}`]) {
        const error = refused(session, source);
        assert.equal(error.name, 'SandboxError', `${source}: ${error.message}`);
        assert.ok(error.message.includes(`'${name}'`), source);
      }
    }
  });

  it('checks the tree before anything runs: a blocked name late in a statement stops the whole statement', () => {
    const session = new Session();
    refused(session, 'y = [1, 2, x.constructor]');
    assert.equal(session.scope.has('y'), false);
  });

  it('assertAllowed accepts ordinary statements and rejects a blocked name anywhere in the tree', () => {
    const { parse } = createSandbox();
    assert.doesNotThrow(() => assertAllowed(parse('f(x) = qfl(x, 0.5) + max([1, 2]) * config_value')));
    assert.throws(() => assertAllowed(parse('f(x) = x + a.b.__proto__.c')), /'__proto__'/);
    assert.throws(() => assertAllowed(parse('a[1]["prototype"]')), /'prototype'/);
  });
});

describe("sandbox: mathjs's own run-time safety", () => {
  it('refuses constructors and prototypes even without the tree check', () => {
    const { parse } = createSandbox();
    for (const source of ['[].constructor', '"a".constructor', '{a: 1}.constructor', 'cos.constructor', '{}.__proto__']) {
      assert.throws(() => parse(source).compile().evaluate(new Map()), /No access to property|Cannot access/, source);
    }
  });

  it('refuses a property name assembled at run time', () => {
    const session = new Session();
    const error = refused(session, 't = concat("con", "structor"); o = {a: 1}; o[t]');
    assert.match(error.message, /No access to property "constructor"/);
    assert.equal(refused(session, 'cos[t]').kind, 'error');
    assert.equal(refused(session, 'n = "name"; f = cos; f[n]').kind, 'error');
  });

  it('never lets a function constructor run text', () => {
    const session = new Session();
    const before = Object.keys(globalThis).length;
    for (const source of [
      'cos.constructor("return process")()',
      'cos.constructor("return process")(1)',
      'cos["constructor"]("globalThis.pwned = 1")(1)',
      '[].constructor.constructor("globalThis.pwned = 1")()',
      'f = cos.constructor; f("globalThis.pwned = 1")(1)',
    ]) {
      const outputs = session.runCell(source);
      assert.ok(outputs.length >= 1 && outputs.every((o) => o.kind === 'error'), source);
    }
    assert.equal((globalThis as Record<string, unknown>).pwned, undefined);
    assert.equal(Object.keys(globalThis).length, before);
  });

  it('refuses methods read as properties', () => {
    const session = new Session();
    assert.match(refused(session, '[1, 2].map').message, /Cannot access method "map" as a property/);
  });
});
