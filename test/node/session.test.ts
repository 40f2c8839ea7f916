import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CORE_LOSSES, type LossImplementations } from '../../src/core/language/hosts';
import { Session, type CellOutput } from '../../src/core/language/session';
import { qualityFocalLoss } from '../../src/core/losses/qfl';
import { sigmoidFocalLoss } from '../../src/core/losses/focal';
import { toTensor } from '../../src/core/tensor';
import { ParallelPool, ready } from '../../src/node/parallel/pool';
import { createNodeSession } from '../../src/node/session';

/**
 * The hosts' injection points: a Session calls the loss kernels it is given (the Node hosts pass
 * the worker pool's), and createNodeSession wires the pool and the .npy streamer.
 */

function valueOf(session: Session, source: string, name: string): Record<string, unknown> {
  const outputs = session.runCell(source);
  const error = outputs.find((o): o is Extract<CellOutput, { kind: 'error' }> => o.kind === 'error');
  assert.equal(error, undefined, `${source}: ${error?.message}`);
  return session.scope.get(name) as Record<string, unknown>;
}

const pools: ParallelPool[] = [];
after(() => Promise.all(pools.map((pool) => pool.close())));

describe('Session({losses})', () => {
  it('routes focal, qfl, dfl, giou and gfl through the given kernels, and keeps the core ones for the rest', () => {
    const calls: string[] = [];
    const spied = {} as Record<keyof LossImplementations, unknown>;
    for (const key of Object.keys(CORE_LOSSES) as (keyof LossImplementations)[]) {
      spied[key] = (...args: unknown[]) => {
        calls.push(key);
        return (CORE_LOSSES[key] as (...a: unknown[]) => unknown)(...args);
      };
    }
    const gflData = {
      cls: [[0.5, -1], [-2, 0.3]],
      reg: [Array.from({ length: 68 }, (_, i) => Math.sin(i)), Array.from({ length: 68 }, (_, i) => Math.cos(i))],
      points: [[8, 8], [24, 8]],
      labels: [0, 2],
      gt_boxes: [[0, 0, 20, 18], [0, 0, 1, 1]],
    };
    const session = new Session({ losses: spied as Partial<LossImplementations>, load: () => gflData });
    valueOf(session, 'a = focal([[2, -1]], [[1, 0]])', 'a');
    valueOf(session, 'b = qfl([[1.2, -0.3, 0.1]], [1], [0.8])', 'b');
    valueOf(session, 'c = dfl([[9.38, 9.29, 4.48, 2.55]], [0.4], {bins: 4})', 'c');
    valueOf(session, 'd = giou([[0, 0, 2, 2]], [[1, 1, 3, 3]])', 'd');
    valueOf(session, 'e = gfl(load("x"), {stride: 8})', 'e');
    assert.deepEqual(calls, ['sigmoidFocalLoss', 'qualityFocalLoss', 'distributionFocalLoss', 'giouLoss', 'gflHeadLoss']);
  });

  it('replaces only the kernels given', () => {
    let called = 0;
    const session = new Session({
      losses: {
        sigmoidFocalLoss: (...args) => {
          called++;
          return sigmoidFocalLoss(...args);
        },
      },
    });
    valueOf(session, 'a = focal([[2, -1]], [[1, 0]])', 'a');
    valueOf(session, 'b = qfl([[1.2, -0.3, 0.1]], [1], [0.8])', 'b');
    assert.equal(called, 1);
  });
});

describe('createNodeSession', () => {
  it('splits large losses across its pool, with the same values as the core', async () => {
    const pool = await ready(new ParallelPool(2));
    pools.push(pool);
    const session = createNodeSession('samples', { pool, tuning: { minElements: 0, blockElements: 1 } });
    const pred = [[1.2, -0.3, 0.1], [-2, 0.7, 3.5], [0.25, 1000, -1000]];
    const r = valueOf(session, `r = qfl(${JSON.stringify(pred)}, [1, 3, 2], [0.8, 0, 0.5])`, 'r');
    assert.ok(pool.sharedTasks > 0, 'the task was split across threads');
    const want = qualityFocalLoss(toTensor('t', 'pred', pred), { label: toTensor('t', 'l', [1, 3, 2]), score: toTensor('t', 's', [0.8, 0, 0.5]) }, { grad: true });
    assert.ok(Math.abs((r.loss as number) - want.loss.data[0]) <= 1e-15 * Math.abs(want.loss.data[0]));
    const grad = ((r.grad as Record<string, { valueOf(): number[][] }>).pred.valueOf()).flat();
    assert.deepEqual(grad, [...want.grad!.pred.data]);

    const before = pool.sharedTasks;
    const s = valueOf(session, 's = qfl_stream("data/stream-pred.npy", "data/stream-label.npy", "data/stream-score.npy", {chunk_rows: 32})', 's');
    assert.ok(pool.sharedTasks > before, 'the stream ran its chunks on the pool');
    assert.ok(Math.abs((s.loss as number) - 1.8827627196720982) <= 1e-12);
  });

  it('keeps every loss on the calling thread with pool: null', () => {
    const session = createNodeSession('samples', { pool: null });
    const r = valueOf(session, 'r = qfl([[1.2, -0.3, 0.1]], [1], [0.8])', 'r');
    assert.equal(typeof r.loss, 'number');
  });
});
