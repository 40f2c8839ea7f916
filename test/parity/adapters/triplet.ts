/**
 * `triplet` reference cases → `tripletMarginLoss`. The fixture's `loss` is per triplet (reduction
 * none) and its gradients are of the sum. `p` may arrive as a string ("inf"), since JSON has no
 * Infinity; an empty batch `[]` takes its width from whichever input has rows (0 if none does).
 */
import { tripletMarginLoss } from '../../../src/core/losses/triplet';
import type { DistanceKind } from '../../../src/core/distances';
import { toNested } from '../../../src/core/tensor';
import { booleanParam, fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';

export function runTripletCase(c: ReferenceCase): ReferenceOutput {
  const width = embeddingWidth(c.inputs.anchor, c.inputs.positive, c.inputs.negative);
  const anchor = fixtureTensor(c.fn, 'anchor', c.inputs.anchor, [width]);
  const positive = fixtureTensor(c.fn, 'positive', c.inputs.positive, [width]);
  const negative = fixtureTensor(c.fn, 'negative', c.inputs.negative, [width]);
  const distance = c.params.distance;
  const result = tripletMarginLoss(anchor, positive, negative, {
    margin: numberParam(c.params, 'margin', 1),
    p: normParam(c.params.p),
    eps: numberParam(c.params, 'eps', 1e-6),
    swap: booleanParam(c.params, 'swap', false),
    soft: booleanParam(c.params, 'soft', false),
    ...(typeof distance === 'string' ? { distance: distance as DistanceKind } : {}),
    reduction: 'none',
    grad: true,
  });
  const grad = result.grad;
  if (grad === undefined) throw new Error('runTripletCase: tripletMarginLoss returned no gradient');
  return {
    loss: toNested(result.loss),
    grad_anchor: toNested(grad.anchor),
    grad_positive: toNested(grad.positive),
    grad_negative: toNested(grad.negative),
  };
}

/** The norm order: a number, or "inf"/"Infinity" (JSON cannot hold Infinity); default 2. */
export function normParam(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[+]?inf(inity)?$/i.test(value.trim())) return Infinity;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return 2;
}

/** The row width d of (B, d) inputs: the length of the first row of any non-empty one. */
export function embeddingWidth(...inputs: unknown[]): number {
  for (const input of inputs) {
    if (Array.isArray(input) && input.length > 0 && Array.isArray(input[0])) return input[0].length;
  }
  return 0;
}
