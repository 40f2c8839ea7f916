/**
 * Axis-aligned boxes as detectors use them: boxes are (x1, y1, x2, y2), points are (x, y) and
 * distances from a point to a box's sides are (l, t, r, b). Converts between point+distance and
 * box form (mmdetection's `distance2bbox` / `bbox2distance`) and measures aligned pairs of boxes
 * with the IoU family, with exact backward passes that follow PyTorch's autograd conventions
 * (ties of max/min split the gradient in half; clamp(min=0) passes it at 0), so that gradients
 * match mmdetection's to the last digit, even for identical boxes.
 */
import { InputError, describeValue } from './errors';
import { requireFinite, requireShape, type Tensor } from './tensor';

export type OverlapMode = 'iou' | 'giou' | 'diou' | 'ciou';

const MODES: readonly OverlapMode[] = ['iou', 'giou', 'diou', 'ciou'];
const ASPECT_FACTOR = 4 / (Math.PI * Math.PI);

/** ∂max(a, b)/∂a under PyTorch's convention: 1, ½ on a tie, 0. */
function maxShare(a: number, b: number): number {
  return a > b ? 1 : a === b ? 0.5 : 0;
}

/** ∂min(a, b)/∂a under PyTorch's convention: 1, ½ on a tie, 0. */
function minShare(a: number, b: number): number {
  return a < b ? 1 : a === b ? 0.5 : 0;
}

/**
 * Throws the InputError naming the first non-finite coordinate of pred or target, after the
 * overlap kernel has reported that there may be one.
 */
export function requireFiniteBoxes(fn: string, pred: Tensor, target: Tensor): void {
  requireFinite(fn, 'pred', pred);
  requireFinite(fn, 'target', target);
}

/**
 * Boxes from points and distances to the four sides, mmdetection's `distance2bbox`:
 * (x − l, y − t, x + r, y + b).
 *
 * @param points (n, 2) points (x, y).
 * @param distance (n, 4) distances (l, t, r, b); negative distances are allowed (inside-out boxes).
 * @param maxShape optional image size [height, width]: x is clamped into [0, width] and y into
 *   [0, height], as mmdetection does at inference.
 * @returns (n, 4) boxes (x1, y1, x2, y2).
 */
export function distance2bbox(points: Tensor, distance: Tensor, maxShape?: readonly [number, number]): Tensor {
  const fn = 'distance2bbox';
  const dims = requireShape(fn, 'points', points, ['n', 2]);
  requireShape(fn, 'distance', distance, ['n', 4], dims);
  requireFinite(fn, 'points', points);
  requireFinite(fn, 'distance', distance);
  const limits = imageLimits(fn, maxShape);
  const n = points.shape[0];
  const p = points.data;
  const d = distance.data;
  const out = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const x = p[2 * i];
    const y = p[2 * i + 1];
    const o = 4 * i;
    out[o] = x - d[o];
    out[o + 1] = y - d[o + 1];
    out[o + 2] = x + d[o + 2];
    out[o + 3] = y + d[o + 3];
    if (limits !== null) for (let k = 0; k < 4; k++) out[o + k] = clampInto(out[o + k], limits[k & 1]);
  }
  return { shape: [n, 4], data: out };
}

/** [width, height] from mmdetection's [height, width] max_shape, or null. */
function imageLimits(fn: string, maxShape: readonly [number, number] | undefined): [number, number] | null {
  if (maxShape === undefined) return null;
  if (!Array.isArray(maxShape) || maxShape.length !== 2) {
    throw new InputError(fn, 'maxShape', '[height, width]', describeValue(maxShape));
  }
  maxShape.forEach((extent, axis) => {
    if (typeof extent !== 'number' || !Number.isFinite(extent) || extent < 0) {
      throw new InputError(fn, 'maxShape', 'finite numbers ≥ 0', describeValue(extent), [axis]);
    }
  });
  return [maxShape[1], maxShape[0]];
}

function clampInto(value: number, limit: number): number {
  return value < 0 ? 0 : value > limit ? limit : value;
}

/**
 * The backward pass of `distance2bbox`: given dL/dboxes (n, 4), returns dL/dpoints (n, 2) and
 * dL/ddistance (n, 4). With `maxShape`, a coordinate clamped to the image passes no gradient; one
 * exactly on the border passes it (PyTorch's clamp convention).
 */
