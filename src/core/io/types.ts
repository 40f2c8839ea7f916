/** The element types the loaders understand, by their numpy names. */
export type DType =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64';

/**
 * The storage of a loaded array. bool is a Uint8Array of 0/1 bytes as stored; float16 and bfloat16
 * are decoded to Float32Array (exactly: both are subsets of float32); int64/uint64 stay BigInt so
 * that no value is rounded before the user asks for float64 (see `toFloat64Tensor`).
 */
export type ArrayData =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * One array from a file, row-major (C order) whatever the file's order. `data.length` is the product
 * of `shape`; a scalar has shape `[]` and one element. When the file stored the data little-endian,
 * aligned and in C order, `data` is a view into the bytes given to the loader (no copy): mutating
 * those bytes afterwards changes the array.
 */
export interface LoadedArray {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: ArrayData;
}

export type FileFormat = 'npy' | 'npz' | 'safetensors' | 'json' | 'csv' | 'torch';

/**
 * A Python list or tuple of a file that holds containers (a `torch.save` pickle). Lists and tuples
 * are both sequences to a cell; `kind` keeps which one the file said.
 */
export interface LoadedList {
  readonly kind: 'list' | 'tuple';
  readonly items: readonly LoadedValue[];
}

/**
 * A Python dict or OrderedDict of such a file, in the file's order (a Map: an object would put
 * integer-like keys first); integer keys become their decimal text.
 */
export interface LoadedDict {
  readonly kind: 'dict';
  readonly entries: ReadonlyMap<string, LoadedValue>;
}

/** One value of a file that holds containers: an array, a number, a string, a bool, None, or a container of these. */
export type LoadedValue = LoadedArray | LoadedList | LoadedDict | number | string | boolean | null;

/**
 * Every array of one file by name, plus the safetensors `__metadata__` when the file has one. A file
 * that holds containers and scalars too (`torch.save`) also gives `values`: every top-level entry in
 * the file's order, its arrays being the same objects as in `arrays`, which holds only the top-level
 * arrays.
 */
export interface LoadedFile {
  readonly format: FileFormat;
  readonly arrays: Record<string, LoadedArray>;
  readonly metadata?: Record<string, string>;
  readonly values?: ReadonlyMap<string, LoadedValue>;
}

/** Whether a loaded value is an array (containers carry a `kind`; arrays carry a `dtype`). */
export function isLoadedArray(value: LoadedValue): value is LoadedArray {
  return typeof value === 'object' && value !== null && 'dtype' in value;
}
