import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSafetensors } from '../../../src/core/io/safetensors';
import { assertFileMatches, assertLoadError, readFixture } from './fixtures';

/** A .safetensors built from a header object and raw data, per the published format. */
function build(header: unknown, data: Uint8Array, pad = 0): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

describe('loadSafetensors', () => {
  it('reads every dtype, a scalar, a zero-size tensor and the metadata', () => {
    const path = 'safetensors/all_dtypes.safetensors';
    const file = loadSafetensors(readFixture(path), path);
    assertFileMatches(path, file);
    assert.deepEqual(Object.keys(file.arrays).length, 15);
  });

  it('copies tensors whose data is not aligned, and views aligned ones', () => {
    const path = 'safetensors/unaligned.safetensors';
    const bytes = readFixture(path);
    const file = loadSafetensors(bytes, path);
    assertFileMatches(path, file);
    assert.notEqual(file.arrays.f64.data.buffer, bytes.buffer);
    const aligned = readFixture('safetensors/all_dtypes.safetensors');
    // i16 starts at data offset 10 of an 8-aligned data section, so it is 2-aligned and viewed in place.
    assert.equal(loadSafetensors(aligned, 'a').arrays.i16.data.buffer, aligned.buffer);
  });

  it('reads a file with no tensors and tolerates header padding', () => {
    assert.deepEqual(loadSafetensors(build({}, new Uint8Array(0), 6), 'empty.safetensors'), { format: 'safetensors', arrays: {} });
  });

  it('accepts tensors listed out of offset order, as long as they tile the data', () => {
    const data = new Uint8Array(Float32Array.of(1, 2, 3).buffer);
    const file = loadSafetensors(
      build({ b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }, a: { dtype: 'F32', shape: [], data_offsets: [0, 4] } }, data),
      'order.safetensors',
    );
    assert.deepEqual([...file.arrays.a.data], [1]);
    assert.deepEqual([...file.arrays.b.data], [2, 3]);
    assert.equal(file.metadata, undefined);
  });
});

describe('the corrupt .safetensors corpus', () => {
  const cases: [string, string | RegExp][] = [
    ['overlap.safetensors', 'overlap.safetensors, byte 119, b.data_offsets: expected to begin at 8, where the previous tensor ends, but found 4, overlapping the previous tensor'],
    ['gap.safetensors', 'gap.safetensors, byte 123, b.data_offsets: expected to begin at 4, where the previous tensor ends, but found 8, leaving a gap after byte 4'],
    ['size_mismatch.safetensors', 'size_mismatch.safetensors, byte 62, a.data_offsets: expected 12 bytes for shape [3] of float32, but found 8 bytes'],
    ['beyond_end.safetensors', 'beyond_end.safetensors, byte 71, a.data_offsets: expected to end within the 8-byte data section, but found end 16'],
    ['trailing_bytes.safetensors', 'trailing_bytes.safetensors, byte 66: expected the data section to end with the last tensor, at byte 66, but found 4 more bytes'],
    ['unknown_dtype.safetensors', 'unknown_dtype.safetensors, byte 8, a.dtype: expected one of BOOL, I8, U8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64, but found "F8_E4M3"'],
    ['bad_metadata.safetensors', 'bad_metadata.safetensors, byte 8, __metadata__: expected an object of strings, but found an object'],
    ['header_too_long.safetensors', 'header_too_long.safetensors, byte 0: expected a header length of at most 2 (the rest of the file), but found 1000'],
    ['bad_json.safetensors', /^bad_json\.safetensors, byte 8: expected a JSON header, but found a syntax error at character \d+$/],
  ];
  for (const [name, message] of cases) {
    it(name, () => assertLoadError(() => loadSafetensors(readFixture(`corrupt/${name}`), name), message));
  }

  it('rejects malformed tensor entries by field', () => {
    const data = new Uint8Array(8);
    assertLoadError(
      () => loadSafetensors(build({ a: { dtype: 'F32', shape: [2, -1], data_offsets: [0, 8] } }, data), 's'),
      's, byte 8, a.shape: expected an array of non-negative integers, but found [2,-1]',
      { field: 'a.shape' },
    );
    assertLoadError(
      () => loadSafetensors(build({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, data), 's'),
      's, byte 8, a.data_offsets: expected two non-negative integers [begin, end] with begin ≤ end, but found [8,0]',
    );
    assertLoadError(() => loadSafetensors(build([1, 2], data), 's'), 's, byte 8: expected a JSON object header, but found an array');
    assertLoadError(() => loadSafetensors(new Uint8Array(5), 's'), 's, byte 0: expected an 8-byte little-endian header length, but found a 5-byte file');
    const huge = build({}, data);
    new DataView(huge.buffer).setUint32(4, 1, true);
    assertLoadError(() => loadSafetensors(huge, 's'), 's, byte 0: expected a header length of at most 10 (the rest of the file), but found 4294967298');
  });
});
