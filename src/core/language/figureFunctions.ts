import type { MathNode } from 'mathjs';
import { InputError, describeValue } from '../errors';
import { dflPoint } from '../losses/dfl';
import {
  FIGURE_SPEC_VERSION,
  type CurveSeries,
  type CurvesFigure,
  type DistributionFigure,
  type FigureSpec,
  type HeatmapFigure,
  type HistogramFigure,
  type RecomputeSource,
  type ScatterFigure,
  type SliderSpec,
  type TableFigure,
  type AnchorMapFigure,
  type CalibrationFigure,
  type DistributionGridFigure,
  type DistributionPanel,
} from '../figures/spec';
import { binDistribution } from '../distributions';
import { sigmoid } from '../numerics';
import { marginCurves } from '../losses/arcface';
import { bbox2distance } from '../boxes';
import { toNested, type Tensor } from '../tensor';
import { isOptionObject, readOptions, type OptionSpec, type OptionValues } from './options';
import { LayeredScope } from './scope';
import type { Session } from './session';
import { compiled } from './compiled';
import { valueToTensor } from './values';
import { expressionNames, parameterSuffix, symbolLabel } from './seriesNames';
import { gridPoints } from '../figures/grid';

/** The mathjs signature of a function that receives its arguments unevaluated. */
type RawFunction = ((args: MathNode[], math: unknown, scope: Map<string, unknown>) => unknown) & { rawArgs: true };

function raw(fn: (args: MathNode[], math: unknown, scope: Map<string, unknown>) => unknown): RawFunction {
  return Object.assign(fn, { rawArgs: true as const });
}

/** Largest array a figure's recompute source may carry, so that figures stay small in the file. */
const MAX_BINDING_ELEMENTS = 4096;

const COMMON_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'figure title' },
  { key: 'x_label', type: 'string', description: 'x-axis title' },
  { key: 'y_label', type: 'string', description: 'y-axis title' },
];

export const PLOT_OPTIONS: readonly OptionSpec[] = [
  ...COMMON_OPTIONS,
  { key: 'points', type: 'number', default: 201, description: 'number of points on the range' },
  { key: 'grad', type: 'boolean', default: false, description: 'overlay the exact derivative on a second axis' },
  { key: 'over', type: 'any', description: 'one curve per value: {beta: [0.5, 1, 2, 4]}' },
  { key: 'sliders', type: 'any', description: 'live parameters: {beta: [0, 4]} or {beta: [0, 4, 0.1]}' },
  { key: 'names', type: 'any', description: 'series names, one per expression' },
];

function evaluateNode(node: MathNode, scope: Map<string, unknown>): unknown {
  return compiled(node).evaluate(scope) as unknown;
}

function finiteNumber(fn: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(fn, argument, 'a finite number', describeValue(value));
  return value;
}

function numberList(fn: string, argument: string, value: unknown): number[] {
  const t = valueToTensor(fn, argument, value);
  return Array.from(t.data);
}


function symbolName(fn: string, node: MathNode | undefined, argument: string): string {
  if (node?.type !== 'SymbolNode') {
    throw new InputError(fn, argument, 'a variable name, as in plot(qfl(s, 0.5), s, 0, 1)', node === undefined ? 'missing' : `'${node.toString()}'`);
  }
  return (node as MathNode & { name: string }).name;
}

/** Parameter sets for `over: {beta: [0.5, 1, 2]}`: the Cartesian product of every key's values. */
function parameterSets(fn: string, over: unknown): Record<string, number>[] {
  if (over === undefined) return [{}];
  if (!isOptionObject(over)) throw new InputError(fn, 'options.over', 'an object such as {beta: [0.5, 1, 2]}', describeValue(over));
  let sets: Record<string, number>[] = [{}];
  for (const [name, values] of Object.entries(over)) {
    const list = numberList(fn, `options.over.${name}`, values);
    sets = sets.flatMap((set) => list.map((value) => ({ ...set, [name]: value })));
  }
  return sets;
}

/** Sliders from `{beta: [0, 4]}`, `{beta: [0, 4, 0.1]}` or `{beta: slider(0, 4, 0.1)}`. */
function readSliders(fn: string, sliders: unknown, scope: Map<string, unknown>): SliderSpec[] {
  if (sliders === undefined) return [];
  if (!isOptionObject(sliders)) throw new InputError(fn, 'options.sliders', 'an object such as {beta: [0, 4]}', describeValue(sliders));
  return Object.entries(sliders).map(([name, spec]) => {
    const value = scope.get(name);
    if (typeof value !== 'number') {
      throw new InputError(fn, `options.sliders.${name}`, `the name of a number variable used by the figure (define it first, e.g. ${name} = 1)`, describeValue(value));
    }
    const range = isOptionObject(spec) ? [spec.min, spec.max, spec.step] : numberList(fn, `options.sliders.${name}`, spec);
    const min = finiteNumber(fn, `options.sliders.${name}.min`, range[0]);
    const max = finiteNumber(fn, `options.sliders.${name}.max`, range[1]);
    if (!(max > min)) throw new InputError(fn, `options.sliders.${name}`, 'a range with max > min', `[${min}, ${max}]`);
    const step = range[2] === undefined ? (max - min) / 100 : finiteNumber(fn, `options.sliders.${name}.step`, range[2]);
    return { name, min, max, step, value: Math.min(max, Math.max(min, value)) };
  });
}

/**
 * What a figure needs to be recomputed without the kernel: the statement, the user functions it
 * calls (transitively) and the numbers and small arrays it reads. Undefined when it reads
 * something too large to carry (a loaded export), in which case it cannot have sliders.
 */
