import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeElements, halfToFloat } from '../../../src/core/io/dtypes';

/** An independent half decoder: re-bias the exponent into float32 bits (normals) or scale exactly (subnormals). */
function referenceHalf(bits: number): number {
  const sign = bits >> 15;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return (sign ? -1 : 1) * fraction / 16777216;
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  u32[0] = exponent === 31 ? (sign << 31) | (0xff << 23) | (fraction << 13) : (sign << 31) | ((exponent - 15 + 127) << 23) | (fraction << 13);
  return f32[0];
}

describe('halfToFloat', () => {
  it('agrees with a float32 bit-level decoder on all 65536 bit patterns', () => {
    for (let bits = 0; bits < 65536; bits++) {
      const got = halfToFloat(bits);
      const want = referenceHalf(bits);
      assert.ok(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `bits ${bits.toString(16)}: ${got} vs ${want}`);
    }
  });

  it('is strictly increasing over the positive patterns and odd under the sign bit', () => {
    for (let bits = 1; bits <= 0x7c00; bits++) assert.ok(halfToFloat(bits) > halfToFloat(bits - 1), bits.toString(16));
    for (let bits = 0; bits <= 0x7c00; bits++) assert.ok(Object.is(halfToFloat(bits | 0x8000), -halfToFloat(bits)));
  });

  it('hits the landmarks: min subnormal, max subnormal, min normal, max, infinity', () => {
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0x03ff), 1023 * 2 ** -24);
    assert.equal(halfToFloat(0x0400), 2 ** -14);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.equal(halfToFloat(0x7c00), Infinity);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
    assert.ok(Object.is(halfToFloat(0x8000), -0));
  });
});

describe('decodeElements', () => {
  it('decodes bfloat16 as the top half of a float32', () => {
    const values = Float32Array.of(1, -2.5, 3.140625, Infinity, -0, 2 ** -130);
    const top = Uint16Array.from(new Uint32Array(values.buffer), (bits) => bits >>> 16);
    const got = decodeElements(new Uint8Array(top.buffer), 0, [values.length], 'bfloat16', true, false);
    assert.deepEqual([...got], [...values]);
  });

  it('reorders Fortran data of any rank (closed form: element (i, j, k) = i + 2j + 6k column-major)', () => {
    const shape = [2, 3, 4];
    const column = Float64Array.from({ length: 24 }, (_, n) => n);
    const got = decodeElements(new Uint8Array(column.buffer), 0, shape, 'float64', true, true);
    let cursor = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) assert.equal(got[cursor++], i + 2 * j + 6 * k);
  });

  it('reorders unaligned Fortran data byte by byte, and swaps big-endian items of every width', () => {
    const column = Float64Array.from({ length: 6 }, (_, n) => n + 0.5);
    const shifted = new Uint8Array(49).subarray(1);
    shifted.set(new Uint8Array(column.buffer));
    assert.deepEqual([...decodeElements(shifted, 0, [2, 3], 'float64', true, true)], [0.5, 2.5, 4.5, 1.5, 3.5, 5.5]);
    const big = Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const view = new DataView(big.buffer);
    assert.deepEqual([...decodeElements(big, 0, [8], 'uint16', false, false)], [0, 1, 2, 3, 4, 5, 6, 7].map((i) => view.getUint16(2 * i, false)));
    assert.deepEqual([...decodeElements(big, 0, [4], 'int32', false, false)], [0, 1, 2, 3].map((i) => view.getInt32(4 * i, false)));
    assert.deepEqual([...decodeElements(big, 0, [2], 'int64', false, false)], [0, 1].map((i) => view.getBigInt64(8 * i, false)));
    assert.deepEqual([...decodeElements(big, 0, [2, 2], 'uint32', false, true)], [0, 2, 1, 3].map((i) => view.getUint32(4 * i, false)));
  });

  it('treats Fortran order with a single non-unit axis as already row-major, viewing in place', () => {
    const column = Float64Array.of(1, 2, 3);
    const bytes = new Uint8Array(column.buffer);
    const got = decodeElements(bytes, 0, [1, 3, 1], 'float64', true, true);
    assert.equal(got.buffer, bytes.buffer);
    assert.deepEqual([...got], [1, 2, 3]);
  });

  it('handles zero-size arrays at unaligned offsets', () => {
    assert.equal(decodeElements(new Uint8Array(5), 3, [0, 4], 'float64', false, true).length, 0);
  });
});
