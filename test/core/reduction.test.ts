import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coefficient, planReduction, reduce } from '../../src/core/reduction';
import { toTensor } from '../../src/core/tensor';

const losses = toTensor('t', 'x', [[1, 2], [3, 4]]);

describe('planReduction / reduce', () => {
  it('mean, sum and none, computed by hand', () => {
    assert.equal(reduce(planReduction('f', [2, 2], { reduction: 'mean' }), losses).data[0], 2.5);
    assert.equal(reduce(planReduction('f', [2, 2], { reduction: 'sum' }), losses).data[0], 10);
    assert.deepEqual([...reduce(planReduction('f', [2, 2], { reduction: 'none' }), losses).data], [1, 2, 3, 4]);
  });

  it('broadcasts a row weight and divides by avg_factor as mmdetection does', () => {
    const weight = toTensor('t', 'w', [2, 0.5]);
    const plan = planReduction('f', [2, 2], { weight, avgFactor: 4 });
    // (2·(1+2) + 0.5·(3+4)) / 4
    assert.equal(reduce(plan, losses).data[0], 9.5 / 4);
    assert.equal(coefficient(plan, 1), 0.5);
    assert.equal(coefficient(plan, 2), 0.125);
    assert.deepEqual([...reduce(planReduction('f', [2, 2], { weight, reduction: 'none' }), losses).data], [2, 4, 1.5, 2]);
  });

  it('gives an empty mean of 0 instead of NaN', () => {
    const plan = planReduction('f', [0, 3], {});
    assert.equal(reduce(plan, { shape: [0, 3], data: new Float64Array(0) }).data[0], 0);
    assert.equal(plan.scale, 0);
  });

  it('rejects an unknown reduction, a misshapen weight and avg_factor with sum', () => {
    assert.throws(() => planReduction('focal', [2], { reduction: 'avg' as never }), /options.reduction should be one of/);
    assert.throws(() => planReduction('focal', [2, 2], { weight: toTensor('t', 'w', [1, 2, 3]) }), /prefix/);
    assert.throws(() => planReduction('focal', [2], { reduction: 'sum', avgFactor: 2 }), /only with reduction 'mean'/);
    assert.throws(() => planReduction('focal', [2], { avgFactor: 0 }), /> 0/);
  });
});