function recomputeSource(session: Session, statement: string | undefined, nodes: readonly MathNode[], exclude: ReadonlySet<string>): RecomputeSource | undefined {
  if (statement === undefined) return undefined;
  const definitions: string[] = [];
  const bindings: Record<string, number | number[] | number[][]> = {};
  const visited = new Set<string>();
  let portable = true;
  const visit = (node: MathNode, locals: ReadonlySet<string>): void => {
    node.traverse((child) => {
      if (child.type !== 'SymbolNode') return;
      const name = (child as MathNode & { name: string }).name;
      if (exclude.has(name) || locals.has(name) || visited.has(name) || !session.scope.has(name)) return;
      visited.add(name);
      const user = session.userFunctions.get(name);
      const value = session.scope.get(name);
      if (user !== undefined && typeof value === 'function') {
        visit(user.body, new Set(user.params));
        definitions.push(user.source);
        return;
      }
      if (typeof value === 'number') {
        bindings[name] = value;
        return;
      }
      try {
        const tensor = valueToTensor('figure', name, value);
        if (tensor.data.length <= MAX_BINDING_ELEMENTS && tensor.shape.length <= 2) {
          bindings[name] = toNested(tensor) as number[] | number[][];
          return;
        }
      } catch {
        // Not numeric: the figure cannot be recomputed elsewhere.
      }
      portable = false;
    });
  };
  for (const node of nodes) visit(node, new Set());
  return portable ? { statement, definitions, bindings } : undefined;
}

/** A figure with sliders must carry its recompute source, or the renderer could not move them. */
function requirePortable(fn: string, sliders: readonly SliderSpec[], source: RecomputeSource | undefined): void {
  if (sliders.length > 0 && source === undefined) {
    throw new InputError(fn, 'options.sliders', 'used with expressions that read only numbers and small arrays', 'used with a large or non-numeric value');
  }
}

function withCommon<T extends FigureSpec>(spec: T, options: OptionValues, sliders: SliderSpec[], source: RecomputeSource | undefined): T {
  return {
    ...spec,
    ...(options.title !== undefined ? { title: options.title as string } : {}),
    ...(sliders.length > 0 ? { sliders } : {}),
    ...(source !== undefined && sliders.length > 0 ? { source } : {}),
  };
}

function plot(session: Session, args: MathNode[], scope: Map<string, unknown>): CurvesFigure {
  const fn = 'plot';
  if (args.length < 4 || args.length > 5) {
    throw new InputError(fn, 'arguments', '4 or 5 arguments: plot(expression, variable, from, to, {options})', `${args.length}`);
  }
  const expressionNode = args[0];
  const expressions = expressionNode.type === 'ArrayNode' ? (expressionNode as MathNode & { items: MathNode[] }).items : [expressionNode];
  const variable = symbolName(fn, args[1], 'variable');
  const from = finiteNumber(fn, 'from', evaluateNode(args[2], scope));
  const to = finiteNumber(fn, 'to', evaluateNode(args[3], scope));
  const options = readOptions(fn, args[4] === undefined ? undefined : evaluateNode(args[4], scope), PLOT_OPTIONS);
  const points = options.points === undefined ? 201 : Math.round(finiteNumber(fn, 'options.points', options.points));
  if (points < 2 || points > 100_000) throw new InputError(fn, 'options.points', 'between 2 and 100000', String(points));
  const withGrad = options.grad === true;
  const sets = parameterSets(fn, options.over);
  const sliders = readSliders(fn, options.sliders, scope);
  const names = options.names === undefined ? undefined : (options.names as { valueOf(): unknown }).valueOf();
  const x = gridPoints(from, to, points);
  const series: CurveSeries[] = [];
  const layered = new LayeredScope(scope);
  const defaultNames = expressionNames(expressions);
  expressions.forEach((expression, e) => {
    for (const set of sets) {
      for (const [name, value] of Object.entries(set)) layered.set(name, value);
      const y = new Array<number>(points);
      const grad = withGrad ? new Array<number>(points) : undefined;
      for (let i = 0; i < points; i++) {
        layered.set(variable, x[i]);
        if (grad !== undefined) {
          const dual = session.differentiate(expression, variable, x[i], layered);
          y[i] = dual.v;
          grad[i] = dual.d;
        } else {
          const value = evaluateNode(expression, layered);
          y[i] = typeof value === 'number' ? value : Number.NaN;
          if (typeof value !== 'number') {
            throw new InputError(fn, 'expression', `a number at every point (at ${variable} = ${x[i]})`, describeValue(value));
          }
        }
      }
      const base = Array.isArray(names) && typeof names[e] === 'string' ? (names[e] as string) : defaultNames[e];
      series.push({ name: `${base}${parameterSuffix(set)}`, y, ...(grad !== undefined ? { grad } : {}) });
    }
  });
  const exclude = new Set([variable, ...sets.flatMap((set) => Object.keys(set))]);
  const source = recomputeSource(session, session.currentStatement, args, exclude);
  requirePortable(fn, sliders, source);
  const yLabel = (options.y_label as string | undefined) ?? (expressions.length === 1 ? defaultNames[0] : 'value');
  return withCommon(
    {
      version: FIGURE_SPEC_VERSION,
      kind: 'curves',
      x,
      xLabel: (options.x_label as string | undefined) ?? variable,
      yLabel,
      series,
      ...(withGrad ? { gradLabel: `∂/∂${symbolLabel(variable)}` } : {}),
    },
    options,
    sliders,
    source,
  );
}

export const HEATMAP_OPTIONS: readonly OptionSpec[] = [
  ...COMMON_OPTIONS,
  { key: 'points', type: 'number', default: 101, description: 'grid points per axis' },
  { key: 'z_label', type: 'string', description: 'colour-bar title' },
  { key: 'diagonal', type: 'boolean', default: false, description: 'draw the line y = x (e.g. the QFL minimum σ = y)' },
  { key: 'sliders', type: 'any', description: 'live parameters' },
];

