import { InputError, describeValue } from '../../errors';
import { FIGURE_SPEC_VERSION, type AnchorMapGridFigure, type AnchorMapPanel, type AssignedAnchor, type AssignmentMapFigure } from '../../figures/spec';
import type { Tensor } from '../../tensor';
import { isMatrixLike, valueToTensor } from '../values';
import { finiteNumber, tensorList } from './arguments';

/*
 * The views of a raw head's result (issue 15): a gfl_head(…) or yolov8_loss(…) result with the
 * export it came from. Anchors are flat over the levels, level-major then row-major, as both heads
 * concatenate them; positions and levels are counted from 1, as cells index.
 */

/** One level's grid: its first anchor (0-based), H, W and stride. */
export interface RawLevel {
  readonly start: number;
  readonly height: number;
  readonly width: number;
  readonly stride: number;
}

/** What the views read of a raw head's result, whichever head it came from. */
export interface RawHead {
  readonly head: 'gfl_head' | 'yolov8_loss';
  readonly images: number;
  readonly anchors: number;
  readonly levels: readonly RawLevel[];
  readonly record: Record<string, unknown>;
}

export const isRawHeadResult = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !isMatrixLike(value) && 'levels' in value && 'assignment' in value && 'per_anchor' in value;

function field(fn: string, argument: string, record: unknown, key: string): unknown {
  if (typeof record !== 'object' || record === null || isMatrixLike(record)) throw new InputError(fn, argument, 'an object', describeValue(record));
  const value = (record as Record<string, unknown>)[key];
  if (value === undefined) throw new InputError(fn, `${argument}.${key}`, 'present', 'missing');
  return value;
}

/** The result of gfl_head(…) or yolov8_loss(…), with its levels read. */
export function readRawHead(fn: string, argument: string, value: unknown): RawHead {
  if (!isRawHeadResult(value)) throw new InputError(fn, argument, 'the result of gfl_head(…) or yolov8_loss(…)', describeValue(value));
  const record = value as Record<string, unknown>;
  const perAnchor = field(fn, argument, record, 'per_anchor') as Record<string, unknown>;
  const head = perAnchor.box !== undefined ? 'yolov8_loss' : 'gfl_head';
  const cls = valueToTensor(fn, `${argument}.per_anchor.cls`, field(fn, `${argument}.per_anchor`, perAnchor, 'cls'));
  const levelsRecord = field(fn, argument, record, 'levels');
  const column = (key: string): Float64Array => valueToTensor(fn, `${argument}.levels.${key}`, field(fn, `${argument}.levels`, levelsRecord, key)).data;
  const [start, height, width, stride] = [column('start'), column('height'), column('width'), column('stride')];
  const levels = Array.from(start, (s, l) => ({ start: s - 1, height: height[l], width: width[l], stride: stride[l] }));
  return { head, images: cls.shape[0] ?? 0, anchors: cls.shape[1] ?? 0, levels, record };
}

/** The 0-based image of an `image` option (1-based, default 1). */
export function readImage(fn: string, head: RawHead, value: unknown): number {
  const image = value === undefined ? 1 : finiteNumber(fn, 'options.image', value);
  if (!Number.isInteger(image) || image < 1 || image > head.images) throw new InputError(fn, 'options.image', `an image from 1 to ${head.images}`, String(image));
  return image - 1;
}

/** The level and grid cell (row, col) of a 0-based anchor. */
export function anchorCell(head: RawHead, anchor: number): { level: number; row: number; col: number } {
  let level = head.levels.length - 1;
  while (level > 0 && head.levels[level].start > anchor) level--;
  const cell = anchor - head.levels[level].start;
  const width = head.levels[level].width;
  return { level, row: Math.floor(cell / width), col: cell % width };
}

/** The per-anchor components a raw head's views can show. */
export const RAW_COMPONENTS = ['total', 'cls', 'bbox', 'dfl', 'score', 'weight'] as const;
export type RawComponent = (typeof RAW_COMPONENTS)[number];

