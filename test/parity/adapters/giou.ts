/** Fixture fn `giou`: mmdetection `giou_loss` (eps 1e-7) with reduction 'none'. */
import { CORE_LOSSES, type LossImplementations } from '../../../src/core/language/hosts';
import { toNested } from '../../../src/core/tensor';
import { fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';

export function runGiouCase(c: ReferenceCase, kernels: LossImplementations = CORE_LOSSES): ReferenceOutput {
  const pred = fixtureTensor('giou', 'pred', c.inputs.pred, [4]);
  const target = fixtureTensor('giou', 'target', c.inputs.target, [4]);
  const result = kernels.giouLoss(pred, target, { reduction: 'none', grad: true, eps: numberParam(c.params, 'eps', 1e-7) });
  return {
    loss: toNested(result.perElement),
    iou: toNested(result.iou),
    grad_pred: toNested(result.grad!.pred),
  };
}
