import { ITEM_SIZE, MAX_RANK, decodeElements, sizeOfShape } from './dtypes';
import { defineEntry } from './entries';
import { LoadError, describeText, failAt, type Source } from './errors';
import { PickleDict, PickleList, PickleObject, PickleTuple, describePickle, unpickle, type PickleValue, type UnpickleHooks } from './pickle';
import { fileStem } from './text';
import { isLoadedArray, type ArrayData, type DType, type LoadedArray, type LoadedFile, type LoadedValue } from './types';
import type { ZipMember } from './zip';

/**
 * `torch.save` files of PyTorch ≥ 1.6: a zip archive whose one top folder (named after the file
 * when it was saved, so any name) holds `data.pkl` (the pickled object), `data/<key>` (the raw bytes
 * of each storage), `version` and, since PyTorch 1.13's successors, `byteorder`. The pickle is read
 * by the restricted reader of pickle.ts: only tensors, their storages, OrderedDict, dicts, lists,
 * tuples, numbers, strings, bytes, bools and None exist; any other global is a LoadError and
 * nothing is ever executed.
 */

/** torch's typed storage classes and the dtype of their elements. */
const STORAGE_DTYPES: Readonly<Record<string, DType>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  IntStorage: 'int32',
  LongStorage: 'int64',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  // An untyped storage (a storage saved by itself, PyTorch ≥ 2): its numel counts bytes.
  UntypedStorage: 'uint8',
};

/** The functions a pickle may call, all of which only rebuild data (never run anything else). */
const CALLABLES = new Set([
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'collections.OrderedDict',
  // Protocol 2 writes Python 3 bytes as _codecs.encode(text, 'latin1'), and b'' as bytes().
  '_codecs.encode',
  'builtins.bytes',
  '__builtin__.bytes',
]);

// Containers nested deeper than this are not model outputs; the bound keeps conversion off the stack limit.
const MAX_DEPTH = 64;
/**
 * Copies (non-contiguous views, and decoding) may produce at most this many elements beyond twice
 * the storages' own: two tensors viewing all of one storage are fine, a small file whose thousand
 * strided views of one large storage would fill the memory is not.
 */
const COPY_ALLOWANCE = 1 << 24;

export const LEGACY_TORCH_MAGIC = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19);

const SAFE_FORMATS = 'save tensors with safetensors.torch.save_file or np.save instead';

class TorchGlobal extends PickleObject {
  constructor(
    readonly path: string,
    at: number,
  ) {
    super(at);
  }

  override toString(): string {
    return `the global ${this.path}`;
  }
}

class StorageType extends PickleObject {
  constructor(
    readonly path: string,
    readonly dtype: DType,
    at: number,
  ) {
    super(at);
  }

  override toString(): string {
    return `the storage class ${this.path}`;
  }
}

/** One storage's raw bytes (numel elements of dtype), decoded to its typed array at first use. */
class Storage extends PickleObject {
  private decoded?: ArrayData;

  constructor(
    readonly key: string,
    readonly dtype: DType,
    readonly numel: number,
    private readonly bytes: Uint8Array,
    private readonly littleEndian: boolean,
    at: number,
  ) {
    super(at);
  }

  elements(): ArrayData {
    this.decoded ??= decodeElements(this.bytes, 0, [this.numel], this.dtype, this.littleEndian, false);
    return this.decoded;
  }

  override toString(): string {
    return `storage ${JSON.stringify(this.key)} (${this.numel} × ${this.dtype})`;
  }
}

/** A tensor: `shape` elements of `storage` from `offset` with `strides` (in elements), checked to lie inside it. */
class TensorView extends PickleObject {
  constructor(
    readonly storage: Storage,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    at: number,
  ) {
    super(at);
  }

  override toString(): string {
    return `a tensor of shape [${this.shape.join(', ')}]`;
  }
}

/** Finds a storage's bytes by the key of its persistent id; the format (zip or legacy) decides where they are. */
export type StorageLookup = (key: string, dtype: DType, numel: number, at: number) => Storage;

function isIndex(value: PickleValue): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function readExtents(value: PickleValue, what: string, fail: (expected: string, found: string) => never): number[] {
  if (!(value instanceof PickleTuple) || !value.items.every(isIndex)) fail(`the ${what} as a tuple of non-negative integers`, describePickle(value));
  if (value.items.length > MAX_RANK) fail(`the ${what} with at most ${MAX_RANK} dimensions`, `${value.items.length} dimensions`);
  return [...(value.items as number[])];
}