/**
 * One image's per-anchor values (A) of a component: 'total' is the sum of the loss parts (GFL
 * cls + bbox + dfl, YOLOv8 box + cls + dfl); 'bbox' is YOLOv8's box (CIoU) part; 'score' is the
 * soft class target (GFL's IoU target, the TAL target score). YOLOv8 has no 'weight'.
 */
export function rawComponent(fn: string, head: RawHead, component: RawComponent, image: number): Float64Array {
  const row = (argument: string, value: unknown): Float64Array => {
    const t = valueToTensor(fn, argument, value);
    if (t.shape.length !== 2 || t.shape[1] !== head.anchors) throw new InputError(fn, argument, `a matrix (N, ${head.anchors})`, `of shape (${t.shape.join(', ')})`);
    return t.data.slice(image * head.anchors, (image + 1) * head.anchors);
  };
  const perAnchor = head.record.per_anchor as Record<string, unknown>;
  const part = (key: string): Float64Array => row(`h.per_anchor.${key}`, field(fn, 'h.per_anchor', perAnchor, key));
  const yolo = head.head === 'yolov8_loss';
  switch (component) {
    case 'total': {
      const parts = (yolo ? ['box', 'cls', 'dfl'] : ['cls', 'bbox', 'dfl']).map(part);
      return parts[0].map((v, a) => v + parts[1][a] + parts[2][a]);
    }
    case 'bbox':
      return part(yolo ? 'box' : 'bbox');
    case 'score':
      return yolo ? row('h.assignment.score', field(fn, 'h.assignment', head.record.assignment, 'score')) : part('score');
    case 'weight':
      if (yolo) throw new InputError(fn, 'options.component', 'one of "total", "cls", "bbox", "dfl", "score" for a yolov8_loss result', '"weight"');
      return part('weight');
    default:
      return part(component);
  }
}

export function readComponent(fn: string, value: unknown): RawComponent {
  if (value === undefined) return 'total';
  if (!(RAW_COMPONENTS as readonly unknown[]).includes(value)) throw new InputError(fn, 'options.component', `one of ${RAW_COMPONENTS.map((c) => JSON.stringify(c)).join(', ')}`, describeValue(value));
  return value as RawComponent;
}

export function componentLabel(head: RawHead, component: RawComponent): string {
  if (component === 'total') return head.head === 'yolov8_loss' ? 'loss (box + cls + dfl)' : 'loss (cls + bbox + dfl)';
  if (component === 'score') return head.head === 'yolov8_loss' ? 'target score' : 'IoU target';
  return component === 'weight' ? 'weight' : `loss_${component}`;
}

/**
 * The per-level maps of one image: each level's anchors on its H × W grid (row i, column j holds
 * anchor start + i·W + j), one panel per level, `columns` per row.
 */
export function levelMaps(fn: string, head: RawHead, component: RawComponent, image: number, title: string | undefined): AnchorMapGridFigure {
  const values = rawComponent(fn, head, component, image);
  const panels: AnchorMapPanel[] = head.levels.map((level, l) => {
    const z = Array.from({ length: level.height }, (_, i) => Array.from({ length: level.width }, (_, j) => values[level.start + i * level.width + j]));
    const anchors = Array.from({ length: level.height }, (_, i) => Array.from({ length: level.width }, (_, j) => level.start + i * level.width + j + 1));
    return { name: `level ${l + 1} (stride ${level.stride})`, level: l + 1, z, anchors, stride: level.stride };
  });
  const zLabel = componentLabel(head, component);
  return {
    version: FIGURE_SPEC_VERSION,
    kind: 'anchor-map-grid',
    panels,
    columns: Math.min(3, Math.max(1, panels.length)),
    zLabel,
    title: title ?? `${zLabel} per anchor, image ${image + 1}, by level`,
  };
}

