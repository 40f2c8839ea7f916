import type { MathJsInstance } from 'mathjs';

/**
 * The one guard on what a cell allocates. Every array, matrix, string and typed array a cell makes
 * passes `AllocationGuard.check`, whichever function or method makes it:
 *
 * - every function a cell can call (the expression namespace, `math.expression.mathWithTransform`,
 *   enumerated at run time, so a function a new mathjs adds is guarded without being named here)
 *   is wrapped once: its result is counted before the cell sees it;
 * - the matrix methods a cell can call (`x.resize`, `x.reshape`, `x.subset`, `x.set`) and the
 *   assignment into an index (`x[i, j] = v`, which calls `subset` from inside mathjs) are guarded on
 *   the matrix classes of this instance;
 * - a size a function is asked for (`zeros(n, m)`, `range("1:1e9")`, `kron(a, b)`) is checked
 *   *before* the call, by `demandOf`: counting afterwards would be too late for a request that
 *   aborts Node or exhausts the heap while it is being built. Sizes are read whatever their type
 *   (number, BigNumber, Fraction, numeric string, array or matrix of them).
 *
 * - a call that builds its result out of callbacks' results (`map`, `mapSlices`/`apply`,
 *   `matrixFromFunction`) keeps a running total of what the callbacks have returned so far and is
 *   refused as soon as that total passes the cap (`Gathering`): counting the finished result would
 *   come after the memory was spent. Only what the callbacks *return* counts, not what they
 *   allocate on the way: `map(ones(1000), f(x) = sum(zeros(1e6)))` creates 10⁹ elements in
 *   temporaries but holds 1000, and is fine. A temporary is told from a result by its use: a value
 *   a call in the callback made and another call then took as an argument is no longer counted.
 *
 * A value's cost is not only its element count: `zeros(1e12, 0)` holds no element but 10¹² empty
 * rows, and `zeros(0, 1e12)` becomes them on a transpose. So a shape costs the largest of its element
 * count, its row count at every depth, and its longest extent (`shapeCost`).
 */

export class ElementCapError extends Error {
  override readonly name = 'ElementCapError';

  /** The function refused (`map`), when it was a call: the session points the error at it. */
  readonly fn: string | undefined;

  constructor(message: string, what?: string) {
    super(message);
    this.fn = what === undefined ? undefined : /^(\w+)\(/.exec(what)?.[1];
  }
}

/** Dimensions beyond this are refused: mathjs walks a shape recursively, one stack frame per axis. */
export const MAX_RANK = 64;

/** A size argument as a number: numbers, BigNumbers, Fractions, numeric strings, booleans; NaN otherwise. */
export function sizeNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? Number.NaN : Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value !== null && typeof value === 'object') {
    const numeric = value as { toNumber?: () => unknown; valueOf?: () => unknown };
    if (typeof numeric.toNumber === 'function') return Number(numeric.toNumber());
    if (isMatrix(value)) return Number.NaN;
    const primitive = numeric.valueOf?.();
    if (typeof primitive === 'number') return primitive;
  }
  return Number.NaN;
}

interface MatrixShape {
  size(): number[];
}

function isMatrix(value: unknown): value is MatrixShape & { valueOf(): unknown } {
  return value !== null && typeof value === 'object' && (value as { isMatrix?: unknown }).isMatrix === true && typeof (value as MatrixShape).size === 'function';
}

/**
 * The extents of an argument that is an array or matrix, NaN where an entry is no number; undefined
 * for any other argument. Where mathjs reads an array as a size it loops over the extents it can
 * compare before it checks the others (`randomInt([Infinity, "ab"])` builds rows without end), so a
 * demand is priced from these, with a junk extent counted as 0 by `shapeCost`.
 */
export function sizeExtents(value: unknown): number[] | undefined {
  const items = isMatrix(value) ? value.valueOf() : value;
  if (!Array.isArray(items)) return undefined;
  if (items.length > MAX_RANK) return [Number.POSITIVE_INFINITY];
  return items.map(sizeNumber);
}

/** A size argument's extents (`[2, 3]`, a matrix of them, or numbers given one by one); undefined when it is none. */
export function sizeList(value: unknown): number[] | undefined {
  const extents = sizeExtents(value);
  return extents?.every((extent) => !Number.isNaN(extent)) === true ? extents : undefined;
}