function heatmap(session: Session, args: MathNode[], scope: Map<string, unknown>): HeatmapFigure {
  const fn = 'heatmap';
  if (args.length <= 2) {
    const matrix = valueToTensor(fn, 'z', evaluateNode(args[0], scope));
    if (matrix.shape.length !== 2) throw new InputError(fn, 'z', 'a matrix', `of shape (${matrix.shape.join(', ')})`);
    const options = readOptions(fn, args[1] === undefined ? undefined : evaluateNode(args[1], scope), HEATMAP_OPTIONS);
    const [rows, cols] = matrix.shape;
    return withCommon(
      {
        version: FIGURE_SPEC_VERSION,
        kind: 'heatmap',
        // Positions, 1-based as in cells: the cell at (x, y) is z[y, x].
        x: Array.from({ length: cols }, (_, i) => i + 1),
        y: Array.from({ length: rows }, (_, i) => i + 1),
        z: toNested(matrix) as number[][],
        xLabel: (options.x_label as string | undefined) ?? 'column',
        yLabel: (options.y_label as string | undefined) ?? 'row',
        zLabel: (options.z_label as string | undefined) ?? 'value',
      },
      options,
      [],
      undefined,
    );
  }
  if (args.length < 7 || args.length > 8) {
    throw new InputError(fn, 'arguments', 'heatmap(z) or heatmap(expression, x, x0, x1, y, y0, y1, {options})', `${args.length} arguments`);
  }
  const xName = symbolName(fn, args[1], 'x variable');
  const yName = symbolName(fn, args[4], 'y variable');
  const [x0, x1] = [args[2], args[3]].map((node, i) => finiteNumber(fn, i === 0 ? 'x0' : 'x1', evaluateNode(node, scope)));
  const [y0, y1] = [args[5], args[6]].map((node, i) => finiteNumber(fn, i === 0 ? 'y0' : 'y1', evaluateNode(node, scope)));
  const options = readOptions(fn, args[7] === undefined ? undefined : evaluateNode(args[7], scope), HEATMAP_OPTIONS);
  const points = options.points === undefined ? 101 : Math.round(finiteNumber(fn, 'options.points', options.points));
  if (points < 2 || points > 1000) throw new InputError(fn, 'options.points', 'between 2 and 1000', String(points));
  const sliders = readSliders(fn, options.sliders, scope);
  const xs = gridPoints(x0, x1, points);
  const ys = gridPoints(y0, y1, points);
  const layered = new LayeredScope(scope);
  const z = ys.map((yValue) => {
    layered.set(yName, yValue);
    return xs.map((xValue) => {
      layered.set(xName, xValue);
      const value = evaluateNode(args[0], layered);
      return typeof value === 'number' ? value : Number.NaN;
    });
  });
  const lo = Math.max(Math.min(x0, x1), Math.min(y0, y1));
  const hi = Math.min(Math.max(x0, x1), Math.max(y0, y1));
  const source = recomputeSource(session, session.currentStatement, args, new Set([xName, yName]));
  requirePortable(fn, sliders, source);
  return withCommon(
    {
      version: FIGURE_SPEC_VERSION,
      kind: 'heatmap',
      x: xs,
      y: ys,
      z,
      xLabel: (options.x_label as string | undefined) ?? xName,
      yLabel: (options.y_label as string | undefined) ?? yName,
      zLabel: (options.z_label as string | undefined) ?? args[0].toString(),
      ...(options.diagonal === true && hi > lo ? { lines: [{ name: `${yName} = ${xName}`, x: [lo, hi], y: [lo, hi] }] } : {}),
    },
    options,
    sliders,
    source,
  );
}

export const DIST_OPTIONS: readonly OptionSpec[] = [...COMMON_OPTIONS, { key: 'sliders', type: 'any', description: 'live parameters' }];

/** dist(logits, target?): the softmax over bins, its expectation, and for a target its two bins. */
function dist(session: Session, args: MathNode[], scope: Map<string, unknown>): DistributionFigure {
  const fn = 'dist';
  if (args.length < 1 || args.length > 3) throw new InputError(fn, 'arguments', 'dist(logits), dist(logits, target) or dist(logits, target, {options})', `${args.length} arguments`);
  const logits = numberList(fn, 'logits', evaluateNode(args[0], scope));
  if (logits.length < 2) throw new InputError(fn, 'logits', 'at least 2 bin logits', String(logits.length));
  const second = args[1] === undefined ? undefined : evaluateNode(args[1], scope);
  const optionsValue = isOptionObject(second) ? second : args[2] === undefined ? undefined : evaluateNode(args[2], scope);
  const target = isOptionObject(second) || second === undefined ? undefined : finiteNumber(fn, 'target', second);
  const options = readOptions(fn, optionsValue, DIST_OPTIONS);
  const sliders = readSliders(fn, options.sliders, scope);
  const source = recomputeSource(session, session.currentStatement, args, new Set());
  requirePortable(fn, sliders, source);
  const { probabilities, expectation } = binDistribution(logits);
  if (target === undefined) {
    return withCommon({ version: FIGURE_SPEC_VERSION, kind: 'distribution', probabilities, expectation }, options, sliders, source);
  }
  const point = dflPoint(logits, target);
  return withCommon(
    {
      version: FIGURE_SPEC_VERSION,
      kind: 'distribution',
      probabilities,
      expectation,
      target: { y: target, left: point.left, right: point.right, weightLeft: point.weightLeft, weightRight: point.weightRight },
      loss: point.value,
      entropyFloor: point.entropyFloor,
    },
    options,
    sliders,
    source,
  );
}

export const HIST_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'figure title' },
  { key: 'x_label', type: 'string', description: 'x-axis title' },
  { key: 'bins', type: 'number', default: 30, description: 'number of equal-width bins' },
  { key: 'range', type: 'any', description: '[low, high] of the bins (default: the data range)' },
];

function hist(args: unknown[]): HistogramFigure {
  const fn = 'hist';
  const values = numberList(fn, 'values', args[0]).filter((v) => !Number.isNaN(v));
  const options = readOptions(fn, args[1], HIST_OPTIONS);
  const count = options.bins === undefined ? 30 : Math.round(finiteNumber(fn, 'options.bins', options.bins));
  if (count < 1 || count > 10_000) throw new InputError(fn, 'options.bins', 'between 1 and 10000', String(count));
  const range = options.range === undefined ? undefined : numberList(fn, 'options.range', options.range);
  let low = range?.[0] ?? Math.min(...values);
  let high = range?.[1] ?? Math.max(...values);
  if (values.length === 0 && range === undefined) [low, high] = [0, 1];
  if (high === low) high = low + 1;
  const width = (high - low) / count;
  const binEdges = gridPoints(low, high, count + 1);
  const counts = new Array<number>(count).fill(0);
  for (const v of values) {
    if (v < low || v > high) continue;
    counts[Math.min(count - 1, Math.floor((v - low) / width))]++;
  }
  const spec: HistogramFigure = { version: FIGURE_SPEC_VERSION, kind: 'histogram', values, binEdges, counts, xLabel: (options.x_label as string | undefined) ?? 'value' };
  return options.title === undefined ? spec : { ...spec, title: options.title as string };
}

