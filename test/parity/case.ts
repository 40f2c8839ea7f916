import { toTensor, type Tensor } from '../../src/core/tensor';

/** One reference case in the format of `test/fixtures/README.md` (and the shared fixtures README). */
export interface ReferenceCase {
  readonly fn: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly name?: string;
}

/** What an adapter returns: the keys of the case's `expected`, as plain numbers and nested arrays. */
export type ReferenceOutput = Record<string, unknown>;

/**
 * Reads a fixture input as a tensor of the given rank. JSON cannot say how wide an empty matrix is,
 * so `[]` becomes shape (0, trailing…) using the extents the caller knows from the parameters.
 */
export function fixtureTensor(fn: string, name: string, value: unknown, trailing: readonly number[] = []): Tensor {
  if (Array.isArray(value) && value.length === 0) {
    return { shape: [0, ...trailing], data: new Float64Array(0) };
  }
  return toTensor(fn, name, value);
}

export function numberParam(params: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const value = params[key];
  return typeof value === 'number' ? value : fallback;
}

export function booleanParam(params: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const value = params[key];
  return typeof value === 'boolean' ? value : fallback;
}
