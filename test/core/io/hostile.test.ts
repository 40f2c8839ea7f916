import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { LoadError, checkFileStart, loadBytes, loadCsv, loadJson } from '../../../src/core/io';
import { readZip } from '../../../src/core/io/zip';
import { npyFile, safetensorsFile } from '../../fuzz/mutate';

/**
 * Hostile files, one class each (issue 16): every one is refused with a LoadError naming the file,
 * or read exactly, without building per-row objects, recursing per axis, inflating past what the
 * archive declares, or repeating the file's text in the message.
 */

const SECRET = 'hunter2-Passw0rd-do-not-print';
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function loadError(run: () => unknown): LoadError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof LoadError, `expected a LoadError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected a LoadError, but the file loaded');
}

/** Offsets of every central directory record of a zip archive (signature PK\x01\x02). */
function centralRecords(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const found: number[] = [];
  for (let at = 0; at + 4 <= bytes.length; at++) if (view.getUint32(at, true) === 0x02014b50) found.push(at);
  return found;
}

/** An archive whose central directory is repeated `copies` times, every copy naming the same member data. */
function sharedMemberArchive(member: Uint8Array, copies: number): Uint8Array {
  const zip = zipSync({ 'a.npy': [member, { level: 9 }] });
  const view = new DataView(zip.buffer);
  const [record] = centralRecords(zip);
  const eocd = zip.length - 22;
  const recordLength = eocd - record;
  const out = new Uint8Array(record + recordLength * copies + 22);
  out.set(zip.subarray(0, record));
  for (let i = 0; i < copies; i++) {
    out.set(zip.subarray(record, eocd), record + i * recordLength);
    // A distinct name per copy, so the duplicate-name check is not what stops it.
    out[record + i * recordLength + 46] = 0x61 + (i % 26);
  }
  out.set(zip.subarray(eocd), record + recordLength * copies);
  const outView = new DataView(out.buffer);
  const end = record + recordLength * copies;
  outView.setUint16(end + 8, copies, true);
  outView.setUint16(end + 10, copies, true);
  outView.setUint32(end + 12, recordLength * copies, true);
  assert.equal(view.getUint32(eocd, true), 0x06054b50);
  return out;
}

describe('archives are bounded before anything is inflated', () => {
  const big = npyFile([4 * 1024 * 1024], '|u1', new Uint8Array(4 * 1024 * 1024));

  it('refuses a member whose directory understates its size, inflating no more than it declares', () => {
    const zip = zipSync({ 'a.npy': [big, { level: 9 }] });
    const view = new DataView(zip.buffer);
    const [record] = centralRecords(zip);
    view.setUint32(record + 24, 1024, true);
    const error = loadError(() => loadBytes(zip, 'small.npz'));
    assert.match(error.message, /^small\.npz, entry a\.npy, byte \d+: expected 1024 bytes once decompressed, as the directory says, but found more$/);
    // "found more" is said only by the bounded inflater, which stops at the first byte past the
    // declared 1 KiB instead of inflating the 4 MiB and comparing lengths afterwards.
  });

  it('refuses directory entries that share one member (40 names, one stream)', () => {
    const error = loadError(() => loadBytes(sharedMemberArchive(big, 40), 'bomb.npz'));
    assert.match(error.message, /^bomb\.npz, entry \S+, byte \d+: expected a member stored after the end of the one before it \(byte \d+\), but found one starting at byte 0, overlapping it$/);
  });

  it('refuses members that declare more in total than the limit, before inflating any', () => {
    const zip = zipSync({ 'a.npy': [big, { level: 9 }] });
    const error = loadError(() => readZip(zip, { file: 'x.npz' }, { maxTotalBytes: 1_000_000 }));
    assert.match(error.message, /expected members totalling at most 1000000 bytes once decompressed, but found \d+ bytes declared so far/);
  });

  it('refuses an entry count the archive cannot hold', () => {
    const zip = zipSync({ 'a.npy': [npyFile([1]), { level: 0 }] });
    const view = new DataView(zip.buffer);
    view.setUint16(zip.length - 22 + 10, 0xfffe, true);
    view.setUint16(zip.length - 22 + 8, 0xfffe, true);
    assert.match(loadError(() => loadBytes(zip, 'count.npz')).message, /^count\.npz, byte \d+: expected at most \d+ entries in a \d+-byte archive, but found an entry count of 65534$/);
  });
});

describe('shapes without per-row objects or recursion', () => {
  it('reads (10**8, 0) from .npy, .npz and .safetensors as empty arrays', () => {
    const npy = npyFile([10 ** 8, 0]);
    const files: [string, Uint8Array][] = [
      ['z.npy', npy],
      ['z.npz', zipSync({ 'z.npy': [npy, { level: 6 }] })],
      ['z.safetensors', safetensorsFile({ z: { dtype: 'F64', shape: [10 ** 8, 0], data_offsets: [0, 0] } }, new Uint8Array(0))],
    ];
    for (const [name, bytes] of files) {
      const { z } = loadBytes(bytes, name).arrays;
      assert.deepEqual([...z.shape], [10 ** 8, 0], name);
      assert.equal(z.data.length, 0, name);
    }
  });

  it('refuses 100,000 axes of size 1 (numpy allows 64) and reads 64', () => {
    const ones = (n: number): number[] => Array.from({ length: n }, () => 1);
    assert.match(loadError(() => loadBytes(npyFile(ones(100_000), '<f8', new Uint8Array(8)), 'axes.npy')).message, /^axes\.npy, byte 12, shape: expected at most 64 dimensions \(numpy's limit\), but found 100000 dimensions$/);
    const st = safetensorsFile({ t: { dtype: 'F64', shape: ones(100_000), data_offsets: [0, 8] } }, new Uint8Array(8));
    assert.match(loadError(() => loadBytes(st, 'axes.safetensors')).message, /^axes\.safetensors, byte 8, t\.shape: expected at most 64 dimensions, but found 100000 dimensions$/);
    assert.equal(loadBytes(npyFile(ones(64), '<f8', new Uint8Array(8)), 'ok.npy').arrays.ok.shape.length, 64);
  });

  it('refuses extents whose product overflows, even with a zero extent last', () => {
    assert.match(loadError(() => loadBytes(npyFile([2 ** 40, 2 ** 40]), 'huge.npy')).message, /^huge\.npy, byte 10, shape: expected a size below 2\^53 bytes/);
    assert.deepEqual([...loadBytes(npyFile([2 ** 52, 2 ** 52, 0]), 'zero.npy').arrays.zero.shape], [2 ** 52, 2 ** 52, 0]);
  });
});

describe('integers print exactly', () => {
  it('an int64-max extent in a .npy header', () => {
    assert.match(loadError(() => loadBytes(npyFile(['9223372036854775807']), 'max.npy')).message, /an element 9223372036854775807$/);
  });

  it('an int64-max extent and offset in a .safetensors header', () => {
    const header = encode('{"t":{"dtype":"F64","shape":[9223372036854775807],"data_offsets":[0,18446744073709551615]}}');
    const bytes = new Uint8Array(8 + header.length);
    new DataView(bytes.buffer).setUint32(0, header.length, true);
    bytes.set(header, 8);
    assert.match(loadError(() => loadBytes(bytes, 'max.safetensors')).message, /^max\.safetensors, byte 8: expected shapes and offsets within 2\^53, but found 9223372036854775807$/);
  });

  it('a header length beyond 2^53', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    assert.match(loadError(() => loadBytes(bytes, 'len.safetensors')).message, /but found 18446744073709551615$/);
  });
});

describe('ragged and deep JSON', () => {
  it('rows shallower than the first one are a LoadError by path, not a RangeError', () => {
    const text = `[${'['.repeat(6)}${Array(200).fill(1).join(',')}${']'.repeat(6)}, 1]`;
    assert.match(loadError(() => loadJson(encode(text), 'ragged.json')).message, /^ragged\.json, ragged\[1\]: expected an array of length 1, as its first sibling, but found 1$/);
    assert.match(loadError(() => loadJson(encode('{"a": [[1, 2], [3, [4]]]}'), 'deep.json')).message, /^deep\.json, a\[1\]\[1\]: expected a number, but found an array of length 1$/);
  });

  it('100,000 levels of arrays or objects are refused, not a stack overflow', () => {
    const depth = 100_000;
    assert.match(loadError(() => loadJson(encode(`${'['.repeat(depth)}1${']'.repeat(depth)}`), 'a.json')).message, /expected at most 32 levels of nesting/);
    assert.match(loadError(() => loadJson(encode(`{"k":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`), 'o.json')).message, /^o\.json, k: expected a number or a nested array of numbers, but found an object$/);
  });
});

describe("messages never repeat the file's text", () => {
  const cases: [string, string][] = [
    ['creds.json', `{"password": "${SECRET}"}`],
    ['creds2.json', `{"${SECRET}": [1, "x"]}`],
    ['list.json', `[1, "${SECRET}"]`],
    ['syntax.json', `${SECRET}`],
    ['syntax2.json', `{"a": ${SECRET}}`],
    ['creds.csv', `user,password\n1,${SECRET}\n`],
    ['header.csv', `${SECRET},x\n1,${SECRET}\n`],
    ['dup.csv', `${SECRET},${SECRET}\n1,2\n`],
    ['creds.safetensors', ''],
    ['creds.npy', SECRET],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      let bytes = encode(text);
      if (name.endsWith('.safetensors')) bytes = safetensorsFile({ t: { dtype: SECRET, shape: [1], data_offsets: [0, 8] }, __metadata__: { k: 1, s: SECRET } }, new Uint8Array(8));
      const error = loadError(() => loadBytes(bytes, name));
      assert.ok(error.message.startsWith(`${name}`), error.message);
      assert.ok(!error.message.includes(SECRET.slice(0, 8)), error.message);
    });
  }
});

describe('CSV column names', () => {
  it('finds a repeated name among 100,001 columns, naming both columns', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    const text = `${names.join(',')},c7\n${names.map(() => '1').join(',')},2\n`;
    assert.equal(loadError(() => loadCsv(encode(text), 'wide.csv')).message, 'wide.csv, line 1, column 100001: expected distinct column names, but found the name of column 8 again ("c7")');
  });
});

describe('checkFileStart refuses from the first bytes', () => {
  it('junk named .npy, whatever its size', () => {
    assert.equal(loadError(() => checkFileStart(encode('PKjunk and more junk'), 'junk.npy', 1.9e9)).message, 'junk.npy, byte 0: expected the magic string "\\x93NUMPY" of a .npy file, but found "PKjunk"');
  });

  it('a .npy header promising more data than the file holds', () => {
    const start = npyFile([1000, 1000]);
    assert.match(loadError(() => checkFileStart(start, 'short.npy', 4096)).message, /^short\.npy, byte 128: expected 8000000 bytes of float64 data for shape \(1000, 1000\) after the header, but found a 4096-byte file$/);
  });

  it('a safetensors header longer than the file, a .npz or .pt that is no zip, and an unknown extension', () => {
    const start = new Uint8Array(8);
    new DataView(start.buffer).setUint32(0, 5000, true);
    assert.match(loadError(() => checkFileStart(start, 'a.safetensors', 100)).message, /^a\.safetensors, byte 0: expected a header length of at most 92 \(the rest of the file\), but found 5000$/);
    assert.match(loadError(() => checkFileStart(encode('not a zip'), 'a.npz', 1e9)).message, /^a\.npz, byte 0: expected an \.npz archive/);
    assert.match(loadError(() => checkFileStart(encode('not a zip'), 'a.pt', 1e9)).message, /^a\.pt, byte 0: expected a torch\.save file/);
    assert.match(loadError(() => checkFileStart(encode('x'), 'a.exe', 1e9)).message, /^a\.exe: expected a \.npy, \.npz/);
  });

  it('passes a valid start, and text formats it cannot judge', () => {
    const npy = npyFile([2], '<f8', new Uint8Array(16));
    checkFileStart(npy, 'ok.npy', npy.length);
    checkFileStart(encode('{"a": 1'), 'a.json', 1e9);
    checkFileStart(encode('a,b'), 'a.csv', 1e9);
  });
});
