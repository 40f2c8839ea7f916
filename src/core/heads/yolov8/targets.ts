/**
 * The ground truth of a YOLOv8 batch, in the two forms a user has: what the ultralytics dataloader
 * collates (`batch_idx`, `cls`, normalised `cx, cy, w, h`), or per image absolute boxes
 * (x1, y1, x2, y2) and labels, which is what the loss's `preprocess` turns the first into.
 */
import { InputError, describeValue } from '../../errors';
import { requireFinite, requireShape, type Tensor } from '../../tensor';

/** One image's ground-truth rows as the assigner reads them. */
export interface ImageTargets {
  /** (G, 4) boxes in pixels, (x1, y1, x2, y2). */
  readonly boxes: Float64Array;
  /** (G) class labels in 0 … C−1. */
  readonly labels: Int32Array;
  /**
   * (G) 1 for a real row: the peer's `mask_gt`, x1 + y1 + x2 + y2 > 0. It pads images to the
   * largest GT count with zero rows and tells them apart by this sum, so a row of zeros here is
   * padding, as it is there.
   */
  readonly real: Uint8Array;
  readonly count: number;
}

/** What the ultralytics dataloader collates for n boxes over the batch. */
export interface YoloBatchTargets {
  /** (n) or (n, 1): the image of each box, integers in 0 … N−1. */
  readonly batchIdx: Tensor;
  /** (n) or (n, 1): class labels, integers in 0 … C−1. */
  readonly cls: Tensor;
  /** (n, 4) normalised (cx, cy, w, h). */
  readonly bboxes: Tensor;
}

/** Per image (n_i, 4) pixel boxes (x1, y1, x2, y2) and (n_i) labels. */
export interface PerImageTargets {
  readonly gtBoxes: readonly Tensor[];
  readonly gtLabels: readonly Tensor[];
}

function requireVector(fn: string, argument: string, t: Tensor, n: number): void {
  const ok = (t.shape.length === 1 && t.shape[0] === n) || (t.shape.length === 2 && t.shape[0] === n && t.shape[1] === 1);
  if (!ok) throw new InputError(fn, argument, `of shape (n=${n}) or (n, 1)`, `of shape (${t.shape.join(', ')})`);
}

function requireIntegerRange(fn: string, argument: string, data: Float64Array, high: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < 0 || v > high) throw new InputError(fn, argument, `integers in [0, ${high}]`, describeValue(v), [i]);
  }
}

/**
 * ultralytics' `v8DetectionLoss.preprocess`: groups the rows by image (keeping their order), scales
 * (cx, cy, w, h) by the image size and converts to corners, `x1 = cx·W − (w·W)/2` and so on: scale
 * first, then halve, in the peer's order of operations.
 *
 * @param imageSize [H, W] in pixels. The peer uses stride₀ · (H₀, W₀) of the first level's map
 *   (`yolov8ImageSize`), not the image's own size.
 */
export function targetsFromBatch(batch: YoloBatchTargets, batchSize: number, imageSize: readonly [number, number], classes: number, fn = 'targetsFromBatch'): PerImageTargets {
  if (batch === null || typeof batch !== 'object') throw new InputError(fn, 'batch', '{ batchIdx, cls, bboxes }', describeValue(batch));
  requireShape(fn, 'batch.bboxes', batch.bboxes, ['n', 4]);
  const n = batch.bboxes.shape[0];
  requireVector(fn, 'batch.batchIdx', batch.batchIdx, n);
  requireVector(fn, 'batch.cls', batch.cls, n);
  requireIntegerRange(fn, 'batch.batchIdx', batch.batchIdx.data, batchSize - 1);
  requireIntegerRange(fn, 'batch.cls', batch.cls.data, classes - 1);
  requireFinite(fn, 'batch.bboxes', batch.bboxes);
  const box = batch.bboxes.data;
  for (let r = 0; r < n; r++) {
    for (const k of [2, 3]) if (box[4 * r + k] < 0) throw new InputError(fn, 'batch.bboxes', 'boxes of width and height ≥ 0', describeValue(box[4 * r + k]), [r, k]);
  }
  const [height, width] = imageSize;
  const counts = new Int32Array(batchSize);
  for (let r = 0; r < n; r++) counts[batch.batchIdx.data[r]]++;
  const gtBoxes = Array.from(counts, (count) => ({ shape: [count, 4], data: new Float64Array(4 * count) }));
  const gtLabels = Array.from(counts, (count) => ({ shape: [count], data: new Float64Array(count) }));
  const filled = new Int32Array(batchSize);
  for (let r = 0; r < n; r++) {
    const image = batch.batchIdx.data[r];
    const row = filled[image]++;
    const o = 4 * r;
    const cx = box[o] * width;
    const cy = box[o + 1] * height;
    const halfW = (box[o + 2] * width) / 2;
    const halfH = (box[o + 3] * height) / 2;
    gtBoxes[image].data.set([cx - halfW, cy - halfH, cx + halfW, cy + halfH], 4 * row);
    gtLabels[image].data[row] = batch.cls.data[r];
  }
  return { gtBoxes, gtLabels };
}

/**
 * Checks per-image ground truth (one (n_i, 4) box tensor and one (n_i) label tensor per image;
 * n_i may be 0) and returns it as the assigner reads it. Boxes must be finite with x2 ≥ x1 and
 * y2 ≥ y1; labels integers in 0 … C−1.
 */
export function readTargets(fn: string, targets: PerImageTargets, batchSize: number, classes: number): ImageTargets[] {
  const { gtBoxes, gtLabels } = targets;
  if (!Array.isArray(gtBoxes) || gtBoxes.length !== batchSize) throw new InputError(fn, 'gtBoxes', `a list of N = ${batchSize} (n_i, 4) tensors`, describeValue(gtBoxes));
  if (!Array.isArray(gtLabels) || gtLabels.length !== batchSize) throw new InputError(fn, 'gtLabels', `a list of N = ${batchSize} (n_i) tensors`, describeValue(gtLabels));
  return gtBoxes.map((boxes, image) => {
    const boxArg = `gtBoxes[${image}]`;
    const labelArg = `gtLabels[${image}]`;
    const rows = boxes.shape.length === 1 && boxes.shape[0] === 0 ? 0 : requireShape(fn, boxArg, boxes, ['n', 4]).get('n')!;
    const labels = gtLabels[image];
    const labelRows = labels.shape.length === 2 && labels.shape[1] === 1 ? labels.shape[0] : labels.shape.length === 1 ? labels.shape[0] : -1;
    if (labelRows !== rows) throw new InputError(fn, labelArg, `of shape (n=${rows}), one label per box of ${boxArg}`, `of shape (${labels.shape.join(', ')})`);
    requireFinite(fn, boxArg, boxes);
    requireIntegerRange(fn, labelArg, labels.data, classes - 1);
    const real = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      const [x1, y1, x2, y2] = boxes.data.subarray(4 * r, 4 * r + 4);
      if (x2 < x1) throw new InputError(fn, boxArg, 'boxes (x1, y1, x2, y2) with x2 ≥ x1', `x1 = ${x1}, x2 = ${x2}`, [r]);
      if (y2 < y1) throw new InputError(fn, boxArg, 'boxes (x1, y1, x2, y2) with y2 ≥ y1', `y1 = ${y1}, y2 = ${y2}`, [r]);
      real[r] = x1 + y1 + x2 + y2 > 0 ? 1 : 0;
    }
    return { boxes: boxes.data.slice(0, 4 * rows), labels: Int32Array.from(labels.data), real, count: rows };
  });
}
