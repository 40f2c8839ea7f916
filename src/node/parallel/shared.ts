/** Float64Arrays (and float32 exports) in SharedArrayBuffers, which worker threads see without a copy. */

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

export function isShared(array: Float64Array | Float32Array): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** The array itself when it is already shared (no copy, the fast path); else a shared copy of the same type. */
export function toShared<T extends Float64Array | Float32Array>(array: T): T {
  if (isShared(array)) return array;
  const copy = array instanceof Float32Array ? new Float32Array(new SharedArrayBuffer(array.byteLength)) : sharedFloat64(array.length);
  copy.set(array);
  return copy as T;
}

export function toSharedOrNull<T extends Float64Array | Float32Array>(array: T | null): T | null {
  return array === null ? null : toShared(array);
}