export const SCATTER_OPTIONS: readonly OptionSpec[] = [
  ...COMMON_OPTIONS,
  { key: 'z_label', type: 'string', description: 'z-axis title (3-D)' },
  { key: 'labels', type: 'any', description: 'a class per point, for colours' },
  { key: 'normalize', type: 'boolean', default: false, description: 'project points onto the unit circle / sphere' },
  { key: 'sphere', type: 'boolean', default: false, description: 'draw the unit circle / sphere' },
  { key: 'centres', type: 'any', description: 'class centres (k, 2 or 3), e.g. ArcFace W columns transposed' },
  { key: 'margin', type: 'number', description: 'ArcFace angular margin (radians) drawn around each centre' },
];

function normalizeRow(row: number[]): number[] {
  const norm = Math.hypot(...row);
  return norm === 0 ? row : row.map((v) => v / norm);
}

function scatter(args: unknown[]): ScatterFigure {
  const fn = 'scatter';
  const points = valueToTensor(fn, 'points', args[0]);
  if (points.shape.length !== 2 || (points.shape[1] !== 2 && points.shape[1] !== 3)) {
    throw new InputError(fn, 'points', 'a matrix of shape (n, 2) or (n, 3)', `of shape (${points.shape.join(', ')})`);
  }
  const options = readOptions(fn, args[1], SCATTER_OPTIONS);
  const normalize = options.normalize === true;
  let rows = toNested(points) as number[][];
  if (normalize) rows = rows.map(normalizeRow);
  const spec: ScatterFigure = {
    version: FIGURE_SPEC_VERSION,
    kind: 'scatter',
    dimensions: points.shape[1] as 2 | 3,
    points: rows,
    ...(options.labels !== undefined ? { labels: numberList(fn, 'options.labels', options.labels) } : {}),
    ...(options.sphere === true || normalize ? { unitSphere: true } : {}),
    ...(options.centres !== undefined ? { centres: (toNested(valueToTensor(fn, 'options.centres', options.centres)) as number[][]).map((row) => (normalize ? normalizeRow(row) : row)) } : {}),
    ...(options.margin !== undefined ? { margin: finiteNumber(fn, 'options.margin', options.margin) } : {}),
    ...(options.x_label !== undefined ? { xLabel: options.x_label as string } : {}),
    ...(options.y_label !== undefined ? { yLabel: options.y_label as string } : {}),
    ...(options.z_label !== undefined ? { zLabel: options.z_label as string } : {}),
  };
  if (spec.labels !== undefined && spec.labels.length !== rows.length) {
    throw new InputError(fn, 'options.labels', `one label per point (${rows.length})`, `${spec.labels.length} labels`);
  }
  return options.title === undefined ? spec : { ...spec, title: options.title as string };
}

export const TABLE_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'table title' },
  { key: 'k', type: 'number', default: 10, description: 'number of rows to show' },
  { key: 'by', type: 'string', description: 'column to sort by (largest first)' },
  { key: 'ascending', type: 'boolean', default: false, description: 'sort smallest first' },
  { key: 'columns', type: 'any', description: 'column names for a matrix' },
];

/** table(data, {k, by}): top-k rows of an object of equal-length vectors, or of a matrix. */
function table(args: unknown[]): TableFigure {
  const fn = 'table';
  const options = readOptions(fn, args[1], TABLE_OPTIONS);
  const data = args[0];
  const columns: string[] = [];
  const values: number[][] = [];
  if (isOptionObject(data)) {
    for (const [name, column] of Object.entries(data)) {
      columns.push(name);
      values.push(numberList(fn, `data.${name}`, column));
    }
  } else {
    const matrix = valueToTensor(fn, 'data', data);
    const [rows, cols] = matrix.shape.length === 1 ? [matrix.shape[0], 1] : matrix.shape;
    const names = options.columns === undefined ? undefined : ((options.columns as { valueOf(): unknown }).valueOf() as unknown[]);
    for (let c = 0; c < cols; c++) {
      columns.push(typeof names?.[c] === 'string' ? (names[c] as string) : `c${c}`);
      values.push(Array.from({ length: rows }, (_, r) => matrix.data[r * cols + c]));
    }
  }
  const length = values[0]?.length ?? 0;
  values.forEach((column, c) => {
    if (column.length !== length) throw new InputError(fn, `data.${columns[c]}`, `of length ${length} like ${columns[0]}`, `of length ${column.length}`);
  });
  const byIndex = options.by === undefined ? -1 : columns.indexOf(options.by as string);
  if (options.by !== undefined && byIndex < 0) throw new InputError(fn, 'options.by', `one of the columns (${columns.join(', ')})`, JSON.stringify(options.by));
  const order = Array.from({ length }, (_, i) => i);
  if (byIndex >= 0) {
    const sign = options.ascending === true ? 1 : -1;
    order.sort((a, b) => sign * (values[byIndex][a] - values[byIndex][b]) || a - b);
  }
  const k = options.k === undefined ? 10 : Math.max(0, Math.round(finiteNumber(fn, 'options.k', options.k)));
  // The index is the row's 1-based position, so that it can be pasted into x[i, :].
  const rows = order.slice(0, k).map((i) => [i + 1, ...values.map((column) => column[i])]);
  const spec: TableFigure = { version: FIGURE_SPEC_VERSION, kind: 'table', columns: ['index', ...columns], rows };
  return options.title === undefined ? spec : { ...spec, title: options.title as string };
}

/** grad(expression, variable) or grad(expression, variable, at): the exact derivative. */
function grad(session: Session, args: MathNode[], scope: Map<string, unknown>): number {
  const fn = 'grad';
  if (args.length < 2 || args.length > 3) throw new InputError(fn, 'arguments', 'grad(expression, variable) or grad(expression, variable, at)', `${args.length} arguments`);
  const variable = symbolName(fn, args[1], 'variable');
  const at = args[2] === undefined ? scope.get(variable) : evaluateNode(args[2], scope);
  if (typeof at !== 'number') {
    throw new InputError(fn, variable, `a number: define ${variable} first or give the point, grad(expr, ${variable}, 0.5)`, describeValue(at));
  }
  return session.differentiate(args[0], variable, at, scope).d;
}

