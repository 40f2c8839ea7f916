import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnchorMapGridFigure, AssignmentMapFigure, FigureSpec } from '../../../../src/core/figures/spec';
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
function yoloSession(): Session {
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
