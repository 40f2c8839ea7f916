/**
 * Fixture fn `yolov8_loss` (test/fixtures/detector-heads.json): ultralytics' `v8DetectionLoss` from
 * raw per-level maps. Only names and nesting change here: the fixture's `batch` (normalised xywh,
 * what the peer consumed) is preferred, its per-image `gt_bboxes` / `gt_labels` taken otherwise.
 */
import { yolov8Loss, type Yolov8Inputs } from '../../../src/core/heads/yolov8';
import { toNested } from '../../../src/core/tensor';
import { fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../case';

export function runYolov8Case(c: ReferenceCase): ReferenceOutput {
  const { inputs, params } = c;
  const fn = 'yolov8_loss';
  const feats = (inputs.feats as unknown[]).map((map, l) => fixtureTensor(fn, `feats[${l}]`, map));
  const batch = inputs.batch as Record<string, unknown> | undefined;
  const targets: Omit<Yolov8Inputs, 'feats'> =
    batch !== undefined
      ? {
          batch: {
            batchIdx: fixtureTensor(fn, 'batch.batch_idx', batch.batch_idx),
            cls: fixtureTensor(fn, 'batch.cls', batch.cls),
            bboxes: fixtureTensor(fn, 'batch.bboxes', batch.bboxes, [4]),
          },
        }
      : {
          gtBoxes: (inputs.gt_bboxes as unknown[]).map((boxes, i) => fixtureTensor(fn, `gt_bboxes[${i}]`, boxes, [4])),
          gtLabels: (inputs.gt_labels as unknown[]).map((labels, i) => fixtureTensor(fn, `gt_labels[${i}]`, labels)),
        };
  const hyp = (params.hyp ?? {}) as Record<string, unknown>;
  const tal = (params.tal ?? {}) as Record<string, unknown>;
  const result = yolov8Loss(
    { feats, ...targets },
    {
      numClasses: typeof params.num_classes === 'number' ? params.num_classes : undefined,
      strides: (params.strides as number[] | undefined) ?? [8, 16, 32],
      regMax: numberParam(params, 'reg_max', 16),
      gains: { box: numberParam(hyp, 'box', 7.5), cls: numberParam(hyp, 'cls', 0.5), dfl: numberParam(hyp, 'dfl', 1.5) },
      tal: { topk: numberParam(tal, 'topk', 10), alpha: numberParam(tal, 'alpha', 0.5), beta: numberParam(tal, 'beta', 6), eps: numberParam(tal, 'eps', 1e-9) },
      gridCellOffset: numberParam(params, 'grid_cell_offset', 0.5),
      ciouEps: numberParam(params, 'ciou_eps', 1e-7),
      grad: true,
    },
  );
  return {
    box_loss: result.boxLoss,
    cls_loss: result.clsLoss,
    dfl_loss: result.dflLoss,
    total: result.total,
    num_pos: result.numPos,
    grad_feats: result.grad!.feats.map(toNested),
  };
}
