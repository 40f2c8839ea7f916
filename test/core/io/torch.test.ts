import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { isLoadedArray, loadBytes, type LoadedValue } from '../../../src/core/io';
import { fileStem } from '../../../src/core/io/text';
import { FIXTURE_DIR, assertArrayMatches, assertLoadError, loadOrLoadError, readFixture } from './fixtures';

/** What scripts/fixtures/torch_save.py recorded from PyTorch's own view of each saved object. */
type Expected =
  | { type: 'array'; dtype: string; shape: number[]; values: string[] }
  | { type: 'dict'; entries: [string, Expected][] }
  | { type: 'list' | 'tuple'; items: Expected[] }
  | { type: 'scalar'; value: string | boolean | null };

const expected = JSON.parse(readFileSync(join(FIXTURE_DIR, 'torch', 'expected.json'), 'utf8')) as Record<string, Expected>;

function assertMatches(label: string, got: LoadedValue, want: Expected): void {
  switch (want.type) {
    case 'array':
      assert.ok(isLoadedArray(got), `${label}: an array`);
      assertArrayMatches(label, got, want);
      return;
    case 'dict':
      assert.ok(typeof got === 'object' && got !== null && !isLoadedArray(got) && got.kind === 'dict', `${label}: a dict`);
      assert.deepEqual([...got.entries.keys()], want.entries.map(([key]) => key), `${label}: keys in order`);
      for (const [key, item] of want.entries) assertMatches(`${label}.${key}`, got.entries.get(key) ?? null, item);
      return;
    case 'list':
    case 'tuple':
      assert.ok(typeof got === 'object' && got !== null && !isLoadedArray(got) && got.kind === want.type, `${label}: a ${want.type}`);
      assert.equal(got.items.length, want.items.length, `${label}: length`);
      want.items.forEach((item, i) => assertMatches(`${label}[${i}]`, got.items[i], item));
      return;
    default:
      if (typeof want.value === 'string' && typeof got === 'number') assert.ok(Object.is(got, Number(want.value)), `${label}: got ${got}, want ${want.value}`);
      else assert.equal(got, want.value, label);
  }
}

/** Loads a fixture and compares its top level (a dict's entries, or one value named after the file) with the record. */
function assertFixture(name: string, bytes = readFixture(`torch/${name}`)): void {
  const file = loadBytes(bytes, name);
  assert.equal(file.format, 'torch');
  const want = expected[name];
  const top: Expected = want.type === 'dict' ? want : { type: 'dict', entries: [[fileStem(name), want]] };
  assertMatches(name, { kind: 'dict', entries: file.values ?? new Map() }, top);
  // `arrays` holds exactly the top-level arrays, the same objects.
  assert.deepEqual(Object.keys(file.arrays), [...(file.values ?? new Map())].filter(([, value]) => isLoadedArray(value)).map(([key]) => key));
  for (const [key, value] of file.values ?? new Map<string, LoadedValue>()) assert.equal(file.arrays[key], isLoadedArray(value) ? value : undefined, `${name}: arrays.${key}`);
}

const VALID = Object.keys(expected);

