import type { MathJsInstance } from 'mathjs';
import { isTensor, toNested, toTensor, type NestedArray, type Tensor } from '../tensor';
import { formatNumber } from '../numberFormat';

/**
 * Conversions between the language's values (numbers, mathjs matrices, nested arrays, plain
 * objects) and the core's tensors, and the summaries a cell's output and a hover show.
 */

interface MatrixLike {
  toArray(): unknown;
  size(): number[];
}

export function isMatrixLike(value: unknown): value is MatrixLike & object {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as MatrixLike).toArray === 'function' &&
    typeof (value as MatrixLike).size === 'function'
  );
}

/**
 * The tensor each backed matrix was made from (backedMatrix), and whether the matrix's nested
 * arrays exist yet. A loaded export and a loss's results are ordinary mathjs matrices, so every
 * mathjs function takes them, and a loss reads the tensor behind them instead of converting nested
 * arrays back (which cost a re-run cell more than the loss itself).
 */
interface Backing {
  readonly tensor: Tensor;
  /** Whether the nested arrays were made (or replaced): only then can a cell have changed the values. */
  made: boolean;
}

const backing = new WeakMap<object, Backing>();

/**
 * A tensor as a mathjs matrix that keeps the tensor and makes its nested arrays only when mathjs
 * first reads them (its `_data`, which every DenseMatrix method and mathjs function goes through).
 * A matrix that no mathjs function has touched, such as the `per_element` of a loss a cell re-runs
 * or an export passed from loss to loss, then costs no nested arrays and no check.
 * The matrix takes the tensor over: nothing may write the tensor afterwards (it is a loss's fresh
 * result or a loaded file's array). A scalar is a number, and an empty tensor goes through
 * `math.matrix`, which gives it the size mathjs gives an empty array.
 */
export function backedMatrix(math: MathJsInstance, tensor: Tensor): unknown {
  if (tensor.shape.length === 0) return tensor.data[0];
  if (tensor.data.length === 0) return math.matrix(toNested(tensor) as number[]);
  const { DenseMatrix } = math as unknown as { DenseMatrix: new () => { _size: number[] } };
  const matrix = new DenseMatrix();
  matrix._size = [...tensor.shape];
  const state: Backing = { tensor, made: false };
  let nested: unknown[] | undefined;
  Object.defineProperty(matrix, '_data', {
    configurable: true,
    enumerable: true,
    get: () => {
      if (nested === undefined) nested = toNested(tensor) as unknown[];
      state.made = true;
      return nested;
    },
    set: (value: unknown[]) => {
      nested = value;
      state.made = true;
    },
  });
  backing.set(matrix, state);
  return matrix;
}

/**
 * The tensor behind a backed matrix while the matrix still holds the same values. Until its nested
 * arrays are made they cannot have been changed, so only the size is compared. After that a cell
 * can change the matrix in place (`pred[1, 1] = 0` assigns into it), so the values are compared,
 * which costs a read of the nested arrays and no allocation. A changed matrix loses its backing.
 */
function backingOf(matrix: MatrixLike & object): Tensor | undefined {
  const state = backing.get(matrix);
  if (state === undefined) return undefined;
  const { tensor } = state;
  const size = matrix.size();
  if (size.length === tensor.shape.length && size.every((extent, axis) => extent === tensor.shape[axis])) {
    if (!state.made) return tensor;
    const own: unknown = matrix.valueOf();
    if (Array.isArray(own) && holdsValues(own, tensor, 0, 0) >= 0) return tensor;
  }
  backing.delete(matrix);
  return undefined;
}

/** Compares nested rows with `tensor.data` from `offset`: the offset after them, or −1 at the first difference (NaN equals NaN). */
function holdsValues(rows: readonly unknown[], tensor: Tensor, depth: number, offset: number): number {
  const data = tensor.data;
  if (depth === tensor.shape.length - 1) {
    for (let i = 0; i < rows.length; i++) {
      const value = rows[i];
      const expected = data[offset + i];
      if (value !== expected && !(value !== value && expected !== expected)) return -1;
    }
    return offset + rows.length;
  }
  let next = offset;
  for (const row of rows) {
    if (!Array.isArray(row)) return -1;
    next = holdsValues(row, tensor, depth + 1, next);
    if (next < 0) return -1;
  }
  return next;
}

