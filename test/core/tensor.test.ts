import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors';
import { requireFinite, requireIntegers, requireShape, toNested, toTensor, unravelIndex } from '../../src/core/tensor';

describe('toTensor / toNested', () => {
  it('round-trip nested arrays of any rank', () => {
    for (const value of [3, [1, 2], [[1, 2, 3], [4, 5, 6]], [[[1], [2]], [[3], [4]]]]) {
      assert.deepEqual(toNested(toTensor('t', 'x', value)), value);
    }
  });

  it('reads shapes row-major', () => {
    const t = toTensor('t', 'x', [[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual([...t.data], [1, 2, 3, 4, 5, 6]);
  });

  it('names the argument and the index of a ragged row', () => {
    assert.throws(
      () => toTensor('qfl', 'pred', [[1, 2], [3]]),
      (error: unknown) =>
        error instanceof InputError &&
        error.argument === 'pred' &&
        error.index?.join(',') === '1' &&
        /row of length 2/.test(error.message) &&
        /length 1/.test(error.message),
    );
  });

  it('names the index of a non-number', () => {
    assert.throws(() => toTensor('dfl', 'label', [1, 'x', 3]), /dfl: label at index \[1\] should be a number, but is "x"/);
  });

  it('names the full index of a bad element or row deep in a rank-3 array', () => {
    assert.throws(() => toTensor('f', 'x', [[[1], [2]], [[3], ['y']]]), /f: x at index \[1, 1, 0\] should be a number, but is "y"/);
    assert.throws(() => toTensor('f', 'x', [[[1], [2]], [[3], [[4]]]]), /index \[1, 1, 0\] should be a number/);
    assert.throws(
      () => toTensor('f', 'x', [[[1, 2], [3, 4]], [[5, 6], [7]]]),
      (error: unknown) => error instanceof InputError && error.index?.join(',') === '1,1' && /row of length 2/.test(error.message),
    );
    assert.throws(
      () => toTensor('f', 'x', [[[1, 2], [3, 4]], 5]),
      (error: unknown) => error instanceof InputError && error.index?.join(',') === '1' && /row of length 2/.test(error.message),
    );
  });

  it('reads booleans as 0 and 1, and an empty array as shape (0)', () => {
    assert.deepEqual(toTensor('f', 'x', [[true, false]]), { shape: [1, 2], data: Float64Array.of(1, 0) });
    assert.deepEqual(toTensor('f', 'x', []), { shape: [0], data: new Float64Array(0) });
  });
});

describe('checks', () => {
  it('requireFinite reports the multi-dimensional index of the first NaN', () => {
    const t = toTensor('t', 'x', [[0, 1], [2, NaN]]);
    assert.throws(() => requireFinite('focal', 'pred', t), /focal: pred at index \[1, 1\] should be finite numbers, but is NaN/);
  });

  it('requireShape binds named dimensions across arguments', () => {
    const dims = requireShape('qfl', 'pred', toTensor('t', 'x', [[1, 2, 3]]), ['n', 'C']);
    assert.equal(dims.get('C'), 3);
    assert.throws(() => requireShape('qfl', 'label', toTensor('t', 'x', [1, 2]), ['n'], dims), /shape \(n=1\).*shape \(2\)/);
    assert.throws(() => requireShape('giou', 'pred', toTensor('t', 'x', [[1, 2, 3]]), ['n', 4]), /shape \(n, 4\)/);
  });

  it('requireIntegers rejects fractions and out-of-range labels with their index', () => {
    assert.throws(() => requireIntegers('qfl', 'label', toTensor('t', 'x', [0, 1.5]), 0, 3), /index \[1\].*integers in \[0, 3\]/);
    assert.throws(() => requireIntegers('qfl', 'label', toTensor('t', 'x', [0, 4]), 0, 3), /but is 4/);
  });

  it('unravelIndex inverts row-major flattening', () => {
    assert.deepEqual(unravelIndex(5, [2, 3]), [1, 2]);
    assert.deepEqual(unravelIndex(7, [2, 2, 2]), [1, 1, 1]);
  });
});
