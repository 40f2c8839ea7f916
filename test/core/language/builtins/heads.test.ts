import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNodeSession } from '../../../../src/node/session';
import { compare, loadCases } from '../../../parity/compare';
import { plainValue, runCell } from '../../../helpers/cells';

/**
 * gfl_head in a cell, on the bundled torch.save export of the fixture case gfl/128x128-5cls-3gt
 * (samples/data/raw-gfl-head.pt, written by scripts/fixtures/make_raw_head_exports.py from
 * test/fixtures/detector-heads.json): the logged losses and every gradient are mmdetection's.
 */
const CASE = loadCases('test/fixtures/detector-heads.json').find((c) => c.name === 'gfl/128x128-5cls-3gt');

const run = runCell;
const plain = plainValue;

describe('gfl_head: raw per-level outputs to the training log', () => {
  assert.ok(CASE !== undefined);
  const expected = CASE.expected as Record<string, unknown>;

  it("gives mmdetection's logged losses and num_pos from a torch.save export", () => {
    const session = createNodeSession('samples');
    run(session, 'h = gfl_head(load("data/raw-gfl-head.pt"))\nlogged = [h.loss_cls, h.loss_bbox, h.loss_dfl, h.loss, h.num_pos]');
    compare('logged', plain(session, 'logged'), [expected.loss_cls, expected.loss_bbox, expected.loss_dfl, expected.loss, expected.num_pos]);
  });

  it("gives the gradient of every map, level by level, as the peer's autograd", () => {
    const session = createNodeSession('samples');
    run(session, 'h = gfl_head(load("data/raw-gfl-head.pt"))\ng_cls = h.grad.cls_scores\ng_reg = h.grad.bbox_preds');
    compare('grad_cls_scores', plain(session, 'g_cls'), expected.grad_cls_scores);
    compare('grad_bbox_preds', plain(session, 'g_reg'), expected.grad_bbox_preds);
  });

  it('takes (outputs, targets, options) as well, and the options change the result', () => {
    const session = createNodeSession('samples');
    run(
      session,
      [
        'd = load("data/raw-gfl-head.pt")',
        'outputs = {cls_scores: d.cls_scores, bbox_preds: d.bbox_preds}',
        'targets = {gt_bboxes: d.gt_bboxes, gt_labels: d.gt_labels, img_shape: d.img_shape}',
        'a = gfl_head(outputs, targets).loss',
        'b = gfl_head(d, {beta: 2, topk: 9, reg_max: 16}).loss',
        'c = gfl_head(outputs, targets, {loss_weight: {cls: 1, bbox: 0, dfl: 0}}).loss',
        'k = gfl_head(d).loss_cls',
      ].join('\n'),
    );
    compare('a', session.scope.get('a'), expected.loss);
    compare('b', session.scope.get('b'), expected.loss);
    // With the box terms weighted 0 the loss is the classification term alone.
    assert.equal(session.scope.get('c'), session.scope.get('k'));
  });

  it('sums the per-anchor and per-level parts to the logged components', () => {
    const session = createNodeSession('samples');
    run(session, 'h = gfl_head(load("data/raw-gfl-head.pt"))\nparts = [sum(h.per_anchor.cls), sum(h.per_level.cls), sum(h.per_anchor.bbox), sum(h.per_anchor.dfl)]');
    const [anchorCls, levelCls, anchorBbox, anchorDfl] = plain(session, 'parts') as number[];
    compare('cls by anchor', anchorCls, expected.loss_cls);
    compare('cls by level', levelCls, expected.loss_cls);
    compare('bbox by anchor', anchorBbox, expected.loss_bbox);
    compare('dfl by anchor', anchorDfl, expected.loss_dfl);
  });

  it('names what is missing or malformed, in the words of the cell', () => {
    const session = createNodeSession('samples');
    const message = (source: string): string => {
      const error = session.runCell(source).find((o) => o.kind === 'error');
      return error?.kind === 'error' ? error.message : '';
    };
    assert.match(message('d = load("data/raw-gfl-head.pt")\ngfl_head({cls_scores: d.cls_scores})'), /gfl_head: data\.bbox_preds should be present/);
    assert.match(message('gfl_head({cls_scores: 1, bbox_preds: 2})'), /gfl_head: data\.cls_scores should be a list over levels of \(N, C, H, W\) class logits/);
    const d = 'd = load("data/raw-gfl-head.pt")\n';
    assert.match(message(`${d}gfl_head({cls_scores: d.cls_scores[1], bbox_preds: d.bbox_preds, gt_bboxes: d.gt_bboxes, gt_labels: d.gt_labels})`), /gfl_head: data\.cls_scores should be a list of 5 \(one map per stride\)/);
    assert.match(message(`${d}gfl_head(d, {num_classes: 3})`), /gfl_head: data\.cls_scores\[1\] should be C = options\.num_classes = 3 channels/);
    assert.match(message('gfl_head(load("data/raw-gfl-head.pt"), {topk: "9"})'), /options\.topk should be a number/);
  });
});

