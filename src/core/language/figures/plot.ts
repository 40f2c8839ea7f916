import type { MathNode } from 'mathjs';
import { InputError, describeValue } from '../../errors';
import { FIGURE_SPEC_VERSION, type CurveSeries, type CurvesFigure, type ScatterFigure, type SliderSpec } from '../../figures/spec';
import { gridPoints } from '../../figures/grid';
import { marginCurves } from '../../losses/arcface';
import { toNested } from '../../tensor';
import { readOptions, type OptionSpec } from '../options';
import { LayeredScope } from '../scope';
import { expressionNames, parameterSuffix, symbolLabel } from '../seriesNames';
import { valueToTensor } from '../values';
import { evaluateNode, finiteNumber, numberList, symbolName } from './arguments';
import { COMMON_OPTIONS, parameterSets, readSliders, recomputeSource, requirePortable, withCommon, type FigureContext } from './context';

/* Curves and points: plot, margins_plot and scatter. */

export const PLOT_OPTIONS: readonly OptionSpec[] = [
  ...COMMON_OPTIONS,
  { key: 'points', type: 'number', default: 201, description: 'number of points on the range' },
  { key: 'grad', type: 'boolean', default: false, description: 'overlay the exact derivative on a second axis' },
  { key: 'over', type: 'any', description: 'one curve per value: {beta: [0.5, 1, 2, 4]}' },
  { key: 'sliders', type: 'any', description: 'live parameters: {beta: [0, 4]} or {beta: [0, 4, 0.1]}' },
  { key: 'names', type: 'any', description: 'series names, one per expression' },
];

export function plot(context: FigureContext, args: MathNode[], scope: Map<string, unknown>): CurvesFigure {
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
          const dual = context.differentiate(expression, variable, x[i], layered);
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
  const source = recomputeSource(context, args, exclude);
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

export function scatter(args: unknown[]): ScatterFigure {
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
export function marginsPlot(args: unknown[]): CurvesFigure {
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
