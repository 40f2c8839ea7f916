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

export type FileFormat = 'npy' | 'npz' | 'safetensors' | 'json' | 'csv';

/** Every array of one file by name, plus the safetensors `__metadata__` when the file has one. */
export interface LoadedFile {
  readonly format: FileFormat;
  readonly arrays: Record<string, LoadedArray>;
  readonly metadata?: Record<string, string>;
}