/** The hooks that give the restricted reader its only vocabulary: storages, tensors, OrderedDict, bytes. */
function torchHooks(source: Source, lookup: StorageLookup): UnpickleHooks {
  const failHere = (at: number) => (expected: string, found: string): never => failAt(source, at, expected, found);

  const rebuildTensor = (args: readonly PickleValue[], at: number): TensorView => {
    const fail = failHere(at);
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof Storage)) return fail('a storage as the tensor\'s first argument', describePickle(storage));
    if (!isIndex(offset)) return fail('a non-negative integer storage offset', describePickle(offset));
    const shape = readExtents(size, 'size', fail);
    const strides = readExtents(stride, 'stride', fail);
    if (strides.length !== shape.length) fail(`${shape.length} strides, one per dimension of the size`, `${strides.length}`);
    // The last element the view reaches must lie in the storage (an empty view reaches none).
    let last = offset;
    for (let axis = 0; axis < shape.length; axis++) last += (shape[axis] - 1) * strides[axis];
    const empty = shape.includes(0);
    if (empty ? offset > storage.numel : last >= storage.numel) {
      fail(`a view inside its ${storage.numel}-element storage ${JSON.stringify(storage.key)}`, `offset ${offset}, size [${shape.join(', ')}] and stride [${strides.join(', ')}] reaching element ${empty ? offset : last}`);
    }
    return new TensorView(storage, offset, shape, strides, at);
  };

  return {
    findGlobal(module, name, at) {
      const path = `${module}.${name}`;
      if ((module === 'torch' || path === 'torch.storage.UntypedStorage') && Object.hasOwn(STORAGE_DTYPES, name)) return new StorageType(path, STORAGE_DTYPES[name], at);
      if (CALLABLES.has(path)) return new TorchGlobal(path, at);
      const expected = 'only tensors, storages of numeric dtypes, OrderedDict, dicts, lists, tuples, numbers, strings, bytes and None (the pickle is never run)';
      throw new LoadError(source.file, `${expected}; ${SAFE_FORMATS}`, `the global ${path}`, { entry: source.entry, offset: at });
    },

    call(callable, args, at) {
      const fail = failHere(at);
      if (!(callable instanceof TorchGlobal)) return fail('a function to call (REDUCE)', describePickle(callable));
      const arity = (...counts: number[]): void => {
        if (!counts.includes(args.length)) fail(`${counts.join(' or ')} arguments to ${callable.path}`, `${args.length}`);
      };
      switch (callable.path) {
        case 'torch._utils._rebuild_tensor':
          arity(4);
          return rebuildTensor(args, at);
        case 'torch._utils._rebuild_tensor_v2':
          // (storage, offset, size, stride, requires_grad, backward_hooks[, metadata])
          arity(6, 7);
          return rebuildTensor(args, at);
        case 'torch._utils._rebuild_parameter':
        case 'torch._utils._rebuild_parameter_with_state':
          arity(3, 4);
          if (!(args[0] instanceof TensorView)) return fail('a tensor as the parameter\'s data', describePickle(args[0]));
          return args[0];
        case 'collections.OrderedDict': {
          arity(0);
          return new PickleDict(at);
        }
        case '_codecs.encode': {
          arity(2);
          const [text, encoding] = args;
          if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1') || /[^\0-\xff]/.test(text)) {
            return fail('Latin-1 text and "latin1" (how protocol 2 writes bytes)', `${describePickle(text)} and ${describePickle(encoding)}`);
          }
          return Uint8Array.from(text, (char) => char.charCodeAt(0));
        }
        default: // builtins.bytes
          arity(0);
          return new Uint8Array(0);
      }
    },

    build(target, state, at) {
      // An OrderedDict's attributes (a state_dict's `_metadata`) and a parameter's state are not data.
      if (target instanceof PickleDict || target instanceof TensorView) return target;
      return failHere(at)('a dict or a tensor to set the state of (BUILD)', describePickle(target));
    },

    persistentLoad(pid, at) {
      const fail = failHere(at);
      // ('storage', storage class, key, location, numel), plus the view metadata in legacy files.
      if (!(pid instanceof PickleTuple) || pid.items[0] !== 'storage' || (pid.items.length !== 5 && pid.items.length !== 6)) {
        return fail('a persistent id ("storage", class, key, location, numel)', describePickle(pid));
      }
      const [, type, key, , numel] = pid.items;
      if (!(type instanceof StorageType)) return fail('a storage class such as torch.FloatStorage', describePickle(type));
      if (typeof key !== 'string' && !isIndex(key)) return fail('a storage key', describePickle(key));
      if (!isIndex(numel)) return fail('a non-negative storage element count', describePickle(numel));
      return lookup(String(key), type.dtype, numel, at);
    },
  };
}

