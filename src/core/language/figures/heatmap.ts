import type { MathNode } from 'mathjs';
import { InputError } from '../../errors';
import { FIGURE_SPEC_VERSION, type HeatmapFigure } from '../../figures/spec';
import { gridPoints } from '../../figures/grid';
import { toNested } from '../../tensor';
import { readOptions, type OptionSpec } from '../options';
import { LayeredScope } from '../scope';
import { valueToTensor } from '../values';
import { evaluateNode, finiteNumber, symbolName } from './arguments';
import { COMMON_OPTIONS, readSliders, recomputeSource, requirePortable, withCommon, type FigureContext } from './context';

export const HEATMAP_OPTIONS: readonly OptionSpec[] = [
  ...COMMON_OPTIONS,
  { key: 'points', type: 'number', default: 101, description: 'grid points per axis' },
  { key: 'z_label', type: 'string', description: 'colour-bar title' },
  { key: 'diagonal', type: 'boolean', default: false, description: 'draw the line y = x (e.g. the QFL minimum σ = y)' },
  { key: 'sliders', type: 'any', description: 'live parameters' },
];

export function heatmap(context: FigureContext, args: MathNode[], scope: Map<string, unknown>): HeatmapFigure {
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
  const source = recomputeSource(context, args, new Set([xName, yName]));
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

