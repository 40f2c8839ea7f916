import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors';
import { isOptionObject, readOptions, REDUCTION_OPTIONS, type OptionSpec } from '../../../src/core/language/options';

const SPECS: readonly OptionSpec[] = [
  { key: 'beta', type: 'number', default: 2, description: 'exponent' },
  { key: 'mode', type: 'string', values: ['a', 'b'], description: 'mode' },
  { key: 'flag', type: 'boolean', description: 'flag' },
  { key: 'anything', type: 'any', description: 'any value' },
];

describe('readOptions', () => {
  it('returns the given options and nothing for absent ones', () => {
    assert.deepEqual(readOptions('f', undefined, SPECS), {});
    assert.deepEqual(readOptions('f', { beta: 1, mode: 'b', flag: false, anything: [1] }, SPECS), { beta: 1, mode: 'b', flag: false, anything: [1] });
  });

  it('an unknown key lists the valid ones', () => {
    assert.throws(
      () => readOptions('f', { bta: 1 }, SPECS),
      (e: unknown) => e instanceof InputError && e.message === 'f: options.bta should be one of the known options (beta, mode, flag, anything), but is unknown',
    );
    assert.throws(() => readOptions('f', { x: 1 }, []), /known options \(none\)/);
  });

  it('a wrong type or a value outside the allowed ones is refused', () => {
    assert.throws(() => readOptions('f', { beta: '2' }, SPECS), /f: options.beta should be a number, but is "2"/);
    assert.throws(() => readOptions('f', { flag: 1 }, SPECS), /options.flag should be a boolean, but is 1/);
    assert.throws(() => readOptions('f', { mode: 'c' }, SPECS), /options.mode should be one of "a", "b", but is "c"/);
  });

  it('refuses a non-object', () => {
    for (const value of [3, 'a', [1], null]) assert.throws(() => readOptions('f', value, SPECS), /f: options should be an object such as \{beta: 2\}/);
  });

  it('recognises only plain objects as option objects', () => {
    assert.equal(isOptionObject({ a: 1 }), true);
    assert.equal(isOptionObject(Object.create(null)), true);
    assert.equal(isOptionObject([1]), false);
    assert.equal(isOptionObject(new Map()), false);
    assert.equal(isOptionObject(null), false);
  });

  it('the reduction options are reduction, weight and avg_factor, mean by default', () => {
    assert.deepEqual(REDUCTION_OPTIONS.map((o) => o.key), ['reduction', 'weight', 'avg_factor']);
    assert.equal(REDUCTION_OPTIONS[0].default, 'mean');
  });
});
