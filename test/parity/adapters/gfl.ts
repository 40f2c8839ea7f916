/**
 * Fixture fn `gfl`: one level of mmdetection's GFLHead loss. The fixture names the background
 * label: C (the class count) means background-last, 0 background-first. JSON `[]` for an empty
 * batch loses the trailing extents, which are rebuilt from the parameters.
 */
import { CORE_LOSSES, type LossImplementations } from '../../../src/core/language/hosts';
import { toNested } from '../../../src/core/tensor';
import { fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';

export function runGflCase(c: ReferenceCase, kernels: LossImplementations = CORE_LOSSES): ReferenceOutput {
  const { inputs, params } = c;
  const regMax = numberParam(params, 'reg_max', 16);
  const background = numberParam(params, 'background', NaN);
  const clsRaw = inputs.cls;
  // The class count: the width of cls, or (empty batch) the background label itself when last.
  const width = Array.isArray(clsRaw) && Array.isArray(clsRaw[0]) ? (clsRaw[0] as unknown[]).length : Math.max(background, 1);
  const labelConvention = background === 0 ? 'background-first' : 'background-last';
  if (labelConvention === 'background-last' && background !== width) {
    throw new Error(`runGflCase: background ${background} is neither 0 nor the class count ${width}`);
  }
  const lossWeight = (params.loss_weight ?? {}) as Record<string, unknown>;
  const result = kernels.gflHeadLoss(
    {
      cls: fixtureTensor('gfl', 'cls', clsRaw, [width]),
      reg: fixtureTensor('gfl', 'reg', inputs.reg, [4 * (regMax + 1)]),
      points: fixtureTensor('gfl', 'points', inputs.points, [2]),
      labels: fixtureTensor('gfl', 'labels', inputs.labels),
      gtBoxes: fixtureTensor('gfl', 'gt_boxes', inputs.gt_boxes, [4]),
    },
    {
      regMax,
      stride: numberParam(params, 'stride', NaN),
      beta: numberParam(params, 'beta', 2),
      labelConvention,
      lossWeight: {
        cls: numberParam(lossWeight, 'cls', 1),
        bbox: numberParam(lossWeight, 'bbox', 2),
        dfl: numberParam(lossWeight, 'dfl', 0.25),
      },
      grad: true,
    },
  );
  return {
    loss_cls: result.lossCls,
    loss_bbox: result.lossBbox,
    loss_dfl: result.lossDfl,
    score: toNested(result.score),
    grad_cls: toNested(result.grad!.cls),
    grad_reg: toNested(result.grad!.reg),
  };
}
