/**
 * `triplet_mining` reference cases → `batchHard`, `batchAll` and `tripletCensus` (Euclidean).
 * The fixture's `batch_all` is the hinge batch-all loss even when `soft` is set (its soft case
 * matches the hinge value to the last digit and not the softplus one), so the soft flag is passed
 * to batch-hard only. `soft` ignores the margin, as the fixture's soft batch-hard shows.
 */
import { CORE_LOSSES, type LossImplementations } from '../../../src/core/language/hosts';
import { batchAll, tripletCensus } from '../../../src/core/mining';
import { toNested } from '../../../src/core/tensor';
import { booleanParam, fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';
import { embeddingWidth } from './triplet';

export function runMiningCase(c: ReferenceCase, kernels: LossImplementations = CORE_LOSSES): ReferenceOutput {
  const embeddings = fixtureTensor(c.fn, 'embeddings', c.inputs.embeddings, [embeddingWidth(c.inputs.embeddings)]);
  const labels = fixtureTensor(c.fn, 'labels', c.inputs.labels);
  const margin = numberParam(c.params, 'margin', 0.3);
  const soft = booleanParam(c.params, 'soft', false);
  const hard = kernels.batchHard(embeddings, labels, { margin, soft, grad: true });
  const all = batchAll(embeddings, labels, { margin, soft: false });
  const census = tripletCensus(embeddings, labels, margin);
  const grad = hard.grad;
  if (grad === undefined) throw new Error('runMiningCase: batchHard returned no gradient');
  return {
    batch_hard: toNested(hard.loss),
    batch_hard_per_anchor: toNested(hard.perAnchor),
    valid_anchor: [...hard.validAnchor],
    grad_embeddings: toNested(grad.embeddings),
    batch_all: toNested(all.loss),
    census: { ...census },
  };
}
