/**
 * The anchor points of a YOLOv8 head, ultralytics' `make_anchors`: one point per cell of every
 * level, on the cell centre, flat over the levels level-major and then row-major (i·W_l + j), the
 * order of the head's concatenated outputs and of every per-anchor array here.
 */
import { InputError, describeValue } from '../../errors';
import type { Tensor } from '../../tensor';

/** One level's grid: H_l × W_l cells of `stride` pixels, whose anchors start at flat index `offset`. */
export interface LevelGrid {
  readonly height: number;
  readonly width: number;
  readonly stride: number;
  readonly offset: number;
}

/** Every level's grid, with per-anchor lookups that the loops over anchors share. */
export interface AnchorLayout {
  readonly levels: readonly LevelGrid[];
  /** A = Σ_l H_l·W_l. */
  readonly count: number;
  /** (A) the level of each anchor. */
  readonly level: Uint8Array;
  /** (A) each anchor's cell within its level, i·W_l + j: its offset inside one channel plane. */
  readonly cell: Int32Array;
  /** (A, 2) anchor centres in pixels, ((j + o)·s, (i + o)·s), o the grid-cell offset. */
  readonly centres: Float64Array;
  /** The grid-cell offset o the centres were placed with (ultralytics: 0.5). */
  readonly gridCellOffset: number;
}

/**
 * The layout of levels of the given (H_l, W_l) and strides. Centres are computed as the peer does,
 * `(j + o)` in stride units and then times the stride, so that they are the same doubles.
 */
export function anchorLayout(
  sizes: readonly (readonly [number, number])[],
  strides: readonly number[],
  gridCellOffset = 0.5,
  fn = 'anchorLayout',
): AnchorLayout {
  if (sizes.length !== strides.length) {
    throw new InputError(fn, 'strides', `one stride per level (${sizes.length})`, `of length ${strides.length}`);
  }
  if (sizes.length > 255) throw new InputError(fn, 'sizes', 'at most 255 levels', `of length ${sizes.length}`);
  strides.forEach((s, l) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) throw new InputError(fn, 'strides', 'finite numbers > 0', describeValue(s), [l]);
  });
  if (typeof gridCellOffset !== 'number' || !Number.isFinite(gridCellOffset)) {
    throw new InputError(fn, 'gridCellOffset', 'a finite number', describeValue(gridCellOffset));
  }
  const levels: LevelGrid[] = [];
  let count = 0;
  sizes.forEach(([height, width], l) => {
    levels.push({ height, width, stride: strides[l], offset: count });
    count += height * width;
  });
  const level = new Uint8Array(count);
  const cell = new Int32Array(count);
  const centres = new Float64Array(2 * count);
  for (let l = 0; l < levels.length; l++) {
    const { height, width, stride, offset } = levels[l];
    for (let i = 0, a = offset; i < height; i++) {
      for (let j = 0; j < width; j++, a++) {
        level[a] = l;
        cell[a] = i * width + j;
        centres[2 * a] = (j + gridCellOffset) * stride;
        centres[2 * a + 1] = (i + gridCellOffset) * stride;
      }
    }
  }
  return { levels, count, level, cell, centres, gridCellOffset };
}

/**
 * ultralytics' `make_anchors(feats, strides, grid_cell_offset)`: the (A, 2) anchor points in stride
 * units, (j + o, i + o), and the (A) stride of each.
 */
export function anchorPoints(layout: AnchorLayout): { points: Tensor; strides: Tensor } {
  const { count, levels, level, cell, gridCellOffset } = layout;
  const points = new Float64Array(2 * count);
  const strides = new Float64Array(count);
  for (let a = 0; a < count; a++) {
    const { width, stride } = levels[level[a]];
    points[2 * a] = (cell[a] % width) + gridCellOffset;
    points[2 * a + 1] = Math.floor(cell[a] / width) + gridCellOffset;
    strides[a] = stride;
  }
  return { points: { shape: [count, 2], data: points }, strides: { shape: [count], data: strides } };
}

/**
 * The cells [first, last] (inclusive, clamped to the grid) along one axis whose centre can lie
 * strictly inside [low, high] in pixels; an empty range has last < first. The range is one cell
 * wider on each side than needed, so that the exact inside test decides, never this bound.
 */
export function cellSpan(low: number, high: number, stride: number, offset: number, extent: number): [number, number] {
  const first = Math.max(0, Math.floor(low / stride - offset));
  const last = Math.min(extent - 1, Math.ceil(high / stride - offset));
  return [first, last];
}
