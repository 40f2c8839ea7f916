import type { MathNode } from 'mathjs';
import { InputError } from '../../errors';
import { FIGURE_SPEC_VERSION, type DistributionFigure, type HistogramFigure } from '../../figures/spec';
import { gridPoints } from '../../figures/grid';
import { binDistribution } from '../../distributions';
import { dflPoint } from '../../losses/dfl';
import { isOptionObject, readOptions, type OptionSpec } from '../options';
import { evaluateNode, finiteNumber, numberList } from './arguments';
import { COMMON_OPTIONS, readSliders, recomputeSource, requirePortable, withCommon, type FigureContext } from './context';

/* Distributions: dist (DFL's bins) and hist. */

export const DIST_OPTIONS: readonly OptionSpec[] = [...COMMON_OPTIONS, { key: 'sliders', type: 'any', description: 'live parameters' }];

/** dist(logits, target?): the softmax over bins, its expectation, and for a target its two bins. */
export function dist(context: FigureContext, args: MathNode[], scope: Map<string, unknown>): DistributionFigure {
  const fn = 'dist';
  if (args.length < 1 || args.length > 3) throw new InputError(fn, 'arguments', 'dist(logits), dist(logits, target) or dist(logits, target, {options})', `${args.length} arguments`);
  const logits = numberList(fn, 'logits', evaluateNode(args[0], scope));
  if (logits.length < 2) throw new InputError(fn, 'logits', 'at least 2 bin logits', String(logits.length));
  const second = args[1] === undefined ? undefined : evaluateNode(args[1], scope);
  const optionsValue = isOptionObject(second) ? second : args[2] === undefined ? undefined : evaluateNode(args[2], scope);
  const target = isOptionObject(second) || second === undefined ? undefined : finiteNumber(fn, 'target', second);
  const options = readOptions(fn, optionsValue, DIST_OPTIONS);
  const sliders = readSliders(fn, options.sliders, scope);
  const source = recomputeSource(context, args, new Set());
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

export function hist(args: unknown[]): HistogramFigure {
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

