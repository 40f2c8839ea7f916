/**
 * The Generalized Focal Loss head loss of one feature level (Li et al. 2020), as mmdetection's
 * `GFLHead.loss_by_feat_single` with positives already assigned: QFL on the class logits, GIoU on
 * the boxes decoded from the bin distributions, and DFL on the bins. It composes the standalone
 * losses (QFL, DFL, the Integral, the IoU kernel) rather than re-deriving them.
 */
import { bbox2distance, distance2bbox, distance2bboxBackward, overlapRows, type OverlapCounts } from '../../boxes';
import { integral } from '../../distributions';
import { InputError, describeValue } from '../../errors';
import { sigmoid } from '../../numerics';
import { requireFinite, requireIntegers, requireShape, type Tensor } from '../../tensor';
import { distributionFocalLoss as serialDistributionFocalLoss } from '../dfl';
import { qualityFocalLoss as serialQualityFocalLoss, type LabelConvention } from '../qfl';

const FN = 'gflHeadLoss';
/** mmdetection's GIoULoss module eps (its bare `giou_loss` uses 1e-7) and bbox_overlaps' default. */
const IOU_EPS = 1e-6;
/** mmdetection's DistancePointBBoxCoder.encode margin: DFL targets stay below the last bin. */
const TARGET_MARGIN = 0.1;

export interface GflInputs {
  /** (n, C) class logits. */
  readonly cls: Tensor;
  /** (n, 4·bins) bin logits of the distances l, t, r, b (bins = regMax + 1), side-major. */
  readonly reg: Tensor;
  /** (n, 2) anchor centres in pixels. */
  readonly points: Tensor;
  /** (n) integer labels under `labelConvention`; background rows are the negatives. */
  readonly labels: Tensor;
  /** (n, 4) ground-truth boxes in pixels (x1, y1, x2, y2); rows of negatives are ignored. */
  readonly gtBoxes: Tensor;
}

export interface GflLossWeights {
  readonly cls: number;
  readonly bbox: number;
  readonly dfl: number;
}

export interface GflOptions {
  /** mmdetection's reg_max: the bins are 0, 1, …, regMax (regMax + 1 of them). Default 16. */
  readonly regMax?: number;
  /** The level's stride in pixels: boxes are decoded and regressed in stride units. Required. */
  readonly stride: number;
  /** QFL's β, default 2. */
  readonly beta?: number;
  /** Where the background label sits, default 'background-last' (label C); see QFL. */
  readonly labelConvention?: LabelConvention;
  /** Multipliers of the three losses, default { cls: 1, bbox: 2, dfl: 0.25 } (mmdetection's config). */
  readonly lossWeight?: Partial<GflLossWeights>;
  /** Also compute the gradients with respect to cls and reg (default false). */
  readonly grad?: boolean;
}

export interface GflResult {
  /** QFL: loss_weight.cls · Σ QFL / max(1, numPositives). */
  readonly lossCls: number;
  /** loss_weight.bbox · Σ_pos w·(1 − GIoU) / max(1, Σ_pos w). */
  readonly lossBbox: number;
  /** loss_weight.dfl · Σ_pos w·Σ_sides DFL / 4 / max(1, Σ_pos w). */
  readonly lossDfl: number;
  /** lossCls + lossBbox + lossDfl. */
  readonly loss: number;
  /** (n) the QFL targets: IoU of the (detached) decoded box with the ground truth; 0 for negatives. */
  readonly score: Tensor;
  /** (n) the max class sigmoid (detached) weighting GIoU and DFL; 0 for negatives. */
  readonly weight: Tensor;
  /** Each anchor's share of lossCls, lossBbox and lossDfl, each (n); they sum to the three losses. */
  readonly perAnchor: { readonly cls: Tensor; readonly bbox: Tensor; readonly dfl: Tensor };
  readonly numPositives: number;
  /**
   * `dflTargetsClamped`: distances clamped into [0, regMax − 0.1]; `unionClamped` /
   * `enclosureClamped`: IoU guards that fired on positives; `dflClampedTargets`: DFL's own count.
   */
  readonly report: Readonly<Record<string, number>>;
  /** With `grad`: d(lossCls + lossBbox + lossDfl)/dcls (n, C) and /dreg (n, 4·bins). */
  readonly grad?: { readonly cls: Tensor; readonly reg: Tensor };
}

