import { DIST_OPTIONS, HIST_OPTIONS } from '../figures/dist';
import { HEATMAP_OPTIONS } from '../figures/heatmap';
import { MARGINS_OPTIONS, PLOT_OPTIONS, SCATTER_OPTIONS } from '../figures/plot';
import { ANCHOR_MAP_OPTIONS, CALIBRATION_OPTIONS, SIDES_OPTIONS, WORST_OPTIONS } from '../figures/detector';
import { TABLE_OPTIONS } from '../figures/tables';
import type { OptionSpec } from '../options';

/**
 * The documentation of the figure and derivative functions (figureFunctions.ts), in the shape
 * LANGUAGE_FUNCTIONS documents the losses. Their argument counts are not one range (heatmap takes
 * 1–2 or 7–8), and only some positions take an option object (table's first argument is data,
 * even when it is an object). A test checks these option lists against the running functions.
 */
export interface FigureSignature {
  readonly name: string;
  readonly signatures: readonly string[];
  readonly summary: string;
  /** Allowed argument counts, as inclusive ranges. */
  readonly arities: readonly (readonly [number, number])[];
  readonly options: readonly OptionSpec[];
  /** Argument positions where an object literal is the option object. */
  readonly optionPositions: readonly number[];
}

export const FIGURE_SIGNATURES: readonly FigureSignature[] = [
  {
    name: 'plot',
    signatures: ['plot(expression, variable, from, to, {points, grad, over, sliders, names, title, x_label, y_label})'],
    summary: 'Curves of one or more expressions ([e1, e2]) over a variable on [from, to], optionally with their exact derivatives.',
    arities: [[4, 5]],
    options: PLOT_OPTIONS,
    optionPositions: [4],
  },
  {
    name: 'heatmap',
    signatures: ['heatmap(expression, x, x0, x1, y, y0, y1, {points, diagonal, sliders, z_label, title})', 'heatmap(matrix, {title, z_label})'],
    summary: 'A heatmap of an expression over two variables, or of a matrix.',
    arities: [[1, 2], [7, 8]],
    options: HEATMAP_OPTIONS,
    optionPositions: [1, 7],
  },
  {
    name: 'dist',
    signatures: ['dist(logits, {title, sliders})', 'dist(logits, target, {title, sliders})'],
    summary: 'The softmax distribution over bins, its expectation and, for a target, the two bins DFL pulls toward.',
    arities: [[1, 3]],
    options: DIST_OPTIONS,
    optionPositions: [1, 2],
  },
  {
    name: 'hist',
    signatures: ['hist(values, {bins, range, title, x_label})'],
    summary: 'A histogram of values.',
    arities: [[1, 2]],
    options: HIST_OPTIONS,
    optionPositions: [1],
  },
  {
    name: 'scatter',
    signatures: ['scatter(points, {labels, normalize, sphere, centres, margin, title})'],
    summary: 'A 2-D or 3-D scatter of embeddings, optionally normalised onto the unit sphere with class centres and margins.',
    arities: [[1, 2]],
    options: SCATTER_OPTIONS,
    optionPositions: [1],
  },
  {
    name: 'table',
    signatures: ['table(data, {k, by, ascending, columns, title})'],
    summary: 'The top-k rows of an object of equal-length vectors or of a matrix, optionally sorted by a column.',
    arities: [[1, 2]],
    options: TABLE_OPTIONS,
    optionPositions: [1],
  },
  {
    name: 'margins_plot',
    signatures: ['margins_plot({m_arc, m_cos, m_sphere, points, grad, sliders, title})'],
    summary: 'The target logits of softmax, ArcFace, CosFace and SphereFace against θ ∈ [0, π], with sliders for the three margins.',
    arities: [[0, 1]],
    options: MARGINS_OPTIONS,
    optionPositions: [0],
  },
  {
    name: 'anchor_map',
    signatures: ['anchor_map(g_or_values, points_or_shape, {component, stride, title, z_label})'],
    summary: "A per-anchor value (a gfl result's component, or any vector) on the feature grid of one level; the hover names each anchor's 1-based position.",
    arities: [[2, 3]],
    options: ANCHOR_MAP_OPTIONS,
    optionPositions: [2],
  },
  {
    name: 'worst_anchors',
    signatures: ['worst_anchors(g, {k, by, title})'],
    summary: "The k anchors of a gfl result with the largest loss (or component), with every per-anchor value; the anchor column is each one's 1-based position.",
    arities: [[1, 2]],
    options: WORST_OPTIONS,
    optionPositions: [1],
  },
  {
    name: 'sides',
    signatures: ['sides(data, anchor, {stride, reg_max, background, title})'],
    summary: 'The four side distributions (l, t, r, b) of one anchor, its 1-based position, with the ground-truth distances of a positive.',
    arities: [[2, 3]],
    options: SIDES_OPTIONS,
    optionPositions: [2],
  },
  {
    name: 'calibration',
    signatures: ['calibration(g, data, {bins, background, title})'],
    summary: "QFL's calibration: each positive's σ of its labelled class against its IoU target, with a reliability curve.",
    arities: [[2, 3]],
    options: CALIBRATION_OPTIONS,
    optionPositions: [2],
  },
  {
    name: 'grad',
    signatures: ['grad(expression, variable, at = its value)'],
    summary: 'The exact derivative of an expression with respect to a variable, at a point or at the variable’s value.',
    arities: [[2, 3]],
    options: [],
    optionPositions: [],
  },
  {
    name: 'slider',
    signatures: ['slider(min, max, step = (max − min) / 100)'],
    summary: 'A slider range for the sliders option: {beta: slider(0, 4, 0.1)}.',
    arities: [[2, 3]],
    options: [],
    optionPositions: [],
  },
];