/**
 * What a shape costs to build as nested arrays: its element count, its number of rows at every
 * depth (`[1e12, 0]` is 10¹² empty rows), and its longest extent (`[0, 1e12]` transposes into
 * those rows). Negative or fractional extents count as their magnitude, rounded up; mathjs rejects
 * them itself afterwards.
 */
export function shapeCost(shape: readonly number[]): number {
  if (shape.length > MAX_RANK) return Number.POSITIVE_INFINITY;
  let product = 1;
  let cost = 0;
  for (const raw of shape) {
    const extent = Number.isNaN(raw) ? 0 : Math.ceil(Math.abs(raw));
    if (extent > cost) cost = extent;
    product *= extent;
    if (product > cost) cost = product;
  }
  return cost;
}

/** The shape of an argument that is an array, a matrix or a string; undefined for scalars. */
function shapeOf(value: unknown): number[] | undefined {
  if (isMatrix(value)) return value.size();
  if (typeof value === 'string') return [value.length];
  if (Array.isArray(value)) {
    const shape: number[] = [];
    let level: unknown = value;
    while (Array.isArray(level) && shape.length <= MAX_RANK) {
      shape.push(level.length);
      level = level[0];
    }
    return shape;
  }
  return undefined;
}

const countOf = (value: unknown): number => {
  const shape = shapeOf(value);
  return shape === undefined ? 1 : shape.reduce((a, b) => a * b, 1);
};

/** The shape two or more shapes broadcast to (aligned at their last axes), as mathjs's elementwise functions do. */
function broadcastShape(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((shape) => shape.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const at = rank - shape.length + i;
      out[at] = Math.max(out[at], shape[i]);
    }
  }
  return out;
}

/** The element count of `range(...)`'s arguments: a string "a:b" / "a:b:step", or numbers (a cell's ranges include their end). */
function rangeDemand(args: readonly unknown[]): number {
  let parts: number[];
  if (typeof args[0] === 'string' && args[0].includes(':')) {
    parts = args[0].split(':').map(sizeNumber);
    if (parts.length === 2) parts = [parts[0], parts[1], 1];
  } else {
    parts = args.slice(0, 3).filter((arg) => typeof arg !== 'boolean').map(sizeNumber);
    if (parts.length === 2) parts.push(1);
  }
  if (parts.length !== 3) return 0;
  // mathjs reads an empty string as 0 (`range("", 1e9)`, or `det("") : 1e9`, since det("") is ""),
  // so an unreadable bound is priced as 0 and an unreadable step as 1, never as no demand.
  const [start, end, step] = parts.map((part, i) => (Number.isNaN(part) ? (i === 2 ? 1 : 0) : part));
  if (step === 0) return 0;
  const span = (end - start) / step;
  return span >= 0 ? Math.floor(span) + 1 : 0;
}

/** The sizes a call like `zeros(2, 3)`, `zeros([2, 3])` or `zeros(bignumber(2), "3")` asks for. */
function dimensionsDemand(args: readonly unknown[]): number {
  const fromList = args.length >= 1 ? sizeExtents(args[0]) : undefined;
  if (fromList !== undefined) return shapeCost(fromList);
  // A trailing storage format ('dense', 'sparse') or datatype is no size.
  const extents = args.map(sizeNumber).filter((extent) => !Number.isNaN(extent));
  return shapeCost(extents);
}

type Demand = (args: readonly unknown[]) => number | undefined;

/**
 * The functions whose result size is set by the *values* of their arguments, or by a product of
 * their arguments' sizes, so that it must be known before they run. Every other function's result
 * is bounded by its arguments' sizes and is counted after it returns; when two or more of its
 * arguments are arrays, it is checked first against the shape they broadcast to (elementwise
 * functions broadcast `[n, 1]` with `[1, n]` into `[n, n]`).
 */
