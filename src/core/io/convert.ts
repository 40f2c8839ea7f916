import { InputError } from '../errors';
import { unravelIndex, type Tensor } from '../tensor';
import type { LoadedArray } from './types';

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Converts a loaded array to the float64 tensor the losses take. float64 data is shared, not
 * copied; every other dtype is converted exactly (bool → 0/1). An int64/uint64 value beyond
 * ±(2^53 − 1) cannot be represented exactly, so it throws an InputError naming `name` and the index
 * rather than rounding silently. `allocate` makes the array a conversion writes into (a host passes
 * shared memory).
 */
export function toFloat64Tensor(array: LoadedArray, name: string, allocate: (length: number) => Float64Array = (length) => new Float64Array(length)): Tensor {
  const { data, shape } = array;
  if (data instanceof Float64Array) return { shape: [...shape], data };
  const out = allocate(data.length);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) {
      const value = data[i];
      if (value > MAX_EXACT || value < -MAX_EXACT) {
        throw new InputError('toFloat64Tensor', name, 'integers within ±(2^53 − 1), exactly representable in float64', String(value), unravelIndex(i, shape));
      }
      out[i] = Number(value);
    }
  } else if (array.dtype === 'bool') {
    for (let i = 0; i < data.length; i++) out[i] = data[i] === 0 ? 0 : 1;
  } else {
    out.set(data);
  }
  return { shape: [...shape], data: out };
}
