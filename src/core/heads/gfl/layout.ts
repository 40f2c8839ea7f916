/**
 * Between a head's channels-first maps (N, C, H·W), as the network writes them, and anchor-major
 * rows (anchors, C), as the row losses read them and as mmdetection's `permute(0, 2, 3, 1)` lays
 * them out, a block of anchors at a time so that the rows stay in cache.
 */

/**
 * Copies anchors [p0, p1) of image b of an (N, C, area) map into rows (p1 − p0, C) of `rows`.
 * Reads each class plane's run of anchors in order; the strided writes land in the small block.
 */
export function gatherRows(map: Float64Array, b: number, C: number, area: number, p0: number, p1: number, rows: Float64Array): void {
  const count = p1 - p0;
  for (let c = 0; c < C; c++) {
    const plane = (b * C + c) * area;
    for (let k = 0, o = c; k < count; k++, o += C) rows[o] = map[plane + p0 + k];
  }
}

/** The inverse of gatherRows: writes rows (p1 − p0, C) into anchors [p0, p1) of image b of an (N, C, area) map. */
export function scatterRows(rows: Float64Array, b: number, C: number, area: number, p0: number, p1: number, map: Float64Array): void {
  const count = p1 - p0;
  for (let c = 0; c < C; c++) {
    const plane = (b * C + c) * area;
    for (let k = 0, i = c; k < count; k++, i += C) map[plane + p0 + k] = rows[i];
  }
}