/** The figure and derivative functions, bound to a session. */
export function createFigureFunctions(session: Session): Record<string, unknown> {
  return {
    plot: raw((args, _math, scope) => plot(session, args, scope)),
    heatmap: raw((args, _math, scope) => heatmap(session, args, scope)),
    dist: raw((args, _math, scope) => dist(session, args, scope)),
    grad: raw((args, _math, scope) => grad(session, args, scope)),
    hist: (...args: unknown[]) => hist(args),
    scatter: (...args: unknown[]) => scatter(args),
    table: (...args: unknown[]) => table(args),
    slider: (min: unknown, max: unknown, step?: unknown) => ({ min, max, ...(step === undefined ? {} : { step }) }),
    margins_plot: (...args: unknown[]) => marginsPlot(args),
    anchor_map: (...args: unknown[]) => anchorMap(args),
    worst_anchors: (...args: unknown[]) => worstAnchors(args),
    sides: (...args: unknown[]) => sides(args),
    calibration: (...args: unknown[]) => calibration(args),
  };
}

/* ---- ArcFace margin curves and detector-debug views (issue 4) ---- */

export const MARGINS_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'figure title' },
  { key: 'm_arc', type: 'number', default: 0.5, description: 'ArcFace additive angular margin m: cos(θ + m)' },
  { key: 'm_cos', type: 'number', default: 0.35, description: 'CosFace additive cosine margin m: cos θ − m' },
  { key: 'm_sphere', type: 'number', default: 4, description: 'SphereFace multiplicative angular margin m: cos(m·θ)' },
  { key: 'points', type: 'number', default: 301, description: 'number of angles on [0, π]' },
  { key: 'grad', type: 'boolean', default: false, description: 'overlay the exact derivatives d/dθ on a second axis' },
  { key: 'sliders', type: 'boolean', default: true, description: 'live sliders for the three margins' },
];

/**
 * margins_plot({m_arc, m_cos, m_sphere}): the target logit (before the scale s) of the margin
 * losses against θ ∈ [0, π] — cos θ, ArcFace cos(θ + m), CosFace cos θ − m, SphereFace cos(mθ) —
 * from marginCurves, with exact d/dθ on request. The sliders move the margins: the recorded
 * statement reads them as variables, so the webview recomputes it with the slider values.
 */
function marginsPlot(args: unknown[]): CurvesFigure {
  const fn = 'margins_plot';
  if (args.length > 1) throw new InputError(fn, 'arguments', 'at most one: margins_plot({m_arc, m_cos, m_sphere})', `${args.length}`);
  const options = readOptions(fn, args[0], MARGINS_OPTIONS);
  const margin = (key: string, fallback: number): number => (options[key] === undefined ? fallback : finiteNumber(fn, `options.${key}`, options[key]));
  const arcFace = margin('m_arc', 0.5);
  const cosFace = margin('m_cos', 0.35);
  const sphereFace = margin('m_sphere', 4);
  const points = options.points === undefined ? 301 : Math.round(finiteNumber(fn, 'options.points', options.points));
  if (points < 2 || points > 100_000) throw new InputError(fn, 'options.points', 'between 2 and 100000', String(points));
  const withGrad = options.grad === true;
  const x = gridPoints(0, Math.PI, points);
  const y = [new Array<number>(points), new Array<number>(points), new Array<number>(points), new Array<number>(points)];
  const d = withGrad ? [new Array<number>(points), new Array<number>(points), new Array<number>(points), new Array<number>(points)] : undefined;
  for (let i = 0; i < points; i++) {
    const t = x[i];
    const c = marginCurves(t, { arcFace, cosFace, sphereFace });
    y[0][i] = c.softmax;
    y[1][i] = c.arcFace;
    y[2][i] = c.cosFace;
    y[3][i] = c.sphereFace;
    if (d !== undefined) {
      d[0][i] = -Math.sin(t);
      d[1][i] = -Math.sin(t + arcFace);
      d[2][i] = -Math.sin(t);
      d[3][i] = -sphereFace * Math.sin(sphereFace * t);
    }
  }
  const names = ['softmax cos θ', `ArcFace cos(θ + ${arcFace})`, `CosFace cos θ − ${cosFace}`, `SphereFace cos(${sphereFace}θ)`];
  const series: CurveSeries[] = names.map((name, k) => ({ name, y: y[k], ...(d !== undefined ? { grad: d[k] } : {}) }));
  const spec: CurvesFigure = {
    version: FIGURE_SPEC_VERSION,
    kind: 'curves',
    x,
    xLabel: 'θ',
    yLabel: 'target logit / s',
    series,
    ...(withGrad ? { gradLabel: '∂/∂θ' } : {}),
    title: (options.title as string | undefined) ?? 'Margin target logits',
  };
  if (options.sliders === false) return spec;
  // The usual ranges, widened to hold a margin given outside them.
  const slider = (name: string, min: number, max: number, step: number, value: number): SliderSpec => ({ name, min: Math.min(min, value), max: Math.max(max, value), step, value });
  const sliders = [slider('m_arc', 0, 1.5, 0.01, arcFace), slider('m_cos', 0, 1, 0.01, cosFace), slider('m_sphere', 1, 8, 0.1, sphereFace)];
  const rest = [`points: ${points}`, ...(withGrad ? ['grad: true'] : []), ...(options.title !== undefined ? [`title: ${JSON.stringify(options.title)}`] : [])];
  const statement = `margins_plot({m_arc: m_arc, m_cos: m_cos, m_sphere: m_sphere, ${rest.join(', ')}})`;
  return { ...spec, sliders, source: { statement, definitions: [], bindings: { m_arc: arcFace, m_cos: cosFace, m_sphere: sphereFace } } };
}

/** A field of a data or result object, named in errors as `argument.key`. */
function member(fn: string, argument: string, record: unknown, key: string): unknown {
  if (typeof record !== 'object' || record === null) throw new InputError(fn, argument, 'an object', describeValue(record));
  const value = (record as Record<string, unknown>)[key];
  if (value === undefined) throw new InputError(fn, `${argument}.${key}`, 'present', 'missing');
  return value;
}

/** A vector (n) of finite numbers from a language value. */
function finiteVector(fn: string, argument: string, value: unknown): Float64Array {
  const t = valueToTensor(fn, argument, value);
  if (t.shape.length !== 1) throw new InputError(fn, argument, 'a vector (n)', `of shape (${t.shape.join(', ')})`);
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) throw new InputError(fn, argument, 'finite numbers', describeValue(t.data[i]), [i]);
  }
  return t.data;
}

const GFL_COMPONENTS = ['total', 'cls', 'bbox', 'dfl', 'score', 'weight'] as const;
type GflComponent = (typeof GFL_COMPONENTS)[number];