const DEMANDS: ReadonlyMap<string, Demand> = new Map<string, Demand>([
  ['zeros', dimensionsDemand],
  ['ones', dimensionsDemand],
  ['identity', dimensionsDemand],
  ['range', rangeDemand],
  ['random', (args) => (sizeExtents(args[0]) === undefined ? 1 : dimensionsDemand(args))],
  ['randomInt', (args) => (sizeExtents(args[0]) === undefined ? 1 : dimensionsDemand(args))],
  ['pickRandom', (args) => {
    const option = args[1] !== null && typeof args[1] === 'object' && !isMatrix(args[1]) ? (args[1] as { number?: unknown }).number : args[1];
    return option === undefined ? 1 : shapeCost([sizeNumber(option)]);
  }],
  ['resize', (args) => shapeCost(sizeExtents(args[1]) ?? [])],
  ['reshape', (args) => shapeCost((sizeExtents(args[1]) ?? []).filter((extent) => extent !== -1))],
  ['matrixFromFunction', (args) => shapeCost(sizeExtents(args[0]) ?? [])],
  ['sparse', (args) => shapeCost(sizeExtents(args[0]) ?? [])],
  ['kron', (args) => countOf(args[0]) * countOf(args[1])],
  ['diag', (args) => {
    const shape = shapeOf(args[0]);
    const offset = Math.abs(sizeNumber(args[1]));
    const n = shape?.length === 1 ? shape[0] + (Number.isNaN(offset) ? 0 : offset) : 0;
    return n * n;
  }],
  ['multiply', (args) => {
    // A matrix product keeps the first factor's rows and the last one's columns: [n, 1] × [1, n] is [n, n].
    let demand = 0;
    for (let i = 0; i + 1 < args.length; i++) {
      const a = shapeOf(args[i]);
      const b = shapeOf(args[i + 1]);
      if (a === undefined || b === undefined) demand = Math.max(demand, countOf(args[i]), countOf(args[i + 1]));
      else demand = Math.max(demand, (a.length === 2 ? a[0] : 1) * (b.length === 2 ? b[1] : 1));
    }
    return demand;
  }],
  ['setCartesian', (args) => 2 * countOf(args[0]) * countOf(args[1])],
  ['setPowerset', (args) => {
    const n = countOf(args[0]);
    return n >= 1024 ? Number.POSITIVE_INFINITY : 2 ** n * Math.max(1, n / 2);
  }],
  ['freqz', (args) => (args.length >= 3 && typeof args[2] === 'number' ? shapeCost([args[2]]) : undefined)],
  // quantileSeq(data, n) with a whole n > 1 returns n − 1 quantiles; nthRoots(x, n) returns n roots.
  ['quantileSeq', (args) => (typeof args[1] === 'number' && Number.isInteger(args[1]) && args[1] > 1 ? shapeCost([args[1]]) : undefined)],
  ['nthRoots', (args) => (args.length >= 2 ? shapeCost([sizeNumber(args[1])]) : undefined)],
  ['format', (args) => stringDemand(args)],
  ['string', (args) => stringDemand(args)],
]);

/** Functions whose arguments are matrices combined otherwise than elementwise: no broadcast look-ahead. */
const NOT_BROADCASTING: ReadonlySet<string> = new Set(['concat', 'subset', 'lusolve', 'lsolve', 'usolve', 'lsolveAll', 'usolveAll', 'dot', 'cross', 'distance', 'intersect', 'matrixFromRows', 'matrixFromColumns', 'multiply', 'kron', 'reshape', 'resize', 'squeeze', 'solveODE', 'freqz', 'zpk2tf', 'polynomialRoot']);

/**
 * The length of the text format/string would write: mathjs pads a number to its precision digit by
 * digit (`format(0, 1e12)` builds 10¹² zeros), and a BigNumber in fixed notation has as many
 * digits as its exponent (10^1e9 is 10⁹ digits).
 */
function stringDemand(args: readonly unknown[]): number | undefined {
  const options = args[1] as { precision?: unknown } | number | undefined;
  const raw = typeof options === 'object' && options !== null && !isMatrix(options) ? sizeNumber(options.precision) : sizeNumber(options);
  const precision = Number.isNaN(raw) ? 0 : Math.abs(raw);
  const value = args[0] as { isBigNumber?: unknown; e?: unknown } | null;
  const exponent = value !== null && typeof value === 'object' && value.isBigNumber === true && typeof value.e === 'number' ? Math.abs(value.e) : 0;
  return exponent + precision === 0 ? undefined : exponent + precision;
}

/** The look-ahead for one call: its declared demand, else the broadcast shape of its array arguments. */
export function demandOf(name: string, args: readonly unknown[]): number {
  const declared = DEMANDS.get(name)?.(args);
  if (declared !== undefined) return declared;
  if (NOT_BROADCASTING.has(name)) return 0;
  const shapes: number[][] = [];
  for (const arg of args) {
    const shape = isMatrix(arg) || Array.isArray(arg) ? shapeOf(arg) : undefined;
    if (shape !== undefined) shapes.push(shape);
  }
  return shapes.length >= 2 ? shapeCost(broadcastShape(shapes)) : 0;
}

