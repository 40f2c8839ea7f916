import { angleCensus } from '../../embeddings/angles';
import { centreSimilarity } from '../../embeddings/centres';
import { classDistances } from '../../embeddings/classDistances';
import { InputError, describeValue } from '../../errors';
import { FIGURE_SPEC_VERSION, type HeatmapFigure, type HistogramFigure, type TableFigure } from '../../figures/spec';
import { gridPoints } from '../../figures/grid';
import type { CentreLayout } from '../../heads/margin/cosines';
import { formatNumber } from '../../numberFormat';
import type { Tensor } from '../../tensor';
import { isOptionObject, readOptions, type OptionSpec, type OptionValues } from '../options';
import { valueToTensor } from '../values';
import { finiteNumber } from './arguments';

/*
 * Views of an embedding export (embeddings, labels and the class centres W), the questions the
 * ArcFace paper's figures answer: how the target angles are distributed against the margin
 * (angle_hist), which class centres are too close (centre_similarity), and how tight each class
 * is against the others (class_distances).
 */

const degrees = (radians: number): number => (radians * 180) / Math.PI;

/** The positional arguments and the trailing option object of a view, checked against its forms. */
export function viewArguments(fn: string, args: unknown[], count: number, signature: string): { positional: unknown[]; options: unknown } {
  const last = args[args.length - 1];
  const options = args.length > count && isOptionObject(last) ? last : undefined;
  const positional = options === undefined ? args : args.slice(0, -1);
  if (positional.length !== count) throw new InputError(fn, 'arguments', signature, `${positional.length} arguments before the options`);
  positional.forEach((value, i) => {
    if (value === undefined) throw new InputError(fn, `argument ${i + 1}`, 'given', 'missing');
  });
  return { positional, options };
}

/** Runs a core function, its InputErrors in the view's name (`angle_hist: labels …`, not `angleCensus: …`). */
export function inView<T>(fn: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw error instanceof InputError ? new InputError(fn, error.argument, error.expected, error.found, error.index) : error;
  }
}

const CONVENTION_OPTION: OptionSpec = {
  key: 'convention',
  type: 'string',
  default: 'pml',
  values: ['pml', 'insightface'],
  description: "W's layout: 'pml' (d, C), one column per class, as arcface and margin_head take it; 'insightface' (C, d), one row per class",
};

const layoutOf = (options: OptionValues): CentreLayout => (options.convention === 'insightface' ? 'rows' : 'columns');

/** A whole number option in [low, high], or its default. */
export function count(fn: string, options: OptionValues, key: string, fallback: number, low: number, high: number): number {
  if (options[key] === undefined) return fallback;
  const value = finiteNumber(fn, `options.${key}`, options[key]);
  if (!Number.isInteger(value) || value < low || value > high) throw new InputError(fn, `options.${key}`, `a whole number in [${low}, ${high}]`, describeValue(value));
  return value;
}

export const ANGLE_HIST_OPTIONS: readonly OptionSpec[] = [
  { key: 'm', type: 'number', default: 0.5, description: 'the additive angular margin in radians (pml’s 28.6° is 0.4992), marked with π − m' },
  CONVENTION_OPTION,
  { key: 'bins', type: 'number', default: 60, description: 'equal-width bins over [0°, 180°]' },
  { key: 'top', type: 'number', default: 10, description: 'how many samples past π − m the note lists' },
  { key: 'title', type: 'string', description: 'figure title' },
];

/** Bin counts of angles in degrees over [0, 180], as fractions of the series. */
function fractions(anglesRadians: Float64Array, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const theta of anglesRadians) counts[Math.min(bins - 1, Math.floor((degrees(theta) / 180) * bins))]++;
  return counts.map((c) => (anglesRadians.length === 0 ? 0 : c / anglesRadians.length));
}

/**
 * angle_hist(x, W, labels, {m}): the target angles θ_y and the non-target angles θ_j (j ≠ y) as two
 * histograms in degrees, each as fractions of its own count, with m and π − m marked, and the
 * samples past π − m (1-based rows, largest θ_y first) listed under the plot.
 */
export function angleHist(args: unknown[]): HistogramFigure {
  const fn = 'angle_hist';
  const { positional, options: raw } = viewArguments(fn, args, 3, 'angle_hist(x, W, labels, {m, convention, bins, top, title})');
  const options = readOptions(fn, raw, ANGLE_HIST_OPTIONS);
  const m = options.m === undefined ? 0.5 : finiteNumber(fn, 'options.m', options.m);
  const bins = count(fn, options, 'bins', 60, 1, 3600);
  const top = count(fn, options, 'top', 10, 0, 10_000);
  const [x, W, labels] = positional.map((value, i) => valueToTensor(fn, ['x', 'W', 'labels'][i], value));
  const census = inView(fn, () => angleCensus(x, W, labels, m, layoutOf(options)));
  const limit = Math.PI - m;
  const listed = census.pastPiMinusM.slice(0, top).map((i) => `${i + 1} (${formatNumber(degrees(census.target[i]))}°)`);
  const largest = census.target.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  const note =
    census.pastPiMinusM.length === 0
      ? `No sample past π − m = ${formatNumber(degrees(limit))}°${census.target.length === 0 ? '' : ` (largest θ_y ${formatNumber(degrees(largest))}°)`}.`
      : `${census.pastPiMinusM.length} of ${census.target.length} samples past π − m = ${formatNumber(degrees(limit))}° (row, θ_y): ${listed.join(', ')}${census.pastPiMinusM.length > listed.length ? ', …' : ''}.`;
  const spec: HistogramFigure = {
    version: FIGURE_SPEC_VERSION,
    kind: 'histogram',
    values: Array.from(census.target, degrees),
    binEdges: gridPoints(0, 180, bins + 1),
    counts: fractions(census.target, bins),
    name: 'target θ_y',
    series: [{ name: 'non-target θ_j', counts: fractions(census.nonTarget, bins) }],
    marks: [
      { name: `m = ${formatNumber(degrees(m))}°`, x: degrees(m) },
      { name: `π − m = ${formatNumber(degrees(limit))}°`, x: degrees(limit) },
    ],
    note,
    xLabel: 'angle to the class centre (degrees)',
    yLabel: 'fraction of the series',
  };
  return options.title === undefined ? spec : { ...spec, title: options.title as string };
}