/**
 * The standalone losses the head loss composes. A host may pass drop-in replacements with the same
 * results, e.g. the multi-threaded ones of src/node/parallel; the defaults are the core's.
 */
export interface GflLosses {
  readonly qualityFocalLoss?: typeof serialQualityFocalLoss;
  readonly distributionFocalLoss?: typeof serialDistributionFocalLoss;
}

/**
 * GFL head loss of one level, mmdetection's `GFLHead.loss_by_feat_single` with avg_factor = the
 * number of positives and the level's weight sum as the bbox/DFL normalizer:
 *
 * - positives are the rows whose label is a class (not background); for those, the distances are
 *   the Integral E (softmax expectation of each side's bins, in stride units) and the decoded box is
 *   (c − E_l, c − E_t, c + E_r, c + E_b) around c = point / stride;
 * - score = IoU(decoded box, gtBox / stride), detached, is the QFL target of the labelled class;
 * - w = max_c σ(cls), detached, weights each positive's GIoU and DFL; W = max(1, Σ w);
 * - lossCls = lw.cls · Σ_rows QFL(cls, label, score; β) / max(1, numPositives);
 * - lossBbox = lw.bbox · Σ_pos w · (1 − GIoU(decoded, gt/stride), eps 1e-6) / W;
 * - lossDfl = lw.dfl · Σ_pos w · Σ_sides DFL(reg, bbox2distance(c, gt/stride, regMax, 0.1)) / 4 / W.
 * The normalizers are plain divisions (no float32 eps added; the reference fixture settles it).
 *
 * Gradients: cls gets QFL's only (score and w are detached); reg gets DFL's plus GIoU's chained
 * through the decoding and the Integral, dE = p·(i − E)·upstream. A batch without positives has
 * lossBbox = lossDfl = 0, a zero reg gradient, and QFL on the negatives; nothing is NaN.
 *
 * @param losses optional drop-in QFL/DFL implementations (default: the core's single-threaded ones).
 * @throws InputError for mismatched shapes, non-finite values (gtBoxes only on positive rows),
 *   labels outside [0, C], or bad options.
 */