/** Reads a language value as a tensor for the core (`fn` and `argument` name it in errors). */
export function valueToTensor(fn: string, argument: string, value: unknown): Tensor {
  if (isTensor(value)) return value;
  if (isMatrixLike(value)) {
    const backed = backingOf(value);
    if (backed !== undefined) return backed;
    const size = value.size();
    if (size.some((extent) => extent === 0)) return { shape: size, data: new Float64Array(0) };
    // A dense matrix's valueOf is its own nested array, read here without the copy toArray makes.
    const own: unknown = value.valueOf();
    return toTensor(fn, argument, Array.isArray(own) ? own : value.toArray());
  }
  return toTensor(fn, argument, value);
}

/**
 * A list of values of any kind (matrices, numbers, strings, objects) as a one-dimensional mathjs
 * matrix whose elements are those values, so that a cell indexes it as any vector: `list[1]` is the
 * first item, `list[end]` the last, `size(list)` the length. math.matrix would merge matrix items
 * into one array (and fail on items of different shapes), so the matrix is assembled directly.
 */
export function listMatrix(math: MathJsInstance, items: readonly unknown[]): unknown {
  const { DenseMatrix } = math as unknown as { DenseMatrix: new () => { _data: unknown[]; _size: number[] } };
  const matrix = new DenseMatrix();
  matrix._data = [...items];
  matrix._size = [items.length];
  return matrix;
}

/** A tensor as a language value: a number for a scalar, else nested arrays (wrapped by the caller). */
export function tensorToValue(tensor: Tensor): NestedArray {
  return toNested(tensor);
}

export interface ValueSummary {
  readonly kind: 'number' | 'tensor' | 'boolean' | 'string' | 'object' | 'function' | 'empty';
  readonly shape?: readonly number[];
  readonly dtype?: string;
  readonly min?: number;
  readonly mean?: number;
  readonly max?: number;
  readonly nanCount?: number;
  /** A short rendering: the number, the first elements, or the object's keys. */
  readonly preview: string;
}

const format = formatNumber;
/** How summaries print a number (formatNumber), for views that list them. */
export { format as formatSummaryNumber };

/**
 * A tensor of at most this many elements (and at most 2 dimensions) prints as its values, like
 * `[2, 3]` for `size(x)`: statistics of a handful of numbers say less than the numbers. It is also
 * the preview's length, so such a preview is the whole tensor.
 */
export const PLAIN_TENSOR_LIMIT = 6;

function previewTensor(tensor: Tensor, limit = PLAIN_TENSOR_LIMIT): string {
  const { shape, data } = tensor;
  if (shape.length <= 1) {
    const head = Array.from(data.subarray(0, limit), format).join(', ');
    return `[${head}${data.length > limit ? ', …' : ''}]`;
  }
  const rowLength = data.length / shape[0];
  const rows: string[] = [];
  // A tensor small enough to print plainly shows every row, a larger one its first three.
  // A zero-size tensor with many rows, (10**8, 0), is not small: it too shows three rows.
  const shownRows = data.length <= limit && shape[0] <= limit ? shape[0] : Math.min(shape[0], 3);
  for (let r = 0; r < shownRows; r++) {
    const row = data.subarray(r * rowLength, r * rowLength + Math.min(rowLength, limit));
    rows.push(`[${Array.from(row, format).join(', ')}${rowLength > limit ? ', …' : ''}]`);
  }
  return `[${rows.join(', ')}${shape[0] > shownRows ? ', …' : ''}]`;
}

