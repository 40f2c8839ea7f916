import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CellOutput, Session } from '../../../../src/core/language/session';
import { createNodeSession } from '../../../../src/node/session';
import { compare, loadCases } from '../../../parity/compare';

/**
 * gfl_head in a cell, on the bundled torch.save export of the fixture case gfl/128x128-5cls-3gt
 * (samples/data/raw-gfl-head.pt, written by scripts/fixtures/make_raw_head_exports.py from
 * test/fixtures/detector-heads.json): the logged losses and every gradient are mmdetection's.
 */
const CASE = loadCases('test/fixtures/detector-heads.json').find((c) => c.name === 'gfl/128x128-5cls-3gt');

function run(session: Session, source: string): CellOutput[] {
  const outputs = session.runCell(source);
  const errors = outputs.filter((o) => o.kind === 'error');
  assert.deepEqual(errors, []);
  return outputs;
}

/** The value of the scope's `name`, as plain nested arrays and numbers. */
function plain(session: Session, name: string): unknown {
  const toPlain = (value: unknown): unknown => {
    if (typeof value === 'number') return value;
    if (Array.isArray(value)) return value.map(toPlain);
    if (typeof value === 'object' && value !== null && typeof (value as { valueOf: () => unknown }).valueOf === 'function') {
      const inner = (value as { valueOf: () => unknown }).valueOf();
      if (inner !== value) return toPlain(inner);
    }
    return value;
  };
  return toPlain(session.scope.get(name));
}

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
