import { combinedMarginLoss, pmlMarginLoss, type InsightfaceArcForm, type PmlMarginKind } from '../../../src/core/heads/margin';
import { toNested } from '../../../src/core/tensor';
import { fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';

/**
 * `loss_margin_softmax` cases (test/fixtures/metric-learning.json, pml v2.8.1): embeddings (B, d),
 * W (d, C·k), labels; params kind, margin (pml's units), scale, sub_centers. Expected keys: loss,
 * losses (B), logits (B, C), grad_embeddings, grad_W (left out of the 1000-class cases).
 */
export function runMarginSoftmaxCase(c: ReferenceCase): ReferenceOutput {
  const fn = 'loss_margin_softmax';
  const W = fixtureTensor(fn, 'W', c.inputs.W);
  const result = pmlMarginLoss(fixtureTensor(fn, 'embeddings', c.inputs.embeddings, [W.shape[0] ?? 0]), W, fixtureTensor(fn, 'labels', c.inputs.labels), {
    kind: c.params.kind as PmlMarginKind,
    margin: numberParam(c.params, 'margin', Number.NaN),
    scale: numberParam(c.params, 'scale', Number.NaN),
    subCenters: numberParam(c.params, 'sub_centers', 1),
  });
  return {
    loss: result.loss,
    losses: toNested(result.losses),
    logits: toNested(result.logits),
    grad_embeddings: toNested(result.grad.x),
    grad_W: toNested(result.grad.W),
  };
}

/**
 * `loss_insightface_combined` cases (insightface CombinedMarginLoss + DistCrossEntropy): embeddings
 * (B, d), weight (C, d), labels; params s, m1, m2, m3, interclass_filtering_threshold, arc_form.
 * Expected keys: loss, logits, and grad_embeddings / grad_weight where the peer's gradient is true.
 */
export function runInsightfaceCombinedCase(c: ReferenceCase): ReferenceOutput {
  const fn = 'loss_insightface_combined';
  const weight = fixtureTensor(fn, 'weight', c.inputs.weight);
  const result = combinedMarginLoss(fixtureTensor(fn, 'embeddings', c.inputs.embeddings, [weight.shape[1] ?? 0]), weight, fixtureTensor(fn, 'labels', c.inputs.labels), {
    s: numberParam(c.params, 's', Number.NaN),
    m1: numberParam(c.params, 'm1', Number.NaN),
    m2: numberParam(c.params, 'm2', Number.NaN),
    m3: numberParam(c.params, 'm3', Number.NaN),
    interclassFilteringThreshold: numberParam(c.params, 'interclass_filtering_threshold', 0),
    arcForm: c.params.arc_form as InsightfaceArcForm,
  });
  return {
    loss: result.loss,
    logits: toNested(result.logits),
    grad_embeddings: toNested(result.grad.x),
    grad_weight: toNested(result.grad.W),
  };
}