const isGflResult = (value: unknown): boolean => typeof value === 'object' && value !== null && !isMatrixValue(value) && 'per_anchor' in value;
const isMatrixValue = (value: unknown): boolean => Array.isArray(value) || (typeof value === 'object' && value !== null && typeof (value as { size?: unknown }).size === 'function');

/** Per-anchor values (n) of a `gfl(…)` result: a loss component, their sum ('total'), the score or the weight. */
function gflComponent(fn: string, g: unknown, component: GflComponent): Float64Array {
  if (component === 'score' || component === 'weight') return finiteVector(fn, `g.${component}`, member(fn, 'g', g, component));
  const perAnchor = member(fn, 'g', g, 'per_anchor');
  if (component !== 'total') return finiteVector(fn, `g.per_anchor.${component}`, member(fn, 'g.per_anchor', perAnchor, component));
  const cls = finiteVector(fn, 'g.per_anchor.cls', member(fn, 'g.per_anchor', perAnchor, 'cls'));
  const bbox = finiteVector(fn, 'g.per_anchor.bbox', member(fn, 'g.per_anchor', perAnchor, 'bbox'));
  const dfl = finiteVector(fn, 'g.per_anchor.dfl', member(fn, 'g.per_anchor', perAnchor, 'dfl'));
  const total = new Float64Array(cls.length);
  for (let i = 0; i < total.length; i++) total[i] = cls[i] + bbox[i] + dfl[i];
  return total;
}

function readComponent(fn: string, value: unknown): GflComponent {
  if (value === undefined) return 'total';
  if (!(GFL_COMPONENTS as readonly unknown[]).includes(value)) {
    throw new InputError(fn, 'options.component', `one of ${GFL_COMPONENTS.map((c) => JSON.stringify(c)).join(', ')}`, describeValue(value));
  }
  return value as GflComponent;
}

export const ANCHOR_MAP_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'figure title' },
  { key: 'component', type: 'string', default: 'total', values: [...GFL_COMPONENTS], description: 'which per-anchor value of a gfl result' },
  { key: 'stride', type: 'number', description: "the level's stride in pixels (with anchor points)" },
  { key: 'z_label', type: 'string', description: 'colour-bar title' },
];

/** Largest grid an anchor map may lay out, so a stray point cannot allocate a huge image. */
const MAX_GRID_CELLS = 4_000_000;

/**
 * anchor_map(g_or_values, points_or_shape, {component, stride}): a per-anchor value on the
 * feature grid of one level. The values are a `gfl(…)` result's per-anchor component ('total' =
 * cls + bbox + dfl by default) or any vector (n). The grid comes from the anchor points (n, 2) in
 * pixels (or a data object holding `points`) with the stride: cell (⌊x/stride⌋, ⌊y/stride⌋), which
 * places both mmdetection's offset-0 and offset-0.5 centres in their own cell; or from an explicit
 * [H, W], the values then being row-major. Several anchors in one cell add up; empty cells are null.
 */
function anchorMap(args: unknown[]): AnchorMapFigure {
  const fn = 'anchor_map';
  if (args.length < 2 || args.length > 3) throw new InputError(fn, 'arguments', 'anchor_map(g_or_values, points_or_shape, {component, stride})', `${args.length} arguments`);
  const options = readOptions(fn, args[2], ANCHOR_MAP_OPTIONS);
  const fromResult = isGflResult(args[0]);
  if (!fromResult && options.component !== undefined) {
    throw new InputError(fn, 'options.component', 'used only with a gfl(…) result', describeValue(options.component));
  }
  const component = readComponent(fn, options.component);
  const values = fromResult ? gflComponent(fn, args[0], component) : finiteVector(fn, 'values', args[0]);
  const n = values.length;
  const layout = isOptionObject(args[1]) && args[1].points !== undefined ? args[1].points : args[1];
  const grid = valueToTensor(fn, 'points_or_shape', layout);
  let rows: number;
  let cols: number;
  let cellOf: (i: number) => number;
  let stride: number | undefined;
  if (grid.shape.length === 1) {
    if (grid.shape[0] !== 2) throw new InputError(fn, 'points_or_shape', 'a shape [H, W] or points (n, 2)', `a vector of length ${grid.shape[0]}`);
    [rows, cols] = [grid.data[0], grid.data[1]];
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
      throw new InputError(fn, 'points_or_shape', 'a shape [H, W] of positive integers', `[${rows}, ${cols}]`);
    }
    if (rows * cols !== n) throw new InputError(fn, 'values', `H·W = ${rows * cols} values for the shape [${rows}, ${cols}]`, `${n} values`);
    cellOf = (i) => i;
  } else {
    if (grid.shape.length !== 2 || grid.shape[1] !== 2) throw new InputError(fn, 'points', 'a matrix (n, 2) of anchor centres', `of shape (${grid.shape.join(', ')})`);
    if (grid.shape[0] !== n) throw new InputError(fn, 'points', `one point per value (${n})`, `${grid.shape[0]} points`);
    if (options.stride === undefined) throw new InputError(fn, 'options.stride', "given with points: the level's stride in pixels", 'missing');
    stride = finiteNumber(fn, 'options.stride', options.stride);
    if (!(stride > 0)) throw new InputError(fn, 'options.stride', 'a positive number', String(stride));
    const col = new Int32Array(n);
    const row = new Int32Array(n);
    let minCol = 0;
    let minRow = 0;
    let maxCol = -1;
    let maxRow = -1;
    for (let i = 0; i < n; i++) {
      const [x, y] = [grid.data[2 * i], grid.data[2 * i + 1]];
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new InputError(fn, 'points', 'finite numbers', describeValue(Number.isFinite(x) ? y : x), [i]);
      // The small slack keeps x = j·stride computed in float32 from landing in cell j − 1.
      col[i] = Math.floor(x / stride + 1e-6);
      row[i] = Math.floor(y / stride + 1e-6);
      minCol = Math.min(minCol, col[i]);
      minRow = Math.min(minRow, row[i]);
      maxCol = Math.max(maxCol, col[i]);
      maxRow = Math.max(maxRow, row[i]);
    }
    cols = maxCol - minCol + 1;
    rows = maxRow - minRow + 1;
    if (n === 0) [rows, cols] = [0, 0];
    if (rows * cols > MAX_GRID_CELLS) throw new InputError(fn, 'points', `a grid of at most ${MAX_GRID_CELLS} cells at stride ${stride}`, `${rows}×${cols} cells`);
    cellOf = (i) => (row[i] - minRow) * cols + (col[i] - minCol);
  }
  const z: (number | null)[] = new Array<number | null>(rows * cols).fill(null);
  const anchors: (number | null)[] = new Array<number | null>(rows * cols).fill(null);
  for (let i = 0; i < n; i++) {
    const cell = cellOf(i);
    z[cell] = (z[cell] ?? 0) + values[i];
    if (anchors[cell] === null) anchors[cell] = i + 1;
  }
  const toRows = <T>(flat: T[]): T[][] => Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
  const zLabel = (options.z_label as string | undefined) ?? (fromResult ? (component === 'total' ? 'GFL loss (cls + bbox + dfl)' : component === 'score' || component === 'weight' ? component : `loss_${component}`) : 'value');
  return {
    version: FIGURE_SPEC_VERSION,
    kind: 'anchor-map',
    z: toRows(z),
    anchors: toRows(anchors),
    ...(stride !== undefined ? { stride } : {}),
    zLabel,
    title: (options.title as string | undefined) ?? `${zLabel} per anchor`,
  };
}