/** A row-major walk of a view into a new array of the storage's element type. */
function gather(elements: ArrayData, view: TensorView, count: number): ArrayData {
  const { offset, shape, strides } = view;
  const out = new (elements.constructor as new (length: number) => ArrayData)(count);
  const from = elements as unknown as ArrayLike<number>;
  const to = out as unknown as { [index: number]: number };
  const counter = new Float64Array(shape.length);
  let index = offset;
  for (let k = 0; k < count; k++) {
    to[k] = from[index];
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index += strides[axis];
      if (++counter[axis] < shape[axis]) break;
      index -= shape[axis] * strides[axis];
      counter[axis] = 0;
    }
  }
  return out;
}

function isRowMajor(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] !== 1 && strides[axis] !== expected) return false;
    expected *= shape[axis];
  }
  return true;
}

/**
 * Turns what the pickle made into loaded values: tensors become arrays (a view into their storage
 * when row-major and contiguous, else one copy), bytes a uint8 array, dicts and lists containers.
 * A container met twice is converted once; nesting deeper than MAX_DEPTH (a cycle included) is an error.
 */
function toLoadedValues(source: Source, storageElements: number) {
  const done = new Map<object, LoadedValue>();
  let copied = 0;
  const copyBudget = 2 * storageElements + COPY_ALLOWANCE;

  const tensor = (view: TensorView): LoadedArray => {
    const { storage, shape } = view;
    const count = sizeOfShape(shape);
    const elements = storage.elements();
    if (isRowMajor(shape, view.strides)) return { dtype: storage.dtype, shape, data: elements.subarray(view.offset, view.offset + count) };
    copied += count;
    if (copied > copyBudget) failAt(source, view.at, `non-contiguous views of at most ${copyBudget} elements in all`, `${copied} by this one`);
    return { dtype: storage.dtype, shape, data: gather(elements, view, count) };
  };

  const convert = (value: PickleValue, depth: number): LoadedValue => {
    if (value === null || typeof value !== 'object') return value;
    const known = done.get(value);
    if (known !== undefined) return known;
    let at = 0;
    if (!(value instanceof Uint8Array)) at = value.at;
    if (depth > MAX_DEPTH) failAt(source, at, `containers nested at most ${MAX_DEPTH} deep`, 'deeper nesting (or a container inside itself)');
    let result: LoadedValue;
    if (value instanceof Uint8Array) {
      result = { dtype: 'uint8', shape: [value.length], data: value };
    } else if (value instanceof TensorView) {
      result = tensor(value);
    } else if (value instanceof Storage) {
      result = tensor(new TensorView(value, 0, [value.numel], [1], value.at));
    } else if (value instanceof PickleList || value instanceof PickleTuple) {
      result = { kind: value instanceof PickleList ? 'list' : 'tuple', items: value.items.map((item) => convert(item, depth + 1)) };
    } else if (value instanceof PickleDict) {
      const entries = new Map<string, LoadedValue>();
      for (const [key, item] of value.entries) {
        if (typeof key !== 'string' && typeof key !== 'number') failAt(source, value.at, 'dict keys that are strings or numbers', `the key ${describePickle(key)}`);
        if (entries.has(String(key))) failAt(source, value.at, 'dict keys that differ as text', `the key ${describePickle(key)} twice`);
        entries.set(String(key), convert(item, depth + 1));
      }
      result = { kind: 'dict', entries };
    } else {
      return failAt(source, at, 'data (tensors, containers, numbers, strings) as a value', String(value));
    }
    done.set(value, result);
    return result;
  };
  return (value: PickleValue) => convert(value, 0);
}

