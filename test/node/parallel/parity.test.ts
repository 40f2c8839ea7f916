/**
 * Every qfl / qfl_dense / focal / dfl / giou / gfl reference case of test/fixtures/*.json through
 * the parallel evaluator with the threshold forced to 0, so that even a one-row case is split
 * across the worker pool, compared with PyTorch's float64 values at the parity tolerance. The
 * fixture mapping is the parity adapter's own; only the loss implementation is swapped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parallelLosses } from '../../../src/node/parallel/losses';
import { ParallelPool, ready } from '../../../src/node/parallel/pool';
import { runReferenceCase } from '../../parity/adapter';
import { compare, loadCases } from '../../parity/compare';

const ELEMENTWISE = new Set(['qfl', 'qfl_dense', 'focal', 'dfl', 'giou', 'gfl']);

const pool = new ParallelPool(3);
const losses = parallelLosses(pool, { minElements: 0, blockElements: 1 });
before(async () => {
  await ready(pool);
});
after(async () => {
  // Every case with at least two rows must have been split across threads.
  assert.ok(pool.sharedTasks > 40, `only ${pool.sharedTasks} tasks ran in parallel`);
  await pool.close();
});

for (const path of ['test/fixtures/reference-losses.json', 'test/fixtures/extreme-losses.json']) {
  const cases = loadCases(path).filter((c) => ELEMENTWISE.has(c.fn));
  describe(`parallel parity with ${path}`, () => {
    it('has cases of every elementwise loss', () => assert.deepEqual(new Set(cases.map((c) => c.fn)), ELEMENTWISE));
    for (const c of cases) {
      it(c.name, () => {
        const got = runReferenceCase({ fn: c.fn, inputs: c.inputs, params: c.params }, losses);
        for (const [key, want] of Object.entries(c.expected)) compare(key, got[key], want);
      });
    }
  });
}
