import type { MathJsInstance, MathNode } from 'mathjs';
import type { BinConvention } from '../distributions';
import { InputError } from '../errors';
import { checkInterrupt, interruptRequested, KeyboardInterrupt } from '../interrupt';
import { figureMarkdown } from '../figures/markdown';
import type { FigureSpec } from '../figures/spec';
import { differentiate, type DiffEnvironment } from './autodiff';
import { boundedStringify } from '../notebook/boundedJson';
import { compiled } from './compiled';
import { isFigureValue, markFigure } from './figureValue';
import type { FigureContext } from './figures/context';
import { BUILTINS, BUILTINS_BY_NAME, isFigureRoom } from './builtins';
import { lossName, printedText } from './builtins/marks';
import type { Builtin, BuiltinContext } from './builtins/types';
import { withCoreLosses, type LossImplementations, type QflStreamHost } from './hosts';
import { checkHabits, explainError, type HabitContext } from './habits';
import { AllocationGuard, ElementCapError, installAllocationGuard } from './allocation';
import { assertAllowed, createSandbox } from './sandbox';
import { SCALAR_FUNCTIONS } from './scalars';
import { labelOutputs } from './statementLabels';
import { JournaledMap, LayeredScope } from './scope';
import { positionAt, splitStatements, type Statement } from './statements';
import { suggestNames } from './suggest';
import { formatNumber } from '../numberFormat';
import { summarizeValue, summaryMarkdown, type ValueSummary } from './values';

/** One output of a cell, before the host turns it into notebook output items. */
export type CellOutput =
  | { readonly kind: 'value'; readonly line: number; readonly markdown: string; readonly summary: ValueSummary }
  | { readonly kind: 'figure'; readonly line: number; readonly spec: FigureSpec; readonly markdown: string }
  | { readonly kind: 'error'; readonly line: number; readonly column: number; readonly name: string; readonly message: string };

export interface SessionOptions {
  /** Largest number of elements any one value may hold (default 10 million). */
  readonly elementCap?: number;
  /** Reads an exported file relative to the notebook; without it `load` says it is unavailable. */
  readonly load?: (path: string) => Record<string, unknown>;
  /**
   * What `reg_max` means when a cell gives it without a `convention` (setting
   * losslab.dfl.binConvention); without it such a cell is an error, never a guess.
   */
  readonly binConvention?: BinConvention;
  /**
   * Replacements for the loss kernels behind focal, qfl, dfl, giou and gfl, with the core's
   * signatures and values (the Node hosts pass the worker-thread pool's); the core's by default.
   */
  readonly losses?: Partial<LossImplementations>;
  /** Streams QFL over .npy files for `qfl_stream`; without it `qfl_stream` says it is unavailable. */
  readonly stream?: QflStreamHost;
}

/** A user-defined function, kept as source and syntax tree for `grad` and slider recomputation. */
export interface UserFunction {
  readonly params: readonly string[];
  readonly body: MathNode;
  readonly source: string;
}

export { ElementCapError };

/** The builtins the session checks and caps (see Session.bind), and the figures. */
const CHECKED_NAMES = BUILTINS.filter((builtin) => !isFigureRoom(builtin.room)).map((builtin) => builtin.name);
const FIGURE_NAMES = BUILTINS.filter((builtin) => isFigureRoom(builtin.room)).map((builtin) => builtin.name);

/**
 * The state of one notebook's kernel: a sandboxed mathjs instance, the scope shared by its cells,
 * and the user functions they defined. `runCell` never throws: every problem becomes an error
 * output naming the line and column.
 */
export class Session implements FigureContext {
  readonly math: MathJsInstance;
  readonly scope = new Map<string, unknown>();
  readonly userFunctions = new Map<string, UserFunction>();
  readonly elementCap: number;
  private readonly parse: (text: string) => MathNode;
  /** The figure and derivative functions (`plot`, `grad`, …), for "did you mean" suggestions. */
  readonly figureFunctionNames: readonly string[] = FIGURE_NAMES;