/** One image's GT boxes (G, 4) in pixels and labels (G): from the export for GFL, from the result for YOLOv8 (the batch converted). */
function groundTruth(fn: string, head: RawHead, data: unknown, image: number): { boxes: Tensor; labels: Tensor } {
  const holder = head.head === 'yolov8_loss' ? head.record : data;
  const name = head.head === 'yolov8_loss' ? 'h' : 'data';
  const boxes = tensorList(fn, `${name}.gt_bboxes`, field(fn, name, holder, 'gt_bboxes'), 'a list over images of (n, 4) GT boxes');
  const labels = tensorList(fn, `${name}.gt_labels`, field(fn, name, holder, 'gt_labels'), 'a list over images of (n) labels');
  if (boxes[image] === undefined || labels[image] === undefined) throw new InputError(fn, `${name}.gt_bboxes`, `a list over the ${head.images} images`, `${boxes.length} items`);
  return { boxes: boxes[image], labels: labels[image] };
}

/** The list items of a list value (a mathjs list of objects, or an array). */
function listItems(fn: string, argument: string, value: unknown): unknown[] {
  const items = Array.isArray(value) ? value : isMatrixLike(value) ? (value.valueOf() as unknown) : undefined;
  if (!Array.isArray(items)) throw new InputError(fn, argument, 'a list over images', describeValue(value));
  return items;
}

/**
 * One image's assignment: the GT boxes, every positive anchor with its GT, and the candidates that
 * stayed negative (ATSS: among some GT's top-k nearest on its level; TAL: centre inside a GT), with
 * the assigner's facts for the hover. `level` keeps one level's anchors (1-based; all by default).
 */
export function assignmentView(fn: string, head: RawHead, data: unknown, image: number, level: number | undefined, title: string | undefined): AssignmentMapFigure {
  const { boxes, labels } = groundTruth(fn, head, data, image);
  const G = boxes.shape[0] ?? 0;
  const gt = Array.from({ length: G }, (_, g) => ({ box: Array.from(boxes.data.subarray(4 * g, 4 * g + 4)), label: labels.data[g] }));
  const A = head.anchors;
  const anchors: AssignedAnchor[] = [];
  const keep = (a: number): boolean => level === undefined || anchorCell(head, a).level === level - 1;
  if (head.head === 'gfl_head') {
    const assignment = listItems(fn, 'h.assignment', head.record.assignment)[image];
    const vector = (key: string): Float64Array => valueToTensor(fn, `h.assignment[${image + 1}].${key}`, field(fn, `h.assignment[${image + 1}]`, assignment, key)).data;
    const [assigned, reference, candidate, iou, threshold] = ['gt', 'reference_gt', 'candidate', 'iou', 'threshold'].map(vector);
    const boxesOfAnchors = valueToTensor(fn, 'h.anchors', head.record.anchors).data;
    for (let a = 0; a < A; a++) {
      if ((assigned[a] === 0 && candidate[a] === 0) || !keep(a)) continue;
      const x = (boxesOfAnchors[4 * a] + boxesOfAnchors[4 * a + 2]) / 2;
      const y = (boxesOfAnchors[4 * a + 1] + boxesOfAnchors[4 * a + 3]) / 2;
      anchors.push({ anchor: a + 1, level: anchorCell(head, a).level + 1, x, y, gt: assigned[a], reference: reference[a], facts: { IoU: iou[a], threshold: threshold[a] } });
    }
  } else {
    const assignment = head.record.assignment;
    const row = (key: string): Float64Array => valueToTensor(fn, `h.assignment.${key}`, field(fn, 'h.assignment', assignment, key)).data.subarray(image * A, (image + 1) * A);
    const [assigned, candidate, inside, metric, ciou, rank] = ['gt', 'candidate', 'inside', 'metric', 'ciou', 'rank'].map(row);
    const anchorsRecord = field(fn, 'h', head.record, 'anchors');
    const centres = valueToTensor(fn, 'h.anchors.centres', field(fn, 'h.anchors', anchorsRecord, 'centres')).data;
    for (let a = 0; a < A; a++) {
      if ((assigned[a] === 0 && inside[a] === 0) || !keep(a)) continue;
      anchors.push({ anchor: a + 1, level: anchorCell(head, a).level + 1, x: centres[2 * a], y: centres[2 * a + 1], gt: assigned[a], reference: candidate[a], facts: { metric: metric[a], CIoU: ciou[a], rank: rank[a] } });
    }
  }
  const first = head.levels[0];
  const shape = head.head === 'gfl_head' && typeof data === 'object' && data !== null && (data as Record<string, unknown>).img_shape !== undefined
    ? valueToTensor(fn, 'data.img_shape', (data as Record<string, unknown>).img_shape).data
    : [first.height * first.stride, first.width * first.stride];
  const assigner = head.head === 'gfl_head' ? 'ATSS' : 'TAL';
  return {
    version: FIGURE_SPEC_VERSION,
    kind: 'assignment-map',
    assigner,
    width: shape[1],
    height: shape[0],
    gt,
    anchors,
    title: title ?? `${assigner} assignment, image ${image + 1}${level === undefined ? '' : `, level ${level}`}`,
  };
}

