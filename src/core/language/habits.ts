import type { MathNode } from 'mathjs';
import { scan, type Token } from './analysis/scanner';

/**
 * What PyTorch and NumPy habits mean in a cell. A user's first hour brings `x[0, 0]`, `x ** 2`,
 * `x.shape`, `softmax(x, dim=1)`, `True`, `len(x)` and `torch.` prefixes; mathjs either rejects
 * them with a message about its own grammar ("Value expected") or, worse, reads them as something
 * else (`sum(x, dim=1)` assigns `dim` and sums over the first dimension). Each error here names
 * the LossLab way to write the same thing.
 */

/** An error for a habit found before a statement runs; `char` is 1-based, as mathjs's parse errors. */
export class HabitError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly char: number,
  ) {
    super(message);
  }
}

/** The better message for an error, and where in the statement it points (an offset), if it knows better. */
export interface Explained {
  readonly message: string;
  readonly at?: number;
}

/** A lookup table without the prototype's names (a cell may read x.constructor). */
const entries = (table: Record<string, string>): ReadonlyMap<string, string> => new Map(Object.entries(table));

/** Module prefixes a PyTorch or NumPy line carries; LossLab calls its functions by name. */
const MODULE_PREFIXES: ReadonlySet<string> = new Set(['np', 'numpy', 'torch', 'F', 'nn', 'functional', 'torchvision', 'math', 'scipy']);

/** PyTorch and NumPy functions whose LossLab spelling is not their own name. */
const RENAMED: ReadonlyMap<string, string> = entries({
  tensor: 'a matrix literal, [1, 2; 3, 4]',
  array: 'a matrix literal, [1, 2; 3, 4]',
  as_tensor: 'a matrix literal, [1, 2; 3, 4]',
  from_numpy: 'the array itself (load(…) reads .npy files)',
  matmul: 'A * B (the matrix product)',
  mm: 'A * B (the matrix product)',
  bmm: 'A * B for each matrix',
  cat: 'concat(a, b, dim), dim counted from 1',
  concatenate: 'concat(a, b, dim), dim counted from 1',
  arange: 'a:b, inclusive (np.arange(n) is 0:(n - 1))',
  linspace: 'a:step:b, inclusive',
  sigmoid_focal_loss: 'focal(pred, target, {alpha, gamma})',
  triplet_margin_loss: 'triplet(anchor, positive, negative, {margin})',
  binary_cross_entropy_with_logits: 'focal(pred, target, {alpha: -1, gamma: 0}) (BCE with logits)',
  log_softmax: 'log(softmax(z))',
  t: "x' or transpose(x)",
  item: 'the value itself: a 1 × 1 result is already a number',
  numpy: 'the value itself',
  detach: 'the value itself',
  cpu: 'the value itself',
  unsqueeze: 'reshape(x, [1, n])',
  view: 'reshape(x, [rows, cols])',
  float: 'the value itself: cells compute in float64',
});

/** Known names for `np.exp` → `exp`: mathjs's functions and constants and LossLab's, given by the session. */
export type IsFunction = (name: string) => boolean;

const quote = (text: string): string => `'${text}'`;

/** The offset of the first `name` token followed by `next` (a token text), or of `name` alone. */
function findName(tokens: readonly Token[], name: string, next?: string): number | undefined {
  const i = tokens.findIndex((t, k) => t.kind === 'name' && t.text === name && (next === undefined || tokens[k + 1]?.text === next));
  return i < 0 ? undefined : tokens[i].start;
}

/** The dotted path of an accessor chain rooted at a symbol (`torch.nn.functional.softmax`), or undefined. */
function dottedPath(node: MathNode): string[] | undefined {
  if (node.type === 'SymbolNode') return [(node as MathNode & { name: string }).name];
  if (node.type !== 'AccessorNode') return undefined;
  const { object, index } = node as MathNode & { object: MathNode; index: MathNode & { dimensions: MathNode[]; dotNotation?: boolean } };
  const key = index.dimensions.length === 1 && index.dimensions[0].type === 'ConstantNode' ? (index.dimensions[0] as MathNode & { value: unknown }).value : undefined;
  if (typeof key !== 'string' || index.dotNotation !== true) return undefined;
  const head = dottedPath(object);
  return head === undefined ? undefined : [...head, key];
}

