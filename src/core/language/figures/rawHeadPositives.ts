import { InputError } from '../../errors';
import { FIGURE_SPEC_VERSION, type CalibrationFigure, type DistributionGridFigure, type DistributionPanel, type TableFigure } from '../../figures/spec';
import { sigmoid } from '../../numerics';
import type { Tensor } from '../../tensor';
import { tensorList } from './arguments';
import { isMatrixLike } from '../values';
import {
  anchorCell,
  anchorCentre,
  assignedGt,
  channelAt,
  rawComponent,
  rawGroundTruth,
  RAW_COMPONENTS,
  sideBins,
  worstPositives,
  type RawComponent,
  type RawHead,
} from './rawHead';
import { sideGrid, sidePanels } from './sidePanels';

/*
 * The views of a raw head's positives across levels (issue 15): the worst anchors as a table, the
 * worst positives' four side distributions, and the class score against its soft target.
 */

/** The raw maps holding the box bins and class logits at each level: GFL's bbox_preds and cls_scores, YOLOv8's feats. */
function rawMaps(fn: string, head: RawHead, data: unknown, key: string): Tensor[] {
  const value = typeof data === 'object' && data !== null && !isMatrixLike(data) ? (data as Record<string, unknown>)[key] : undefined;
  if (value === undefined) throw new InputError(fn, `data.${key}`, `present: the export the ${head.head} result came from`, 'missing');
  const maps = tensorList(fn, `data.${key}`, value, 'a list over levels of (N, channels, H, W) maps');
  maps.forEach((map, l) => {
    const level = head.levels[l];
    if (level === undefined || map.shape.length !== 4 || map.shape[0] !== head.images || map.shape[2] !== level.height || map.shape[3] !== level.width) {
      throw new InputError(fn, `data.${key}[${l + 1}]`, `a map (${head.images}, channels, H, W) of the result's level ${l + 1}`, `of shape (${map.shape.join(', ')})`);
    }
  });
  if (maps.length !== head.levels.length) throw new InputError(fn, `data.${key}`, `one map per level (${head.levels.length})`, `${maps.length} maps`);
  return maps;
}

/** worst_anchors(h, {k, by, image}): one image's k anchors of largest loss over every level, with their level, cell, parts and GT. */
export function rawWorstAnchors(fn: string, head: RawHead, image: number, k: number, by: RawComponent, title: string | undefined): TableFigure {
  const parts: RawComponent[] = head.head === 'gfl_head' ? [...RAW_COMPONENTS] : ['total', 'cls', 'bbox', 'dfl', 'score'];
  if (!parts.includes(by)) throw new InputError(fn, 'options.by', `one of ${parts.map((p) => JSON.stringify(p)).join(', ')} for a ${head.head} result`, JSON.stringify(by));
  const columns = parts.map((part) => rawComponent(fn, head, part, image));
  const gt = assignedGt(fn, head, image);
  const key = columns[parts.indexOf(by)];
  const order = Array.from({ length: head.anchors }, (_, a) => a).sort((a, b) => key[b] - key[a] || a - b);
  return {
    version: FIGURE_SPEC_VERSION,
    kind: 'table',
    columns: ['anchor', 'level', 'row', 'col', ...parts, 'gt'],
    rows: order.slice(0, k).map((a) => {
      const cell = anchorCell(head, a);
      return [a + 1, cell.level + 1, cell.row, cell.col, ...columns.map((column) => column[a]), gt[a]];
    }),
    title: title ?? `Image ${image + 1}: top ${Math.min(k, head.anchors)} anchors by ${by}, every level`,
  };
}

/**
 * sides(h, data, {anchor, k, image}): the four side distributions (softmax over each side's bins of
 * the raw box channels at the anchor's cell) of the image's k worst positives over every level (or
 * of one anchor), each side with its GT distance in stride units, clamped as the head trains it
 * (GFL: [0, reg_max − 0.1]; YOLOv8: [0, bins − 1.01]). Two panels per row; each anchor's two rows
 * are labelled with it.
 */