export function summarizeTensor(tensor: Tensor, dtype = 'float64'): ValueSummary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  let nanCount = 0;
  for (const x of tensor.data) {
    if (Number.isNaN(x)) {
      nanCount++;
      continue;
    }
    if (x < min) min = x;
    if (x > max) max = x;
    if (Number.isFinite(x)) {
      sum += x;
      finite++;
    }
  }
  const empty = tensor.data.length === 0;
  return {
    kind: 'tensor',
    shape: tensor.shape,
    dtype,
    ...(empty ? {} : { min, max, mean: finite > 0 ? sum / finite : Number.NaN }),
    nanCount,
    preview: previewTensor(tensor),
  };
}

export function summarizeValue(value: unknown): ValueSummary {
  if (value === undefined || value === null) return { kind: 'empty', preview: '(nothing)' };
  if (typeof value === 'number') return { kind: 'number', preview: format(value) };
  if (typeof value === 'boolean') return { kind: 'boolean', preview: String(value) };
  if (typeof value === 'string') return { kind: 'string', preview: JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value) };
  if (typeof value === 'bigint') return { kind: 'number', preview: `${value}n` };
  if (typeof value === 'function') {
    const syntax = (value as { syntax?: unknown }).syntax;
    return { kind: 'function', preview: typeof syntax === 'string' ? syntax : 'a function' };
  }
  if (isTensor(value) || isMatrixLike(value) || Array.isArray(value)) {
    try {
      return summarizeTensor(valueToTensor('summary', 'value', value));
    } catch {
      // A list of other values (listMatrix: a loaded torch.save list of tensors) shows its items.
      const items = isMatrixLike(value) && value.size().length === 1 ? (value.valueOf() as unknown[]) : undefined;
      if (!Array.isArray(items)) return { kind: 'object', preview: 'a non-numeric array' };
      return { kind: 'object', preview: `[${items.slice(0, 10).map(briefly).join(', ')}${items.length > 10 ? ', …' : ''}]` };
    }
  }
  const entries = Object.entries(value as object);
  const fields = entries.slice(0, 10).map(([key, item]) => `${key}: ${briefly(item)}`);
  return { kind: 'object', preview: `{${fields.join(', ')}${entries.length > 10 ? ', …' : ''}}` };
}

/** A value inside an object's or a list's summary: a tensor by its shape, a container as {…}. */
function briefly(item: unknown): string {
  // A plain object is not summarized: it may contain itself, or nest 100,000 levels deep.
  if (item !== null && typeof item === 'object' && !isTensor(item) && !isMatrixLike(item) && !Array.isArray(item)) return '{…}';
  if (Array.isArray(item) && !item.every((element) => typeof element === 'number')) return '[…]';
  const inner = summarizeValue(item);
  if (inner.kind === 'tensor') return `(${(inner.shape ?? []).join(', ')})`;
  if (inner.kind === 'object') return '{…}';
  return inner.preview;
}

/** Whether a tensor's summary prints as its values: small, non-empty, at most a matrix. */
function isPlain(summary: ValueSummary): boolean {
  const shape = summary.shape ?? [];
  const count = shape.reduce((a, b) => a * b, 1);
  return shape.length >= 1 && shape.length <= 2 && count >= 1 && count <= PLAIN_TENSOR_LIMIT;
}

/** One line of markdown for a summary, as cell outputs and hovers show it. */
export function summaryMarkdown(summary: ValueSummary, name?: string): string {
  const label = name === undefined ? '' : `\`${name}\` = `;
  if (summary.kind !== 'tensor' || isPlain(summary)) return `${label}\`${summary.preview}\``;
  const shape = `(${(summary.shape ?? []).join(', ')})`;
  const stats =
    summary.min === undefined
      ? 'empty'
      : `min ${format(summary.min)} · mean ${format(summary.mean ?? Number.NaN)} · max ${format(summary.max ?? Number.NaN)}`;
  const nan = summary.nanCount ? ` · **${summary.nanCount} NaN**` : ' · NaN 0';
  return `${label}tensor ${shape} ${summary.dtype ?? ''} · ${stats}${nan}\n\n\`${summary.preview}\``;
}
