import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnchorMapGridFigure, AssignmentMapFigure, CalibrationFigure, DistributionGridFigure, FigureSpec, TableFigure } from '../../../../src/core/figures/spec';
import { Session } from '../../../../src/core/language/session';
import { createNodeSession } from '../../../../src/node/session';
import { loadCases } from '../../../parity/compare';

/**
 * The views of a raw head's result (anchor_map and assignment_map on gfl_head / yolov8_loss
 * results): on results written by hand, whose expected content is stated by hand, and on the
 * bundled exports, against the positives the peers' own code listed in the shared fixture.
 */

function figureOf(session: Session, source: string): FigureSpec {
  const outputs = session.runCell(source);
  const last = outputs[outputs.length - 1];
  assert.ok(last !== undefined && last.kind === 'figure', JSON.stringify(outputs).slice(0, 500));
  return last.spec;
}

function errorOf(session: Session, source: string): string {
  const error = session.runCell(source).find((o) => o.kind === 'error');
  assert.ok(error !== undefined && error.kind === 'error', `expected an error from ${source}`);
  return error.message;
}

/**
 * A gfl_head-shaped result of two images over two levels: level 1 is 2×2 at stride 8 (anchors 1–4),
 * level 2 is 1×1 at stride 16 (anchor 5). In image 1, ATSS made anchor 1 a positive of GT 2 and
 * anchor 5 one of GT 1, and anchor 3 a candidate that stayed negative.
 */
function gflSession(): Session {
  const session = new Session();
  session.scope.set('h', {
    per_anchor: {
      cls: [[1, 2, 3, 4, 5], [10, 20, 30, 40, 50]],
      bbox: [[0.5, 0, 0, 0, 0.25], [0, 0, 0, 0, 0]],
      dfl: [[0.125, 0, 0, 0, 1], [0, 0, 0, 0, 0]],
      score: [[0.9, 0, 0, 0, 0.6], [0, 0, 0, 0, 0]],
      weight: [[0.7, 0, 0, 0, 0.8], [0, 0, 0, 0, 0]],
    },
    levels: { start: [1, 5], height: [2, 1], width: [2, 1], stride: [8, 16] },
    // Anchor boxes centred on the grid corners (0, 0), (8, 0), (0, 8), (8, 8) and (0, 0).
    anchors: [[-32, -32, 32, 32], [-24, -32, 40, 32], [-32, -24, 32, 40], [-24, -24, 40, 40], [-64, -64, 64, 64]],
    assignment: [
      { gt: [2, 0, 0, 0, 1], reference_gt: [2, 0, 1, 0, 1], candidate: [1, 0, 1, 0, 1], iou: [0.7, 0, 0.2, 0, 0.5], threshold: [0.4, NaN, 0.3, NaN, 0.3] },
      { gt: [0, 0, 0, 0, 0], reference_gt: [0, 0, 0, 0, 0], candidate: [0, 0, 0, 0, 0], iou: [0, 0, 0, 0, 0], threshold: [NaN, NaN, NaN, NaN, NaN] },
    ],
  });
  session.scope.set('d', { gt_bboxes: [[[0, 0, 16, 16], [1, 2, 3, 4]], [[0, 0, 8, 8], [8, 8, 16, 16]]], gt_labels: [[4, 1], [0, 3]], img_shape: [16, 16] });
  return session;
}

/** A yolov8_loss-shaped result of one image over the same two levels; TAL made anchor 2 a positive of GT 1, anchor 4 lies inside GT 1. */
function yoloSession(regMax = 16): Session {
  const session = new Session();
  session.scope.set('y', {
    per_anchor: { box: [[0, 2, 0, 0, 0]], cls: [[1, 1, 1, 1, 1]], dfl: [[0, 0.5, 0, 0, 0]] },
    levels: { start: [1, 5], height: [2, 1], width: [2, 1], stride: [8, 16] },
    anchors: { centres: [[4, 4], [12, 4], [4, 12], [12, 12], [8, 8]], strides: [8, 8, 8, 8, 16] },
    assignment: {
      gt: [[0, 1, 0, 0, 0]],
      candidate: [[0, 1, 0, 1, 0]],
      inside: [[0, 1, 0, 1, 0]],
      ciou: [[0, 0.8, 0, 0.3, 0]],
      metric: [[0, 0.25, 0, 0.01, 0]],
      rank: [[0, 1, 0, 2, 0]],
      score: [[0, 0.8, 0, 0, 0]],
    },
    gt_bboxes: [[[8, 0, 16, 16]]],
    gt_labels: [[2]],
    reg_max: regMax,
  });
  return session;
}

