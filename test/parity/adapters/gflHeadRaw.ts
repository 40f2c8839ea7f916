/**
 * Fixture fn `gfl_head_raw` (test/fixtures/detector-heads.json): mmdetection's GFLHead.loss_by_feat
 * from raw per-level maps. Only names and nesting change: lists of maps and of per-image GT become
 * lists of tensors, and an image's empty GT (`[]`) gets its trailing extent back.
 */
import { gflHeadRawLoss } from '../../../src/core';
import { toNested, type Tensor } from '../../../src/core/tensor';
import { fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';

const FN = 'gfl_head_raw';

export function runGflHeadRawCase(c: ReferenceCase): ReferenceOutput {
  const { inputs, params } = c;
  const list = (name: string, trailing: readonly number[] = []): Tensor[] =>
    (inputs[name] as unknown[]).map((value, i) => fixtureTensor(FN, `${name}[${i}]`, value, trailing));
  const lossWeight = (params.loss_weight ?? {}) as Record<string, unknown>;
  const result = gflHeadRawLoss(
    {
      clsScores: list('cls_scores'),
      bboxPreds: list('bbox_preds'),
      gtBboxes: list('gt_bboxes', [4]),
      gtLabels: list('gt_labels'),
      imgShape: inputs.img_shape as [number, number],
    },
    {
      numClasses: typeof params.num_classes === 'number' ? params.num_classes : undefined,
      strides: params.strides as number[],
      regMax: numberParam(params, 'reg_max', 16),
      octaveBaseScale: numberParam(params, 'octave_base_scale', 8),
      scalesPerOctave: numberParam(params, 'scales_per_octave', 1),
      ratios: params.ratios as number[],
      centerOffset: numberParam(params, 'center_offset', 0),
      topk: numberParam(params, 'topk', 9),
      allowedBorder: numberParam(params, 'allowed_border', -1),
      posWeight: numberParam(params, 'pos_weight', -1),
      beta: numberParam(params, 'beta', 2),
      lossWeight: { cls: numberParam(lossWeight, 'cls', 1), bbox: numberParam(lossWeight, 'bbox', 2), dfl: numberParam(lossWeight, 'dfl', 0.25) },
      giouEps: numberParam(params, 'giou_eps', 1e-6),
      grad: true,
    },
  );
  return {
    loss_cls: result.lossCls,
    loss_bbox: result.lossBbox,
    loss_dfl: result.lossDfl,
    loss: result.loss,
    num_pos: result.numPos,
    grad_cls_scores: result.grad!.clsScores.map(toNested),
    grad_bbox_preds: result.grad!.bboxPreds.map(toNested),
  };
}