/**
 * The file's top level by name: a dict's entries, or else the one value (a tensor, a list…) named
 * after the file stem, as a .npy file's array is.
 */
function topLevel(value: LoadedValue, fileName: string): LoadedFile {
  const isDict = typeof value === 'object' && value !== null && !isLoadedArray(value) && value.kind === 'dict';
  const values: ReadonlyMap<string, LoadedValue> = isDict ? value.entries : new Map([[fileStem(fileName) || 'value', value]]);
  const arrays: Record<string, LoadedArray> = {};
  for (const [key, item] of values) if (isLoadedArray(item)) defineEntry(arrays, key, item);
  return { format: 'torch', arrays, values };
}

/** The members of a zip that make it a torch.save archive: `<folder>/data.pkl`. */
export function findTorchPickle(members: readonly ZipMember[]): ZipMember | undefined {
  return members.find((member) => /^[^/]+\/data\.pkl$/.test(member.name));
}

/**
 * Loads a `torch.save` zip archive from its members (readZip, which has checked every CRC).
 * Each storage `<folder>/data/<key>` must hold exactly numel × itemsize bytes, in the archive's
 * byte order (`<folder>/byteorder`, little when absent); each tensor must lie inside its storage.
 * Cost: contiguous tensors are views into their storage (itself a view into the archive when
 * stored aligned and little-endian, as torch writes it); float16/bfloat16 storages are decoded once
 * into a Float32Array; each non-contiguous view is one copy (see COPY_ALLOWANCE). int64 stays
 * BigInt64Array (values beyond 2^53 are reported only when converted: toFloat64Tensor).
 */
export function loadTorchZip(members: readonly ZipMember[], fileName: string): LoadedFile {
  const pickle = findTorchPickle(members);
  if (pickle === undefined) {
    return failAt({ file: fileName }, 0, 'a torch.save archive, with a member <folder>/data.pkl', members.length === 0 ? 'an empty archive' : `the members ${members.slice(0, 3).map((m) => m.name).join(', ')}`);
  }
  const folder = pickle.name.slice(0, -'data.pkl'.length);
  const byName = new Map(members.map((member) => [member.name, member.data]));
  const order = byName.get(`${folder}byteorder`);
  const orderText = order === undefined ? 'little' : new TextDecoder('latin1').decode(order).trim();
  if (orderText !== 'little' && orderText !== 'big') failAt({ file: fileName, entry: `${folder}byteorder` }, 0, '"little" or "big"', describeText(orderText));
  const source: Source = { file: fileName, entry: pickle.name };
  const storages = new Map<string, Storage>();
  let storageElements = 0;
  const lookup: StorageLookup = (key, dtype, numel, at) => {
    const known = storages.get(`${key}:${dtype}`);
    if (known !== undefined) return known;
    const entry = `${folder}data/${key}`;
    const data = byName.get(entry);
    if (data === undefined) failAt(source, at, `the storage member ${entry}`, 'no such member');
    if (data.length !== numel * ITEM_SIZE[dtype]) {
      failAt({ file: fileName, entry }, 0, `${numel * ITEM_SIZE[dtype]} bytes (${numel} × ${dtype}, as data.pkl says at byte ${at})`, `${data.length} bytes`);
    }
    const storage = new Storage(key, dtype, numel, data, orderText === 'little', at);
    storages.set(`${key}:${dtype}`, storage);
    storageElements += numel;
    return storage;
  };
  const { value } = unpickle(pickle.data, source, torchHooks(source, lookup));
  return topLevel(toLoadedValues(source, storageElements)(value), fileName);
}

/**
 * The pre-1.6 format (several pickles in a row, then the raw storages) is not read: its storages
 * can only be found by reading the whole stream, and PyTorch has written the zip format by default
 * since 1.6. The error says how to re-save the file.
 */
export function rejectLegacyTorch(fileName: string): never {
  return failAt(
    { file: fileName },
    0,
    'a torch.save file of PyTorch 1.6 or later (a zip archive)',
    'the legacy format of PyTorch < 1.6; load it in PyTorch and save it again with torch.save(obj, f) (_use_new_zipfile_serialization=True is the default since 1.6), or ' + SAFE_FORMATS,
  );
}