export function gflHeadLoss(inputs: GflInputs, options: GflOptions, losses: GflLosses = {}): GflResult {
  const qualityFocalLoss = losses.qualityFocalLoss ?? serialQualityFocalLoss;
  const distributionFocalLoss = losses.distributionFocalLoss ?? serialDistributionFocalLoss;
  const { regMax, stride, convention, weights } = readOptions(options);
  const bins = regMax + 1;
  const { cls, reg, points, labels, gtBoxes } = inputs;
  const dims = requireShape(FN, 'inputs.cls', cls, ['n', 'C']);
  requireShape(FN, 'inputs.reg', reg, ['n', 4 * bins], dims);
  requireShape(FN, 'inputs.points', points, ['n', 2], dims);
  requireShape(FN, 'inputs.labels', labels, ['n'], dims);
  requireShape(FN, 'inputs.gtBoxes', gtBoxes, ['n', 4], dims);
  requireFiniteQuickly('inputs.cls', cls);
  requireFiniteQuickly('inputs.reg', reg);
  requireFiniteQuickly('inputs.points', points);
  const [n, C] = cls.shape;
  requireIntegers(FN, 'inputs.labels', labels, 0, C);
  const grad = options.grad === true;

  const positives = positiveRows(labels.data, C, convention);
  const m = positives.length;
  const rowLength = 4 * bins;
  const score = new Float64Array(n);
  const weight = new Float64Array(n);
  const perBbox = new Float64Array(n);
  const perDfl = new Float64Array(n);
  const gradReg = grad ? new Float64Array(n * rowLength) : null;
  const report: Record<string, number> = { dflTargetsClamped: 0, unionClamped: 0, enclosureClamped: 0, dflClampedTargets: 0 };
  let lossBbox = 0;
  let lossDfl = 0;

  if (m > 0) {
    // Gather the positives into compact (m, …) arrays; every later step works on those alone.
    const posReg = new Float64Array(m * rowLength);
    const centres = new Float64Array(m * 2);
    const gt = new Float64Array(m * 4);
    const w = new Float64Array(m);
    let weightSum = 0;
    for (let j = 0; j < m; j++) {
      const i = positives[j];
      posReg.set(reg.data.subarray(i * rowLength, (i + 1) * rowLength), j * rowLength);
      centres[2 * j] = points.data[2 * i] / stride;
      centres[2 * j + 1] = points.data[2 * i + 1] / stride;
      for (let k = 0; k < 4; k++) {
        const value = gtBoxes.data[4 * i + k];
        if (!Number.isFinite(value)) throw new InputError(FN, 'inputs.gtBoxes', 'finite numbers on positive rows', describeValue(value), [i, k]);
        gt[4 * j + k] = value / stride;
      }
      w[j] = maxSigmoid(cls.data, i * C, C);
      weight[i] = w[j];
      weightSum += w[j];
    }
    const normalizer = weightSum > 1 ? weightSum : 1;
    const centreTensor: Tensor = { shape: [m, 2], data: centres };
    const gtTensor: Tensor = { shape: [m, 4], data: gt };

    // DFL on the 4m side distributions; its weights fold lw.dfl · w / (4 W) in, so 'sum' is the loss.
    const targets = bbox2distance(centreTensor, gtTensor, regMax, TARGET_MARGIN);
    report.dflTargetsClamped = targets.report.clamped;
    const dflWeight = new Float64Array(4 * m);
    for (let j = 0; j < 4 * m; j++) dflWeight[j] = (weights.dfl * w[j >> 2]) / (4 * normalizer);
    const dfl = distributionFocalLoss(
      { shape: [4 * m, bins], data: posReg },
      { shape: [4 * m], data: targets.distance.data },
      { bins, reduction: 'sum', weight: { shape: [4 * m], data: dflWeight }, grad },
    );
    lossDfl = dfl.loss.data[0];
    report.dflClampedTargets = dfl.report.clampedTargets;

    // GIoU of the decoded boxes; the same pass yields the IoU that becomes the QFL score.
    const distances: Tensor = { shape: [m, 4], data: dfl.expectation.data };
    const decoded = distance2bbox(centreTensor, distances);
    const giou = new Float64Array(m);
    const iou = new Float64Array(m);
    const counts: OverlapCounts = { unionClamped: 0, enclosureClamped: 0 };
    const gradBoxes = grad ? new Float64Array(m * 4) : null;
    const upstream = { scale: -weights.bbox / normalizer, weights: w, stride: 1 };
    overlapRows('giou', decoded.data, gt, m, IOU_EPS, giou, iou, counts, upstream, gradBoxes);
    report.unionClamped = counts.unionClamped;
    report.enclosureClamped = counts.enclosureClamped;
    for (let j = 0; j < m; j++) {
      const i = positives[j];
      // Rounding could nudge overlap / union a hair past 1; QFL's targets must stay in [0, 1].
      score[i] = iou[j] < 1 ? iou[j] : 1;
      perBbox[i] = (weights.bbox * w[j] * (1 - giou[j])) / normalizer;
      lossBbox += perBbox[i];
      const d = dfl.perElement.data;
      perDfl[i] = dflWeight[4 * j] * d[4 * j] + dflWeight[4 * j + 1] * d[4 * j + 1] + dflWeight[4 * j + 2] * d[4 * j + 2] + dflWeight[4 * j + 3] * d[4 * j + 3];
    }

    if (gradReg !== null && gradBoxes !== null && dfl.grad !== undefined) {
      // Boxes → distances → bins: the Integral's backward adds into DFL's gradient buffer.
      const gradDistance = distance2bboxBackward(centreTensor, distances, { shape: [m, 4], data: gradBoxes }).distance;
      const combined = dfl.grad.pred.data;
      integral({ shape: [4 * m, bins], data: posReg }, { grad: true, upstream: gradDistance.data, accumulate: combined });
      for (let j = 0; j < m; j++) gradReg.set(combined.subarray(j * rowLength, (j + 1) * rowLength), positives[j] * rowLength);
    }
  }

  // QFL over every row; lw.cls / max(1, m) folded into a per-row weight, so 'sum' is the loss.
  const clsScale = weights.cls / (m > 1 ? m : 1);
  const qfl = qualityFocalLoss(
    cls,
    { label: labels, score: { shape: [n], data: score } },
    {
      beta: options.beta ?? 2,
      labelConvention: convention,
      reduction: 'sum',
      weight: { shape: [n], data: new Float64Array(n).fill(clsScale) },
      grad,
    },
  );
  const perCls = new Float64Array(n);
  for (let i = 0; i < n; i++) perCls[i] = clsScale * qfl.perElement.data[i];
  const lossCls = qfl.loss.data[0];

  return {
    lossCls,
    lossBbox,
    lossDfl,
    loss: lossCls + lossBbox + lossDfl,
    score: { shape: [n], data: score },
    weight: { shape: [n], data: weight },
    perAnchor: { cls: { shape: [n], data: perCls }, bbox: { shape: [n], data: perBbox }, dfl: { shape: [n], data: perDfl } },
    numPositives: m,
    report,
    ...(grad && qfl.grad !== undefined && gradReg !== null
      ? { grad: { cls: qfl.grad.pred, reg: { shape: [n, rowLength], data: gradReg } } }
      : {}),
  };
}