export const WORST_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'table title' },
  { key: 'k', type: 'number', default: 10, description: 'number of anchors' },
  { key: 'by', type: 'string', default: 'total', values: [...GFL_COMPONENTS], description: 'the column to rank by, largest first' },
];

/** worst_anchors(g, {k, by}): the k anchors with the largest loss (component), with every per-anchor value. */
function worstAnchors(args: unknown[]): TableFigure {
  const fn = 'worst_anchors';
  if (args.length < 1 || args.length > 2) throw new InputError(fn, 'arguments', 'worst_anchors(g, {k, by})', `${args.length} arguments`);
  if (!isGflResult(args[0])) throw new InputError(fn, 'g', 'the result of gfl(…)', describeValue(args[0]));
  const options = readOptions(fn, args[1], WORST_OPTIONS);
  const by = (options.by as GflComponent | undefined) ?? 'total';
  const k = options.k === undefined ? 10 : Math.round(finiteNumber(fn, 'options.k', options.k));
  if (k < 0) throw new InputError(fn, 'options.k', 'a number ≥ 0', String(k));
  const columns = GFL_COMPONENTS.map((c) => gflComponent(fn, args[0], c));
  const n = columns[0].length;
  columns.forEach((column, c) => {
    if (column.length !== n) throw new InputError(fn, `g.${GFL_COMPONENTS[c]}`, `of length ${n}`, `of length ${column.length}`);
  });
  const key = columns[GFL_COMPONENTS.indexOf(by)];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key[b] - key[a] || a - b);
  return {
    version: FIGURE_SPEC_VERSION,
    kind: 'table',
    columns: ['anchor', ...GFL_COMPONENTS],
    rows: order.slice(0, k).map((i) => [i + 1, ...columns.map((column) => column[i])]),
    title: (options.title as string | undefined) ?? `Top ${Math.min(k, n)} anchors by ${by}`,
  };
}

export const SIDES_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'figure title' },
  { key: 'stride', type: 'number', description: "the level's stride in pixels: puts the ground truth in bin units" },
  { key: 'reg_max', type: 'number', description: 'mmdetection reg_max (reg_max + 1 bins per side); default: from the width of reg' },
  { key: 'background', type: 'string', default: 'last', values: ['last', 'first'], description: 'background label convention' },
];

/** The class column of a label under the convention, or −1 for background. */
function classColumn(label: number, C: number, background: unknown): number {
  const column = background === 'first' ? label - 1 : label;
  return column >= 0 && column < C ? column : -1;
}

/**
 * sides(data, anchor, {stride, reg_max}): the four side distributions (l, t, r, b) of one anchor
 * (its 1-based position, as in worst_anchors and data.reg[anchor, :])
 * in a 2×2 grid. For a positive anchor (its label a class; needs cls, labels, points, gt_boxes and
 * the stride) each side shows its ground-truth distance bbox2distance(point, gt_box) / stride,
 * clamped into [0, reg_max − 0.1] as GFL trains it, with its two bins, weights, DFL and floor.
 */
function sides(args: unknown[]): DistributionGridFigure {
  const fn = 'sides';
  if (args.length < 2 || args.length > 3) throw new InputError(fn, 'arguments', 'sides(data, anchor, {stride, reg_max})', `${args.length} arguments`);
  const data = args[0];
  const options = readOptions(fn, args[2], SIDES_OPTIONS);
  const reg = valueToTensor(fn, 'data.reg', member(fn, 'data', data, 'reg'));
  if (reg.shape.length !== 2 || reg.shape[1] % 4 !== 0 || reg.shape[1] < 8) {
    throw new InputError(fn, 'data.reg', 'a matrix (n, 4·bins) with bins ≥ 2', `of shape (${reg.shape.join(', ')})`);
  }
  const [n, width] = reg.shape;
  const bins = width / 4;
  if (options.reg_max !== undefined && options.reg_max !== bins - 1) {
    throw new InputError(fn, 'options.reg_max', `${bins - 1}, as data.reg has ${bins} bins per side`, describeValue(options.reg_max));
  }
  const position = finiteNumber(fn, 'anchor', args[1]);
  if (!Number.isInteger(position) || position < 1 || position > n) {
    throw new InputError(fn, 'anchor', `a position from 1 to ${n} (positions start at 1, as in data.reg[${n}, :])`, String(position));
  }
  const anchor = position - 1;
  const row = reg.data.subarray(anchor * width, (anchor + 1) * width);
  for (let i = 0; i < width; i++) {
    if (!Number.isFinite(row[i])) throw new InputError(fn, 'data.reg', 'finite numbers', describeValue(row[i]), [anchor, i]);
  }
  const target = groundTruthDistances(fn, data, anchor, bins, options);
  const names = ['l', 't', 'r', 'b'];
  const panels: DistributionPanel[] = names.map((name, s) => {
    const logits = row.subarray(s * bins, (s + 1) * bins);
    const { probabilities, expectation } = binDistribution(logits);
    if (target === undefined) return { name, probabilities, expectation };
    const y = target.clamped[s];
    const point = dflPoint(logits, y);
    const raw = target.raw[s];
    return {
      name: raw === y ? `${name} (gt ${Number(raw.toPrecision(4))})` : `${name} (gt ${Number(raw.toPrecision(4))} → ${Number(y.toPrecision(4))})`,
      probabilities,
      expectation,
      target: { y, left: point.left, right: point.right, weightLeft: point.weightLeft, weightRight: point.weightRight },
      loss: point.value,
      entropyFloor: point.entropyFloor,
    };
  });
  // The label as the exporter wrote it: class ids are data, not positions.
  const label = target === undefined ? 'negative' : `label ${target.label}`;
  return {
    version: FIGURE_SPEC_VERSION,
    kind: 'distribution-grid',
    panels,
    columns: 2,
    xLabel: 'bin (stride units)',
    title: (options.title as string | undefined) ?? `Anchor ${position} (${label}): side distributions`,
  };
}