  constructor(options: SessionOptions = {}) {
    this.elementCap = options.elementCap ?? 10_000_000;
    this.guard = new AllocationGuard(this.elementCap);
    const { math, parse, importFunctions } = createSandbox(this.guard);
    this.math = math;
    this.parse = parse;
    const context: BuiltinContext = {
      figures: this,
      math,
      ...(options.binConvention !== undefined ? { binConvention: options.binConvention } : {}),
      load: (path) => {
        if (options.load === undefined) throw new InputError('load', 'path', 'loadable here (no file access in this context)', JSON.stringify(path));
        return options.load(path);
      },
      losses: withCoreLosses(options.losses),
      stream: (request) => {
        if (options.stream === undefined) throw new InputError('qfl_stream', 'pred_path', 'streamable here (no file access in this context)', JSON.stringify(request.pred));
        return options.stream(request);
      },
    };
    const imports: Record<string, unknown> = {};
    for (const scalar of SCALAR_FUNCTIONS) imports[scalar.name] = (...args: unknown[]) => scalar.evaluate(args).value;
    for (const builtin of BUILTINS) imports[builtin.name] = this.bind(builtin, context);
    importFunctions(imports);
    installAllocationGuard(math, this.guard, new Set(Object.keys(imports)));
  }

  /** The one guard on what cells allocate (allocation.ts). */
  private readonly guard: AllocationGuard;

  /**
   * A builtin as mathjs calls it. Outside the figure rooms (isFigureRoom) it is checked here: its
   * argument count, the element cap on what it returns, and errors named after the function the
   * cell called.
   */
  private bind(builtin: Builtin, context: BuiltinContext): unknown {
    if (builtin.rawArgs === true) {
      return Object.assign((args: MathNode[], _math: unknown, scope: Map<string, unknown>) => markFigure(builtin.call(args, context, scope)), { rawArgs: true as const });
    }
    // Only what a figure function returns becomes a figure (figureValue.ts).
    if (isFigureRoom(builtin.room)) return (...args: unknown[]) => markFigure(builtin.call(args, context));
    const [[min, max]] = builtin.arities;
    return (...args: unknown[]) => {
      if (args.length < min || args.length > max) {
        const range = min === max ? `${min}` : `${min} to ${max}`;
        throw new InputError(builtin.name, 'arguments', `${range} arguments: ${builtin.signatures.join(' or ')}`, `${args.length}`);
      }
      try {
        return this.capped(builtin.name, builtin.call(args, context));
      } catch (error) {
        // The cell called `qfl`, not `qualityFocalLoss`: name the function the user wrote.
        if (error instanceof InputError && error.fn !== builtin.name) {
          throw new InputError(builtin.name, error.argument, error.expected, error.found, error.index);
        }
        throw error;
      }
    };
  }

  /**
   * Runs one cell's text against the shared scope and returns its outputs. An interrupt (see
   * core/interrupt.ts) ends the cell with a KeyboardInterrupt error after the outputs shown so far
   * and puts the scope and the user functions back as they were before the cell, whatever its
   * earlier statements assigned: the cell then left nothing half done behind.
   */
  runCell(source: string): CellOutput[] {
    const outputs: { output: CellOutput; statement: Statement }[] = [];
    const statements = splitStatements(source);
    // What the cell changed, to put back after an interrupt: journals, not copies (scope.ts).
    const cellScope = new JournaledMap(this.scope);
    const cellFunctions = new JournaledMap(this.userFunctions);
    for (const [index, statement] of statements.entries()) {
      try {
        checkInterrupt();
        this.guard.takeRefusal();
        const result = this.runStatement(statement, cellScope, cellFunctions);
        const isLast = index === statements.length - 1;
        const output = this.outputFor(statement, result, isLast);
        if (output !== undefined) outputs.push({ output, statement });
      } catch (error) {
        // mathjs rethrows an error from a callback (map, filter) as a TypeError of its own: a stop
        // that was asked for is an interrupt whatever the error looks like when it arrives.
        if (error instanceof KeyboardInterrupt || interruptRequested()) {
          cellScope.undo();
          cellFunctions.undo();
          outputs.push({ output: this.errorOutput(source, statement, new KeyboardInterrupt()), statement });
          break;
        }
        // A refusal from inside a callback arrives wrapped by mathjs: show the guard's own error.
        const refusal = this.guard.takeRefusal();
        const shown = refusal !== undefined && error instanceof Error && error !== refusal && error.message.includes(refusal.message) ? refusal : error;
        outputs.push({ output: this.errorOutput(source, statement, shown), statement });
      }
    }
    return labelOutputs(outputs);
  }

