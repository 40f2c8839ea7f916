/**
 * Between a head's channels-first maps (N, C, H·W), as the network writes them, and the
 * anchor-major rows (N·H·W, C) the row losses read, as mmdetection's `permute(0, 2, 3, 1)` does.
 */

/**
 * Columns per strip: a strip reads TILE consecutive numbers of every source row and writes TILE
 * whole destination rows, so both sides move in cache lines rather than one number per line.
 */
const TILE = 64;

/**
 * Swaps the last two axes of an (N, X, Y) array into a new (N, Y, X) one. Its own inverse:
 * swapLastAxes(swapLastAxes(a, N, X, Y), N, Y, X) is a copy of a.
 */
export function swapLastAxes(source: Float64Array, N: number, X: number, Y: number): Float64Array {
  const out = new Float64Array(source.length);
  const block = X * Y;
  for (let b = 0; b < N; b++) {
    const base = b * block;
    for (let y0 = 0; y0 < Y; y0 += TILE) {
      const y1 = y0 + TILE < Y ? y0 + TILE : Y;
      for (let x = 0; x < X; x++) {
        const row = base + x * Y;
        for (let y = y0, o = base + y0 * X + x; y < y1; y++, o += X) out[o] = source[row + y];
      }
    }
  }
  return out;
}