export function distance2bboxBackward(
  points: Tensor,
  distance: Tensor,
  gradBoxes: Tensor,
  maxShape?: readonly [number, number],
): { points: Tensor; distance: Tensor } {
  const fn = 'distance2bboxBackward';
  const dims = requireShape(fn, 'points', points, ['n', 2]);
  requireShape(fn, 'distance', distance, ['n', 4], dims);
  requireShape(fn, 'gradBoxes', gradBoxes, ['n', 4], dims);
  requireFinite(fn, 'gradBoxes', gradBoxes);
  const limits = imageLimits(fn, maxShape);
  const n = points.shape[0];
  const p = points.data;
  const d = distance.data;
  const g = gradBoxes.data;
  const gradPoints = new Float64Array(n * 2);
  const gradDistance = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    let g0 = g[o];
    let g1 = g[o + 1];
    let g2 = g[o + 2];
    let g3 = g[o + 3];
    if (limits !== null) {
      const x = p[2 * i];
      const y = p[2 * i + 1];
      if (!inside(x - d[o], limits[0])) g0 = 0;
      if (!inside(y - d[o + 1], limits[1])) g1 = 0;
      if (!inside(x + d[o + 2], limits[0])) g2 = 0;
      if (!inside(y + d[o + 3], limits[1])) g3 = 0;
    }
    gradPoints[2 * i] = g0 + g2;
    gradPoints[2 * i + 1] = g1 + g3;
    gradDistance[o] = -g0;
    gradDistance[o + 1] = -g1;
    gradDistance[o + 2] = g2;
    gradDistance[o + 3] = g3;
  }
  return { points: { shape: [n, 2], data: gradPoints }, distance: { shape: [n, 4], data: gradDistance } };
}

function inside(value: number, limit: number): boolean {
  return value >= 0 && value <= limit;
}

/**
 * Distances from points to the sides of boxes, mmdetection's `bbox2distance`:
 * (x − x1, y − y1, x2 − x, y2 − y).
 *
 * @param points (n, 2) points (x, y).
 * @param bbox (n, 4) boxes (x1, y1, x2, y2).
 * @param maxDis optional: clamp every distance into [0, maxDis − eps], as GFL does to keep DFL
 *   targets strictly below the last bin.
 * @param eps margin below maxDis (default 0.1, mmdetection's).
 * @returns the (n, 4) distances (l, t, r, b), and in `report.clamped` how many were clamped.
 */
export function bbox2distance(
  points: Tensor,
  bbox: Tensor,
  maxDis?: number,
  eps = 0.1,
): { distance: Tensor; report: { clamped: number } } {
  const fn = 'bbox2distance';
  const dims = requireShape(fn, 'points', points, ['n', 2]);
  requireShape(fn, 'bbox', bbox, ['n', 4], dims);
  requireFinite(fn, 'points', points);
  requireFinite(fn, 'bbox', bbox);
  if (!Number.isFinite(eps)) throw new InputError(fn, 'eps', 'a finite number', describeValue(eps));
  const limit = maxDis === undefined ? Infinity : maxDis - eps;
  if (maxDis !== undefined && !(Number.isFinite(maxDis) && limit >= 0)) {
    throw new InputError(fn, 'maxDis', `a finite number ≥ eps = ${eps}`, describeValue(maxDis));
  }
  const n = points.shape[0];
  const p = points.data;
  const b = bbox.data;
  const out = new Float64Array(n * 4);
  let clamped = 0;
  for (let i = 0; i < n; i++) {
    const x = p[2 * i];
    const y = p[2 * i + 1];
    const o = 4 * i;
    out[o] = x - b[o];
    out[o + 1] = y - b[o + 1];
    out[o + 2] = b[o + 2] - x;
    out[o + 3] = b[o + 3] - y;
    if (maxDis !== undefined) {
      for (let k = o; k < o + 4; k++) {
        const v = out[k];
        if (v < 0 || v > limit) {
          out[k] = v < 0 ? 0 : limit;
          clamped++;
        }
      }
    }
  }
  return { distance: { shape: [n, 4], data: out }, report: { clamped } };
}

/** How often the eps guards of the overlap kernel fired. */
export interface OverlapCounts {
  /** Rows whose union (area1 + area2 − overlap) was below eps and was raised to eps. */
  unionClamped: number;
  /** Rows whose enclosing area (giou) or squared enclosing diagonal (diou, ciou) was below eps. */
  enclosureClamped: number;
}