  /**
   * The function a definition bound, with an interrupt checkpoint at each call: the body finds its
   * own name in the scope at every call, so a recursion and a `map` callback stop too. Same
   * signatures, so mathjs passes callbacks the same arguments.
   */
  private interruptible(fn: unknown): unknown {
    const typed = this.math.typed as unknown as { isTypedFunction(value: unknown): boolean } & ((name: string, signatures: Record<string, (...args: unknown[]) => unknown>) => unknown);
    if (typeof fn !== 'function' || !typed.isTypedFunction(fn)) return fn;
    const original = fn as unknown as { name: string; signatures: Record<string, (...args: unknown[]) => unknown>; syntax?: string; expr?: string };
    const signatures: Record<string, (...args: unknown[]) => unknown> = {};
    for (const [signature, body] of Object.entries(original.signatures)) {
      // Fixed arities for the common cases: V8 calls them without building an arguments array.
      const arity = signature === '' ? 0 : signature.split(',').length;
      signatures[signature] =
        arity === 1
          ? (a: unknown) => (checkInterrupt(), body(a))
          : arity === 2
            ? (a: unknown, b: unknown) => (checkInterrupt(), body(a, b))
            : (...args: unknown[]) => (checkInterrupt(), body(...args));
    }
    return Object.assign(typed(original.name, signatures) as object, { syntax: original.syntax, expr: original.expr });
  }

  /**
   * Runs a statement; the node is kept so that `plot` can record how to recompute itself. What it
   * changes is journaled into the cell's journals once it succeeded.
   */
  private runStatement(statement: Statement, cellScope: JournaledMap, cellFunctions: JournaledMap<UserFunction>): { node: MathNode; value: unknown } {
    const node = this.parse(statement.text);
    assertAllowed(node);
    checkHabits(node, statement.text, this.habits);
    this.running = statement.text;
    // mathjs binds an assignment's value before the cap sees it: a statement that fails leaves
    // the scope as it was, so an over-cap value never stays bound.
    const scope = new JournaledMap(this.scope);
    try {
      const value = node.compile().evaluate(scope) as unknown;
      for (const name of scope.changed()) if (this.scope.has(name)) this.capped(`'${name}'`, this.scope.get(name));
      // `x[i] = v` and `x.field = v` change x in place: the same object, so counted again here.
      const assigned = assignedRoot(node);
      if (assigned !== undefined && this.scope.has(assigned)) this.capped(`'${assigned}'`, this.scope.get(assigned));
      if (node.type === 'FunctionAssignmentNode') {
        const { name, params, expr } = node as MathNode & { name: string; params: string[]; expr: MathNode };
        scope.set(name, this.interruptible(this.scope.get(name)));
        cellFunctions.set(name, { params, body: expr, source: statement.text });
      } else if (node.type === 'AssignmentNode') {
        const name = ((node as MathNode & { object: MathNode & { name?: string } }).object.name ?? '') as string;
        // A variable that replaces a function of the same name hides it from `grad`.
        if (this.userFunctions.has(name)) cellFunctions.delete(name);
      }
      this.capped('the result', value);
      cellScope.absorb(scope);
      return { node, value };
    } catch (error) {
      scope.undo();
      throw error;
    } finally {
      this.running = undefined;
    }
  }

  private running: string | undefined;

  /** The text of the statement being run, for figures that record how to recompute themselves. */
  get currentStatement(): string | undefined {
    return this.running;
  }

  /** A scope name as a figure carries it: a user function with its definition, or a value. */
  lookup(name: string): { value: unknown; user?: UserFunction } | undefined {
    if (!this.scope.has(name)) return undefined;
    const value = this.scope.get(name);
    const user = this.userFunctions.get(name);
    return user !== undefined && typeof value === 'function' ? { value, user } : { value };
  }

  private outputFor(statement: Statement, { node, value }: { node: MathNode; value: unknown }, isLast: boolean): CellOutput | undefined {
    const unwrapped = (value as { entries?: unknown[] } | null)?.entries;
    const shown = Array.isArray(unwrapped) && value?.constructor?.name === 'ResultSet' ? unwrapped[unwrapped.length - 1] : value;
    if (isFigureValue(shown)) {
      // A figure leaves the session as bounded plain data, or as an error saying why it cannot.
      const json = boundedStringify(shown);
      if (!json.ok) throw new InputError('the figure', 'its data', 'storable as JSON', json.reason);
      return { kind: 'figure', line: statement.line, spec: shown, markdown: figureMarkdown(shown) };
    }
    // print shows its line wherever it stands, as Python's does: after ;, in the middle of a cell.
    const printed = printedText(shown);
    if (printed !== undefined) {
      const fence = printed.includes('`') ? '``' : '`';
      return { kind: 'value', line: statement.line, markdown: `${fence}${printed}${fence}`, summary: { kind: 'string', preview: printed } };
    }
    const isAssignment = node.type === 'AssignmentNode' || node.type === 'FunctionAssignmentNode';
    if (!statement.visible || (isAssignment && !isLast) || shown === undefined) return undefined;
    const name = isAssignment ? (node as MathNode & { name?: string; object?: { name?: string } }).name ?? (node as MathNode & { object?: { name?: string } }).object?.name : undefined;
    const summary = summarizeValue(shown);
    const markdown = lossMarkdown(shown, name) ?? summaryMarkdown(summary, name);
    return { kind: 'value', line: statement.line, markdown, summary };
  }