describe('anchor_map of a raw head: one panel per level', () => {
  it("lays each level's per-anchor values of the chosen image on its grid, row-major from the level's first anchor", () => {
    const session = gflSession();
    const map = figureOf(session, 'anchor_map(h, d)') as AnchorMapGridFigure;
    assert.equal(map.kind, 'anchor-map-grid');
    // total = cls + bbox + dfl of image 1.
    assert.deepEqual(map.panels[0].z, [[1.625, 2], [3, 4]]);
    assert.deepEqual(map.panels[1].z, [[6.25]]);
    assert.deepEqual(map.panels[0].anchors, [[1, 2], [3, 4]]);
    assert.deepEqual(map.panels[1].anchors, [[5]]);
    assert.deepEqual(map.panels.map((p) => [p.level, p.stride, p.name]), [[1, 8, 'level 1 (stride 8)'], [2, 16, 'level 2 (stride 16)']]);
    const second = figureOf(session, 'anchor_map(h, d, {image: 2, component: "cls"})') as AnchorMapGridFigure;
    assert.deepEqual(second.panels[0].z, [[10, 20], [30, 40]]);
    assert.deepEqual(second.panels[1].z, [[50]]);
    assert.equal(second.zLabel, 'loss_cls');
    assert.deepEqual((figureOf(session, 'anchor_map(h, d, {component: "weight"})') as AnchorMapGridFigure).panels[1].z, [[0.8]]);
  });

  it("reads YOLOv8's parts: total = box + cls + dfl, bbox is the box part, score the TAL target", () => {
    const session = yoloSession();
    assert.deepEqual((figureOf(session, 'anchor_map(y, {})') as AnchorMapGridFigure).panels[0].z, [[1, 3.5], [1, 1]]);
    assert.deepEqual((figureOf(session, 'anchor_map(y, {}, {component: "bbox"})') as AnchorMapGridFigure).panels[0].z, [[0, 2], [0, 0]]);
    assert.deepEqual((figureOf(session, 'anchor_map(y, {}, {component: "score"})') as AnchorMapGridFigure).panels[0].z, [[0, 0.8], [0, 0]]);
    assert.match(errorOf(session, 'anchor_map(y, {}, {component: "weight"})'), /yolov8_loss/);
  });

  it('names a bad image, and a stride that a raw head does not take', () => {
    const session = gflSession();
    assert.match(errorOf(session, 'anchor_map(h, d, {image: 3})'), /image from 1 to 2/);
    assert.match(errorOf(session, 'anchor_map(h, d, {stride: 8})'), /stride/);
  });
});

describe('assignment_map', () => {
  it('lists the positives with their GT and the candidates that stayed negative, at the anchor centres, with the ATSS facts', () => {
    const session = gflSession();
    const map = figureOf(session, 'assignment_map(h, d)') as AssignmentMapFigure;
    assert.equal(map.kind, 'assignment-map');
    assert.equal(map.assigner, 'ATSS');
    assert.deepEqual([map.width, map.height], [16, 16]);
    assert.deepEqual(map.gt, [{ box: [0, 0, 16, 16], label: 4 }, { box: [1, 2, 3, 4], label: 1 }]);
    assert.deepEqual(
      map.anchors.map((a) => [a.anchor, a.level, a.x, a.y, a.gt, a.reference]),
      [
        [1, 1, 0, 0, 2, 2],
        [3, 1, 0, 8, 0, 1],
        [5, 2, 0, 0, 1, 1],
      ],
    );
    assert.deepEqual(map.anchors[0].facts, { IoU: 0.7, threshold: 0.4 });
    const level2 = figureOf(session, 'assignment_map(h, d, {level: 2})') as AssignmentMapFigure;
    assert.deepEqual(level2.anchors.map((a) => a.anchor), [5]);
    assert.deepEqual((figureOf(session, 'assignment_map(h, d, {image: 2})') as AssignmentMapFigure).anchors, []);
    assert.match(errorOf(session, 'assignment_map(h, d, {level: 3})'), /level from 1 to 2/);
  });

  it("takes YOLOv8's GT from the result and the anchors inside a GT as its candidates, with the TAL facts", () => {
    const map = figureOf(yoloSession(), 'assignment_map(y, {})') as AssignmentMapFigure;
    assert.equal(map.assigner, 'TAL');
    assert.deepEqual(map.gt, [{ box: [8, 0, 16, 16], label: 2 }]);
    assert.deepEqual(
      map.anchors.map((a) => [a.anchor, a.x, a.y, a.gt, a.reference]),
      [
        [2, 12, 4, 1, 1],
        [4, 12, 12, 0, 1],
      ],
    );
    assert.deepEqual(map.anchors[0].facts, { metric: 0.25, CIoU: 0.8, rank: 1 });
  });

  it('shows, on the bundled exports, exactly the positives the peers listed, each with its GT', () => {
    const cases = loadCases('test/fixtures/detector-heads.json');
    const session = createNodeSession('samples');
    for (const [name, call] of [
      ['gfl/128x128-5cls-3gt', 'd = load("data/raw-gfl-head.pt")\nassignment_map(gfl_head(d), d)'],
      ['yolov8/64x64-3cls-1gt', 'd = load("data/raw-yolov8.pt")\nassignment_map(yolov8_loss(d), d)'],
    ] as const) {
      const positives = (cases.find((c) => c.name === name) as unknown as { debug: { positives: [number, number, number][] } }).debug.positives;
      const map = figureOf(session, call) as AssignmentMapFigure;
      const got = map.anchors.filter((a) => a.gt > 0).map((a) => [0, a.anchor - 1, a.gt - 1]);
      assert.deepEqual(got, positives, name);
    }
  });
});

