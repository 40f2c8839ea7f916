import type { ArrayData, DType } from './types';

/** Byte size of one element of each dtype as stored in a file. */
export const ITEM_SIZE: Readonly<Record<DType, 1 | 2 | 4 | 8>> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float16: 2,
  bfloat16: 2,
  float32: 4,
  float64: 8,
};

type StorageConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayData;

// The typed array a file's bytes are viewed as; float16/bfloat16 are viewed as raw bits, then decoded.
const STORAGE: Readonly<Record<DType, StorageConstructor>> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** True on every platform we know of; checked rather than assumed because views depend on it. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * The number of elements of `shape`. A zero extent anywhere makes it 0, even after extents whose
 * product overflows to Infinity (Infinity · 0 would be NaN).
 */
export function sizeOfShape(shape: readonly number[]): number {
  let size = 1;
  for (const extent of shape) {
    if (extent === 0) return 0;
    size *= extent;
  }
  return size;
}

/**
 * The most dimensions a loaded array may have: numpy's own limit (NPY_MAXDIMS), so every file numpy
 * writes loads, while a header claiming 100,000 axes is refused before anything is built per axis.
 */
export const MAX_RANK = 64;

/** Row-major strides in elements of `shape`: stride[axis] = product of the extents after it. */
function rowMajorStrides(shape: readonly number[]): Float64Array {
  const strides = new Float64Array(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/**
 * Copies `shape`'s elements from column-major `src` (aligned, offset 0 of its own buffer or any
 * offset aligned to 4 bytes) to a new row-major buffer. Elements move as 32-bit lanes (one per 4
 * bytes; 8-byte elements as two) so that no float is ever read as a number, which could alter a NaN
 * payload. The source is walked in order with an odometer (axis 0 fastest), so no index is
 * recomputed from scratch.
 */
function fortranToRowMajor(src: Uint8Array, shape: readonly number[], itemSize: number): Uint8Array {
  const count = sizeOfShape(shape);
  const out = new Uint8Array(count * itemSize);
  // Lanes of 4 bytes when the item allows and the source is aligned for them, else bytes.
  const laneSize = itemSize >= 4 && src.byteOffset % 4 === 0 ? 4 : itemSize === 2 && src.byteOffset % 2 === 0 ? 2 : 1;
  const Lane: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Uint8Array | Uint16Array | Uint32Array =
    laneSize === 4 ? Uint32Array : laneSize === 2 ? Uint16Array : Uint8Array;
  const from = new Lane(src.buffer, src.byteOffset, (count * itemSize) / laneSize);
  const to = new Lane(out.buffer, 0, (count * itemSize) / laneSize);
  const lanes = itemSize / laneSize;
  const strides = rowMajorStrides(shape);
  const counter = new Float64Array(shape.length);
  let dest = 0;
  for (let k = 0; k < count; k++) {
    const source = k * lanes;
    const target = dest * lanes;
    for (let lane = 0; lane < lanes; lane++) to[target + lane] = from[source + lane];
    for (let axis = 0; axis < shape.length; axis++) {
      counter[axis]++;
      dest += strides[axis];
      if (counter[axis] < shape[axis]) break;
      dest -= shape[axis] * strides[axis];
      counter[axis] = 0;
    }
  }
  return out;
}

/** Reverses the bytes of each `itemSize`-byte element in place; `bytes` starts a buffer of its own. */
function swapBytes(bytes: Uint8Array, itemSize: number): void {
  if (itemSize === 2) {
    const words = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    for (let i = 0; i < words.length; i++) words[i] = ((words[i] & 0xff) << 8) | (words[i] >>> 8);
    return;
  }
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    words[i] = ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24);
  }
  // An 8-byte element is two swapped 4-byte halves, exchanged.
  if (itemSize === 8) {
    for (let i = 0; i < words.length; i += 2) {
      const t = words[i];
      words[i] = words[i + 1];
      words[i + 1] = t;
    }
  }
}

// 2^(e − 25) for the 32 biased exponents of a half, so decoding needs no Math.pow per element.
const HALF_SCALE = Float64Array.from({ length: 32 }, (_, e) => 2 ** (e - 25));

/** Decodes one IEEE 754 binary16 bit pattern exactly (subnormals, ±0, ±inf and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1024 + fraction) * HALF_SCALE[exponent];
}

function decodeHalf(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]);
  return out;
}

/** bfloat16 is the top half of a float32, so decoding is a shift into the float's bits. */
function decodeBfloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16;
  return out;
}

/**
 * Turns the stored elements of one array into its typed array, row-major.
 *
 * `bytes[offset …]` must hold at least `product(shape) · ITEM_SIZE[dtype]` bytes (callers check and
 * report). Cost: when the data is in host byte order, aligned to its item size and in C order (or has
 * at most one non-unit axis), the result is a view into `bytes`, with no copy; otherwise it is exactly one copy of
 * the data section (reordered and byte-swapped in that copy). float16/bfloat16 are always decoded
 * into a new Float32Array.
 */
export function decodeElements(
  bytes: Uint8Array,
  offset: number,
  shape: readonly number[],
  dtype: DType,
  littleEndian: boolean,
  fortranOrder: boolean,
): ArrayData {
  const itemSize = ITEM_SIZE[dtype];
  const count = sizeOfShape(shape);
  const section = bytes.subarray(offset, offset + count * itemSize);
  const reorder = fortranOrder && shape.filter((extent) => extent > 1).length > 1;
  const swap = itemSize > 1 && littleEndian !== HOST_LITTLE_ENDIAN;
  let storageBytes = section;
  if (reorder || swap || section.byteOffset % itemSize !== 0) {
    storageBytes = reorder ? fortranToRowMajor(section, shape, itemSize) : section.slice();
    if (swap) swapBytes(storageBytes, itemSize);
  }
  const storage = new STORAGE[dtype](storageBytes.buffer, storageBytes.byteOffset, count);
  if (dtype === 'float16') return decodeHalf(storage as Uint16Array);
  if (dtype === 'bfloat16') return decodeBfloat16(storage as Uint16Array);
  return storage;
}