/**
 * yolov8_loss in a cell, on samples/data/raw-yolov8.pt: the maps and the collated batch of the
 * fixture case yolov8/64x64-3cls-1gt, which ultralytics' v8DetectionLoss computed.
 */
describe('yolov8_loss: raw maps and the batch to the progress bar', () => {
  const yolo = loadCases('test/fixtures/detector-heads.json').find((c) => c.name === 'yolov8/64x64-3cls-1gt');
  assert.ok(yolo !== undefined);
  const expected = yolo.expected as Record<string, unknown>;

  it("gives ultralytics' loss_items, total and gradient from a torch.save export", () => {
    const session = createNodeSession('samples');
    run(session, 'y = yolov8_loss(load("data/raw-yolov8.pt"))\nlogged = [y.box_loss, y.cls_loss, y.dfl_loss, y.total]\ng = y.grad.feats');
    compare('logged', plain(session, 'logged'), [expected.box_loss, expected.cls_loss, expected.dfl_loss, expected.total]);
    compare('grad_feats', plain(session, 'g'), expected.grad_feats);
  });

  it('takes (feats, batch) as v8DetectionLoss does, and the per-image pixel boxes, to the same loss', () => {
    const session = createNodeSession('samples');
    const gt = (yolo.inputs as { gt_bboxes: number[][][]; gt_labels: number[][] });
    run(
      session,
      [
        'd = load("data/raw-yolov8.pt")',
        'a = yolov8_loss(d.feats, d.batch).total',
        `b = yolov8_loss({feats: d.feats, gt_bboxes: [${JSON.stringify(gt.gt_bboxes[0])}], gt_labels: [${JSON.stringify(gt.gt_labels[0])}]}).total`,
        'c = yolov8_loss(d, {box: 0, cls: 0.5, dfl: 0})',
      ].join('\n'),
    );
    compare('a', session.scope.get('a'), expected.total);
    compare('b', session.scope.get('b'), expected.total);
    // With the box and DFL gains at 0, only the class term is left: N · cls_loss.
    const c = session.scope.get('c') as { total: number; cls_loss: number };
    compare('cls alone', c.total, expected.cls_loss);
  });

  it('names what is missing, in the words of the cell', () => {
    const session = createNodeSession('samples');
    const message = (source: string): string => {
      const error = session.runCell(source).find((o) => o.kind === 'error');
      return error?.kind === 'error' ? error.message : '';
    };
    assert.match(message('yolov8_loss({feats: 1})'), /yolov8_loss: data\.feats should be a list over levels/);
    assert.match(message('d = load("data/raw-yolov8.pt")\nyolov8_loss({feats: d.feats})'), /yolov8_loss: data\.gt_bboxes should be present/);
    assert.match(message('d = load("data/raw-yolov8.pt")\nyolov8_loss(d.feats, {batch_idx: [0]})'), /yolov8_loss: batch\.cls should be present/);
  });
});