/**
 * The cost of a value a cell made: a matrix's shape (and, when it holds matrices or lists, theirs),
 * an array's length and items (holes included: `a.length = 1e9` costs 10⁹), a string's length, a
 * typed array's length, an object's fields. Each object is counted once (cycles end), the walk
 * stops as soon as the count passes `stopAbove`, and nesting deeper than `maxDepth` costs the cap.
 */
export function costOf(value: unknown, stopAbove: number, maxDepth = MAX_RANK): number {
  const seen = new Set<object>();
  let total = 0;
  const visit = (item: unknown, depth: number): void => {
    if (total > stopAbove) return;
    if (typeof item === 'string') {
      total += item.length;
      return;
    }
    if (item === null || typeof item !== 'object') {
      total += 1;
      return;
    }
    if (isScalarObject(item)) {
      total += 1;
      return;
    }
    if (seen.has(item)) return;
    seen.add(item);
    if (depth > maxDepth) {
      total += stopAbove + 1;
      return;
    }
    if (ArrayBuffer.isView(item)) {
      total += (item as unknown as { length?: number }).length ?? item.byteLength;
      return;
    }
    if (isMatrix(item)) {
      total += shapeCost(item.size());
      // A matrix of numbers is counted by its shape alone; one whose first item is a container
      // (a `map` whose callback returned matrices, a list of tensors) is walked.
      const data = (item as { _data?: unknown })._data;
      if (Array.isArray(data) && containsContainers(data)) visit(data, depth + 1);
      return;
    }
    if (Array.isArray(item)) {
      total += item.length;
      for (let i = 0; i < item.length && total <= stopAbove; i++) {
        const element = item[i] as unknown;
        if (element !== null && (typeof element === 'object' || typeof element === 'string')) visit(element, depth + 1);
      }
      return;
    }
    for (const key of Object.keys(item)) {
      if (total > stopAbove) return;
      total += 1;
      visit((item as Record<string, unknown>)[key], depth + 1);
    }
  };
  visit(value, 0);
  return total;
}

/** Whether the first leaf of nested arrays is a container (an object, a string) rather than a number. */
function containsContainers(data: readonly unknown[]): boolean {
  let level: unknown = data;
  while (Array.isArray(level)) {
    if (level.length === 0) return false;
    level = level[0];
  }
  return level !== null && ((typeof level === 'object' && !isScalarObject(level)) || typeof level === 'string');
}

/** mathjs's scalar types (BigNumber, Complex, Fraction, Unit): one element each, whatever their fields. */
function isScalarObject(value: object): boolean {
  const flags = value as { isBigNumber?: unknown; isComplex?: unknown; isFraction?: unknown; isUnit?: unknown };
  return flags.isBigNumber === true || flags.isComplex === true || flags.isFraction === true || flags.isUnit === true;
}

type Fn = (...args: unknown[]) => unknown;

/** The functions whose result is built from their callbacks' results, one per element or slice. */
const GATHERING: ReadonlySet<string> = new Set(['map', 'mapSlices', 'apply', 'matrixFromFunction']);

/**
 * One running call of a GATHERING function: what the calls made directly by its callbacks (the calls
 * one level below it) returned and nothing has taken as an argument since, by object, and their total.
 * Numbers are not counted: the result's own shape counts them once it is built.
 */
interface Gathering {
  readonly what: string;
  /** The guarded-call depth of the gathering call itself. */
  readonly depth: number;
  total: number;
  readonly held: Map<unknown, number>;
}

/** Counts and refuses, against one cap; shared by the function wrappers and the matrix methods. */
export class AllocationGuard {
  /** How many guarded calls are running, one inside another (a callback's calls are inside its `map`). */
  private depth = 0;
  private readonly gatherings: Gathering[] = [];

  constructor(readonly cap: number) {}

  /** The gathering whose callbacks make the call now starting at `depth`, if any. */
  private gatheringAbove(depth: number): Gathering | undefined {
    const top = this.gatherings[this.gatherings.length - 1];
    return top !== undefined && top.depth === depth - 1 ? top : undefined;
  }

  /**
   * Values a call, an index (`zeros(n)[1]`) or a method made directly in a callback takes are
   * temporaries: their cost leaves the running total of the gathering call above, if any.
   */
  release(args: readonly unknown[]): void {
    const gathering = this.gatheringAbove(this.depth + 1);
    if (gathering === undefined || gathering.held.size === 0) return;
    for (const arg of args) {
      const cost = gathering.held.get(arg);
      if (cost === undefined) continue;
      gathering.total -= cost;
      gathering.held.delete(arg);
    }
  }