describe('torch.save files written by PyTorch 1.13 (scripts/fixtures/torch_save.py)', () => {
  for (const name of VALID) {
    it(`${name} loads as PyTorch saved it`, () => assertFixture(name));
  }

  it('reads them from bytes at any offset of a larger buffer (unaligned storages are copied)', () => {
    for (const name of VALID) {
      const bytes = readFixture(`torch/${name}`);
      for (const shift of [1, 2, 3, 5]) {
        const padded = new Uint8Array(bytes.length + shift);
        padded.set(bytes, shift);
        assertFixture(name, padded.subarray(shift));
      }
    }
  });

  it('keeps contiguous tensors as views of the file, and views of one storage on one buffer', () => {
    const bytes = readFixture('torch/shared.pt');
    const { a, b, c } = loadBytes(bytes, 'shared.pt').arrays;
    // float64 storages of an aligned archive: a and b are views of the file itself, c a copy.
    assert.equal(a.data.buffer, bytes.buffer);
    assert.equal(b.data.buffer, bytes.buffer);
    assert.equal(a.data.byteOffset + 3 * 8, b.data.byteOffset, 'b starts 3 elements after a (offsets 2 and 5)');
    assert.notEqual(c.data.buffer, bytes.buffer);
  });

  it('reads a state_dict by its parameter names, dropping only the OrderedDict\'s _metadata attribute', () => {
    const file = loadBytes(readFixture('torch/state_dict.pt'), 'state_dict.pt');
    assert.deepEqual(Object.keys(file.arrays), ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '4.weight', '4.bias']);
    assert.deepEqual(file.arrays['0.weight'].shape, [3, 2, 3, 3]);
    assert.equal(file.arrays['1.num_batches_tracked'].dtype, 'int64');
    assert.deepEqual(file.arrays['1.num_batches_tracked'].shape, []);
  });

  it('rejects the legacy pre-1.6 format, saying how to re-save it', () => {
    assertLoadError(
      () => loadBytes(readFixture('torch/legacy.pt'), 'legacy.pt'),
      'legacy.pt, byte 0: expected a torch.save file of PyTorch 1.6 or later (a zip archive), but found the legacy format of PyTorch < 1.6; load it in PyTorch and save it again with torch.save(obj, f) (_use_new_zipfile_serialization=True is the default since 1.6), or save tensors with safetensors.torch.save_file or np.save instead',
      { offset: 0 },
    );
  });

  it('refuses pickles that name any other global, with the file, the pickle offset and the global', () => {
    const refusal = 'expected only tensors, storages of numeric dtypes, OrderedDict, dicts, lists, tuples, numbers, strings, bytes and None (the pickle is never run); save tensors with safetensors.torch.save_file or np.save instead, but found the global';
    for (const [name, offset, global] of [['os_system.pt', 13, 'posix.system'], ['eval.pt', 31, 'builtins.eval'], ['numpy_scalar.pt', 13, 'numpy.core.multiarray.scalar']] as const) {
      assertLoadError(() => loadBytes(readFixture(`torch/${name}`), name), `${name}, entry hostile/data.pkl, byte ${offset}: ${refusal} ${global}`, { entry: 'hostile/data.pkl', offset });
    }
  });
});

// ---- hand-built archives and pickles ---------------------------------------------------------

const text = (value: string): number[] => [...new TextEncoder().encode(value)];
/** SHORT_BINUNICODE */
const str = (value: string): number[] => [0x8c, text(value).length, ...text(value)];
/** GLOBAL module\nname\n */
const glob = (module: string, name: string): number[] => [0x63, ...text(`${module}\n${name}\n`)];
/** BININT (4 bytes, little-endian) */
const int = (value: number): number[] => [0x4a, value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff];
const tuple = (...items: number[][]): number[] => [0x28, ...items.flat(), 0x74];
const MARK = 0x28;
const STOP = 0x2e;
const PROTO2 = [0x80, 0x02];

/** A persistent storage id: ('storage', torch.<kind>Storage, key, 'cpu', numel), BINPERSID. */
const storage = (key: string, numel: number, kind = 'Float'): number[] => [...tuple(str('storage'), glob('torch', `${kind}Storage`), str(key), str('cpu'), int(numel)), 0x51];
/** _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()) */
const tensor = (storageOps: number[], offset: number, size: number[], stride: number[]): number[] => [
  ...glob('torch._utils', '_rebuild_tensor_v2'),
  ...tuple(storageOps, int(offset), tuple(...size.map(int)), tuple(...stride.map(int)), [0x89], [...glob('collections', 'OrderedDict'), 0x29, 0x52]),
  0x52,
];

/** A torch.save archive holding `pickle` as archive/data.pkl and the given storages (stored, like torch). */
function archive(pickle: number[] | Uint8Array, storages: Record<string, Uint8Array> = {}, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const members: Record<string, [Uint8Array, { level: 0 }]> = { 'archive/data.pkl': [Uint8Array.from(pickle), { level: 0 }] };
  for (const [key, data] of Object.entries(storages)) members[`archive/data/${key}`] = [data, { level: 0 }];
  for (const [name, data] of Object.entries(extra)) members[`archive/${name}`] = [data, { level: 0 }];
  return zipSync(members);
}

const floats = (...values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);