export function rawSides(fn: string, head: RawHead, data: unknown, image: number, anchors: readonly number[] | undefined, k: number, regMax: unknown, title: string | undefined): DistributionGridFigure {
  const maps = rawMaps(fn, head, data, head.head === 'gfl_head' ? 'bbox_preds' : 'feats');
  const bins = sideBins(fn, head, maps, regMax);
  if ((maps[0]?.shape[1] ?? 0) < 4 * bins) throw new InputError(fn, 'options.reg_max', `at most ${(maps[0]?.shape[1] ?? 0) / 4} bins for maps of ${maps[0]?.shape[1]} channels`, String(bins));
  const gt = assignedGt(fn, head, image);
  const chosen = anchors ?? worstPositives(fn, head, image).slice(0, k);
  const { boxes } = rawGroundTruth(fn, head, data, image);
  const high = head.head === 'gfl_head' ? bins - 1 - 0.1 : bins - 1 - 0.01;
  const panels: DistributionPanel[] = [];
  const rowLabels: string[] = [];
  for (const anchor of chosen) {
    const { level } = anchorCell(head, anchor);
    const stride = head.levels[level].stride;
    const [cx, cy] = anchorCentre(fn, head, anchor);
    const g = gt[anchor] - 1;
    // GT side distances l, t, r, b from the anchor centre, in stride units.
    const raw = g < 0 ? undefined : [cx - boxes.data[4 * g], cy - boxes.data[4 * g + 1], boxes.data[4 * g + 2] - cx, boxes.data[4 * g + 3] - cy].map((d) => d / stride);
    const logits = Array.from({ length: 4 * bins }, (_, c) => channelAt(head, maps, image, anchor, c));
    panels.push(...sidePanels(logits, bins, raw === undefined ? undefined : { raw, clamped: raw.map((d) => Math.min(Math.max(d, 0), high)) }));
    const label = `anchor ${anchor + 1} · L${level + 1}`;
    rowLabels.push(label, label);
  }
  const name = anchors === undefined ? `Image ${image + 1}: the ${chosen.length} worst positive${chosen.length === 1 ? '' : 's'}, every level` : `Anchor ${chosen[0] + 1}: side distributions`;
  return sideGrid(panels, title ?? name, rowLabels);
}

/**
 * calibration(h, data, {bins}): every positive of every image and level, the σ of its labelled
 * class (from the raw class logits) against its soft target (GFL: the IoU target QFL trains it to;
 * YOLOv8: the TAL target score), with the level of each point.
 */
export function rawCalibration(fn: string, head: RawHead, data: unknown, title: string | undefined): CalibrationFigure {
  const yolo = head.head === 'yolov8_loss';
  const maps = rawMaps(fn, head, data, yolo ? 'feats' : 'cls_scores');
  // YOLOv8's class logits follow its 4·reg_max box channels.
  const first = yolo ? 4 * sideBins(fn, head, maps, undefined) : 0;
  const x: number[] = [];
  const y: number[] = [];
  const anchors: number[] = [];
  const levels: number[] = [];
  for (let image = 0; image < head.images; image++) {
    const gt = assignedGt(fn, head, image);
    const score = rawComponent(fn, head, 'score', image);
    const labels = yolo ? tensorList(fn, 'h.gt_labels', head.record.gt_labels, 'a list over images of (n) labels')[image] : rawGroundTruth(fn, head, data, image).labels;
    for (let a = 0; a < head.anchors; a++) {
      if (gt[a] === 0) continue;
      const label = labels.data[gt[a] - 1];
      x.push(score[a]);
      y.push(sigmoid(channelAt(head, maps, image, a, first + label)));
      anchors.push(a + 1);
      levels.push(anchorCell(head, a).level + 1);
    }
  }
  return {
    version: FIGURE_SPEC_VERSION,
    kind: 'calibration',
    x,
    y,
    anchors,
    levels,
    xLabel: yolo ? 'TAL target score' : 'IoU target (QFL score)',
    yLabel: 'σ of the labelled class',
    title: title ?? `${yolo ? 'Class score vs TAL target' : 'QFL calibration'} of ${x.length} positives, every level`,
  };
}
