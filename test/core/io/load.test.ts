import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadBytes } from '../../../src/core/io';
import { assertFileMatches, assertLoadError, expectedFiles, loadOrLoadError, readFixture } from './fixtures';

const FUZZED = [
  'npy/f4_le.npy',
  'npy/fortran_i4_be.npy',
  'npy/version3.npy',
  'npz/stored.npz',
  'npz/deflated.npz',
  'npz/zip64.npz',
  'safetensors/all_dtypes.safetensors',
  'json/head.json',
  'csv/anchors.csv',
];

describe('loadBytes', () => {
  it('reads every valid fixture through the dispatcher', () => {
    for (const path of Object.keys(expectedFiles)) {
      const file = loadBytes(readFixture(path), path);
      // A .npy loads as one array named after the stem, which the expectations already use.
      assertFileMatches(path, file);
    }
  });

  it('reads bytes that start at any offset of a larger buffer, as Node file buffers often do', () => {
    // readFileSync can return a slice of Node's shared pool at an odd offset; typed-array views
    // need aligned offsets, so the loaders must copy instead of failing there.
    for (const path of Object.keys(expectedFiles)) {
      const bytes = readFixture(path);
      for (const shift of [1, 2, 3, 5]) {
        const padded = new Uint8Array(bytes.length + shift);
        padded.set(bytes, shift);
        assertFileMatches(path, loadBytes(padded.subarray(shift), path));
      }
    }
  });

  it('trusts the magic bytes over the extension', () => {
    assert.equal(loadBytes(readFixture('npy/f8_le.npy'), 'export.bin').format, 'npy');
    assert.deepEqual(Object.keys(loadBytes(readFixture('npy/f8_le.npy'), 'export.bin').arrays), ['export']);
    assert.equal(loadBytes(readFixture('npz/stored.npz'), 'outputs.zip').format, 'npz');
    assert.equal(loadBytes(readFixture('npz/stored.npz'), 'mislabelled.npy').format, 'npz');
  });

  it('names the expected format when neither the bytes nor the name say', () => {
    assertLoadError(() => loadBytes(Uint8Array.of(1, 2, 3), 'weights.h5'), 'weights.h5: expected a .npy, .npz, .safetensors, .pt (torch.save), .json or .csv file, but found the extension .h5');
    assertLoadError(() => loadBytes(Uint8Array.of(1, 2, 3), 'README'), 'README: expected a .npy, .npz, .safetensors, .pt (torch.save), .json or .csv file, but found no extension');
    assertLoadError(() => loadBytes(Uint8Array.of(1, 2, 3), 'weights.pt'), 'weights.pt, byte 0: expected a torch.save file (a zip archive, "PK\\x03\\x04"), but found "\\x01\\x02\\x03"');
    assertLoadError(() => loadBytes(Uint8Array.of(1, 2, 3), 'x.npy'), 'x.npy, byte 0: expected the magic string "\\x93NUMPY" of a .npy file, but found "\\x01\\x02\\x03"');
    assertLoadError(() => loadBytes(new Uint8Array(0), 'x.npz'), 'x.npz, byte 0: expected the end-of-central-directory record of a zip archive (PK\\x05\\x06), but found none');
  });

  it('reads every file of the corrupt corpus as a LoadError', () => {
    const corrupt = ['bad_magic.npy', 'crc_mismatch.npz', 'gap.safetensors', 'ragged.json', 'bad_cell.csv'];
    for (const name of corrupt) assert.equal(loadOrLoadError(readFixture(`corrupt/${name}`), name), 'rejected', name);
  });
});

describe('fuzzing: nothing but LoadError ever escapes', () => {
  for (const path of FUZZED) {
    it(`${path} truncated at every byte offset`, () => {
      const bytes = readFixture(path);
      for (let length = 0; length < bytes.length; length++) {
        const outcome = loadOrLoadError(bytes.slice(0, length), path);
        // Binary formats promise their sizes up front, so every truncation must be caught.
        if (!path.endsWith('.json') && !path.endsWith('.csv')) assert.equal(outcome, 'rejected', `${path} cut to ${length} bytes`);
      }
    });

    it(`${path} with random bytes flipped`, () => {
      const bytes = readFixture(path);
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
          const damaged = bytes.slice();
          for (const [at, mask] of flips) damaged[at] ^= mask;
          loadOrLoadError(damaged, path);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('random byte strings under every extension', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('a.npy', 'a.npz', 'a.safetensors', 'a.pt', 'a.json', 'a.csv', 'a.tsv'), (bytes, name) => {
        loadOrLoadError(bytes, name);
      }),
      { numRuns: 500 },
    );
  });

  it('a flipped byte in a stored npz member is always caught by the CRC', () => {
    const bytes = readFixture('npz/stored.npz');
    // pred.npy's 176 bytes follow its 30-byte local header, its name and numpy's 20-byte zip64 extra.
    const start = 30 + 'pred.npy'.length + 20;
    fc.assert(
      fc.property(fc.integer({ min: start, max: start + 175 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const damaged = bytes.slice();
        damaged[at] ^= mask;
        assert.equal(loadOrLoadError(damaged, 'stored.npz'), 'rejected');
      }),
      { numRuns: 100 },
    );
  });
});