  /** Adds what a callback's call returned to the running total; throws once it passes the cap. */
  private hold(gathering: Gathering, value: unknown): void {
    if (value === null || (typeof value !== 'object' && typeof value !== 'string')) return;
    if (gathering.held.has(value)) return;
    const cost = costOf(value, this.cap);
    gathering.total += cost;
    gathering.held.set(value, cost);
    if (gathering.total <= this.cap) return;
    this.refuse(
      `${gathering.what}'s callbacks have returned ${gathering.total.toLocaleString('en-US')} elements so far, more than the cap of ${this.cap.toLocaleString('en-US')} (setting losslab.kernel.elementCap); reduce inside the callback (sum, mean) or map fewer elements`,
      gathering.what,
    );
  }

  /** Runs one guarded call: the look-ahead, the call (a gathering one keeps its running total), the count of its result. */
  call(name: string, what: string, fn: Fn, self: unknown, args: unknown[], lookAhead: boolean): unknown {
    if (lookAhead) this.demand(what, demandOf(name, args));
    this.release(args);
    const depth = ++this.depth;
    try {
      const above = this.gatheringAbove(depth);
      const gathers = GATHERING.has(name);
      if (gathers) this.gatherings.push({ what, depth, total: 0, held: new Map() });
      let result: unknown;
      try {
        result = fn.apply(self, args);
      } finally {
        if (gathers) this.gatherings.pop();
      }
      this.check(what, result);
      if (above !== undefined) this.hold(above, result);
      return result;
    } finally {
      this.depth = depth - 1;
    }
  }

  /** Throws before an allocation of `count` when it passes the cap; `what` names the call. */
  demand(what: string, count: number): void {
    if (count <= this.cap) return;
    const shown = Number.isFinite(count) ? count.toLocaleString('en-US') : 'unboundedly many';
    this.refuse(`${what} would hold ${shown} elements, more than the cap of ${this.cap.toLocaleString('en-US')} (setting losslab.kernel.elementCap)`, what);
  }

  /**
   * The last refusal, once: mathjs rethrows an error from inside a callback as a TypeError of its
   * own ("Function map cannot apply callback arguments…"), so the session asks for the original.
   */
  takeRefusal(): ElementCapError | undefined {
    const refusal = this.refusal;
    this.refusal = undefined;
    return refusal;
  }

  private refusal: ElementCapError | undefined;

  private refuse(message: string, what: string): never {
    this.refusal = new ElementCapError(message, what);
    throw this.refusal;
  }

  /** Throws when a value a cell made passes the cap; returns the value. */
  check<T>(what: string, value: T): T {
    if (value === null || (typeof value !== 'object' && typeof value !== 'string')) return value;
    this.demand(what, costOf(value, this.cap));
    return value;
  }

  /**
   * `fn` with the look-ahead before (unless `lookAhead` is false) and the count after; same own
   * properties (signatures, rawArgs, transform).
   */
  wrap(name: string, fn: Fn, lookAhead = true): Fn {
    const what = `${name}(…)`;
    const guarded = function (this: unknown, ...args: unknown[]): unknown {
      // A rawArgs function (map, filter, forEach in an expression) is given syntax nodes, not values.
      return guard.call(name, what, fn, this, args, lookAhead && !raw);
    };
    const guard = this;
    const raw = (fn as { rawArgs?: unknown }).rawArgs === true;
    const descriptors = Object.getOwnPropertyDescriptors(fn) as Record<string, PropertyDescriptor>;
    delete descriptors.name;
    delete descriptors.length;
    delete descriptors.prototype;
    return Object.defineProperties(guarded, descriptors);
  }
}

interface Internals {
  subset: Fn;
  expression: { mathWithTransform: Record<string, unknown>; transform: Record<string, unknown> };
  DenseMatrix: { prototype: Record<string, unknown> };
  SparseMatrix: { prototype: Record<string, unknown> };
}

/**
 * Guards the instance's own `subset`, which index assignment calls from inside mathjs (into a
 * string, `s[1e9] = "x"`). It must run before the parser is first created: the parser's
 * assignment captures `subset` then. The transform (one-based indexes in cells) is kept.
 */
