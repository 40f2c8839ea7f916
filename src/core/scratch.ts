/**
 * Typed arrays kept from call to call, by role, for the temporaries of a core function that never
 * leave the call (a metric loss's (B, B) matrix and its upstream, a screened miner's Gram block).
 *
 * Why: V8 counts typed-array memory as external to its heap and answers fast external growth with
 * collections. A metric loss over 1024 rows allocated ~25 MB of such temporaries per call, and
 * each call then ran several scavenges and a marking of the whole heap on V8's worker threads
 * (`--trace-gc`: "external memory pressure"): 10–20 ms of CPU per call beside ~40 ms of work.
 *
 * Contract: a role's array is reused by the next call that asks for that role, so a caller must be
 * done with it before returning, and two arrays alive at once need two roles. The contents are
 * whatever the last user left (zero them when that matters). Arrays above SCRATCH_LIMIT_BYTES are
 * allocated per call and not kept, so that a one-off huge batch does not stay resident.
 */

const SCRATCH_LIMIT_BYTES = 32 * 2 ** 20;
const kept = new Map<string, ArrayBuffer>();

function buffer(role: string, bytes: number): ArrayBuffer {
  if (bytes > SCRATCH_LIMIT_BYTES) return new ArrayBuffer(bytes);
  const held = kept.get(role);
  if (held !== undefined && held.byteLength >= bytes) return held;
  const fresh = new ArrayBuffer(bytes);
  kept.set(role, fresh);
  return fresh;
}

/** A Float64Array of `length` under `role`, contents unspecified. */
export function scratchFloat64(role: string, length: number): Float64Array {
  return new Float64Array(buffer(role, 8 * length), 0, length);
}

/** A zero-filled Float64Array of `length` under `role`. */
export function zeroedScratchFloat64(role: string, length: number): Float64Array {
  return scratchFloat64(role, length).fill(0);
}

/** A Float32Array of `length` under `role`, contents unspecified. */
export function scratchFloat32(role: string, length: number): Float32Array {
  return new Float32Array(buffer(role, 4 * length), 0, length);
}

/** An Int32Array of `length` under `role`, contents unspecified. */
export function scratchInt32(role: string, length: number): Int32Array {
  return new Int32Array(buffer(role, 4 * length), 0, length);
}
