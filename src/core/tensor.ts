import { InputError, describeValue } from './errors';

/**
 * A dense row-major float64 array with a shape. Scalars have shape `[]` and one element.
 * The core never mutates a tensor it was given.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** A nested JSON-style array of numbers, as found in fixtures, JSON exports and the cell language. */
export type NestedArray = number | NestedArray[];

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const extent of shape) size *= extent;
  return size;
}

export function makeTensor(shape: readonly number[], data?: Float64Array): Tensor {
  const size = sizeOf(shape);
  if (data !== undefined && data.length !== size) {
    throw new RangeError(`makeTensor: data has ${data.length} elements, shape (${shape.join(', ')}) needs ${size}`);
  }
  return { shape: [...shape], data: data ?? new Float64Array(size) };
}

export function scalar(value: number): Tensor {
  return { shape: [], data: Float64Array.of(value) };
}

/** Converts a flat index into a multi-dimensional one, for error messages. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const extent = shape[axis];
    index[axis] = extent === 0 ? 0 : flat % extent;
    flat = extent === 0 ? 0 : Math.floor(flat / extent);
  }
  return index;
}

/**
 * Reads a nested array (or a number, a typed array, or a tensor) into a tensor, checking that it is
 * rectangular and numeric. Finiteness is checked separately by `requireFinite`, since some inputs
 * (labels used as flags) may legitimately be checked differently.
 */
export function toTensor(fn: string, argument: string, value: unknown): Tensor {
  if (isTensor(value)) return value;
  if (typeof value === 'number') return scalar(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const numeric = value as unknown as ArrayLike<number | bigint>;
    const data = Float64Array.from(numeric, (element) => Number(element));
    return { shape: [data.length], data };
  }
  if (!Array.isArray(value)) {
    throw new InputError(fn, argument, 'a number or a nested array of numbers', describeValue(value));
  }
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const data = new Float64Array(sizeOf(shape));
  const last = shape.length - 1;
  // The index of the row being read, kept in one array: an index per element made most of a
  // notebook cell's time and garbage on a large input (docs/performance.md, "Measurements behind
  // the code"). Errors copy the part they report.
  const path: number[] = [];
  let cursor = 0;
  const walk = (node: unknown, depth: number): void => {
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      const found = Array.isArray(node) ? `of length ${node.length}` : describeValue(node);
      throw new InputError(fn, argument, `a rectangular array: a row of length ${shape[depth]}`, found, path.slice(0, depth));
    }
    if (depth === last) {
      for (let i = 0; i < node.length; i++) {
        const element: unknown = node[i];
        if (typeof element === 'number') data[cursor++] = element;
        else if (typeof element === 'boolean') data[cursor++] = Number(element);
        else throw new InputError(fn, argument, 'a number', describeValue(element), [...path.slice(0, depth), i]);
      }
      return;
    }
    for (let i = 0; i < node.length; i++) {
      path[depth] = i;
      walk(node[i], depth + 1);
    }
  };
  walk(value, 0);
  return { shape, data };
}

export function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Tensor).data instanceof Float64Array &&
    Array.isArray((value as Tensor).shape)
  );
}

/** Converts a tensor back to nested arrays (a scalar becomes a plain number). */
export function toNested(tensor: Tensor): NestedArray {
  const { shape, data } = tensor;
  if (shape.length === 0) return data[0];
  const last = shape.length - 1;
  let cursor = 0;
  // The innermost rows in a loop of their own: a (20000, 80) result is 1.6M stores, and testing
  // the depth at each of them made this three times slower.
  const build = (depth: number): NestedArray[] => {
    const extent = shape[depth];
    const out: NestedArray[] = new Array(extent);
    if (depth === last) {
      for (let i = 0; i < extent; i++) out[i] = data[cursor++];
    } else {
      for (let i = 0; i < extent; i++) out[i] = build(depth + 1);
    }
    return out;
  };
  return build(0);
}

/** What the element checks read: a Tensor, a TensorF32, or a loss job's array of either width with its shape. */
export interface CheckedValues {
  readonly shape: readonly number[];
  readonly data: Float64Array | Float32Array;
}

/** Throws an InputError naming the first non-finite element. */
export function requireFinite(fn: string, argument: string, tensor: CheckedValues): void {
  const { data } = tensor;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InputError(fn, argument, 'finite numbers', describeValue(data[i]), unravelIndex(i, tensor.shape));
    }
  }
}

/**
 * Checks a tensor's shape against named dimensions, binding each name on first sight so that
 * several arguments can share a dimension: `requireShape('qfl', 'pred', pred, ['n', 'C'], dims)`.
 * A number in the pattern is a fixed extent.
 */
export function requireShape(
  fn: string,
  argument: string,
  tensor: Tensor | TensorF32,
  pattern: readonly (string | number)[],
  dims: Map<string, number> = new Map(),
): Map<string, number> {
  const expected = `of shape (${pattern.map((p) => (typeof p === 'string' && dims.has(p) ? `${p}=${dims.get(p)}` : p)).join(', ')})`;
  const found = `of shape (${tensor.shape.join(', ')})`;
  if (tensor.shape.length !== pattern.length) throw new InputError(fn, argument, expected, found);
  pattern.forEach((dim, axis) => {
    const extent = tensor.shape[axis];
    if (typeof dim === 'number') {
      if (extent !== dim) throw new InputError(fn, argument, expected, found);
    } else if (dims.has(dim)) {
      if (dims.get(dim) !== extent) throw new InputError(fn, argument, expected, found);
    } else {
      dims.set(dim, extent);
    }
  });
  return dims;
}

/** Checks that every element is an integer in [low, high], e.g. class labels. */
export function requireIntegers(fn: string, argument: string, tensor: CheckedValues, low: number, high: number): void {
  const { data } = tensor;
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (!Number.isInteger(value) || value < low || value > high) {
      throw new InputError(fn, argument, `integers in [${low}, ${high}]`, describeValue(value), unravelIndex(i, tensor.shape));
    }
  }
}

/** Checks a scalar option: finite and within [low, high]. */
export function requireNumberInRange(fn: string, argument: string, value: number, low: number, high: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < low || value > high) {
    const range = `${low === -Infinity ? '(-∞' : `[${low}`}, ${high === Infinity ? '∞)' : `${high}]`}`;
    throw new InputError(fn, argument, `a finite number in ${range}`, describeValue(value));
  }
}

/** Checks that every element is a finite number in [low, high], e.g. probabilities or soft targets. */
export function requireInRange(fn: string, argument: string, tensor: CheckedValues, low: number, high: number): void {
  const { data } = tensor;
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    // Written so that NaN fails the test too.
    if (!(value >= low && value <= high)) {
      throw new InputError(fn, argument, `finite numbers in [${low}, ${high}]`, describeValue(value), unravelIndex(i, tensor.shape));
    }
  }
}

/**
 * A float32 export's array with its shape, for the opt-in float32 mode of the embedding losses
 * (`precision: 'float32'`): they read it in place, with no float64 copy. Everywhere else the core
 * works on `Tensor`.
 */
export interface TensorF32 {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}
