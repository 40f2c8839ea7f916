import { anchorMap, ANCHOR_MAP_OPTIONS, calibration, CALIBRATION_OPTIONS, sides, SIDES_OPTIONS, worstAnchors, WORST_OPTIONS } from '../figures/detector';
import type { ValueBuiltin } from './types';

/* The detector-debug views over a loaded GFL export and its gfl(…) result. */

const ANCHOR_MAP: ValueBuiltin = {
  name: 'anchor_map',
  room: 'detector',
  signatures: ['anchor_map(g_or_values, points_or_shape, {component, stride, title, z_label})'],
  summary: "A per-anchor value (a gfl result's component, or any vector) on the feature grid of one level; the hover names each anchor's 1-based position.",
  arities: [[2, 3]],
  options: ANCHOR_MAP_OPTIONS,
  optionPositions: [2],
  example: 'data = load("example-export.npz"); g = gfl(data, {stride: 8}); anchor_map(g, data.points, {stride: 8, component: "dfl"})',
  call: (args) => anchorMap(args),
};

const WORST_ANCHORS: ValueBuiltin = {
  name: 'worst_anchors',
  room: 'detector',
  signatures: ['worst_anchors(g, {k, by, title})'],
  summary: "The k anchors of a gfl result with the largest loss (or component), with every per-anchor value; the anchor column is each one's 1-based position.",
  arities: [[1, 2]],
  options: WORST_OPTIONS,
  optionPositions: [1],
  example: 'g = gfl(load("example-export.npz"), {stride: 8}); worst_anchors(g, {k: 5, by: "dfl"})',
  call: (args) => worstAnchors(args),
};

const SIDES: ValueBuiltin = {
  name: 'sides',
  room: 'detector',
  signatures: ['sides(data, anchor, {stride, reg_max, background, title})'],
  summary: 'The four side distributions (l, t, r, b) of one anchor, its 1-based position, with the ground-truth distances of a positive.',
  arities: [[2, 3]],
  options: SIDES_OPTIONS,
  optionPositions: [2],
  example: 'data = load("example-export.npz"); sides(data, 2, {stride: 8})',
  call: (args) => sides(args),
};

const CALIBRATION: ValueBuiltin = {
  name: 'calibration',
  room: 'detector',
  signatures: ['calibration(g, data, {bins, background, title})'],
  summary: "QFL's calibration: each positive's σ of its labelled class against its IoU target, with a reliability curve.",
  arities: [[2, 3]],
  options: CALIBRATION_OPTIONS,
  optionPositions: [2],
  example: 'data = load("example-export.npz"); calibration(gfl(data, {stride: 8}), data, {bins: 10})',
  call: (args) => calibration(args),
};


export const DETECTOR_BUILTINS: readonly ValueBuiltin[] = [ANCHOR_MAP, WORST_ANCHORS, SIDES, CALIBRATION];
