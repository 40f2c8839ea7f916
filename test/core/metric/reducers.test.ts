import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { keptBounds, reduceLosses, resolveReducer, type Reducer } from '../../../src/core/metric/reducers';

const losses = Float64Array.of(0, 0.5, 0, 1.5, 0.1, 3);

describe('metric reducers (pml semantics)', () => {
  it('mean averages every element, zeros included', () => {
    const r = reduceLosses({ kind: 'mean' }, losses);
    assert.equal(r.loss, 5.1 / 6);
    assert.equal(r.numPastFilter, 6);
    assert.deepEqual([...r.weights], Array(6).fill(1 / 6));
  });

  it('avg_non_zero averages the losses strictly > 0, and gives 0 with no weight when none is', () => {
    const r = reduceLosses({ kind: 'avg_non_zero' }, losses);
    assert.ok(Math.abs(r.loss - 5.1 / 4) < 1e-15);
    assert.equal(r.numPastFilter, 4);
    assert.deepEqual([...r.weights], [0, 0.25, 0, 0.25, 0.25, 0.25]);
    const none = reduceLosses({ kind: 'avg_non_zero' }, Float64Array.of(0, 0));
    assert.deepEqual([none.loss, none.numPastFilter, [...none.weights]], [0, 0, [0, 0]]);
  });

  it('threshold keeps low < loss < high, both strict, either bound absent', () => {
    const both = reduceLosses({ kind: 'threshold', low: 0.1, high: 3 }, losses);
    assert.equal(both.numPastFilter, 2); // 0.5 and 1.5; 0.1 and 3 sit on the bounds
    assert.equal(both.loss, 1);
    const high = reduceLosses({ kind: 'threshold', low: null, high: 0.5 }, losses);
    assert.equal(high.numPastFilter, 3); // 0, 0, 0.1
    assert.ok(Math.abs(high.loss - 0.1 / 3) < 1e-15);
    assert.equal(reduceLosses({ kind: 'threshold', low: 10, high: null }, losses).loss, 0);
  });

  it('an empty list reduces to 0 with every reducer', () => {
    for (const kind of ['mean', 'avg_non_zero'] as const) assert.equal(reduceLosses({ kind }, new Float64Array(0)).loss, 0);
  });

  it('names what was wrong in a bad reducer', () => {
    assert.throws(() => resolveReducer('metric_loss', 'sum'), /options\.reducer should be one of 'mean', 'avg_non_zero', 'threshold', but is "sum"/);
    assert.throws(() => resolveReducer('metric_loss', 'threshold'), /options\.reducer_low should be a number/);
    assert.deepEqual(resolveReducer('metric_loss', 'threshold', 0.1, null), { kind: 'threshold', low: 0.1, high: null });
  });

  it("keptBounds, which the losses reduce with in their own pass, keeps what reduceLosses keeps (finite losses ≥ 0, ties with the bounds included)", () => {
    const bound = fc.option(fc.constantFrom(0, 0.5, 1, 2), { nil: null });
    const reducer: fc.Arbitrary<Reducer> = fc.oneof(
      fc.constant<Reducer>({ kind: 'mean' }),
      fc.constant<Reducer>({ kind: 'avg_non_zero' }),
      fc.tuple(bound, bound).map(([low, high]): Reducer => ({ kind: 'threshold', low, high })),
    );
    const values = fc.array(fc.oneof(fc.constantFrom(0, 0.5, 1, 2), fc.double({ min: 0, max: 3, noNaN: true })), { maxLength: 12 });
    fc.assert(
      fc.property(reducer, values, (r, list) => {
        const reduced = reduceLosses(r, Float64Array.from(list));
        const { all, low, high } = keptBounds(r);
        assert.deepEqual(list.map((v) => all || (v > low && v < high)), [...reduced.weights].map((w) => w > 0));
      }),
      { numRuns: 300 },
    );
  });
});