/**
 * Where the overlap kernel takes its upstream gradient from: row i receives
 * dL/dvalue_i = scale · (weights ? weights[⌊i / stride⌋] : 1). Losses fold their reduction in here.
 */
export interface OverlapUpstream {
  readonly scale: number;
  readonly weights: ArrayLike<number> | null;
  readonly stride: number;
}

/**
 * The fused kernel behind `boxOverlaps`, `giouLoss` and the GFL head: one pass over n aligned
 * pairs that writes the overlap in `value` (n), the plain IoU in `iou` (n, optional) and, when
 * `gradOut` (n·4) is given, writes dL/dpred into it. Shapes are assumed validated; finiteness is
 * checked on the fly (see the return value).
 *
 * Definitions, as mmdetection's `bbox_overlaps(is_aligned=True)` with union and enclosure raised
 * to at least eps:
 * - iou = overlap / max(union, eps)
 * - giou = iou − (E − U) / E, with U = max(union, eps) and E = max(enclosing area, eps)
 * - diou = iou − ρ² / max(c², eps), ρ the distance between centres, c the enclosing diagonal
 * - ciou = diou − α·v, v = 4/π² (atan(w_t/h_t) − atan(w_p/h_p))², α = v / (1 − iou + v) treated
 *   as a constant in the backward pass (Zheng et al. 2020), and 0 when 1 − iou + v = 0.
 *
 * Returns false if some coordinate may be non-finite, so that callers can skip a separate
 * validation pass over the inputs and run `requireFinite` (for its error message) only then.
 */
export function overlapRows(
  mode: OverlapMode,
  pred: Float64Array,
  target: Float64Array,
  n: number,
  eps: number,
  value: Float64Array,
  iou: Float64Array | null,
  counts: OverlapCounts,
  upstream: OverlapUpstream | null = null,
  gradOut: Float64Array | null = null,
): boolean {
  // Rows go through in chunks so that V8 sees the row loop called often and optimizes it as a
  // whole function within the first call, instead of running on-stack-replaced code for many calls.
  let finiteCheck = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const end = start + CHUNK < n ? start + CHUNK : n;
    finiteCheck += overlapChunk(mode, pred, target, start, end, eps, value, iou, counts, upstream, gradOut);
  }
  return finiteCheck === 0;
}

const CHUNK = 1024;

