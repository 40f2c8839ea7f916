import { toNested } from '../../../src/core/tensor';
import { CORE_LOSSES, type LossImplementations } from '../../../src/core/language/hosts';
import type { BinSpec } from '../../../src/core/distributions';
import { fixtureTensor, type ReferenceCase, type ReferenceOutput } from '../case';

/**
 * Fixture `dfl`: `pred` (n, bins) logits, `label` (n) continuous targets, `params.bins` the number
 * of bins. Expected: `loss` (n) per row, `grad_pred` of its sum, `expectation` (n).
 */
export function runDflCase(c: ReferenceCase, kernels: LossImplementations = CORE_LOSSES): ReferenceOutput {
  const { params, inputs } = c;
  // params.bins is a bin count; a `reg_max` would be mmdetection's (the fixtures follow mmdetection).
  let bins: BinSpec;
  if (typeof params.bins === 'number') bins = params.bins;
  else if (typeof params.reg_max === 'number') bins = { regMax: params.reg_max, convention: 'mmdetection' };
  else bins = fixtureTensor('dfl', 'pred', inputs.pred).shape[1];
  const width = typeof bins === 'number' ? bins : bins.regMax + 1;
  const pred = fixtureTensor('dfl', 'pred', inputs.pred, [width]);
  const label = fixtureTensor('dfl', 'label', inputs.label);
  const result = kernels.distributionFocalLoss(pred, label, { bins, reduction: 'none', grad: true });
  return {
    loss: toNested(result.loss),
    grad_pred: toNested(result.grad!.pred),
    expectation: toNested(result.expectation),
  };
}