  /** What the PyTorch-habit checks need to know about this session's names. */
  private readonly habits: HabitContext = {
    isDefined: (name) => this.scope.has(name),
    // mathjs's constants (pi, e) count: np.pi is pi.
    isFunction: (name) => Object.hasOwn(this.math, name) && (this.math as unknown as Record<string, unknown>)[name] !== undefined,
    takesOptions: (name) => {
      const builtin = BUILTINS_BY_NAME.get(name);
      return builtin !== undefined && (builtin.options.length > 0 || isFigureRoom(builtin.room));
    },
  };

  private errorOutput(source: string, statement: Statement, error: unknown): CellOutput {
    let err = error instanceof Error ? error : new Error(String(error));
    // The core counts from 0; a cell's positions count from 1, so that an error's index can be
    // pasted into x[i, j].
    if (err instanceof InputError && err.index !== undefined) {
      err = new InputError(err.fn, err.argument, err.expected, err.found, err.index.map((i) => i + 1));
    }
    let offset = statement.offset;
    const char = (err as { char?: unknown }).char;
    if (typeof char === 'number') {
      // mathjs counts characters from 1 (the start of the offending token).
      offset = statement.offset + Math.max(0, Math.min(char - 1, statement.text.length));
    } else if (err instanceof ElementCapError && err.fn !== undefined) {
      // Point at the refused call (the first one of that name in the statement).
      const at = statement.text.search(new RegExp(`\\b${err.fn}\\s*\\(`));
      if (at >= 0) offset = statement.offset + at;
    } else if (err instanceof InputError) {
      // Point at the call that rejected its input: the one the error names, else the first
      // LossLab call in the statement.
      const at = [err.fn, ...CHECKED_NAMES]
        .map((name) => statement.text.search(new RegExp(`\\b${name}\\s*\\(`)))
        .find((index) => index >= 0);
      if (at !== undefined) offset = statement.offset + at;
    }
    let message = err.message;
    if (err instanceof TypeError && /read only property|not extensible|Cannot delete property/.test(message)) {
      // The one frozen kind of value a cell can reach is a figure (figureValue.ts).
      message = 'a figure cannot be changed after it is made: call its figure function again with the options you want';
    }
    if (err instanceof RangeError && /Maximum call stack size exceeded/.test(message)) {
      // Endless recursion ends here rather than at the time limit: say what it most likely is.
      message = `${message}: the calls nested deeper than the stack allows, most likely a function that calls itself without reaching a case that returns`;
    }
    const undefinedName = /Undefined (?:symbol|function) (\w+)/.exec(err.message)?.[1];
    if (undefinedName !== undefined) {
      const at = statement.text.search(new RegExp(`\\b${undefinedName}\\b`));
      if (at >= 0) offset = statement.offset + at;
      const known = [...CHECKED_NAMES, ...SCALAR_FUNCTIONS.map((f) => f.name), ...this.scope.keys(), ...this.figureFunctionNames];
      const suggestions = suggestNames(undefinedName, known);
      message = `${err.message}${suggestions.length > 0 ? `: did you mean ${suggestions.map((name) => `'${name}'`).join(' or ')}?` : ''}`;
    }
    const explained = explainError(err, statement.text, this.habits.isFunction);
    if (explained !== undefined) {
      message = explained.message;
      if (explained.at !== undefined) offset = statement.offset + explained.at;
    }
    // Counted from the statement, whose own position splitStatements knows: from the top of the
    // cell, each error of a cell with thousands of them would recount every line above it.
    const within = positionAt(statement.text, offset - statement.offset);
    const line = statement.line + within.line - 1;
    const column = within.line === 1 ? statement.column + within.column - 1 : within.column;
    return { kind: 'error', line, column, name: err.name, message };
  }