/** Rows [start, end) of `overlapRows`; returns Σ (s − s) over the row sums s (0 iff all finite). */
function overlapChunk(
  mode: OverlapMode,
  pred: Float64Array,
  target: Float64Array,
  start: number,
  end: number,
  eps: number,
  value: Float64Array,
  iou: Float64Array | null,
  counts: OverlapCounts,
  upstream: OverlapUpstream | null,
  gradOut: Float64Array | null,
): number {
  const generalized = mode === 'giou';
  const distance = mode === 'diou' || mode === 'ciou';
  const complete = mode === 'ciou';
  const weights = upstream === null ? null : upstream.weights;
  const scale = upstream === null ? 0 : upstream.scale;
  const stride = upstream === null ? 1 : upstream.stride;
  // Σ (s − s) over row sums s is 0 exactly when every s is finite; a NaN/∞ coordinate (or an
  // overflowing sum, a harmless false alarm) makes it NaN.
  let finiteCheck = 0;
  for (let i = start; i < end; i++) {
    const o = 4 * i;
    const p0 = pred[o];
    const p1 = pred[o + 1];
    const p2 = pred[o + 2];
    const p3 = pred[o + 3];
    const t0 = target[o];
    const t1 = target[o + 1];
    const t2 = target[o + 2];
    const t3 = target[o + 3];
    const rowSum = p0 + p1 + p2 + p3 + t0 + t1 + t2 + t3;
    finiteCheck += rowSum - rowSum;
    // Intersection: clamp(min=0) of rb − lt.
    const wxRaw = (p2 < t2 ? p2 : t2) - (p0 > t0 ? p0 : t0);
    const wyRaw = (p3 < t3 ? p3 : t3) - (p1 > t1 ? p1 : t1);
    const wx = wxRaw > 0 ? wxRaw : 0;
    const wy = wyRaw > 0 ? wyRaw : 0;
    const overlap = wx * wy;
    const pw = p2 - p0;
    const ph = p3 - p1;
    const unionRaw = pw * ph + (t2 - t0) * (t3 - t1) - overlap;
    let union = unionRaw;
    if (unionRaw < eps) {
      union = eps;
      counts.unionClamped++;
    }
    const rowIou = overlap / union;
    if (iou !== null) iou[i] = rowIou;
    // Enclosing box, used by giou (area) and diou/ciou (diagonal).
    const ewRaw = (p2 > t2 ? p2 : t2) - (p0 < t0 ? p0 : t0);
    const ehRaw = (p3 > t3 ? p3 : t3) - (p1 < t1 ? p1 : t1);
    const ew = ewRaw > 0 ? ewRaw : 0;
    const eh = ehRaw > 0 ? ehRaw : 0;
    let rowValue = rowIou;
    let enclosureRaw = 0;
    let enclosure = 1;
    let dx = 0;
    let dy = 0;
    let rho2 = 0;
    let alpha = 0;
    let aspectGap = 0;
    if (generalized) {
      enclosureRaw = ew * eh;
      enclosure = enclosureRaw;
      if (enclosureRaw < eps) {
        enclosure = eps;
        counts.enclosureClamped++;
      }
      rowValue = rowIou - (enclosure - union) / enclosure;
    } else if (distance) {
      enclosureRaw = ew * ew + eh * eh;
      enclosure = enclosureRaw;
      if (enclosureRaw < eps) {
        enclosure = eps;
        counts.enclosureClamped++;
      }
      dx = t0 + t2 - (p0 + p2);
      dy = t1 + t3 - (p1 + p3);
      rho2 = (dx * dx + dy * dy) / 4;
      rowValue = rowIou - rho2 / enclosure;
      if (complete) {
        aspectGap = aspectAngle(t2 - t0, t3 - t1) - aspectAngle(pw, ph);
        const v = ASPECT_FACTOR * aspectGap * aspectGap;
        const denominator = 1 - rowIou + v;
        alpha = denominator > 0 ? v / denominator : 0;
        rowValue -= alpha * v;
      }
    }
    value[i] = rowValue;
    if (gradOut === null) continue;

    const g = weights === null ? scale : scale * weights[(i / stride) | 0];
    // value = iou + …: iou = overlap / union.
    let gUnion = (-g * overlap) / (union * union);
    let gOverlap = g / union;
    let gEw = 0;
    let gEh = 0;
    let gp0 = 0;
    let gp1 = 0;
    let gp2 = 0;
    let gp3 = 0;
    if (generalized) {
      // −(E − U)/E = U/E − 1.
      gUnion += g / enclosure;
      const gEnclosure = ((-g * union) / (enclosure * enclosure)) * maxShare(enclosureRaw, eps);
      gEw = ewRaw >= 0 ? gEnclosure * eh : 0;
      gEh = ehRaw >= 0 ? gEnclosure * ew : 0;
    } else if (distance) {
      const gC2 = ((g * rho2) / (enclosure * enclosure)) * maxShare(enclosureRaw, eps);
      gEw = ewRaw >= 0 ? 2 * gC2 * ew : 0;
      gEh = ehRaw >= 0 ? 2 * gC2 * eh : 0;
      // −ρ²/c², ∂ρ²/∂p0 = ∂ρ²/∂p2 = −dx/2.
      const gRho2 = -g / enclosure;
      const gx = (-gRho2 * dx) / 2;
      const gy = (-gRho2 * dy) / 2;
      gp0 += gx;
      gp2 += gx;
      gp1 += gy;
      gp3 += gy;
      if (complete && alpha !== 0) {
        // −α·v with α constant; v = k·(a_t − a_p)², so ∂(−αv)/∂a_p = 2αk·(a_t − a_p).
        const gAngle = g * 2 * alpha * ASPECT_FACTOR * aspectGap;
        const w = pw > 0 ? pw : 0;
        const h = ph > 0 ? ph : 0;
        const r2 = w * w + h * h;
        if (r2 > 0) {
          const gW = pw > 0 ? (gAngle * h) / r2 : 0;
          const gH = ph > 0 ? (-gAngle * w) / r2 : 0;
          gp2 += gW;
          gp0 -= gW;
          gp3 += gH;
          gp1 -= gH;
        }
      }
    }
    const gUnionRaw = gUnion * maxShare(unionRaw, eps);
    gOverlap -= gUnionRaw;
    const gWx = wxRaw >= 0 ? gOverlap * wy : 0;
    const gWy = wyRaw >= 0 ? gOverlap * wx : 0;
    // union contains area1 = pw·ph; intersection sides are max/min of the two boxes' sides.
    gradOut[o] = gp0 - gUnionRaw * ph - gWx * maxShare(p0, t0) - gEw * minShare(p0, t0);
    gradOut[o + 1] = gp1 - gUnionRaw * pw - gWy * maxShare(p1, t1) - gEh * minShare(p1, t1);
    gradOut[o + 2] = gp2 + gUnionRaw * ph + gWx * minShare(p2, t2) + gEw * maxShare(p2, t2);
    gradOut[o + 3] = gp3 + gUnionRaw * pw + gWy * minShare(p3, t3) + gEh * maxShare(p3, t3);
  }
  return finiteCheck;
}