/**
 * The raw maps of gflSession's export, with reg_max 1 (2 bins a side, 8 box channels) and 5 classes:
 * channel c of image n at cell (i, j) of level l holds a value the tests recompute by hand.
 */
const boxValue = (l: number, n: number, c: number, i: number, j: number): number => 0.1 * c * c + 0.01 * (i * 2 + j) + n + 2 * l;
const clsValue = (l: number, n: number, c: number, i: number, j: number): number => c - 2 + 0.5 * (i + j) - n + l;

function mapOf(session: Session, value: (l: number, n: number, c: number, i: number, j: number) => number, l: number, N: number, C: number, size: number): unknown {
  const nested = Array.from({ length: N }, (_, n) => Array.from({ length: C }, (_, c) => Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => value(l, n, c, i, j)))));
  return session.math.matrix(nested);
}

/** gflSession with the maps, and GT 2 moved where anchor 1's sides land inside the 2 bins. */
function gflMapsSession(): Session {
  const session = gflSession();
  const d = session.scope.get('d') as Record<string, unknown>;
  d.gt_bboxes = [[[0, 0, 16, 16], [-4, -2, 4, 6]], [[0, 0, 8, 8], [8, 8, 16, 16]]];
  d.bbox_preds = [mapOf(session, boxValue, 0, 2, 8, 2), mapOf(session, boxValue, 1, 2, 8, 1)];
  d.cls_scores = [mapOf(session, clsValue, 0, 2, 5, 2), mapOf(session, clsValue, 1, 2, 5, 1)];
  return session;
}

const softmax = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const near = (got: readonly number[], want: readonly number[]): void => {
  assert.equal(got.length, want.length);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-12, `${got} vs ${want}`));
};
const sigma = (z: number): number => 1 / (1 + Math.exp(-z));

describe('worst_anchors of a raw head', () => {
  it("ranks one image's anchors over every level, with each one's level, cell, parts and GT", () => {
    const table = figureOf(gflSession(), 'worst_anchors(h, {k: 2})') as TableFigure;
    assert.deepEqual(table.columns, ['anchor', 'level', 'row', 'col', 'total', 'cls', 'bbox', 'dfl', 'score', 'weight', 'gt']);
    assert.deepEqual(table.rows, [
      [5, 2, 0, 0, 6.25, 5, 0.25, 1, 0.6, 0.8, 1],
      [4, 1, 1, 1, 4, 4, 0, 0, 0, 0, 0],
    ]);
    const second = figureOf(gflSession(), 'worst_anchors(h, {k: 1, image: 2, by: "cls"})') as TableFigure;
    assert.deepEqual(second.rows, [[5, 2, 0, 0, 50, 50, 0, 0, 0, 0, 0]]);
    const yolo = figureOf(yoloSession(), 'worst_anchors(y, {k: 1, by: "bbox"})') as TableFigure;
    assert.deepEqual(yolo.rows, [[2, 1, 0, 1, 3.5, 1, 2, 0.5, 0.8, 1]]);
  });
});