  /** Throws when a value holds more elements than the cap (see allocation.ts for how a value is counted). */
  capped<T>(what: string, value: T): T {
    return this.guard.check(what, value);
  }

  /** The environment `grad` and curves differentiate in, over a given mathjs scope. */
  diffEnvironment(scope: ReadonlyMap<string, unknown>): DiffEnvironment {
    // A curve evaluates constant subtrees at every point: one layer is reused (cleared each time)
    // unless a constant's evaluation re-enters this environment.
    let spare: LayeredScope | undefined;
    return {
      lookup: (name) => scope.get(name),
      userFunction: (name) => (scope.get(name) === this.scope.get(name) ? this.userFunctions.get(name) : undefined),
      evaluateConstant: (node, locals) => {
        const layered = spare ?? new LayeredScope(scope);
        spare = undefined;
        layered.clear();
        for (const [name, value] of locals) layered.set(name, value);
        try {
          return compiled(node).evaluate(layered) as unknown;
        } finally {
          layered.clear();
          spare = layered;
        }
      },
    };
  }

  /** Environments by scope: a curve passes the same (layered) scope at each of its points. */
  private readonly diffEnvironments = new WeakMap<ReadonlyMap<string, unknown>, DiffEnvironment>();

  /** Value and exact derivative of an expression with respect to a scalar variable at a point. */
  differentiate(node: MathNode, variable: string, at: number, scope: ReadonlyMap<string, unknown>): { v: number; d: number } {
    // A curve differentiates at each of its points: each is a step of the cell's loop.
    checkInterrupt();
    let env = this.diffEnvironments.get(scope);
    if (env === undefined) {
      env = this.diffEnvironment(scope);
      this.diffEnvironments.set(scope, env);
    }
    return differentiate(node, variable, at, env);
  }

  /** Names and summaries of the scope's variables, for hovers and completion. */
  variables(): { name: string; summary: ValueSummary }[] {
    return [...this.scope].filter(([, value]) => typeof value !== 'function').map(([name, value]) => ({ name, summary: summarizeValue(value) }));
  }
}

/** The variable an index or field assignment changes in place (`x` in `x[1].a = 2`), if any. */
function assignedRoot(node: MathNode): string | undefined {
  if (node.type !== 'AssignmentNode') return undefined;
  let object = (node as MathNode & { object: MathNode }).object;
  if ((node as MathNode & { index?: unknown }).index === undefined || (node as MathNode & { index?: unknown }).index === null) return undefined;
  while (object.type === 'AccessorNode' || object.type === 'IndexNode') object = (object as MathNode & { object: MathNode }).object;
  return object.type === 'SymbolNode' ? (object as MathNode & { name: string }).name : undefined;
}

function lossMarkdown(value: unknown, name?: string): string | undefined {
  const fn = lossName(value);
  if (fn === undefined) return undefined;
  const record = value as Record<string, unknown>;
  const lines: string[] = [];
  const loss = record.loss;
  const label = name === undefined ? `**${fn}**` : `\`${name}\` = **${fn}**`;
  lines.push(`${label} loss = ${typeof loss === 'number' ? `**${formatNumber(loss)}**` : summaryMarkdown(summarizeValue(loss))}`);
  for (const key of ['loss_cls', 'loss_bbox', 'loss_dfl', 'num_positives']) {
    if (typeof record[key] === 'number') lines.push(`- ${key}: ${formatNumber(record[key] as number)}`);
  }
  const grads = Object.entries((record.grad ?? {}) as Record<string, unknown>);
  if (grads.length > 0) {
    lines.push(`- grad: ${grads.map(([input, g]) => `\`.grad.${input}\` ${shapeText(summarizeValue(g))}`).join(', ')}`);
  }
  const report = Object.entries((record.report ?? {}) as Record<string, unknown>).filter(([, count]) => typeof count === 'number' && count !== 0);
  if (report.length > 0) lines.push(`- report: ${report.map(([key, count]) => `${key} ${String(count)}`).join(', ')}`);
  const other = Object.keys(record).filter((key) => !['loss', 'grad', 'report', 'loss_cls', 'loss_bbox', 'loss_dfl', 'num_positives'].includes(key));
  lines.push(`- fields: ${other.map((key) => `\`.${key}\``).join(', ')}`);
  return lines.join('\n');
}

function shapeText(summary: ValueSummary): string {
  return summary.shape === undefined ? summary.preview : `(${summary.shape.join(', ')})`;
}
