import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { loadNpz } from '../../../src/core/io/npz';
import { assertFileMatches, assertLoadError, readFixture } from './fixtures';

describe('loadNpz', () => {
  for (const path of ['npz/stored.npz', 'npz/deflated.npz', 'npz/zip64.npz']) {
    it(`reads ${path} exactly as numpy does`, () => assertFileMatches(path, loadNpz(readFixture(path), path)));
  }

  it('reads archives written by another zip implementation (fflate), stored and deflated', () => {
    const member = readFixture('npy/f8_le.npy');
    for (const level of [0, 9] as const) {
      const file = loadNpz(zipSync({ 'x.npy': member, 'dir/y.npy': member }, { level }), 'other.npz');
      assert.deepEqual(Object.keys(file.arrays).sort(), ['dir/y', 'x']);
      assert.deepEqual(file.arrays.x.shape, [3, 4]);
      assert.ok(Object.is(file.arrays['dir/y'].data[1], -0));
    }
  });

  it('keeps a member called __proto__.npy as an ordinary array', () => {
    const file = loadNpz(zipSync({ '__proto__.npy': readFixture('npy/i1.npy') }), 'proto.npz');
    assert.ok(Object.hasOwn(file.arrays, '__proto__'));
    assert.equal(Object.getPrototypeOf(file.arrays), Object.prototype);
    assert.deepEqual([...file.arrays['__proto__'].data], [-128, -1, 0, 1, 127, 5]);
  });

  it('reads an empty archive as no arrays', () => {
    assert.deepEqual(loadNpz(zipSync({}), 'empty.npz').arrays, {});
  });
});

describe('the corrupt .npz corpus', () => {
  it('a member that is not a .npy', () =>
    assertLoadError(
      () => loadNpz(readFixture('corrupt/text_member.npz'), 'text_member.npz'),
      'text_member.npz, entry notes.txt, byte 0: expected only .npy members in an .npz archive, but found a member named "notes.txt"',
      { entry: 'notes.txt', offset: 0 },
    ));

  it('a .npy member that is not a .npy', () =>
    assertLoadError(
      () => loadNpz(readFixture('corrupt/garbage_member.npz'), 'garbage_member.npz'),
      'garbage_member.npz, entry pred.npy, byte 0: expected the magic string "\\x93NUMPY" of a .npy file, but found "not an"',
      { entry: 'pred.npy' },
    ));

  it('a flipped data byte, caught by the CRC-32', () =>
    assertLoadError(
      () => loadNpz(readFixture('corrupt/crc_mismatch.npz'), 'crc_mismatch.npz'),
      /^crc_mismatch\.npz, entry pred\.npy, byte 38: expected data with CRC-32 [0-9a-f]{8}, but found CRC-32 [0-9a-f]{8} \(the member is corrupt\)$/,
      { entry: 'pred.npy', offset: 38 },
    ));

  it('a local header with no directory', () =>
    assertLoadError(
      () => loadNpz(readFixture('corrupt/not_a_zip.npz'), 'not_a_zip.npz'),
      'not_a_zip.npz, byte 22: expected the end-of-central-directory record of a zip archive (PK\\x05\\x06), but found none',
    ));

  it('an unsupported compression method and an impossible size', () => {
    const archive = zipSync({ 'a.npy': readFixture('npy/f4_le.npy') }, { level: 0 });
    const central = archive.length - 22 - 46 - 'a.npy'.length;
    const lzma = archive.slice();
    lzma[central + 10] = 14;
    assertLoadError(() => loadNpz(lzma, 'lzma.npz'), `lzma.npz, entry a.npy, byte ${central}: expected compression method 0 (stored) or 8 (deflated), but found method 14`);
    const deflated = zipSync({ 'a.npy': new Uint8Array(1000) }, { level: 9 });
    const deflatedCentral = deflated.length - 22 - 46 - 'a.npy'.length;
    new DataView(deflated.buffer).setUint32(deflatedCentral + 24, 0x7fffffff, true);
    assertLoadError(() => loadNpz(deflated, 'bomb.npz'), /^bomb\.npz, entry a\.npy, byte \d+: expected an uncompressed size deflate can reach from \d+ bytes, but found 2147483647 bytes$/);
  });
});
