import { InputError, describeValue } from '../../errors';
import { FIGURE_SPEC_VERSION, type TableFigure, type AnchorMapFigure, type AnchorMapGridFigure, type AssignmentMapFigure, type CalibrationFigure, type DistributionGridFigure } from '../../figures/spec';
import { sigmoid } from '../../numerics';
import { bbox2distance } from '../../boxes';
import type { Tensor } from '../../tensor';
import { isOptionObject, readOptions, type OptionSpec, type OptionValues } from '../options';
import { valueToTensor } from '../values';
import { finiteNumber } from './arguments';
import { assignmentView, isRawHeadResult, levelMaps, readComponent as readRawComponent, readImage, readRawHead } from './rawHead';
import { rawCalibration, rawSides, rawWorstAnchors } from './rawHeadPositives';
import { sideGrid, sidePanels } from './sidePanels';

/* The detector-debug views (issue 4): anchor maps, the worst anchors, one anchor's sides, QFL calibration. */

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
  { key: 'component', type: 'string', default: 'total', values: [...GFL_COMPONENTS], description: "which per-anchor value of a gfl or raw head's result (a yolov8_loss result's box part is \"bbox\", its target score \"score\")" },
  { key: 'stride', type: 'number', description: "the level's stride in pixels (with anchor points)" },
  { key: 'z_label', type: 'string', description: 'colour-bar title' },
  { key: 'image', type: 'number', default: 1, description: "the image of a raw head's batch, counted from 1" },
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
export function anchorMap(args: unknown[]): AnchorMapFigure | AnchorMapGridFigure {
  const fn = 'anchor_map';
  if (args.length < 2 || args.length > 3) throw new InputError(fn, 'arguments', 'anchor_map(g_or_values, points_or_shape, {component, stride})', `${args.length} arguments`);
  const options = readOptions(fn, args[2], ANCHOR_MAP_OPTIONS);
  if (isRawHeadResult(args[0])) {
    // anchor_map(h, data, {component, image}): every level of one image, the grids from the result.
    if (options.stride !== undefined) throw new InputError(fn, 'options.stride', "left out with a raw head's result, whose levels carry their strides", describeValue(options.stride));
    if (!isOptionObject(args[1])) throw new InputError(fn, 'data', "the export the raw head's result came from", describeValue(args[1]));
    const head = readRawHead(fn, 'h', args[0]);
    const figure = levelMaps(fn, head, readRawComponent(fn, options.component), readImage(fn, head, options.image), options.title as string | undefined);
    return options.z_label === undefined ? figure : { ...figure, zLabel: options.z_label as string };
  }
  if (options.image !== undefined) throw new InputError(fn, 'options.image', "used only with a gfl_head(…) or yolov8_loss(…) result", describeValue(options.image));
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
  { key: 'image', type: 'number', default: 1, description: "the image of a raw head's batch, counted from 1" },
];