/**
 * Bins per side: GFL's from the width of bbox_preds (4·(reg_max + 1)); YOLOv8's from `reg_max`
 * (ultralytics': the bin count), given, else the one the yolov8_loss result was computed with.
 */
export function sideBins(fn: string, head: RawHead, maps: readonly Tensor[], regMax: unknown): number {
  if (head.head === 'yolov8_loss') {
    const computedWith = head.record.reg_max;
    if (regMax === undefined) return finiteNumber(fn, 'h.reg_max', computedWith);
    const bins = finiteNumber(fn, 'options.reg_max', regMax);
    if (computedWith !== undefined && bins !== computedWith) throw new InputError(fn, 'options.reg_max', `${String(computedWith)}, the reg_max h was computed with`, describeValue(regMax));
    return bins;
  }
  const bins = (maps[0]?.shape[1] ?? 0) / 4;
  if (regMax !== undefined && regMax !== bins - 1) throw new InputError(fn, 'options.reg_max', `${bins - 1}, as data.bbox_preds has ${bins} bins per side`, describeValue(regMax));
  return bins;
}

/** Channel c of a 0-based anchor in image n of its level's (N, channels, H, W) map. */
export function channelAt(head: RawHead, maps: readonly Tensor[], image: number, anchor: number, channel: number): number {
  const { level, row, col } = anchorCell(head, anchor);
  const [, channels, H, W] = maps[level].shape;
  return maps[level].data[((image * channels + channel) * H + row) * W + col];
}

/** A 0-based anchor's centre in pixels. */
export function anchorCentre(fn: string, head: RawHead, anchor: number): [number, number] {
  if (head.head === 'gfl_head') {
    const b = valueToTensor(fn, 'h.anchors', head.record.anchors).data;
    return [(b[4 * anchor] + b[4 * anchor + 2]) / 2, (b[4 * anchor + 1] + b[4 * anchor + 3]) / 2];
  }
  const centres = valueToTensor(fn, 'h.anchors.centres', field(fn, 'h.anchors', head.record.anchors, 'centres')).data;
  return [centres[2 * anchor], centres[2 * anchor + 1]];
}

/** One image's assigned GT per anchor (A): counted from 1, 0 for a negative. */
export function assignedGt(fn: string, head: RawHead, image: number): Float64Array {
  if (head.head === 'gfl_head') {
    const assignment = listItems(fn, 'h.assignment', head.record.assignment)[image];
    return valueToTensor(fn, `h.assignment[${image + 1}].gt`, field(fn, `h.assignment[${image + 1}]`, assignment, 'gt')).data;
  }
  const gt = valueToTensor(fn, 'h.assignment.gt', field(fn, 'h.assignment', head.record.assignment, 'gt'));
  return gt.data.subarray(image * head.anchors, (image + 1) * head.anchors);
}

/** The image's positives (0-based anchors), largest total loss first (ties: lower position first). */
export function worstPositives(fn: string, head: RawHead, image: number): number[] {
  const gt = assignedGt(fn, head, image);
  const total = rawComponent(fn, head, 'total', image);
  const positives: number[] = [];
  for (let a = 0; a < head.anchors; a++) if (gt[a] > 0) positives.push(a);
  return positives.sort((a, b) => total[b] - total[a] || a - b);
}

export { groundTruth as rawGroundTruth };