export const CENTRE_SIMILARITY_OPTIONS: readonly OptionSpec[] = [
  { key: 'top', type: 'number', default: 10, description: 'how many of the most similar centre pairs the note lists' },
  CONVENTION_OPTION,
  { key: 'max_classes', type: 'number', default: 256, description: 'above this many classes, the map shows only the classes of the listed pairs' },
  { key: 'title', type: 'string', description: 'figure title' },
];

/**
 * centre_similarity(W, {top}): the (C, C) cosine matrix of the class centres as a heatmap (axes
 * are class ids, as in the labels), with the most similar pairs under it: a pair near 1 is two
 * classes the head cannot separate (a duplicated identity or a collapsed centre).
 */
export function centreSimilarityView(args: unknown[]): HeatmapFigure {
  const fn = 'centre_similarity';
  const { positional, options: raw } = viewArguments(fn, args, 1, 'centre_similarity(W, {top, convention, max_classes, title})');
  const options = readOptions(fn, raw, CENTRE_SIMILARITY_OPTIONS);
  const top = count(fn, options, 'top', 10, 0, 10_000);
  const maxClasses = count(fn, options, 'max_classes', 256, 1, 4096);
  const W: Tensor = valueToTensor(fn, 'W', positional[0]);
  const { C, cosinesAmong, nearest } = inView(fn, () => centreSimilarity(W, top, layoutOf(options)));
  const shown = C <= maxClasses ? [...Array(C).keys()] : [...new Set(nearest.flatMap((p) => [p.i, p.j]))].sort((a, b) => a - b).slice(0, maxClasses);
  const cosines = cosinesAmong(shown);
  const n = shown.length;
  const pairs = nearest.map((p) => `${p.i}–${p.j} cos ${formatNumber(p.cosine)} (${formatNumber(degrees(Math.acos(Math.min(1, Math.max(-1, p.cosine)))))}°)`);
  const subset = shown.length < C ? ` The map shows the ${shown.length} classes of these pairs, of ${C}.` : '';
  const spec: HeatmapFigure = {
    version: FIGURE_SPEC_VERSION,
    kind: 'heatmap',
    x: shown,
    y: shown,
    z: shown.map((_, a) => shown.map((__, b) => cosines[a * n + b])),
    xLabel: 'class',
    yLabel: 'class',
    zLabel: 'cos between centres',
    note: pairs.length === 0 ? `${C} class centre${C === 1 ? '' : 's'}: no pair.` : `Most similar centres (class–class): ${pairs.join(', ')}.${subset}`,
  };
  return options.title === undefined ? spec : { ...spec, title: options.title as string };
}

export const CLASS_DISTANCES_OPTIONS: readonly OptionSpec[] = [
  { key: 'normalize', type: 'boolean', default: true, description: 'L2-normalise the embeddings first (pml’s default distance)' },
  { key: 'k', type: 'number', default: 20, description: 'how many classes to show, the smallest gap first' },
  { key: 'title', type: 'string', description: 'table title' },
];

/**
 * class_distances(emb, labels): per class, its size, the mean and largest distance inside it, the
 * smallest and mean distance to other classes, the nearest other class, and the gap (smallest
 * inter minus largest intra; negative = another class reaches inside its spread), the smallest
 * gap first.
 */
export function classDistancesView(args: unknown[]): TableFigure {
  const fn = 'class_distances';
  const { positional, options: raw } = viewArguments(fn, args, 2, 'class_distances(emb, labels, {normalize, k, title})');
  const options = readOptions(fn, raw, CLASS_DISTANCES_OPTIONS);
  const k = count(fn, options, 'k', 20, 0, 100_000);
  const rows = inView(fn, () => classDistances(valueToTensor(fn, 'emb', positional[0]), valueToTensor(fn, 'labels', positional[1]), options.normalize !== false));
  // NaN (a singleton's spread, one class's neighbours) sorts last and shows as a dash.
  const key = (gap: number): number => (Number.isNaN(gap) ? Number.POSITIVE_INFINITY : gap);
  const order = rows.slice().sort((a, b) => key(a.gap) - key(b.gap) || a.label - b.label);
  const cell = (v: number): number | string => (Number.isNaN(v) ? '—' : v);
  const spec: TableFigure = {
    version: FIGURE_SPEC_VERSION,
    kind: 'table',
    columns: ['class', 'n', 'intra_mean', 'intra_max', 'inter_min', 'inter_mean', 'nearest_class', 'gap'],
    rows: order.slice(0, k).map((r) => [r.label, r.count, cell(r.intraMean), cell(r.intraMax), cell(r.interMin), cell(r.interMean), r.nearestClass < 0 ? '—' : r.nearestClass, cell(r.gap)]),
  };
  return options.title === undefined ? spec : { ...spec, title: options.title as string };
}
