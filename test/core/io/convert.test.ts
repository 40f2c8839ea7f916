import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors';
import { toFloat64Tensor } from '../../../src/core/io/convert';
import { loadNpy } from '../../../src/core/io/npy';
import { readFixture } from './fixtures';

describe('toFloat64Tensor', () => {
  it('shares float64 data and converts every other dtype exactly', () => {
    const f8 = loadNpy(readFixture('npy/f8_le.npy'), 'f8_le.npy');
    assert.equal(toFloat64Tensor(f8, 'x').data, f8.data);
    assert.deepEqual([...toFloat64Tensor(loadNpy(readFixture('npy/u4_be.npy'), 'u'), 'u').data], [0, 1, 2 ** 31, 2 ** 32 - 1, 65536, 9]);
    assert.deepEqual([...toFloat64Tensor(loadNpy(readFixture('npy/b1.npy'), 'b'), 'b').data], [1, 0, 1, 0, 0, 1]);
    assert.deepEqual(toFloat64Tensor({ dtype: 'bool', shape: [2], data: Uint8Array.of(2, 0) }, 'flags').data, Float64Array.of(1, 0));
    assert.deepEqual(toFloat64Tensor({ dtype: 'int64', shape: [2], data: BigInt64Array.of(-(2n ** 53n) + 1n, 2n ** 53n - 1n) }, 'n').data, Float64Array.of(-(2 ** 53) + 1, 2 ** 53 - 1));
  });

  it('refuses int64 values that float64 would round, naming the array and the index', () => {
    const i8 = loadNpy(readFixture('npy/i8_le.npy'), 'i8_le.npy');
    assert.throws(
      () => toFloat64Tensor(i8, 'label'),
      (error: unknown) =>
        error instanceof InputError &&
        error.argument === 'label' &&
        error.index?.join() === '0,0' &&
        error.message === 'toFloat64Tensor: label at index [0, 0] should be integers within ±(2^53 − 1), exactly representable in float64, but is -9223372036854775808',
    );
    assert.throws(() => toFloat64Tensor({ dtype: 'uint64', shape: [2, 2], data: BigUint64Array.of(0n, 1n, 2n, 2n ** 53n) }, 'ids'), /ids at index \[1, 1\]/);
  });
});
