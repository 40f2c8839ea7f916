import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Session } from '../../../../src/core/language/session';
import { compare, loadCases } from '../../../parity/compare';
import { plainValue, runCell } from '../../../helpers/cells';

/**
 * mine and metric_loss in a cell, on cases of test/fixtures/metric-learning.json (pml v2.8.1):
 * the tuples come back as positions from 1, and feeding mine's result to metric_loss is pml's
 * `loss(embeddings, labels, miner(embeddings, labels))`.
 */
const CASES = loadCases('test/fixtures/metric-learning.json');
const byName = (name: string): (typeof CASES)[number] => {
  const c = CASES.find((k) => k.name === name);
  assert.ok(c !== undefined, name);
  return c;
};

const run = runCell;
const plain = plainValue;

/** A session with the case's embeddings and labels as `emb` and `labels`. */
function sessionWith(inputs: Readonly<Record<string, unknown>>): Session {
  const session = new Session();
  run(session, `emb = ${JSON.stringify(inputs.embeddings)}\nlabels = ${JSON.stringify(inputs.labels)}`);
  return session;
}

const minusOne = (values: unknown): number[] => (values as number[]).map((v) => v - 1);

describe('mine and metric_loss in a cell', () => {
  it("mine returns pml's BatchHardMiner triplets as positions from 1, and metric_loss on them gives pml's TripletMarginLoss", () => {
    const c = byName('loss-tm/64x128-batch-hard-triplets-mean');
    const session = sessionWith(c.inputs);
    run(session, 'm = mine(emb, labels, {miner: "batch_hard", normalize_embeddings: false})\na = m.a\np = m.p\nn = m.n\nl = metric_loss(emb, labels, m, {margin: 0.2, reducer: "mean", normalize_embeddings: false})\nloss = l.loss\ng = l.grad.embeddings');
    const triplets = c.inputs.triplets as Record<string, number[]>;
    assert.deepEqual([minusOne(plain(session, 'a')), minusOne(plain(session, 'p')), minusOne(plain(session, 'n'))], [triplets.a, triplets.p, triplets.n]);
    compare('loss', plain(session, 'loss'), c.expected.loss);
    compare('grad_embeddings', plain(session, 'g'), c.expected.grad_embeddings);
  });

  it('mine with a pair miner lists a1, p, a2, n and their counts', () => {
    const c = byName('miner-pm/32x24-cosine-pos0.5-neg0.2');
    const session = sessionWith(c.inputs);
    run(session, 'm = mine(emb, labels, {miner: "pair_margin", distance: "cosine", pos_margin: 0.5, neg_margin: 0.2})\na2 = m.a2\ncounts = [m.num_pos_pairs, m.num_neg_pairs]');
    assert.deepEqual(minusOne(plain(session, 'a2')), c.expected.a2);
    assert.deepEqual(plain(session, 'counts'), [c.expected.num_pos_pairs, c.expected.num_neg_pairs]);
  });

  it("metric_loss defaults to pml's TripletMarginLoss (normalised L2, margin 0.05, avg_non_zero)", () => {
    const c = byName('loss-tm/64x128-8cls-defaults');
    const session = sessionWith(c.inputs);
    run(session, 'l = metric_loss(emb, labels)\nloss = l.loss\ncounts = [l.num_triplets, l.num_past_filter]');
    compare('loss', plain(session, 'loss'), c.expected.loss);
    assert.deepEqual(plain(session, 'counts'), [c.expected.num_triplets, c.expected.num_past_filter]);
  });

  it('says what was wrong, where and what is expected', () => {
    const session = new Session();
    const errorOf = (source: string): string => {
      const error = session.runCell(source).find((o) => o.kind === 'error');
      assert.ok(error !== undefined && error.kind === 'error', source);
      return JSON.stringify(error);
    };
    assert.match(errorOf('mine([[0, 1], [1, 0]], [0, 1], {miner: "hardest"})'), /options\.miner should be one of/);
    assert.match(errorOf('mine([[0, 1], [1, 0]], [0, 1], {miner: "batch_hard", margin: 0.1})'), /options\.margin should be an option of miner 'batch_hard'/);
    assert.match(errorOf('metric_loss([[0, 1], [1, 0]], [0, 1], {a: [0], p: [1], n: [2]}, {})'), /tuples\.a.*should be positions counted from 1/);
  });
});