function prefixMessage(path: readonly string[], isFunction: IsFunction, called: boolean): string {
  const name = path[path.length - 1];
  const written = `${path.join('.')}${called ? '(…)' : ''}`;
  const renamed = RENAMED.get(name);
  let way: string;
  if (renamed !== undefined) way = `write ${renamed}`;
  else if (isFunction(name)) way = `write ${name}${called ? '(…)' : ''}`;
  else if (path.length === 1) way = 'write the function by its name';
  else way = `LossLab has no ${quote(name)}; its functions (exp, sum, softmax, sigmoid, focal, …) are called by name`;
  return `${written}: cells have no module prefixes (${path[0]}.), LossLab's and mathjs's functions are called by name: ${way}`;
}

/** A keyword argument `dim=1` written the LossLab way: an option object, or mathjs's positional dimension. */
function keywordMessage(fn: string, key: string, value: MathNode, takesOptions: boolean): string {
  const raw = value.type === 'ConstantNode' ? (value as MathNode & { value: unknown }).value : undefined;
  const isDimension = key === 'dim' || key === 'axis';
  const shown = isDimension && typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? String(raw + 1) : value.toString();
  const dimensionNote = isDimension
    ? typeof raw === 'number' && raw < 0
      ? '; dimensions count from 1 (a negative dim does not count from the end: for a matrix the last dimension is 2)'
      : `; dimensions count from 1, so ${key}=${value.toString()} is ${shown}`
    : '';
  if (takesOptions) {
    return `${fn}(…, ${key}=${value.toString()}): keyword arguments are not cell syntax; options are an object, the last argument: ${fn}(…, {${isDimension ? 'dim' : key}: ${shown}})${dimensionNote}`;
  }
  return `${fn}(…, ${key}=${value.toString()}): keyword arguments are not cell syntax (it would assign ${key}); mathjs's functions take their arguments in order: ${fn}(…, ${shown})${dimensionNote}`;
}

export interface HabitContext {
  /** Whether a name is a variable or function of the notebook (then `F.x` is a field, not a module). */
  readonly isDefined: (name: string) => boolean;
  readonly isFunction: IsFunction;
  /** Whether a function takes an option object (LossLab's functions), rather than positional arguments (mathjs's). */
  readonly takesOptions: (name: string) => boolean;
}

/**
 * Throws a HabitError for what mathjs would misread rather than reject: a keyword argument inside
 * a call (an assignment there would change a variable and pass its value), and a module prefix on
 * a name no cell defined. Called on every statement's syntax tree before it runs.
 */
