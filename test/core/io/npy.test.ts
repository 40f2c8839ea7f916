import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NPY_PREFIX_LENGTH, decodeNpyData, loadNpy, parseNpyHeader } from '../../../src/core/io/npy';
import { assertArrayMatches, assertLoadError, expectedFiles, fixturesUnder, readFixture } from './fixtures';

const stem = (path: string): string => path.slice(path.lastIndexOf('/') + 1, -'.npy'.length);

/** A .npy built in memory from numpy's format spec, for layouts the generator cannot afford to store. */
function handNpy(header: string, data: Uint8Array, version: 1 | 2 | 3 = 1, padTo = 64): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const text = new TextEncoder().encode(header);
  const headerLength = text.length + 1 + ((64 * padTo - ((prefix + text.length + 1) % padTo)) % padTo);
  const out = new Uint8Array(prefix + headerLength + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  out.fill(0x20, prefix, prefix + headerLength - 1);
  out.set(text, prefix);
  out[prefix + headerLength - 1] = 0x0a;
  out.set(data, prefix + headerLength);
  return out;
}

describe('loadNpy on numpy-written files', () => {
  const paths = fixturesUnder('npy/');

  it('covers every dtype in both byte orders, Fortran order, versions 1-3, scalars and zero-size arrays', () => {
    for (const code of ['i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8']) {
      assert.ok(paths.includes(`npy/${code}_le.npy`) && paths.includes(`npy/${code}_be.npy`), code);
    }
    for (const name of ['b1', 'i1', 'u1', 'fortran_f8', 'fortran_i4_be', 'version1', 'version2', 'version3', 'hand_v3', 'scalar_f8', 'empty_0x4']) {
      assert.ok(paths.includes(`npy/${name}.npy`), name);
    }
  });

  for (const path of paths) {
    it(`reads ${path} exactly as numpy does`, () => {
      const want = expectedFiles[path].arrays[stem(path)];
      assertArrayMatches(path, loadNpy(readFixture(path), path), want);
    });
  }

  it('transposes Fortran-order data to row-major (closed form: arange)', () => {
    assert.deepEqual([...loadNpy(readFixture('npy/fortran_f8.npy'), 'f').data], Array.from({ length: 24 }, (_, i) => i));
    assert.deepEqual([...loadNpy(readFixture('npy/fortran_i4_be.npy'), 'f').data], Array.from({ length: 24 }, (_, i) => i));
  });

  it('views little-endian aligned data in place and copies otherwise', () => {
    const bytes = readFixture('npy/f8_le.npy');
    assert.equal(loadNpy(bytes, 'f8_le.npy').data.buffer, bytes.buffer);
    const swapped = readFixture('npy/f8_be.npy');
    assert.notEqual(loadNpy(swapped, 'f8_be.npy').data.buffer, swapped.buffer);
    // Shift the whole file by one byte: the data is no longer 8-aligned, so the loader must copy.
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const copy = loadNpy(shifted, 'shifted.npy');
    assert.notEqual(copy.data.buffer, shifted.buffer);
    assertArrayMatches('shifted', copy, expectedFiles['npy/f8_le.npy'].arrays.f8_le);
  });
});

