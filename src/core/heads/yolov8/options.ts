/**
 * The options of `yolov8Loss`, with ultralytics' defaults (ultralytics/cfg/default.yaml and
 * `v8DetectionLoss`), and their checks.
 */
import { binCount } from '../../distributions';
import { InputError, describeValue } from '../../errors';
import { CIOU_EPS } from './ciou';
import type { TalOptions } from './tal';

export interface Yolov8Gains {
  /** `hyp.box` (7.5). */
  readonly box: number;
  /** `hyp.cls` (0.5). */
  readonly cls: number;
  /** `hyp.dfl` (1.5). */
  readonly dfl: number;
}

export interface Yolov8Options {
  /** C; default: the maps' channels − 4·regMax. When given, the maps must have 4·regMax + C channels. */
  readonly numClasses?: number;
  /** One stride per level (default [8, 16, 32]). */
  readonly strides?: readonly number[];
  /** Bins per side in ultralytics' convention: reg_max = 16 means bins 0 … 15 (default 16). */
  readonly regMax?: number;
  /** Loss gains (default box 7.5, cls 0.5, dfl 1.5). */
  readonly gains?: Partial<Yolov8Gains>;
  /** The assigner (default topk 10, alpha 0.5, beta 6, eps 1e-9). */
  readonly tal?: Partial<Omit<TalOptions, 'ciouEps'>>;
  /** Offset of the anchor point inside its cell, in cells (default 0.5: the centre). */
  readonly gridCellOffset?: number;
  /** CIoU's eps, in the assigner and the box loss (default 1e-7). */
  readonly ciouEps?: number;
  /**
   * [H, W] that normalised `batch` boxes are scaled by. Default, as the peer: stride₀ · (H₀, W₀) of
   * the first level's map. Ignored for per-image pixel boxes.
   */
  readonly imageSize?: readonly [number, number];
  /** Also return d total / d feats (default false). */
  readonly grad?: boolean;
}

/** Every option resolved to a checked value. */
export interface ResolvedYolov8Options {
  readonly numClasses: number | undefined;
  readonly strides: readonly number[];
  readonly bins: number;
  readonly gains: Yolov8Gains;
  readonly tal: TalOptions;
  readonly gridCellOffset: number;
  readonly imageSize: readonly [number, number] | undefined;
  readonly grad: boolean;
}

export const YOLOV8_DEFAULTS = {
  strides: [8, 16, 32],
  regMax: 16,
  gains: { box: 7.5, cls: 0.5, dfl: 1.5 },
  tal: { topk: 10, alpha: 0.5, beta: 6, eps: 1e-9 },
  gridCellOffset: 0.5,
  ciouEps: CIOU_EPS,
} as const;

function finiteAtLeast(fn: string, argument: string, value: unknown, low: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < low) throw new InputError(fn, argument, `a finite number ≥ ${low}`, describeValue(value));
  return value;
}

export function resolveOptions(fn: string, options: Yolov8Options): ResolvedYolov8Options {
  const d = YOLOV8_DEFAULTS;
  const numClasses = options.numClasses;
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new InputError(fn, 'options.numClasses', 'an integer ≥ 1', describeValue(numClasses));
  }
  const strides = options.strides ?? d.strides;
  if (!Array.isArray(strides)) throw new InputError(fn, 'options.strides', 'a list of numbers, one per level', describeValue(strides));
  const bins = binCount({ regMax: options.regMax ?? d.regMax, convention: 'ultralytics' }, fn, 'options.regMax');
  const gains = options.gains ?? {};
  const tal = options.tal ?? {};
  const topk = tal.topk ?? d.tal.topk;
  if (!Number.isInteger(topk) || topk < 1) throw new InputError(fn, 'options.tal.topk', 'an integer ≥ 1', describeValue(topk));
  const imageSize = options.imageSize;
  if (imageSize !== undefined) {
    if (!Array.isArray(imageSize) || imageSize.length !== 2) throw new InputError(fn, 'options.imageSize', '[H, W]', describeValue(imageSize));
    imageSize.forEach((extent, axis) => {
      if (typeof extent !== 'number' || !Number.isFinite(extent) || extent <= 0) throw new InputError(fn, 'options.imageSize', 'finite numbers > 0', describeValue(extent), [axis]);
    });
  }
  return {
    numClasses,
    strides,
    bins,
    gains: {
      box: finiteAtLeast(fn, 'options.gains.box', gains.box ?? d.gains.box, -Infinity),
      cls: finiteAtLeast(fn, 'options.gains.cls', gains.cls ?? d.gains.cls, -Infinity),
      dfl: finiteAtLeast(fn, 'options.gains.dfl', gains.dfl ?? d.gains.dfl, -Infinity),
    },
    tal: {
      topk,
      alpha: finiteAtLeast(fn, 'options.tal.alpha', tal.alpha ?? d.tal.alpha, 0),
      beta: finiteAtLeast(fn, 'options.tal.beta', tal.beta ?? d.tal.beta, 0),
      eps: finiteAtLeast(fn, 'options.tal.eps', tal.eps ?? d.tal.eps, 0),
      ciouEps: finiteAtLeast(fn, 'options.ciouEps', options.ciouEps ?? d.ciouEps, 0),
    },
    gridCellOffset: finiteAtLeast(fn, 'options.gridCellOffset', options.gridCellOffset ?? d.gridCellOffset, -Infinity),
    imageSize,
    grad: options.grad === true,
  };
}