export function checkHabits(node: MathNode, text: string, context: HabitContext): void {
  const tokens = scan(text);
  // A function's parameter named F or nn is a value inside its body, not a module.
  const params = new Set<string>();
  node.traverse((child) => {
    if (child.type === 'FunctionAssignmentNode') for (const param of (child as MathNode & { params: string[] }).params) params.add(param);
  });
  // Prefixes first: in F.softmax(x, dim=1) the prefix comes first on the line.
  node.traverse((child) => {
    if (child.type !== 'AccessorNode') return;
    const path = dottedPath(child);
    if (path === undefined || path.length < 2 || !MODULE_PREFIXES.has(path[0]) || context.isDefined(path[0]) || params.has(path[0])) return;
    const at = findName(tokens, path[0], '.') ?? 0;
    const last = path[path.length - 1];
    const called = /^\s*\(/.test(text.slice(text.indexOf(last, at) + last.length));
    throw new HabitError('SyntaxError', prefixMessage(path, context.isFunction, called), at + 1);
  });
  node.traverse((child) => {
    if (child.type === 'FunctionNode') {
      const { fn, args } = child as MathNode & { fn: MathNode; args: MathNode[] };
      const path = dottedPath(fn);
      const name = path?.[path.length - 1] ?? fn.toString();
      for (const arg of args) {
        if (arg.type !== 'AssignmentNode') continue;
        const { object, value } = arg as MathNode & { object: MathNode; value: MathNode };
        if (object.type !== 'SymbolNode') continue;
        const key = (object as MathNode & { name: string }).name;
        const at = findName(tokens, key, '=') ?? 0;
        throw new HabitError('SyntaxError', keywordMessage(name, key, value, context.takesOptions(name)), at + 1);
      }
    }
  });
}

/** The offset of `**` outside strings and comments, if any. */
function powerOperator(tokens: readonly Token[]): { at: number; left?: Token; right?: Token } | undefined {
  for (let k = 0; k + 1 < tokens.length; k++) {
    const [a, b] = [tokens[k], tokens[k + 1]];
    if (a.text === '*' && b.text === '*' && a.end === b.start) return { at: a.start, left: tokens[k - 1], right: tokens[k + 2] };
  }
  return undefined;
}

/** The innermost call whose parentheses are open at `offset`: its name, or undefined outside a call. */
function openCallAt(tokens: readonly Token[], offset: number): string | undefined {
  const stack: (string | undefined)[] = [];
  for (let k = 0; k < tokens.length && tokens[k].start < offset; k++) {
    const t = tokens[k];
    if (t.kind === 'open') stack.push(t.text === '(' && tokens[k - 1]?.kind === 'name' ? tokens[k - 1].text : t.text === '(' ? undefined : '');
    else if (t.kind === 'close') stack.pop();
  }
  const top = stack[stack.length - 1];
  return top === '' ? undefined : top;
}

/** Offsets of literal `0` and negative positions inside indexing brackets (`x[0, 0]`, `x[-1]`). */
function zeroPositions(tokens: readonly Token[]): { zero?: number; negative?: number } {
  const found: { zero?: number; negative?: number } = {};
  const indexing: boolean[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const before = tokens[k - 1];
    if (t.kind === 'open') {
      // `[` right after a value indexes it; anywhere else it opens a matrix.
      indexing.push(t.text === '[' && before !== undefined && (before.kind === 'name' || (before.kind === 'close' && before.text !== '}')));
      continue;
    }
    if (t.kind === 'close') {
      indexing.pop();
      continue;
    }
    if (indexing[indexing.length - 1] !== true) continue;
    const starts = before !== undefined && (before.text === '[' || before.kind === 'comma' || before.kind === 'colon');
    const after = tokens[k + 1];
    const ends = after !== undefined && (after.text === ']' || after.kind === 'comma' || after.kind === 'colon');
    if (t.kind === 'number' && Number(t.text) === 0 && starts && ends) found.zero ??= t.start;
    if (t.text === '-' && starts && after?.kind === 'number' && Number(after.text) > 0) found.negative ??= t.start;
  }
  return found;
}

/** Names a Python or PyTorch user writes that cells spell otherwise. */
const PYTHON_NAMES: ReadonlyMap<string, string> = entries({
  True: 'true',
  False: 'false',
  None: 'null — or leave the argument out: options not given take their defaults',
  len: 'size(x)[1] for the number of rows (len of a tensor), count(x) for the number of elements',
  shape: 'size(x)',
  numel: 'count(x)',
});

/** PyTorch attributes and methods read off a value (`x.shape`, `x.mean()`), the LossLab way. */
const MEMBERS: ReadonlyMap<string, string> = entries({
  shape: 'size(x) (a vector [rows, cols])',
  size: 'size(x)',
  T: "x' or transpose(x)",
  ndim: 'size(size(x))[1]',
  dtype: 'nothing: cells compute in float64',
  device: 'nothing: cells run on the CPU',
  grad: 'r.grad.<input> on the result of a loss call',
});

/** Brackets nested deeper than this are what exhausted the stack, rather than a recursion. */
const DEEP_NESTING = 100;

/**
 * What "Maximum call stack size exceeded" means for a statement: brackets nested too deeply for
 * mathjs's recursive parser, or a function that calls itself too many times.
 */
function stackExhausted(tokens: readonly Token[]): string {
  let depth = 0;
  let deepest = 0;
  for (const token of tokens) {
    if (token.kind === 'open') deepest = Math.max(deepest, ++depth);
    else if (token.kind === 'close') depth = Math.max(0, depth - 1);
  }
  return deepest > DEEP_NESTING
    ? `the statement nests brackets ${deepest} deep, more than the parser can follow (the call stack ran out): build the value in steps`
    : 'the call stack ran out: a function called itself too many times (recursion deeper than the stack allows); use fewer levels';
}

/**
 * A better message for what mathjs reported about a statement, when a PyTorch or NumPy habit is
 * the likely cause; undefined when mathjs's own message stands.
 */
export function explainError(error: Error, text: string, isFunction: IsFunction): Explained | undefined {
  const tokens = scan(text);
  const message = error.message;
  if (error instanceof RangeError && /call stack/i.test(message)) return { message: stackExhausted(tokens) };
  if (error.name === 'SyntaxError' || /\(char \d+\)$/.test(message)) {
    const power = powerOperator(tokens);
    if (power !== undefined) {
      const [left, right] = [power.left?.text ?? 'x', power.right?.text ?? '2'];
      return { message: `'**' is not an operator in cells: write ${left} ^ ${right} for a power, ${left} .^ ${right} for each element of a matrix`, at: power.at };
    }
    const char = (error as { char?: unknown }).char;
    if (/^Parenthesis \) expected/.test(message) && typeof char === 'number') {
      const fn = openCallAt(tokens, char - 1);
      if (fn !== undefined) return { message: `',' or ')' expected in the arguments of ${fn}(…) (char ${char})`, at: Math.max(0, char - 1) };
    }
    return undefined;
  }
  if (error.name === 'IndexError' || error.name === 'DimensionError') {
    const { zero, negative } = zeroPositions(tokens);
    const index = (error as { index?: unknown }).index;
    const where = (at: number | undefined): { at?: number } => (at === undefined ? {} : { at });
    if (index === 0 || (error.name === 'DimensionError' && zero !== undefined)) {
      return { message: `${message}: positions start at 1 in cells (x[1, 1] is the first element, x[end, :] the last row), as in a table's index column`, ...where(zero) };
    }
    if (typeof index === 'number' && index < 0) {
      return { message: `${message}: positions start at 1, and a negative one does not count from the end: write end (x[end] is the last element, x[end - 1] the one before)`, ...where(negative) };
    }
    return undefined;
  }
  const property = /^No access to (property|method) "(\w+)"$/.exec(message);
  if (property !== null) {
    const [, kind, name] = property;
    const at = tokens.findIndex((t, k) => t.kind === 'name' && t.text === name && tokens[k - 1]?.kind === 'dot');
    const offset = at < 0 ? undefined : tokens[at - 1].start;
    const known = MEMBERS.get(name) ?? RENAMED.get(name);
    let way: string | undefined;
    if (known !== undefined) way = `write ${known}`;
    else if (kind === 'method' && isFunction(name)) way = `write ${name}(x, …): functions take the value as their first argument`;
    if (way === undefined) return undefined;
    return { message: `.${name}${kind === 'method' ? '()' : ''} is PyTorch: ${way}`, ...(offset !== undefined ? { at: offset } : {}) };
  }
  const undefinedName = /^Undefined (symbol|function) (\w+)$/.exec(message);
  if (undefinedName !== null) {
    const name = undefinedName[2];
    const way = PYTHON_NAMES.get(name);
    if (way === undefined) return undefined;
    return { message: `${message}: ${quote(name)} is Python; in cells write ${way}`, ...(findName(tokens, name) !== undefined ? { at: findName(tokens, name) } : {}) };
  }
  return undefined;
}
