import { CORE_LOSSES, type LossImplementations } from '../../../src/core/language/hosts';
import type { LabelConvention } from '../../../src/core/losses/qfl';
import { toNested } from '../../../src/core/tensor';
import { booleanParam, fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';
import { pairedTensors } from './focal';

/**
 * Fixture `qfl`: `pred` (n, C) logits, `label` (n) ints, `score` (n) in [0, 1]; `params.beta` and
 * `params.background`, the background label: C for mmdetection ≥ 2 (background-last), 0 for the
 * original GFocal code (background-first). An optional `params.activated` says pred holds
 * probabilities. Expected: `loss` (n) summed over classes and `grad_pred` of its sum.
 */
export function runQflCase(c: ReferenceCase, kernels: LossImplementations = CORE_LOSSES): ReferenceOutput {
  const { inputs, params } = c;
  const background = params.background;
  const probe = fixtureTensor('qfl', 'pred', inputs.pred, [0]);
  const convention: LabelConvention =
    background === 0 && probe.shape[1] !== 0 ? 'background-first' : 'background-last';
  // An empty batch has no row to tell C; with background-last it is the background label itself.
  const classes = typeof background === 'number' && convention === 'background-last' ? background : 0;
  const pred = fixtureTensor('qfl', 'pred', inputs.pred, [classes]);
  if (typeof background === 'number' && convention === 'background-last' && background !== pred.shape[1]) {
    throw new Error(`runQflCase: background ${background} is neither 0 nor C = ${pred.shape[1]}`);
  }
  const result = kernels.qualityFocalLoss(
    pred,
    { label: fixtureTensor('qfl', 'label', inputs.label), score: fixtureTensor('qfl', 'score', inputs.score) },
    {
      beta: numberParam(params, 'beta', 2),
      labelConvention: convention,
      activated: booleanParam(params, 'activated', false),
      reduction: 'none',
      grad: true,
    },
  );
  return { loss: toNested(result.loss), grad_pred: toNested(result.grad!.pred) };
}

/**
 * Fixture `qfl_dense`: `pred` and `target` (n, C), logits and soft targets; `params.beta`, and an
 * optional `params.activated`. Expected: `loss` (n, C) per element and `grad_pred` of its sum.
 */
export function runQflDenseCase(c: ReferenceCase, kernels: LossImplementations = CORE_LOSSES): ReferenceOutput {
  const { inputs, params } = c;
  const [pred, dense] = pairedTensors('qfl_dense', 'pred', inputs.pred, 'target', inputs.target);
  const result = kernels.qualityFocalLoss(pred, { dense }, {
    beta: numberParam(params, 'beta', 2),
    activated: booleanParam(params, 'activated', false),
    reduction: 'none',
    grad: true,
  });
  return { loss: toNested(result.loss), grad_pred: toNested(result.grad!.pred) };
}
