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
} from '../figures/spec';
import { binDistribution } from '../distributions';
import { marginCurves } from '../losses/arcface';
import { toNested } from '../tensor';
import { isOptionObject, readOptions, type OptionSpec, type OptionValues } from './options';
import { LayeredScope } from './scope';
import type { Session } from './session';
import { valueToTensor } from './values';
import { expressionNames, parameterSuffix, symbolLabel } from './seriesNames';
import { gridPoints } from '../figures/grid';
import { evaluateNode, finiteNumber, numberList, symbolName } from './figures/arguments';
import { grad } from './grad';
import { anchorMap, calibration, sides, worstAnchors } from './figures/detector';
import { table } from './figures/table';

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

/* ---- ArcFace margin curves (the detector-debug views are in figures/detector.ts) ---- */

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
