/**
 * Complete IoU exactly as ultralytics writes it (`bbox_iou(box1, box2, xywh=False, CIoU=True,
 * eps)`), which the core's `boxOverlaps(…, 'ciou')` does not reproduce: that one raises the union
 * and the enclosing diagonal to at least eps (mmdetection's guards), while ultralytics adds eps in
 * four places, all of which move the value by more than the parity tolerance for small boxes:
 * - h = y2 − y1 + e for both boxes (w has no e);
 * - union = w1·h1 + w2·h2 − inter + e;
 * - c² = cw² + ch² + e;
 * - α = v / (v − iou + (1 + e)), computed under `torch.no_grad`, so a constant for the gradient.
 *
 * CIoU = iou − (ρ²/c² + v·α), with ρ² = ((b2x1 + b2x2 − b1x1 − b1x2)² + (b2y1 + b2y2 − b1y1 − b1y2)²) / 4
 * and v = (4/π²)·(atan(w2/h2) − atan(w1/h1))².
 */
import { InputError, describeValue } from '../../errors';
import { requireFinite, requireShape, type Tensor } from '../../tensor';

/** ultralytics' default eps of `bbox_iou`. */
export const CIOU_EPS = 1e-7;

const ASPECT_FACTOR = 4 / (Math.PI * Math.PI);

/** ∂max(a, b)/∂a as PyTorch's `maximum` backward: 1, ½ on a tie, 0. */
function maxShare(a: number, b: number): number {
  return a > b ? 1 : a === b ? 0.5 : 0;
}

/** ∂min(a, b)/∂a as PyTorch's `minimum` backward: 1, ½ on a tie, 0. */
function minShare(a: number, b: number): number {
  return a < b ? 1 : a === b ? 0.5 : 0;
}

/** The CIoU of box1 = a[ao .. ao+4) and box2 = b[bo .. bo+4), both (x1, y1, x2, y2). No allocation. */
export function ciouAt(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, eps: number): number {
  return ciouBackwardAt(a, ao, b, bo, eps, 0, null, 0);
}

/**
 * The CIoU of box1 = a[ao .. ao+4) and box2 = b[bo .. bo+4); when `grad` is given, also adds
 * upstream · ∂CIoU/∂box1 into grad[go .. go+4), with α held constant as the peer's no_grad makes
 * it. box2 is a ground truth and gets no gradient. Ties of min/max split the gradient in half and
 * the intersection's clamp(min=0) passes it at 0, as PyTorch's autograd does.
 */