export function guardSubset(math: MathJsInstance, importFunctions: (functions: Record<string, unknown>) => void, guard: AllocationGuard): void {
  const internals = math as unknown as Internals;
  const transform = internals.expression.transform.subset;
  importFunctions({ subset: Object.assign(guardedTyped(math, 'subset', internals.subset, guard) as object, transform === undefined ? {} : { transform }) });
}

/**
 * Installs the guard on every function of a sandboxed instance's expression namespace and on its
 * matrix methods. Call it after the host imported its own functions, and name them in
 * `ownFunctions`: their results are counted, but their array arguments are not broadcast against
 * one another beforehand, since a loss reads (n, C) scores beside (n) labels without combining
 * them elementwise.
 */
export function installAllocationGuard(math: MathJsInstance, guard: AllocationGuard, ownFunctions: ReadonlySet<string> = new Set()): void {
  const internals = math as unknown as Internals;
  const namespace = internals.expression.mathWithTransform;
  for (const name of Object.keys(namespace)) {
    const fn = namespace[name];
    if (typeof fn === 'function') namespace[name] = guard.wrap(name, fn as Fn, !ownFunctions.has(name));
  }
  for (const matrixClass of [internals.DenseMatrix, internals.SparseMatrix]) guardMatrixMethods(matrixClass.prototype, guard);
}

/** A typed function with each signature guarded, for the one function mathjs calls from inside (subset). */
function guardedTyped(math: MathJsInstance, name: string, fn: Fn, guard: AllocationGuard): unknown {
  const typed = math.typed as unknown as (name: string, signatures: Record<string, Fn>) => unknown;
  const signatures: Record<string, Fn> = {};
  for (const [signature, body] of Object.entries((fn as unknown as { signatures: Record<string, Fn> }).signatures)) {
    signatures[signature] = (...args: unknown[]) => {
      guard.release(args);
      if (args.length >= 3) guard.demand(`${name}(…)`, assignedCost(shapeOf(args[0]) ?? [], args[1]));
      return guard.check(`${name}(…)`, body(...args));
    };
  }
  return typed(name, signatures);
}

/** The shape after assigning at `index` (a mathjs Index or a list of positions): it grows to hold the index's largest position. */
function assignedCost(size: readonly number[], index: unknown): number {
  const maxima = (index as { max?: () => unknown } | null)?.max?.();
  const positions = Array.isArray(maxima) ? maxima.map(sizeNumber) : sizeList(index);
  if (positions === undefined) return 0;
  const shape = Array.from({ length: Math.max(size.length, positions.length) }, (_, axis) => Math.max(size[axis] ?? 1, (positions[axis] ?? 0) + 1));
  return shapeCost(shape);
}

/** The methods of a matrix class a cell can call that grow a matrix in place, guarded; toJSON returns a copy. */
function guardMatrixMethods(prototype: Record<string, unknown>, guard: AllocationGuard): void {
  const methods: Record<string, (self: MatrixShape, args: unknown[]) => number> = {
    resize: (_self, args) => shapeCost(sizeExtents(args[0]) ?? []),
    reshape: (_self, args) => shapeCost((sizeExtents(args[0]) ?? []).filter((extent) => extent !== -1)),
    subset: (self, args) => (args.length >= 2 && args[1] !== undefined ? assignedCost(self.size(), args[0]) : 0),
    set: (self, args) => assignedCost(self.size(), args[0]),
  };
  for (const [method, cost] of Object.entries(methods)) {
    const original = prototype[method];
    if (typeof original !== 'function') continue;
    prototype[method] = function (this: MatrixShape, ...args: unknown[]): unknown {
      guard.release([this, ...args]);
      guard.demand(`.${method}(…)`, cost(this, args));
      return guard.check(`.${method}(…)`, (original as Fn).apply(this, args));
    };
  }
  // A matrix's toJSON hands out its own data and size arrays: a cell that changed them would leave
  // a matrix whose size disagrees with its data, and later arithmetic would fail obscurely.
  const toJSON = prototype.toJSON;
  if (typeof toJSON === 'function') {
    prototype.toJSON = function (this: unknown): unknown {
      return structuredCloneJson((toJSON as Fn).apply(this));
    };
  }
}

/** A deep copy of plain JSON-like data (arrays, plain objects, primitives); anything else is kept as is. */
function structuredCloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structuredCloneJson);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = structuredCloneJson(item);
    return copy;
  }
  return value;
}