function readOptions(options: GflOptions): {
  regMax: number;
  stride: number;
  convention: LabelConvention;
  weights: GflLossWeights;
} {
  if (typeof options !== 'object' || options === null) throw new InputError(FN, 'options', 'an object with at least a stride', describeValue(options));
  const regMax = options.regMax ?? 16;
  if (!Number.isInteger(regMax) || regMax < 1) throw new InputError(FN, 'options.regMax', 'an integer ≥ 1', describeValue(regMax));
  const { stride } = options;
  if (typeof stride !== 'number' || !Number.isFinite(stride) || stride <= 0) {
    throw new InputError(FN, 'options.stride', 'a finite number > 0', describeValue(stride));
  }
  const convention = options.labelConvention ?? 'background-last';
  if (convention !== 'background-last' && convention !== 'background-first') {
    throw new InputError(FN, 'options.labelConvention', "'background-last' or 'background-first'", describeValue(convention));
  }
  const given = options.lossWeight ?? {};
  const weights: GflLossWeights = { cls: given.cls ?? 1, bbox: given.bbox ?? 2, dfl: given.dfl ?? 0.25 };
  for (const key of ['cls', 'bbox', 'dfl'] as const) {
    const value = weights[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InputError(FN, `options.lossWeight.${key}`, 'a finite number ≥ 0', describeValue(value));
    }
  }
  return { regMax, stride, convention, weights };
}

/** Indices of the rows whose label names a class under the convention. */
function positiveRows(labels: Float64Array, C: number, convention: LabelConvention): Int32Array {
  const low = convention === 'background-first' ? 1 : 0;
  const high = convention === 'background-first' ? C : C - 1;
  let count = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] >= low && labels[i] <= high) count++;
  const rows = new Int32Array(count);
  for (let i = 0, j = 0; i < labels.length; i++) if (labels[i] >= low && labels[i] <= high) rows[j++] = i;
  return rows;
}

/** max_c σ(cls[offset + c]) = σ(max_c cls): σ is increasing, so one sigmoid per row. */
function maxSigmoid(cls: Float64Array, offset: number, C: number): number {
  let max = -Infinity;
  for (let c = offset; c < offset + C; c++) if (cls[c] > max) max = cls[c];
  return C === 0 ? 0 : sigmoid(max);
}

/**
 * requireFinite for the large head tensors: Σ (x − x) is 0 exactly when every x is finite, which a
 * tight loop checks several times faster than Number.isFinite; the scan that names the bad index
 * only runs when there is one.
 */
function requireFiniteQuickly(argument: string, tensor: Tensor): void {
  const { data } = tensor;
  let check = 0;
  for (let i = 0; i < data.length; i++) check += data[i] - data[i];
  if (check !== 0) requireFinite(FN, argument, tensor);
}
