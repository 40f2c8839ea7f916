import { dist, DIST_OPTIONS, hist, HIST_OPTIONS } from '../figures/dist';
import { heatmap, HEATMAP_OPTIONS } from '../figures/heatmap';
import { marginsPlot, MARGINS_OPTIONS, plot, PLOT_OPTIONS, scatter, SCATTER_OPTIONS } from '../figures/plot';
import { table, TABLE_OPTIONS } from '../figures/tables';
import { grad } from '../grad';
import type { Builtin, RawBuiltin, ValueBuiltin } from './types';

/*
 * The figures (and grad and slider, which the figures use): plot, heatmap and dist receive their
 * arguments unevaluated, to sweep a variable through an expression. Each checks its own argument
 * counts, with a message for its forms.
 */

const PLOT: RawBuiltin = {
  name: 'plot',
  room: 'figures',
  signatures: ['plot(expression, variable, from, to, {points, grad, over, sliders, names, title, x_label, y_label})'],
  summary: 'Curves of one or more expressions ([e1, e2]) over a variable on [from, to], optionally with their exact derivatives.',
  arities: [[4, 5]],
  options: PLOT_OPTIONS,
  optionPositions: [4],
  example: 'plot([qfl(s, 0.5), focal(s, 1)], s, 0.01, 0.99, {grad: true, names: ["QFL", "focal"]})',
  rawArgs: true,
  call: (args, context, scope) => plot(context.figures, args, scope),
};

const HEATMAP: RawBuiltin = {
  name: 'heatmap',
  room: 'figures',
  signatures: ['heatmap(expression, x, x0, x1, y, y0, y1, {points, diagonal, sliders, z_label, title})', 'heatmap(matrix, {title, z_label})'],
  summary: 'A heatmap of an expression over two variables, or of a matrix.',
  arities: [[1, 2], [7, 8]],
  options: HEATMAP_OPTIONS,
  optionPositions: [1, 7],
  example: 'heatmap(qfl(s, y), s, 0.01, 0.99, y, 0, 1, {points: 41, diagonal: true})',
  rawArgs: true,
  call: (args, context, scope) => heatmap(context.figures, args, scope),
};

const DIST: RawBuiltin = {
  name: 'dist',
  room: 'figures',
  signatures: ['dist(logits, {title, sliders})', 'dist(logits, target, {title, sliders})'],
  summary: 'The softmax distribution over bins, its expectation and, for a target, the two bins DFL pulls toward.',
  arities: [[1, 3]],
  options: DIST_OPTIONS,
  optionPositions: [1, 2],
  example: 'dist([0, 1, 2, 1], 2.3)',
  rawArgs: true,
  call: (args, context, scope) => dist(context.figures, args, scope),
};

const HIST: ValueBuiltin = {
  name: 'hist',
  room: 'figures',
  signatures: ['hist(values, {bins, range, title, x_label})'],
  summary: 'A histogram of values.',
  arities: [[1, 2]],
  options: HIST_OPTIONS,
  optionPositions: [1],
  example: 'hist([1, 2, 2, 3, 10], {bins: 3})',
  call: (args) => hist(args),
};

const SCATTER: ValueBuiltin = {
  name: 'scatter',
  room: 'figures',
  signatures: ['scatter(points, {labels, normalize, sphere, centres, margin, title})'],
  summary: 'A 2-D or 3-D scatter of embeddings, optionally normalised onto the unit sphere with class centres and margins.',
  arities: [[1, 2]],
  options: SCATTER_OPTIONS,
  optionPositions: [1],
  example: 'scatter([[3, 4], [0, 2], [1, 1]], {normalize: true, labels: [0, 1, 1]})',
  call: (args) => scatter(args),
};

const TABLE: ValueBuiltin = {
  name: 'table',
  room: 'figures',
  signatures: ['table(data, {k, by, ascending, columns, title})'],
  summary: 'The top-k rows of an object of equal-length vectors or of a matrix, optionally sorted by a column.',
  arities: [[1, 2]],
  options: TABLE_OPTIONS,
  optionPositions: [1],
  example: 'table({loss: [0.1, 0.5, 0.3], iou: [0.9, 0.2, 0.4]}, {k: 2, by: "loss"})',
  call: (args) => table(args),
};

const MARGINS_PLOT: ValueBuiltin = {
  name: 'margins_plot',
  room: 'figures',
  signatures: ['margins_plot({m_arc, m_cos, m_sphere, points, grad, sliders, title})'],
  summary: 'The target logits of softmax, ArcFace, CosFace and SphereFace against θ ∈ [0, π], with sliders for the three margins.',
  arities: [[0, 1]],
  options: MARGINS_OPTIONS,
  optionPositions: [0],
  example: 'margins_plot({m_arc: 0.5, grad: true})',
  call: (args) => marginsPlot(args),
};

const GRAD: RawBuiltin = {
  name: 'grad',
  room: 'figures',
  signatures: ['grad(expression, variable, at = its value)'],
  summary: 'The exact derivative of an expression with respect to a variable, at a point or at the variable’s value.',
  arities: [[2, 3]],
  options: [],
  optionPositions: [],
  example: 'grad(qfl(s, 0.5), s, 0.3)',
  rawArgs: true,
  call: (args, context, scope) => grad(context.figures, args, scope),
};

const SLIDER: ValueBuiltin = {
  name: 'slider',
  room: 'figures',
  signatures: ['slider(min, max, step = (max − min) / 100)'],
  summary: 'A slider range for the sliders option: {beta: slider(0, 4, 0.1)}.',
  arities: [[2, 3]],
  options: [],
  optionPositions: [],
  example: 'slider(0, 4, 0.1)',
  call: (args) => ({ min: args[0], max: args[1], ...(args[2] === undefined ? {} : { step: args[2] }) }),
};


export const FIGURE_BUILTINS: readonly Builtin[] = [PLOT, HEATMAP, DIST, HIST, SCATTER, TABLE, MARGINS_PLOT, GRAD, SLIDER];