/** worst_anchors(g, {k, by}): the k anchors with the largest loss (component), with every per-anchor value. */
export function worstAnchors(args: unknown[]): TableFigure {
  const fn = 'worst_anchors';
  if (args.length < 1 || args.length > 2) throw new InputError(fn, 'arguments', 'worst_anchors(g, {k, by})', `${args.length} arguments`);
  if (isRawHeadResult(args[0])) {
    const options = readOptions(fn, args[1], WORST_OPTIONS);
    const head = readRawHead(fn, 'h', args[0]);
    const k = options.k === undefined ? 10 : Math.round(finiteNumber(fn, 'options.k', options.k));
    if (k < 0) throw new InputError(fn, 'options.k', 'a number ≥ 0', String(k));
    return rawWorstAnchors(fn, head, readImage(fn, head, options.image), k, readRawComponent(fn, options.by), options.title as string | undefined);
  }
  if (!isGflResult(args[0])) throw new InputError(fn, 'g', 'the result of gfl(…)', describeValue(args[0]));
  const options = readOptions(fn, args[1], WORST_OPTIONS);
  if (options.image !== undefined) throw new InputError(fn, 'options.image', 'used only with a gfl_head(…) or yolov8_loss(…) result', describeValue(options.image));
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
  { key: 'anchor', type: 'number', description: "with a raw head's result: one anchor's sides, its 1-based position over every level (default: the k worst positives)" },
  { key: 'k', type: 'number', default: 3, description: "with a raw head's result: how many of the worst positives (largest total loss)" },
  { key: 'image', type: 'number', default: 1, description: "the image of a raw head's batch, counted from 1" },
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
export function sides(args: unknown[]): DistributionGridFigure {
  const fn = 'sides';
  if (args.length < 2 || args.length > 3) throw new InputError(fn, 'arguments', 'sides(data, anchor, {stride, reg_max})', `${args.length} arguments`);
  const data = args[0];
  const options = readOptions(fn, args[2], SIDES_OPTIONS);
  if (isRawHeadResult(args[0])) return rawHeadSides(fn, args[0], args[1], options);
  for (const key of ['anchor', 'k', 'image']) {
    if (options[key] !== undefined) throw new InputError(fn, `options.${key}`, "used only with a gfl_head(…) or yolov8_loss(…) result (the anchor is the second argument here)", describeValue(options[key]));
  }
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
  const panels = sidePanels(row, bins, target);
  // The label as the exporter wrote it: class ids are data, not positions.
  const label = target === undefined ? 'negative' : `label ${target.label}`;
  return sideGrid(panels, (options.title as string | undefined) ?? `Anchor ${position} (${label}): side distributions`);
}

/** sides(h, data, {anchor, k, image, reg_max}): a raw head's worst positives (or one anchor), every level. */
function rawHeadSides(fn: string, h: unknown, data: unknown, options: OptionValues): DistributionGridFigure {
  if (options.stride !== undefined) throw new InputError(fn, 'options.stride', "left out with a raw head's result, whose levels carry their strides", describeValue(options.stride));
  const head = readRawHead(fn, 'h', h);
  const image = readImage(fn, head, options.image);
  const k = options.k === undefined ? 3 : Math.round(finiteNumber(fn, 'options.k', options.k));
  if (k < 1 || k > 50) throw new InputError(fn, 'options.k', 'between 1 and 50', String(k));
  let anchors: number[] | undefined;
  if (options.anchor !== undefined) {
    const position = finiteNumber(fn, 'options.anchor', options.anchor);
    if (!Number.isInteger(position) || position < 1 || position > head.anchors) throw new InputError(fn, 'options.anchor', `a position from 1 to ${head.anchors}`, String(position));
    anchors = [position - 1];
  }
  return rawSides(fn, head, data, image, anchors, k, options.reg_max, options.title as string | undefined);
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
export function calibration(args: unknown[]): CalibrationFigure {
  const fn = 'calibration';
  if (args.length < 2 || args.length > 3) throw new InputError(fn, 'arguments', 'calibration(g, data, {bins})', `${args.length} arguments`);
  const options = readOptions(fn, args[2], CALIBRATION_OPTIONS);
  const bins = options.bins === undefined ? 10 : Math.round(finiteNumber(fn, 'options.bins', options.bins));
  if (bins < 0 || bins > 1000) throw new InputError(fn, 'options.bins', 'between 0 and 1000', String(bins));
  if (isRawHeadResult(args[0])) {
    if (options.background !== undefined) throw new InputError(fn, 'options.background', "left out with a raw head's result, whose labels are class ids", describeValue(options.background));
    const spec = rawCalibration(fn, readRawHead(fn, 'h', args[0]), args[1], options.title as string | undefined);
    return bins === 0 ? spec : { ...spec, reliability: reliabilityCurve(spec.x, spec.y, bins) };
  }
  const score = finiteVector(fn, 'g.score', member(fn, 'g', args[0], 'score'));
  const cls = valueToTensor(fn, 'data.cls', member(fn, 'data', args[1], 'cls'));
  const labels = finiteVector(fn, 'data.labels', member(fn, 'data', args[1], 'labels'));
  const n = labels.length;
  const C = cls.shape.length === 2 ? cls.shape[1] : -1;
  if (cls.shape.length !== 2 || cls.shape[0] !== n) throw new InputError(fn, 'data.cls', `a matrix (${n}, C) like data.labels`, `of shape (${cls.shape.join(', ')})`);
  if (score.length !== n) throw new InputError(fn, 'g.score', `of length ${n} like data.labels`, `of length ${score.length}`);
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

export const ASSIGNMENT_MAP_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'figure title' },
  { key: 'image', type: 'number', default: 1, description: 'the image of the batch, counted from 1' },
  { key: 'level', type: 'number', description: "keep one level's anchors, counted from 1 (default: every level)" },
];

/**
 * assignment_map(h, data, {image, level}): one image's assignment by a raw head's assigner (ATSS
 * for gfl_head, the task-aligned assigner for yolov8_loss): its GT boxes, the positives coloured by
 * their GT and the candidates that stayed negative, with the assigner's facts in the hover.
 */
export function assignmentMap(args: unknown[]): AssignmentMapFigure {
  const fn = 'assignment_map';
  if (args.length < 2 || args.length > 3) throw new InputError(fn, 'arguments', 'assignment_map(h, data, {image, level})', `${args.length} arguments`);
  const options = readOptions(fn, args[2], ASSIGNMENT_MAP_OPTIONS);
  const head = readRawHead(fn, 'h', args[0]);
  let level: number | undefined;
  if (options.level !== undefined) {
    level = finiteNumber(fn, 'options.level', options.level);
    if (!Number.isInteger(level) || level < 1 || level > head.levels.length) throw new InputError(fn, 'options.level', `a level from 1 to ${head.levels.length}`, String(level));
  }
  return assignmentView(fn, head, args[1], readImage(fn, head, options.image), level, options.title as string | undefined);
}