/** atan(w/h) for a box of width w and height h, with sides below 0 read as 0 and atan(0/0) = 0. */
function aspectAngle(w: number, h: number): number {
  return Math.atan2(w > 0 ? w : 0, h > 0 ? h : 0);
}

export interface BoxOverlapOptions {
  /** Also return dL/dpred (default false). */
  readonly grad?: boolean;
  /** dL/dvalue, one per pair (n); default ones, i.e. the gradient of the sum of the overlaps. */
  readonly upstream?: Tensor;
}

export interface BoxOverlapResult {
  /** The overlap of each pair in the requested mode, shape (n). */
  readonly value: Tensor;
  /** The plain IoU of each pair, shape (n) (the same numbers as `value` for 'iou'). */
  readonly iou: Tensor;
  /** With `grad`: dL/dpred (n, 4). The target gets no gradient (it is a ground truth). */
  readonly grad?: { readonly pred: Tensor };
  readonly report: OverlapCounts;
}

/**
 * The overlap of aligned pairs of boxes, mmdetection's `bbox_overlaps(pred, target, mode,
 * is_aligned=True, eps)` for 'iou' and 'giou', extended with DIoU and CIoU on the same eps guards.
 *
 * @param pred (n, 4) boxes (x1, y1, x2, y2). Degenerate boxes (x2 < x1, zero area) are allowed and
 *   give finite values: a negative area can only lower the union, which is raised to eps.
 * @param target (n, 4) boxes, paired row by row with `pred`.
 * @param mode 'iou' (default), 'giou', 'diou' or 'ciou'; see `overlapRows` for the formulas.
 * @param eps lower bound of the union and of the enclosing area / squared diagonal (default 1e-6,
 *   mmdetection's); must be > 0 so that nothing is divided by zero.
 * @param options `grad` for dL/dpred, with `upstream` dL/dvalue (n), default ones. The backward pass
 *   is exact and follows PyTorch's autograd conventions at ties and clamps; for 'ciou' α is held
 *   constant, as in the CIoU paper.
 */
export function boxOverlaps(
  pred: Tensor,
  target: Tensor,
  mode: OverlapMode = 'iou',
  eps = 1e-6,
  options: BoxOverlapOptions = {},
): BoxOverlapResult {
  const fn = 'boxOverlaps';
  if (!MODES.includes(mode)) throw new InputError(fn, 'mode', `one of ${MODES.map((m) => `'${m}'`).join(', ')}`, describeValue(mode));
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps <= 0) {
    throw new InputError(fn, 'eps', 'a finite number > 0', describeValue(eps));
  }
  const dims = requireShape(fn, 'pred', pred, ['n', 4]);
  requireShape(fn, 'target', target, ['n', 4], dims);
  const n = pred.shape[0];
  let upstream: OverlapUpstream | null = null;
  if (options.upstream !== undefined) {
    requireShape(fn, 'options.upstream', options.upstream, ['n'], dims);
    requireFinite(fn, 'options.upstream', options.upstream);
    upstream = { scale: 1, weights: options.upstream.data, stride: 1 };
  }
  const value = new Float64Array(n);
  const iou = mode === 'iou' ? value : new Float64Array(n);
  const counts: OverlapCounts = { unionClamped: 0, enclosureClamped: 0 };
  const gradOut = options.grad === true ? new Float64Array(n * 4) : null;
  const finite = overlapRows(mode, pred.data, target.data, n, eps, value, mode === 'iou' ? null : iou, counts, upstream ?? { scale: 1, weights: null, stride: 1 }, gradOut);
  if (!finite) requireFiniteBoxes(fn, pred, target);
  return {
    value: { shape: [n], data: value },
    iou: { shape: [n], data: iou },
    grad: gradOut === null ? undefined : { pred: { shape: [n, 4], data: gradOut } },
    report: counts,
  };
}
