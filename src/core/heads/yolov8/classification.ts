/**
 * YOLOv8's classification term: BCE-with-logits over every (image, anchor, class) logit against the
 * assigner's soft targets (the target score on the assigned class of a positive, 0 elsewhere),
 * summed, as `BCEWithLogitsLoss(reduction='none')(…).sum()`. The targets are sparse, so every logit
 * is first taken as a negative, BCE(x, 0) = softplus(x), and each positive's one soft element is
 * then corrected: BCE(x, t) = softplus(x) − t·x, and its gradient σ(x) − t.
 */
import { useSimd } from '../../simd/path';
import { classPlanesSimd } from './classSimd';
import { EXP_ARGUMENT_LIMIT, expInRange } from './exp';
import type { HeadMaps } from './maps';
import { mapIndex, requireFiniteRange } from './maps';
import type { AnchorLayout } from './points';
import type { Positives } from './positives';

// Read once: under tsx an imported function is reached through a getter at every call.
const exp = expInRange;

/** Below e^−708, e^−|x| no longer changes 1 + e^−|x|, and σ(x) is within 1e-307 of 0. */
const EXP_FLOOR = -EXP_ARGUMENT_LIMIT;

/**
 * Returns Σ BCE over the batch. Adds each anchor's Σ over classes into `perAnchor` (N·A). With
 * `grads` (one array per level, shaped as the maps), writes gradScale·(σ(x) − t) into every class
 * channel.
 */
export function classificationTerm(
  maps: HeadMaps,
  layout: AnchorLayout,
  positives: Positives,
  perAnchor: Float64Array,
  grads: readonly Float64Array[] | null,
  gradScale: number,
  fn: string,
): number {
  const { batch, channels, bins, classes } = maps;
  const A = layout.count;
  let total = 0;
  const simd = useSimd(0, 0);
  const linear = new Float64Array(BLOCK);
  const product = new Float64Array(BLOCK);
  for (let n = 0; n < batch; n++) {
    for (let l = 0; l < layout.levels.length; l++) {
      const { height, width, offset } = layout.levels[l];
      const plane = height * width;
      const first = (n * channels + 4 * bins) * plane;
      const grad = grads === null ? null : grads[l];
      total += simd
        ? classPlanesSimd(maps.data[l], grad, first, plane, classes, perAnchor, n * A + offset, gradScale, PRODUCT_RUN)
        : classPlanes(maps.data[l], grad, first, plane, classes, linear, product, perAnchor, n * A + offset, gradScale);
    }
  }
  if (!Number.isFinite(total)) {
    // A non-finite logit makes the sum non-finite; only then is the culprit looked for.
    maps.data.forEach((data, l) => requireFiniteRange(fn, l, data, maps, 4 * bins, channels));
  }
  for (let p = 0; p < positives.count; p++) {
    const index = mapIndex(maps, layout, positives.image[p], positives.anchor[p], 4 * bins + positives.label[p]);
    const t = positives.score[p];
    const x = maps.data[layout.level[positives.anchor[p]]][index];
    total -= t * x;
    perAnchor[positives.image[p] * A + positives.anchor[p]] -= t * x;
    if (grads !== null) grads[layout.level[positives.anchor[p]]][index] -= gradScale * t;
  }
  return total;
}

/** Cells per block of the class pass: the running sums stay in the first-level cache. */
const BLOCK = 512;

/** Classes whose softplus factors are multiplied before one logarithm is taken: each factor is in [1, 2]. */
const PRODUCT_RUN = 1000;

/**
 * The class channels of one image at one level, channel c of cell p at data[first + c·plane + p]:
 * returns Σ softplus over them, adds each cell's sum into perAnchor[anchorFirst + p] and, with
 * `grad`, writes gradScale·σ(x) at each logit's place. softplus(x) = max(x, 0) + log(1 + e^−|x|) is
 * split so that no logarithm is taken per logit: 2·max(x, 0) = x + |x| is added into `linear` and
 * 1 + e^−|x| multiplied into `product`, whose logarithm is taken once per cell and run of classes;
 * σ(x) comes from the same exponential. The loop has no branch on the logit's sign (the bench's
 * random signs made such branches mispredict on half the logits): |x| is a mask, σ's choice
 * between q and e·q is a product with an exact 0/1 selector, and e^−|x| is `expInRange` (exp.ts) on the
 * argument clamped at −708. A non-finite logit still makes the sum non-finite (x + |x| is NaN or
 * ∞; so does a logit above 2^1023, whose double overflows). The product's rounding, a few ulp per
 * factor, stays far below the parity tolerance. Typed arrays and numbers only, so that its optimized code outlives collections.
 */
function classPlanes(
  data: Float64Array,
  grad: Float64Array | null,
  first: number,
  plane: number,
  classes: number,
  linear: Float64Array,
  product: Float64Array,
  perAnchor: Float64Array,
  anchorFirst: number,
  gradScale: number,
): number {
  let total = 0;
  for (let block = 0; block < plane; block += BLOCK) {
    const cells = plane - block < BLOCK ? plane - block : BLOCK;
    linear.fill(0, 0, cells);
    product.fill(1, 0, cells);
    for (let c = 0; c < classes; c++) {
      const base = first + c * plane + block;
      for (let p = 0; p < cells; p++) {
        const x = data[base + p];
        const a = Math.abs(x);
        const t = -a > EXP_FLOOR ? -a : EXP_FLOOR;
        const e = exp(t);
        const factor = 1 + e;
        linear[p] += x + a;
        product[p] *= factor;
        if (grad !== null) {
          // σ(x) = q for x ≥ 0 and e·q below, selected arithmetically: +(x < 0) is exactly 0 or 1
          // (0 for NaN), so e·s + (1 − s) is exactly e or 1, and V8 compiles it without the
          // jump that `x >= 0 ? q : e·q` mispredicted (timed: as fast as a division-made selector).
          const s = +(x < 0);
          grad[base + p] = (gradScale / factor) * (e * s + (1 - s));
        }
      }
      if ((c + 1) % PRODUCT_RUN === 0 || c === classes - 1) {
        for (let p = 0; p < cells; p++) {
          const sum = 0.5 * linear[p] + Math.log(product[p]);
          perAnchor[anchorFirst + block + p] += sum;
          total += sum;
          linear[p] = 0;
          product[p] = 1;
        }
      }
    }
  }
  return total;
}
