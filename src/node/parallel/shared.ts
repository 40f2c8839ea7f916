/** Float64Arrays in SharedArrayBuffers, which worker threads see without a copy. */

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

export function isShared(array: Float64Array): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** The array itself when it is already shared (no copy, the fast path); else a shared copy. */
export function toShared(array: Float64Array): Float64Array {
  if (isShared(array)) return array;
  const copy = sharedFloat64(array.length);
  copy.set(array);
  return copy;
}

export function toSharedOrNull(array: Float64Array | null): Float64Array | null {
  return array === null ? null : toShared(array);
}