export function ciouBackwardAt(
  a: ArrayLike<number>,
  ao: number,
  b: ArrayLike<number>,
  bo: number,
  eps: number,
  upstream: number,
  grad: Float64Array | null,
  go: number,
): number {
  const a0 = a[ao];
  const a1 = a[ao + 1];
  const a2 = a[ao + 2];
  const a3 = a[ao + 3];
  const b0 = b[bo];
  const b1 = b[bo + 1];
  const b2 = b[bo + 2];
  const b3 = b[bo + 3];
  const w1 = a2 - a0;
  const h1 = a3 - a1 + eps;
  const w2 = b2 - b0;
  const h2 = b3 - b1 + eps;
  const iwRaw = (a2 < b2 ? a2 : b2) - (a0 > b0 ? a0 : b0);
  const ihRaw = (a3 < b3 ? a3 : b3) - (a1 > b1 ? a1 : b1);
  const iw = iwRaw > 0 ? iwRaw : 0;
  const ih = ihRaw > 0 ? ihRaw : 0;
  const inter = iw * ih;
  const union = w1 * h1 + w2 * h2 - inter + eps;
  const iou = inter / union;
  const cw = (a2 > b2 ? a2 : b2) - (a0 < b0 ? a0 : b0);
  const ch = (a3 > b3 ? a3 : b3) - (a1 < b1 ? a1 : b1);
  const c2 = cw * cw + ch * ch + eps;
  const dx = b0 + b2 - a0 - a2;
  const dy = b1 + b3 - a1 - a3;
  const rho2 = (dx * dx + dy * dy) / 4;
  const angle = Math.atan(w2 / h2) - Math.atan(w1 / h1);
  const v = ASPECT_FACTOR * (angle * angle);
  const alpha = v / (v - iou + (1 + eps));
  const value = iou - (rho2 / c2 + v * alpha);
  if (grad === null) return value;

  const g = upstream;
  // iou = inter / union, union = w1·h1 + w2·h2 − inter + e.
  const gUnion = (-g * inter) / (union * union);
  const gInter = g / union - gUnion;
  let gW1 = gUnion * h1;
  let gH1 = gUnion * w1;
  // −v·α with α constant: ∂/∂atan(w1/h1) = 2α·k·angle; ∂atan(w/h) = (h dw − w dh) / (w² + h²).
  const gAngle = 2 * g * alpha * ASPECT_FACTOR * angle;
  const r2 = w1 * w1 + h1 * h1;
  if (r2 > 0) {
    gW1 += (gAngle * h1) / r2;
    gH1 -= (gAngle * w1) / r2;
  }
  // −ρ²/c².
  const gC2 = (g * rho2) / (c2 * c2);
  const gCw = 2 * cw * gC2;
  const gCh = 2 * ch * gC2;
  const gRho2 = -g / c2;
  const gx = gRho2 * (-dx / 2);
  const gy = gRho2 * (-dy / 2);
  const gIw = iwRaw >= 0 ? gInter * ih : 0;
  const gIh = ihRaw >= 0 ? gInter * iw : 0;
  grad[go] += gx - gW1 - gIw * maxShare(a0, b0) - gCw * minShare(a0, b0);
  grad[go + 1] += gy - gH1 - gIh * maxShare(a1, b1) - gCh * minShare(a1, b1);
  grad[go + 2] += gx + gW1 + gIw * minShare(a2, b2) + gCw * maxShare(a2, b2);
  grad[go + 3] += gy + gH1 + gIh * minShare(a3, b3) + gCh * maxShare(a3, b3);
  return value;
}

export interface YoloCiouOptions {
  /** ultralytics' eps (default 1e-7); ≥ 0. */
  readonly eps?: number;
  /** Also return ∂Σ CIoU/∂box1 (default false). */
  readonly grad?: boolean;
}

export interface YoloCiouResult {
  /** CIoU of each pair, shape (n). */
  readonly value: Tensor;
  /** With `grad`: the gradient of Σ value with respect to box1, (n, 4), α held constant. */
  readonly grad?: { readonly box1: Tensor };
}

/**
 * ultralytics' CIoU of aligned pairs: `bbox_iou(box1, box2, xywh=False, CIoU=True, eps)`.
 *
 * @param box1 (n, 4) boxes (x1, y1, x2, y2), e.g. the predictions; the gradient is taken w.r.t. these.
 * @param box2 (n, 4) boxes paired row by row, e.g. the ground truths.
 */
export function yoloCiou(box1: Tensor, box2: Tensor, options: YoloCiouOptions = {}): YoloCiouResult {
  const fn = 'yoloCiou';
  const eps = options.eps ?? CIOU_EPS;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0) throw new InputError(fn, 'options.eps', 'a finite number ≥ 0', describeValue(eps));
  const dims = requireShape(fn, 'box1', box1, ['n', 4]);
  requireShape(fn, 'box2', box2, ['n', 4], dims);
  requireFinite(fn, 'box1', box1);
  requireFinite(fn, 'box2', box2);
  const n = box1.shape[0];
  const value = new Float64Array(n);
  const grad = options.grad === true ? new Float64Array(4 * n) : null;
  for (let i = 0; i < n; i++) value[i] = ciouBackwardAt(box1.data, 4 * i, box2.data, 4 * i, eps, 1, grad, 4 * i);
  return { value: { shape: [n], data: value }, ...(grad === null ? {} : { grad: { box1: { shape: [n, 4], data: grad } } }) };
}
