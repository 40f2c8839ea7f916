import { CORE_LOSSES, type LossImplementations } from '../../../src/core/language/hosts';
import type { ArcFaceForm, ArcFaceOptions } from '../../../src/core/losses/arcface';
import { arcFaceLossFused } from '../../../src/core/losses/arcface/fused';
import { toNested, type Tensor } from '../../../src/core/tensor';
import { booleanParam, fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';

/**
 * `arcface` cases: x (B,d), W (d,C), labels (B); params s, m, easy_margin, form. Expected keys:
 * loss (B, reduction none), logits (B,C), grad_x, grad_W (gradients of the sum of loss).
 */
export function runArcfaceCase(c: ReferenceCase, kernels: LossImplementations = CORE_LOSSES): ReferenceOutput {
  const { x, W, labels, options } = arcfaceInputs(c);
  const result = kernels.arcFaceLoss(x, W, labels, options);
  if (result.grad === undefined) throw new Error('runArcfaceCase: arcFaceLoss returned no gradient');
  return {
    loss: toNested(result.loss),
    logits: toNested(result.logits),
    grad_x: toNested(result.grad.x),
    grad_W: toNested(result.grad.W),
  };
}

/**
 * The same case through arcFaceLossFused, with pass 1's products kept (`keepBytes` default) or
 * recomputed (0); it has no logits, so the output lacks that key.
 */
export function runArcfaceFusedCase(c: ReferenceCase, keepBytes?: number): ReferenceOutput {
  const { x, W, labels, options } = arcfaceInputs(c);
  const result = arcFaceLossFused(x, W, labels, options, keepBytes);
  if (result.grad === undefined) throw new Error('runArcfaceFusedCase: arcFaceLossFused returned no gradient');
  return { loss: toNested(result.loss), grad_x: toNested(result.grad.x), grad_W: toNested(result.grad.W as Tensor) };
}

function arcfaceInputs(c: ReferenceCase): { x: Tensor; W: Tensor; labels: Tensor; options: ArcFaceOptions } {
  const fn = 'arcface';
  // JSON `[]` loses trailing extents: W's row count is d, so an empty x is (0, d); W itself is
  // rectangular whenever d > 0, and an empty W can only be (0, C) with C unknown, taken as 0.
  const W = fixtureTensor(fn, 'W', c.inputs.W);
  const x = fixtureTensor(fn, 'x', c.inputs.x, [W.shape[0] ?? 0]);
  const labels = fixtureTensor(fn, 'labels', c.inputs.labels);
  const form = c.params.form;
  const options: ArcFaceOptions = {
    s: numberParam(c.params, 's', 64),
    m: numberParam(c.params, 'm', 0.5),
    easyMargin: booleanParam(c.params, 'easy_margin', false),
    form: typeof form === 'string' ? (form as ArcFaceForm) : 'insightface',
    reduction: 'none',
    grad: true,
  };
  return { x, W, labels, options };
}