/** The anchor's ground-truth side distances in bins, raw and clamped as GFL does; undefined for a negative. */
function groundTruthDistances(
  fn: string,
  data: unknown,
  anchor: number,
  bins: number,
  options: OptionValues,
): { raw: Float64Array; clamped: Float64Array; column: number; label: number } | undefined {
  const record = data as Record<string, unknown>;
  if (record.labels === undefined || record.cls === undefined) return undefined;
  const labels = finiteVector(fn, 'data.labels', record.labels);
  const cls = valueToTensor(fn, 'data.cls', record.cls);
  if (anchor >= labels.length) throw new InputError(fn, 'data.labels', `a label for anchor ${anchor + 1}`, `${labels.length} labels`);
  const column = classColumn(labels[anchor], cls.shape[1] ?? 0, options.background);
  if (column < 0) return undefined;
  if (options.stride === undefined) throw new InputError(fn, 'options.stride', "given for a positive anchor: the level's stride, to put its ground truth in bins", 'missing');
  const stride = finiteNumber(fn, 'options.stride', options.stride);
  if (!(stride > 0)) throw new InputError(fn, 'options.stride', 'a positive number', String(stride));
  const points = valueToTensor(fn, 'data.points', member(fn, 'data', data, 'points'));
  const boxes = valueToTensor(fn, 'data.gt_boxes', record.gt_boxes ?? member(fn, 'data', data, 'gt_boxes'));
  const point: Tensor = { shape: [1, 2], data: Float64Array.of(points.data[2 * anchor] / stride, points.data[2 * anchor + 1] / stride) };
  const box: Tensor = { shape: [1, 4], data: Float64Array.from(boxes.data.subarray(4 * anchor, 4 * anchor + 4), (v) => v / stride) };
  const raw = bbox2distance(point, box).distance.data;
  const clamped = bbox2distance(point, box, bins - 1, 0.1).distance.data;
  return { raw, clamped, column, label: labels[anchor] };
}

export const CALIBRATION_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'figure title' },
  { key: 'bins', type: 'number', default: 10, description: 'IoU bins of the reliability curve (0 for none)' },
  { key: 'background', type: 'string', default: 'last', values: ['last', 'first'], description: 'background label convention' },
];

/**
 * calibration(g, data, {bins}): QFL's calibration on the positives: the predicted σ of each
 * positive's labelled class (σ(data.cls[i, label])) against its IoU target g.score[i], which QFL
 * trains it to equal; with the mean σ per equal-width IoU bin (plotted at the bin's mean IoU).
 */
function calibration(args: unknown[]): CalibrationFigure {
  const fn = 'calibration';
  if (args.length < 2 || args.length > 3) throw new InputError(fn, 'arguments', 'calibration(g, data, {bins})', `${args.length} arguments`);
  const options = readOptions(fn, args[2], CALIBRATION_OPTIONS);
  const score = finiteVector(fn, 'g.score', member(fn, 'g', args[0], 'score'));
  const cls = valueToTensor(fn, 'data.cls', member(fn, 'data', args[1], 'cls'));
  const labels = finiteVector(fn, 'data.labels', member(fn, 'data', args[1], 'labels'));
  const n = labels.length;
  const C = cls.shape.length === 2 ? cls.shape[1] : -1;
  if (cls.shape.length !== 2 || cls.shape[0] !== n) throw new InputError(fn, 'data.cls', `a matrix (${n}, C) like data.labels`, `of shape (${cls.shape.join(', ')})`);
  if (score.length !== n) throw new InputError(fn, 'g.score', `of length ${n} like data.labels`, `of length ${score.length}`);
  const bins = options.bins === undefined ? 10 : Math.round(finiteNumber(fn, 'options.bins', options.bins));
  if (bins < 0 || bins > 1000) throw new InputError(fn, 'options.bins', 'between 0 and 1000', String(bins));
  const x: number[] = [];
  const y: number[] = [];
  const anchors: number[] = [];
  for (let i = 0; i < n; i++) {
    const column = classColumn(labels[i], C, options.background);
    if (column < 0) continue;
    const logit = cls.data[i * C + column];
    if (!Number.isFinite(logit)) throw new InputError(fn, 'data.cls', 'finite numbers', describeValue(logit), [i, column]);
    x.push(score[i]);
    y.push(sigmoid(logit));
    anchors.push(i + 1);
  }
  const spec: CalibrationFigure = {
    version: FIGURE_SPEC_VERSION,
    kind: 'calibration',
    x,
    y,
    anchors,
    xLabel: 'IoU target (QFL score)',
    yLabel: 'σ of the labelled class',
    title: (options.title as string | undefined) ?? `QFL calibration of ${x.length} positives`,
  };
  return bins === 0 ? spec : { ...spec, reliability: reliabilityCurve(x, y, bins) };
}

/** Mean x and mean y of the points in each non-empty equal-width bin of x over [0, 1]. */
function reliabilityCurve(x: readonly number[], y: readonly number[], bins: number): { x: number[]; y: number[]; counts: number[] } {
  const sumX = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < x.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(x[i] * bins)));
    sumX[b] += x[i];
    sumY[b] += y[i];
    count[b]++;
  }
  const out = { x: [] as number[], y: [] as number[], counts: [] as number[] };
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.x.push(sumX[b] / count[b]);
    out.y.push(sumY[b] / count[b]);
    out.counts.push(count[b]);
  }
  return out;
}
