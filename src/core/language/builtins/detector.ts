import { anchorMap, ANCHOR_MAP_OPTIONS, assignmentMap, ASSIGNMENT_MAP_OPTIONS, calibration, CALIBRATION_OPTIONS, sides, SIDES_OPTIONS, worstAnchors, WORST_OPTIONS } from '../figures/detector';
import type { ValueBuiltin } from './types';

/* The detector-debug views over a loaded GFL export and its gfl(…) result. */

const ANCHOR_MAP: ValueBuiltin = {
  name: 'anchor_map',
  room: 'detector',
  signatures: ['anchor_map(g_or_values, points_or_shape, {component, stride, title, z_label})', 'anchor_map(head, raw, {component, image, title, z_label})'],
  summary:
    "A per-anchor value (a gfl result's component, or any vector) on the feature grid of one level; with a gfl_head or yolov8_loss result and its export, one map per level of one image. The hover names each anchor's 1-based position (and its level and grid cell).",
  arities: [[2, 3]],
  options: ANCHOR_MAP_OPTIONS,
  optionPositions: [2],
  example: 'data = load("example-export.npz"); g = gfl(data, {stride: 8}); anchor_map(g, data.points, {stride: 8, component: "dfl"})',
  call: (args) => anchorMap(args),
};

const ASSIGNMENT_MAP: ValueBuiltin = {
  name: 'assignment_map',
  room: 'detector',
  signatures: ['assignment_map(head, raw, {image, level, title})'],
  summary:
    "One image's assignment by a raw head's assigner over the image: the GT boxes, the positive anchors coloured by their GT and the candidates that stayed negative (ATSS: a GT's top-k nearest on a level; TAL: centre inside a GT), with the ATSS IoU and threshold or the TAL metric in the hover.",
  arities: [[2, 3]],
  options: ASSIGNMENT_MAP_OPTIONS,
  optionPositions: [2],
  example: 'd = load("data/raw-gfl-head.pt"); assignment_map(gfl_head(d), d, {image: 1})',
  call: (args) => assignmentMap(args),
};

const WORST_ANCHORS: ValueBuiltin = {
  name: 'worst_anchors',
  room: 'detector',
  signatures: ['worst_anchors(g, {k, by, title})', 'worst_anchors(head, {k, by, image, title})'],
  summary:
    "The k anchors of a gfl result with the largest loss (or component), with every per-anchor value; the anchor column is each one's 1-based position. With a gfl_head or yolov8_loss result: one image's anchors over every level, with each one's level, grid cell and GT.",
  arities: [[1, 2]],
  options: WORST_OPTIONS,
  optionPositions: [1],
  example: 'g = gfl(load("example-export.npz"), {stride: 8}); worst_anchors(g, {k: 5, by: "dfl"})',
  call: (args) => worstAnchors(args),
};

const SIDES: ValueBuiltin = {
  name: 'sides',
  room: 'detector',
  signatures: ['sides(data, anchor, {stride, reg_max, background, title})', 'sides(head, raw, {anchor, k, image, reg_max, title})'],
  summary:
    "The four side distributions (l, t, r, b) of one anchor, its 1-based position, with the ground-truth distances of a positive. With a gfl_head or yolov8_loss result and its export: the k worst positives of one image over every level (or one anchor), the softmax of the raw box channels at each, with the GT distances in stride units (YOLOv8's reg_max is ultralytics', the bin count).",
  arities: [[2, 3]],
  options: SIDES_OPTIONS,
  optionPositions: [2],
  example: 'data = load("example-export.npz"); sides(data, 2, {stride: 8})',
  call: (args) => sides(args),
};

const CALIBRATION: ValueBuiltin = {
  name: 'calibration',
  room: 'detector',
  signatures: ['calibration(g, data, {bins, background, title})', 'calibration(head, raw, {bins, title})'],
  summary:
    "QFL's calibration: each positive's σ of its labelled class against its IoU target, with a reliability curve. With a gfl_head result and its export: every positive of every level and image, coloured by level; with a yolov8_loss result, the class score against the TAL target score.",
  arities: [[2, 3]],
  options: CALIBRATION_OPTIONS,
  optionPositions: [2],
  example: 'data = load("example-export.npz"); calibration(gfl(data, {stride: 8}), data, {bins: 10})',
  call: (args) => calibration(args),
};


export const DETECTOR_BUILTINS: readonly ValueBuiltin[] = [ANCHOR_MAP, ASSIGNMENT_MAP, WORST_ANCHORS, SIDES, CALIBRATION];
