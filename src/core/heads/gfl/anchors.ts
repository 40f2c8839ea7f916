/**
 * mmdetection's priors for an anchor-based dense head (`AnchorGenerator` + `AnchorHead.get_anchors`
 * + `anchor_inside_flags`), restricted to what GFL allows: one anchor per location. The anchor of
 * row i, column j of a level of stride s is a box of side `octaveBaseScale · s` centred on the grid
 * *corner* (j·s, i·s) (plus `centerOffset · s`), not on the cell centre as ultralytics' points are.
 */
import { InputError, describeValue } from '../../errors';

export interface AnchorOptions {
  /** One stride per level, in pixels (mmdetection's [8, 16, 32, 64, 128]). */
  readonly strides: readonly number[];
  /** The anchor side in strides (default 8). */
  readonly octaveBaseScale?: number;
  /** Scales per octave (default 1); GFL needs one anchor per location, so only 1 is accepted. */
  readonly scalesPerOctave?: number;
  /** Height/width ratios (default [1]); one anchor per location, so exactly one ratio. */
  readonly ratios?: readonly number[];
  /** Where the base anchor's centre sits, as a fraction of its side (default 0: the grid corner). */
  readonly centerOffset?: number;
  /**
   * mmdetection's `allowed_border` (default −1): below 0 every valid anchor is kept; otherwise an
   * anchor must lie inside the image grown by this many pixels.
   */
  readonly allowedBorder?: number;
}

/** One feature level's place in the flat anchor order. */
export interface AnchorLevel {
  readonly stride: number;
  /** Feature map rows and columns (H_l, W_l). */
  readonly height: number;
  readonly width: number;
  /** Flat index of the level's first anchor; its anchor (i, j) is start + i·width + j. */
  readonly start: number;
}

/** All levels' anchors in mmdetection's flat order: level-major, then i·W_l + j. A = Σ H_l·W_l. */
export interface GflAnchors {
  readonly levels: readonly AnchorLevel[];
  /** Total number of anchors A. */
  readonly count: number;
  /** (A, 4) anchor boxes (x1, y1, x2, y2) in pixels. */
  readonly boxes: Float64Array;
  /** (A, 2) anchor centres ((x1 + x2)/2, (y1 + y2)/2) in pixels, as GFLHead.anchor_center. */
  readonly centres: Float64Array;
  /**
   * (A) 1 where mmdetection keeps the anchor (`inside_flags`): a valid flag (i < ⌈H/s⌉ and
   * j < ⌈W/s⌉ of the padded image) and, with allowedBorder ≥ 0, inside the grown image. Anchors
   * with 0 take no part in the assignment and have label weight 0.
   */
  readonly inside: Uint8Array;
}

const FN = 'gflAnchors';

/**
 * The anchors of every level of a GFL head.
 *
 * @param featmapSizes one [H_l, W_l] per level, as the head's maps are.
 * @param imgShape [H, W] of the (padded) image, in pixels.
 * @param options strides and the anchor generator's settings (mmdetection's GFL defaults).
 */
export function gflAnchors(
  featmapSizes: readonly (readonly [number, number])[],
  imgShape: readonly [number, number],
  options: AnchorOptions,
): GflAnchors {
  const { strides } = options;
  const octaveBaseScale = options.octaveBaseScale ?? 8;
  const centerOffset = options.centerOffset ?? 0;
  const allowedBorder = options.allowedBorder ?? -1;
  const ratios = options.ratios ?? [1];
  requirePositive('options.octaveBaseScale', octaveBaseScale);
  if ((options.scalesPerOctave ?? 1) !== 1) {
    throw new InputError(FN, 'options.scalesPerOctave', '1 (GFL has one anchor per location)', describeValue(options.scalesPerOctave));
  }
  if (!Array.isArray(ratios) || ratios.length !== 1) {
    throw new InputError(FN, 'options.ratios', 'a list of one ratio (GFL has one anchor per location)', describeValue(ratios));
  }
  requirePositive('options.ratios', ratios[0], [0]);
  if (typeof centerOffset !== 'number' || !Number.isFinite(centerOffset)) {
    throw new InputError(FN, 'options.centerOffset', 'a finite number', describeValue(centerOffset));
  }
  if (typeof allowedBorder !== 'number' || Number.isNaN(allowedBorder)) {
    throw new InputError(FN, 'options.allowedBorder', 'a number (below 0: no border test)', describeValue(allowedBorder));
  }
  if (!Array.isArray(strides) || strides.length !== featmapSizes.length) {
    throw new InputError(FN, 'options.strides', `one stride per level (${featmapSizes.length})`, describeValue(strides));
  }
  strides.forEach((s, l) => requirePositive('options.strides', s, [l]));
  const [imgH, imgW] = imgShape;
  requirePositive('imgShape', imgH, [0]);
  requirePositive('imgShape', imgW, [1]);

  const levels: AnchorLevel[] = [];
  let count = 0;
  featmapSizes.forEach(([height, width], l) => {
    levels.push({ stride: strides[l], height, width, start: count });
    count += height * width;
  });
  const boxes = new Float64Array(4 * count);
  const centres = new Float64Array(2 * count);
  const inside = new Uint8Array(count);
  // AnchorGenerator.gen_single_level_base_anchors: w = h = base size (the stride), h_ratio = √r,
  // w_ratio = 1/h_ratio, side = base · ratio · scale, centred at center_offset · base.
  const hRatio = Math.sqrt(ratios[0]);
  const wRatio = 1 / hRatio;
  for (const { stride: s, height, width, start } of levels) {
    const ws = s * wRatio * octaveBaseScale;
    const hs = s * hRatio * octaveBaseScale;
    const cx = centerOffset * s;
    const cy = centerOffset * s;
    const base = [cx - 0.5 * ws, cy - 0.5 * hs, cx + 0.5 * ws, cy + 0.5 * hs];
    // AnchorGenerator.single_level_valid_flags on the padded shape.
    const validH = Math.min(Math.ceil(imgH / s), height);
    const validW = Math.min(Math.ceil(imgW / s), width);
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const a = start + i * width + j;
        const x1 = base[0] + j * s;
        const y1 = base[1] + i * s;
        const x2 = base[2] + j * s;
        const y2 = base[3] + i * s;
        boxes[4 * a] = x1;
        boxes[4 * a + 1] = y1;
        boxes[4 * a + 2] = x2;
        boxes[4 * a + 3] = y2;
        centres[2 * a] = (x1 + x2) / 2;
        centres[2 * a + 1] = (y1 + y2) / 2;
        const valid = i < validH && j < validW;
        const border = allowedBorder;
        const within = border < 0 || (x1 >= -border && y1 >= -border && x2 < imgW + border && y2 < imgH + border);
        inside[a] = valid && within ? 1 : 0;
      }
    }
  }
  return { levels, count, boxes, centres, inside };
}

function requirePositive(argument: string, value: unknown, index?: number[]): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InputError(FN, argument, 'a finite number > 0', describeValue(value), index);
  }
}