describe('sides of a raw head', () => {
  it("shows the worst positives' four sides: the softmax of each side's channels at the anchor's cell, with the GT in stride units", () => {
    const grid = figureOf(gflMapsSession(), 'sides(h, d)') as DistributionGridFigure;
    // Image 1's positives by total loss: anchor 5 (6.25), then anchor 1 (1.625).
    assert.deepEqual(grid.rowLabels, ['anchor 5 · L2', 'anchor 5 · L2', 'anchor 1 · L1', 'anchor 1 · L1']);
    assert.equal(grid.panels.length, 8);
    for (let s = 0; s < 4; s++) {
      near(grid.panels[s].probabilities, softmax([boxValue(1, 0, 2 * s, 0, 0), boxValue(1, 0, 2 * s + 1, 0, 0)]));
      near(grid.panels[4 + s].probabilities, softmax([boxValue(0, 0, 2 * s, 0, 0), boxValue(0, 0, 2 * s + 1, 0, 0)]));
    }
    // Anchor 5 (centre (0, 0), stride 16) in GT 1 (0, 0, 16, 16): l = t = 0, r = b = 1, clamped to reg_max − 0.1 = 0.9.
    assert.deepEqual(grid.panels.slice(0, 4).map((p) => [p.name, p.target?.y]), [['l (gt 0)', 0], ['t (gt 0)', 0], ['r (gt 1 → 0.9)', 0.9], ['b (gt 1 → 0.9)', 0.9]]);
    // Anchor 1 (centre (0, 0), stride 8) in GT 2 (−4, −2, 4, 6): 4/8, 2/8, 4/8, 6/8.
    assert.deepEqual(grid.panels.slice(4).map((p) => p.target?.y), [0.5, 0.25, 0.5, 0.75]);
    const p = grid.panels[5];
    const probabilities = softmax([boxValue(0, 0, 2, 0, 0), boxValue(0, 0, 3, 0, 0)]);
    assert.ok(Math.abs((p.loss ?? NaN) - -(0.75 * Math.log(probabilities[0]) + 0.25 * Math.log(probabilities[1]))) <= 1e-12);
  });

  it('shows one anchor, in the image asked for, without a target for a negative', () => {
    const grid = figureOf(gflMapsSession(), 'sides(h, d, {anchor: 2, image: 2})') as DistributionGridFigure;
    assert.deepEqual(grid.panels.map((p) => p.name), ['l', 't', 'r', 'b']);
    near(grid.panels[1].probabilities, softmax([boxValue(0, 1, 2, 0, 1), boxValue(0, 1, 3, 0, 1)]));
    assert.equal(grid.panels[1].target, undefined);
    assert.match(errorOf(gflMapsSession(), 'sides(h, d, {stride: 8})'), /stride/);
  });
});

describe('calibration of a raw head', () => {
  it("plots every positive's σ of its GT's class against its IoU target, with its level", () => {
    const spec = figureOf(gflMapsSession(), 'calibration(h, d, {bins: 0})') as CalibrationFigure;
    // Anchor 1 → GT 2 (label 1), anchor 5 → GT 1 (label 4); image 2 has no positive.
    assert.deepEqual(spec.anchors, [1, 5]);
    assert.deepEqual(spec.levels, [1, 2]);
    assert.deepEqual(spec.x, [0.9, 0.6]);
    near(spec.y, [sigma(clsValue(0, 0, 1, 0, 0)), sigma(clsValue(1, 0, 4, 0, 0))]);
    assert.equal(spec.reliability, undefined);
  });

  it("reads YOLOv8's class logits after its 4·16 box channels, against the TAL target score", () => {
    const session = yoloSession();
    // feats: level 1 (1, 67, 2, 2), level 2 (1, 67, 1, 1); channel c at (i, j) holds c/100 + i + j.
    const value = (l: number, n: number, c: number, i: number, j: number): number => c / 100 + i + j + l;
    session.scope.set('yd', { feats: [mapOf(session, value, 0, 1, 67, 2), mapOf(session, value, 1, 1, 67, 1)] });
    const spec = figureOf(session, 'calibration(y, yd, {bins: 0})') as CalibrationFigure;
    // Anchor 2 (level 1, row 0, col 1) → GT 1, label 2: channel 64 + 2.
    assert.deepEqual([spec.anchors, spec.x, spec.xLabel], [[2], [0.8], 'TAL target score']);
    near(spec.y, [sigma(value(0, 0, 66, 0, 1))]);
    const sides = figureOf(session, 'sides(y, yd)') as DistributionGridFigure;
    // Anchor 2's centre (12, 4) in GT (8, 0, 16, 16) at stride 8: 0.5, 0.5, 0.5, 1.5 bins.
    assert.deepEqual(sides.panels.map((p) => p.target?.y), [0.5, 0.5, 0.5, 1.5]);
    near(sides.panels[3].probabilities, softmax(Array.from({ length: 16 }, (_, b) => value(0, 0, 48 + b, 0, 1))));
  });

  it('reads the bins per side from the reg_max the YOLOv8 result was computed with', () => {
    const session = yoloSession(8);
    // reg_max 8 and 3 classes: 4·8 + 3 = 35 channels, the class logits from channel 32.
    const value = (l: number, n: number, c: number, i: number, j: number): number => c / 100 + i + j + l;
    session.scope.set('yd', { feats: [mapOf(session, value, 0, 1, 35, 2), mapOf(session, value, 1, 1, 35, 1)] });
    const spec = figureOf(session, 'calibration(y, yd, {bins: 0})') as CalibrationFigure;
    near(spec.y, [sigma(value(0, 0, 32 + 2, 0, 1))]);
    const sides = figureOf(session, 'sides(y, yd)') as DistributionGridFigure;
    near(sides.panels[3].probabilities, softmax(Array.from({ length: 8 }, (_, b) => value(0, 0, 24 + b, 0, 1))));
    assert.match(errorOf(session, 'sides(y, yd, {reg_max: 16})'), /reg_max h was computed with/);
  });
});