describe('the restricted unpickler, on hand-built pickles', () => {
  it('reads _rebuild_tensor_v2 over a persistent storage, with offset and strides', () => {
    const pickle = [...PROTO2, ...tensor(storage('0', 6), 1, [2, 2], [1, 2]), STOP];
    const x = loadBytes(archive(pickle, { '0': floats(0, 1, 2, 3, 4, 5) }), 'x.pt').values?.get('x');
    assert.ok(x !== undefined && isLoadedArray(x));
    assert.deepEqual([...x.shape], [2, 2]);
    assert.deepEqual([...x.data], [1, 3, 2, 4]);
  });

  it('reads a big-endian archive when byteorder says so', () => {
    const pickle = [...PROTO2, ...tensor(storage('0', 2), 0, [2], [1]), STOP];
    const big = new Uint8Array(new DataView(new ArrayBuffer(8)).buffer);
    new DataView(big.buffer).setFloat32(0, 1.5, false);
    new DataView(big.buffer).setFloat32(4, -2, false);
    const file = loadBytes(archive(pickle, { '0': big }, { byteorder: Uint8Array.from(text('big')) }), 'x.pt');
    assert.deepEqual([...file.arrays.x.data], [1.5, -2]);
  });

  it('gives a file of containers their structure, and a container met twice once', () => {
    // d = {'a': [1, 'two', None, True]}; d['b'] = d['a'] through the memo.
    const pickle = [...PROTO2, 0x7d, ...str('a'), 0x5d, 0x71, 1, MARK, ...int(1), ...str('two'), 0x4e, 0x88, 0x65, 0x73, ...str('b'), 0x68, 1, 0x73, STOP];
    const file = loadBytes(archive(pickle), 'd.pt');
    assert.deepEqual(file.values, new Map([['a', { kind: 'list', items: [1, 'two', null, true] }], ['b', { kind: 'list', items: [1, 'two', null, true] }]]));
    assert.equal(file.values?.get('a'), file.values?.get('b'));
    assert.deepEqual(file.arrays, {});
  });

  const cases: [string, number[], Record<string, Uint8Array>, string][] = [
    ['a storage smaller than its id says', [...PROTO2, ...tensor(storage('0', 6), 0, [6], [1]), STOP], { '0': floats(0, 1, 2) }, 'x.pt, entry archive/data/0, byte 0: expected 24 bytes (6 × float32, as data.pkl says at byte'],
    ['a view past its storage', [...PROTO2, ...tensor(storage('0', 3), 1, [3], [1]), STOP], { '0': floats(0, 1, 2) }, 'x.pt, entry archive/data.pkl, byte 129: expected a view inside its 3-element storage "0", but found offset 1, size [3] and stride [1] reaching element 3'],
    ['a stride past its storage', [...PROTO2, ...tensor(storage('0', 4), 0, [2, 2], [3, 1]), STOP], { '0': floats(0, 1, 2, 3) }, 'reaching element 4'],
    ['a missing storage member', [...PROTO2, ...tensor(storage('7', 1), 0, [1], [1]), STOP], {}, 'expected the storage member archive/data/7, but found no such member'],
    ['a complex storage', [...PROTO2, ...tensor(storage('0', 1, 'ComplexFloat'), 0, [1], [1]), STOP], { '0': floats(0, 0) }, 'but found the global torch.ComplexFloatStorage'],
    ['a call of a non-function', [...PROTO2, ...int(3), 0x29, 0x52, STOP], {}, 'byte 8: expected a function to call (REDUCE), but found the number 3'],
    ['an unset memo slot', [...PROTO2, 0x6a, 0xff, 0xff, 0xff, 0x7f, STOP], {}, 'byte 2: expected a memo index that was set, but found 2147483647'],
    ['a pickle without STOP', [...PROTO2, 0x4e], {}, 'expected a STOP opcode ending the pickle, but found end of pickle'],
    ['a truncated string', [...PROTO2, 0x58, 0xff, 0xff, 0xff, 0xff, 0x41], {}, "byte 7: expected 4294967295 bytes of BINUNICODE's argument, but found end of pickle"],
    ['an integer beyond 2^53', [...PROTO2, 0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0x40, 0, STOP], {}, 'expected an integer within ±(2^53 − 1), but found 18014398509481984'],
    ['a set', [...PROTO2, 0x8f, STOP], {}, 'but found opcode 0x8f (EMPTY_SET)'],
    ['protocol 0 text', [...PROTO2, 0x49, ...text('1\n'), STOP], {}, 'but found opcode 0x49 (INT)'],
    ['a pop below the mark', [...PROTO2, MARK, 0x30, STOP], {}, 'expected a value on the stack for POP, but found none'],
    ['a list inside itself', [...PROTO2, 0x5d, 0x71, 0, 0x68, 0, 0x61, STOP], {}, 'expected containers nested at most 64 deep, but found deeper nesting (or a container inside itself)'],
    ['a tuple key', [...PROTO2, 0x7d, ...tuple(int(1)), ...int(2), 0x73, STOP], {}, 'expected a dict key that is a string, a number, a bool or None, but found a tuple of 1'],
    ['a persistent id that is not a storage', [...PROTO2, ...str('x'), 0x51, STOP], {}, 'expected a persistent id ("storage", class, key, location, numel), but found the string "x"'],
    ['protocol 6', [0x80, 0x06, 0x4e, STOP], {}, 'byte 0: expected pickle protocol 2 to 5, but found protocol 6'],
  ];
  for (const [what, pickle, storages, message] of cases) {
    it(`rejects ${what}`, () => {
      assertLoadError(() => loadBytes(archive(pickle, storages), 'x.pt'), new RegExp(`^x\\.pt, .*${message.replace(/^x\.pt, /, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    });
  }

  it('bounds the copies of non-contiguous views: a small file cannot ask for gigabytes', () => {
    // An expand (stride 0) of one stored float to 2^13 × 2^13 would be a 256 MB copy from a 300-byte file.
    const expand = [...PROTO2, ...tensor(storage('0', 1), 0, [1 << 13, 1 << 13], [0, 0]), STOP];
    assertLoadError(() => loadBytes(archive(expand, { '0': floats(1) }), 'x.pt'), /^x\.pt, entry archive\/data\.pkl, byte 139: expected non-contiguous views of at most 16777218 elements in all, but found 67108864 by this one$/);
  });

  it('reads 64 nested lists and refuses 65, at the outermost list too deep', () => {
    const nested = (depth: number): number[] => [...PROTO2, ...Array.from({ length: depth + 1 }, () => 0x5d), ...Array.from({ length: depth }, () => 0x61), STOP];
    assert.equal(loadBytes(archive(nested(64)), 'deep.pt').values?.has('deep'), true);
    assertLoadError(() => loadBytes(archive(nested(65)), 'deep.pt'), 'deep.pt, entry archive/data.pkl, byte 67: expected containers nested at most 64 deep, but found deeper nesting (or a container inside itself)');
  });

  it('converts a deeply shared structure in time linear in the pickle (a DAG is not expanded)', () => {
    // L0 = [], L1 = [L0, L0], …, L40 = [L39, L39]: 2^40 leaves if expanded.
    const ops = [...PROTO2, 0x5d, 0x94];
    for (let level = 1; level <= 40; level++) ops.push(0x5d, MARK, 0x6a, ...[level - 1, 0, 0, 0], 0x6a, ...[level - 1, 0, 0, 0], 0x65, 0x94);
    ops.push(STOP);
    const file = loadBytes(archive(ops), 'dag.pt');
    assert.equal(file.values?.has('dag'), true);
  });
});

describe('hostile corpus: nothing but a LoadError naming the file ever escapes', () => {
  const fixtures = VALID.filter((name) => name !== 'legacy.pt');

  it('every fixture truncated at every byte offset is rejected', () => {
    for (const name of ['arange.pt', 'views.pt', 'scalars.pt']) {
      const bytes = readFixture(`torch/${name}`);
      for (let length = 0; length < bytes.length; length++) assert.equal(loadOrLoadError(bytes.slice(0, length), name), 'rejected', `${name} cut to ${length}`);
    }
  });

  it('random bytes flipped anywhere in an archive', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (name, flips) => {
        const damaged = readFixture(`torch/${name}`);
        for (const [at, mask] of flips) damaged[at % damaged.length] ^= mask;
        loadOrLoadError(damaged, name);
      }),
      { numRuns: 300 },
    );
  });

  it('data.pkl truncated, flipped or spliced, re-zipped with a valid CRC so that the pickle itself is read', () => {
    const members = fixtures.map((name) => ({ name, members: unzipSync(readFixture(`torch/${name}`)) }));
    fc.assert(
      fc.property(
        fc.constantFrom(...members),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 16 }),
        ({ name, members: files }, cut, writes, splice) => {
          const pklName = Object.keys(files).find((member) => member.endsWith('/data.pkl')) as string;
          const pkl = files[pklName];
          const damaged = new Uint8Array([...pkl.subarray(0, pkl.length - (cut % 8)), ...splice]);
          for (const [at, value] of writes) damaged[at % damaged.length] = value;
          const rebuilt = zipSync(Object.fromEntries(Object.entries(files).map(([member, data]) => [member, [member === pklName ? damaged : data, { level: 0 }]])));
          loadOrLoadError(rebuilt, name);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random opcode streams in a torch archive', () => {
    const opcodes = [0x28, 0x2e, 0x30, 0x31, 0x32, 0x4a, 0x4b, 0x4d, 0x4e, 0x51, 0x52, 0x58, 0x5d, 0x61, 0x62, 0x63, 0x65, 0x68, 0x6a, 0x71, 0x72, 0x73, 0x74, 0x29, 0x75, 0x7d, 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x93, 0x94, 0x95];
    const pieces = fc.oneof(fc.constantFrom(...opcodes).map((op) => [op]), fc.constantFrom(str('storage'), glob('torch', 'FloatStorage'), glob('collections', 'OrderedDict'), glob('torch._utils', '_rebuild_tensor_v2'), int(0), int(4), storage('0', 4)));
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        loadOrLoadError(archive([...PROTO2, ...parts.flat(), STOP], { '0': floats(1, 2, 3, 4) }), 'x.pt');
      }),
      { numRuns: 500 },
    );
  });
});
