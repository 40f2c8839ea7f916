import { CORE_LOSSES, type LossImplementations } from '../../../src/core/language/hosts';
import { toNested, type Tensor } from '../../../src/core/tensor';
import { fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';

/**
 * Fixture `focal`: `pred` (n, C) logits, `target` (n, C) in [0, 1]; `params.alpha` (−1 = off) and
 * `params.gamma`, torchvision's defaults 0.25 and 2 when absent. Expected: `loss` (n, C) per
 * element and `grad_pred` of its sum.
 */
export function runFocalCase(c: ReferenceCase, kernels: LossImplementations = CORE_LOSSES): ReferenceOutput {
  const { inputs, params } = c;
  const [pred, target] = pairedTensors('focal', 'pred', inputs.pred, 'target', inputs.target);
  const result = kernels.sigmoidFocalLoss(pred, target, {
    alpha: numberParam(params, 'alpha', 0.25),
    gamma: numberParam(params, 'gamma', 2),
    reduction: 'none',
    grad: true,
  });
  return { loss: toNested(result.loss), grad_pred: toNested(result.grad!.pred) };
}

/**
 * Reads two inputs of one shape (n, …). JSON's `[]` loses the trailing extents of an empty batch,
 * so each takes them from the other when it has them, else (0, 0).
 */
export function pairedTensors(fn: string, nameA: string, a: unknown, nameB: string, b: unknown): [Tensor, Tensor] {
  const probe = (value: unknown, name: string): Tensor | null =>
    Array.isArray(value) && value.length === 0 ? null : fixtureTensor(fn, name, value);
  const first = probe(a, nameA);
  const second = probe(b, nameB);
  const trailing = (first ?? second)?.shape.slice(1) ?? [0];
  return [first ?? fixtureTensor(fn, nameA, a, trailing), second ?? fixtureTensor(fn, nameB, b, trailing)];
}