describe("sides of a raw head agree with the head's own DFL", () => {
  it('on the bundled exports: each worst positive’s side DFLs give its per-anchor DFL, by the peers’ weighting', () => {
    const session = createNodeSession('samples');
    const outputs = session.runCell(
      [
        'd = load("data/raw-gfl-head.pt")',
        'h = gfl_head(d)',
        'g = sides(h, d, {k: 3})',
        'yd = load("data/raw-yolov8.pt")',
        'y = yolov8_loss(yd)',
        'v = sides(y, yd, {k: 3})',
      ].join('\n'),
    );
    assert.deepEqual(outputs.filter((o) => o.kind === 'error'), []);
    const figures = outputs.filter((o) => o.kind === 'figure').map((o) => (o.kind === 'figure' ? (o.spec as DistributionGridFigure) : undefined));
    const [gfl, yolo] = figures as DistributionGridFigure[];
    const anchorOf = (label: string): number => Number(/anchor (\d+)/.exec(label)?.[1]) - 1;
    const h = session.scope.get('h') as { per_anchor: Record<string, { valueOf(): number[][] }>; avg_factor_bbox: number };
    const y = session.scope.get('y') as { per_anchor: Record<string, { valueOf(): number[][] }>; assignment: Record<string, { valueOf(): number[][] }>; target_scores_sum: number };
    const EPS = 2 ** -23;
    for (let r = 0; r < 3; r++) {
      const sum = (grid: DistributionGridFigure): number => grid.panels.slice(4 * r, 4 * r + 4).reduce((a, p) => a + (p.loss ?? NaN), 0);
      // mmdetection: DistributionFocalLoss(weight = the positive's weight, avg_factor = 4.0) · 0.25, its
      // weight_reduce_loss dividing by 4 + eps; then loss_by_feat's plain division by the bbox avg factor.
      const a = anchorOf(gfl.rowLabels?.[2 * r] ?? '');
      const weight = h.per_anchor.weight.valueOf()[0][a];
      const wantGfl = h.per_anchor.dfl.valueOf()[0][a];
      const gotGfl = (0.25 * weight * sum(gfl)) / (4 + EPS) / h.avg_factor_bbox;
      assert.ok(Math.abs(gotGfl - wantGfl) <= 1e-9 * Math.abs(wantGfl), `GFL anchor ${a + 1}: ${gotGfl} vs ${wantGfl}`);
      // ultralytics: the mean over the sides, times the target score, over tss, times the gain 1.5.
      const b = anchorOf(yolo.rowLabels?.[2 * r] ?? '');
      const score = y.assignment.score.valueOf()[0][b];
      const wantYolo = y.per_anchor.dfl.valueOf()[0][b];
      const gotYolo = (1.5 * score * sum(yolo)) / 4 / y.target_scores_sum;
      assert.ok(Math.abs(gotYolo - wantYolo) <= 1e-9 * Math.abs(wantYolo), `YOLOv8 anchor ${b + 1}: ${gotYolo} vs ${wantYolo}`);
    }
  });
});