describe('parseNpyHeader', () => {
  it('reads the layout from the header bytes alone, for streaming', () => {
    const file = readFixture('npy/version1.npy');
    const probe = parseNpyHeader(file.subarray(0, NPY_PREFIX_LENGTH + 200), 'version1.npy');
    const header = parseNpyHeader(file.subarray(0, probe.dataOffset), 'version1.npy');
    assert.deepEqual(header.version, [1, 0]);
    assert.equal(header.descr, '<f4');
    assert.deepEqual(header.shape, [3, 4]);
    assert.equal(header.dataOffset % 64, 0, 'numpy aligns the data to 64 bytes');
    assert.equal(header.rowStride, 4 * 4);
    assert.equal(header.dataLength, 12 * 4);
    assert.equal(header.dataOffset + header.dataLength, file.length);
    // Rows 1 and 2 only, as a streaming reader would fetch them: arange(12)/4.
    const rows = file.subarray(header.dataOffset + header.rowStride, header.dataOffset + 3 * header.rowStride);
    const chunk = decodeNpyData(header, rows, 0, [2, 4]);
    assert.deepEqual([...chunk.data], [4, 5, 6, 7, 8, 9, 10, 11].map((v) => v / 4));
  });

  it('reads versions 2.0 and 3.0 with a u32 header length, including a header over 64 KiB', () => {
    assert.deepEqual(parseNpyHeader(readFixture('npy/version2.npy')).version, [2, 0]);
    assert.deepEqual(parseNpyHeader(readFixture('npy/version3.npy')).version, [3, 0]);
    const data = new Uint8Array(new Float64Array([1, -2, 3]).buffer);
    const huge = handNpy(`{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }${' '.repeat(70000)}`, data, 2);
    const header = parseNpyHeader(huge);
    assert.ok(header.dataOffset > 65536);
    assert.deepEqual([...loadNpy(huge, 'huge.npy').data], [1, -2, 3]);
  });

  it('accepts double quotes, no trailing comma and Python 2 long integers', () => {
    const data = new Uint8Array(new Int16Array([1, 2, 3, 4, 5, 6]).buffer);
    for (const header of [
      '{"descr": "<i2", "fortran_order": False, "shape": (2, 3)}',
      "{'shape': (2L, 3L), 'fortran_order': False, 'descr': '<i2'}",
      "{ 'descr' : '<i2' , 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , }",
    ]) {
      const array = loadNpy(handNpy(header, data), 'h.npy');
      assert.deepEqual(array.shape, [2, 3], header);
      assert.deepEqual([...array.data], [1, 2, 3, 4, 5, 6], header);
    }
  });

  it('reads scalars and one-element tuples, and rejects (3) which Python reads as an int', () => {
    const data = new Uint8Array(new Float64Array([7, 8, 9]).buffer);
    assert.deepEqual(loadNpy(handNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", data), 's.npy').shape, []);
    assert.deepEqual(loadNpy(handNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", data), 's.npy').shape, [3]);
    assertLoadError(
      () => loadNpy(handNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (3), }", data), 's.npy'),
      's.npy, byte 10, shape: expected a tuple of non-negative integers, but found 3',
      { offset: 10, field: 'shape' },
    );
  });

  it('names the byte offset when the prefix is too short', () => {
    const file = readFixture('npy/f4_le.npy');
    assertLoadError(() => parseNpyHeader(file.subarray(0, 4), 'x.npy'), 'x.npy, byte 4: expected the magic string and a 2-byte format version, but found end of file', { offset: 4 });
    assertLoadError(() => parseNpyHeader(file.subarray(0, 9), 'x.npy'), 'x.npy, byte 9: expected a 2-byte header length at byte 8, but found end of file');
    assertLoadError(() => parseNpyHeader(file.subarray(0, 60), 'x.npy'), 'x.npy, byte 60: expected a 118-byte header ending at byte 128, but found the file ending at byte 60');
  });

  it('refuses a header nested deeper than a header can be, without overflowing the stack', () => {
    const header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${'('.repeat(5000)}`;
    assertLoadError(() => loadNpy(handNpy(header, new Uint8Array(0)), 'deep.npy'), /deep\.npy, byte \d+: expected at most 16 levels of nesting in the header dict, but found deeper nesting/);
  });
});

describe('the corrupt .npy corpus', () => {
  const cases: [string, string, { offset?: number; field?: string }][] = [
    ['bad_magic.npy', 'bad_magic.npy, byte 0: expected the magic string "\\x93NUMPY" of a .npy file, but found "\\x93NUMPZ"', { offset: 0 }],
    ['bad_version.npy', 'bad_version.npy, byte 6: expected format version 1.0, 2.0 or 3.0, but found 4.0', { offset: 6 }],
    ['truncated_header.npy', 'truncated_header.npy, byte 40: expected a 118-byte header ending at byte 128, but found the file ending at byte 40', { offset: 40 }],
    ['complex_descr.npy', 'complex_descr.npy, byte 10, descr: expected a numeric dtype such as "<f4" (b1, i1-i8, u1-u8, f2, f4, f8), but found "<c16"', { field: 'descr' }],
    ['object_descr.npy', 'object_descr.npy, byte 10, descr: expected a numeric dtype such as "<f4" (b1, i1-i8, u1-u8, f2, f4, f8), but found "|O"', { field: 'descr' }],
    [
      'structured.npy',
      'structured.npy, byte 10, descr: expected a numeric dtype such as "<f4" (b1, i1-i8, u1-u8, f2, f4, f8); structured dtypes are not supported, but found a structured dtype',
      { field: 'descr' },
    ],
    ['missing_key.npy', 'missing_key.npy, byte 10, header: expected exactly the keys descr, fortran_order, shape, but found descr, shape', { field: 'header' }],
    ['short_data.npy', 'short_data.npy, byte 152: expected 80 bytes of float64 data for shape (10,) from byte 128, but found only 24 bytes', { offset: 152 }],
    ['code_in_header.npy', `code_in_header.npy, byte 20: expected a Python literal in the header dict, but found "__import__('"`, { offset: 20 }],
    ['negative_shape.npy', 'negative_shape.npy, byte 10, shape: expected a tuple of non-negative integers, but found an element -1', { field: 'shape' }],
    ['list_shape.npy', 'list_shape.npy, byte 10, shape: expected a tuple of non-negative integers, but found a list', { field: 'shape' }],
  ];
  for (const [name, message, fields] of cases) {
    it(name, () => assertLoadError(() => loadNpy(readFixture(`corrupt/${name}`), name), message, fields));
  }

  it('rejects a v3 header that is not UTF-8 and a header that is not a dict', () => {
    const bad = handNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", new Uint8Array(8), 3);
    bad[20] = 0xff;
    assertLoadError(() => loadNpy(bad, 'v3.npy'), 'v3.npy, byte 12: expected a UTF-8 header (format 3.0), but found invalid UTF-8');
    assertLoadError(() => loadNpy(handNpy('(1, 2)', new Uint8Array(0)), 't.npy'), 't.npy, byte 10: expected a header dict, but found a tuple');
  });
});
