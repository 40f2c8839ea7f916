/**
 * Distances between embeddings, and their exact backward passes: row-wise between aligned pairs
 * (the p-norm of `torch.nn.functional.pairwise_distance`), and the full (B, B) matrix of one set of
 * embeddings for the miners. Losses and miners inject a `Metric` rather than hard-coding one, so
 * "triplet loss with cosine distance" is a composition.
 *
 * Every distance is computed from the difference of the two vectors (never ‖a‖² + ‖b‖² − 2a·b,
 * which cancels catastrophically for near-identical embeddings), so identical rows are exactly 0
 * apart. Where a distance is 0 its gradient (undefined for a norm) is the subgradient 0, and the
 * number of such pairs is reported as `zeroDistance`.
 */
import { checkInterrupt } from './interrupt';
import { InputError, describeValue } from './errors';
import { simdMemory } from './simd/memory';
import { useSimd } from './simd/path';
import { requireFinite, requireShape, type Tensor } from './tensor';

/**
 * - `euclidean`: the p-norm ‖x − y + eps‖_p (p = 2 by default, any p > 0 including Infinity).
 * - `squared-euclidean`: ‖x − y + eps‖₂².
 * - `cosine`: 1 − x·y / (max(‖x‖, ε)·max(‖y‖, ε)) with ε = COSINE_NORM_FLOOR; eps is not used.
 */
export type DistanceKind = 'euclidean' | 'squared-euclidean' | 'cosine';

/** Options of every function that measures distances. */
export interface DistanceOptions {
  /** Default `euclidean`. */
  distance?: DistanceKind;
  /** Order of the norm for `euclidean`, > 0, Infinity allowed; default 2. Must be 2 (or absent) for the other kinds. */
  p?: number;
  /** Added to every coordinate of the difference x − y (PyTorch's `pairwise_distance`); not used by `cosine`. */
  eps?: number;
}

/** A validated distance: what the loops below take. */
export interface Metric {
  readonly kind: DistanceKind;
  readonly p: number;
  readonly eps: number;
}

/** Counts of numeric guards that fired while measuring distances or their gradients. */
export interface DistanceReport {
  /** Pairs at distance exactly 0 whose gradient was taken as the subgradient 0. */
  zeroDistance: number;
  /** Cosine norms raised to the floor ε (zero or near-zero embeddings). */
  clampedNorm: number;
}

/** torch.nn.functional.cosine_similarity's default floor on each vector's norm. */
export const COSINE_NORM_FLOOR = 1e-8;

export function emptyDistanceReport(): DistanceReport {
  return { zeroDistance: 0, clampedNorm: 0 };
}

/** Validates distance options; `defaultEps` is 1e-6 for PyTorch's row-wise distances, 0 for matrices. */
export function resolveMetric(fn: string, options: DistanceOptions, defaultEps: number): Metric {
  const kind = options.distance ?? 'euclidean';
  if (kind !== 'euclidean' && kind !== 'squared-euclidean' && kind !== 'cosine') {
    throw new InputError(fn, 'options.distance', "one of 'euclidean', 'squared-euclidean', 'cosine'", describeValue(kind));
  }
  const p = options.p ?? 2;
  if (typeof p !== 'number' || Number.isNaN(p) || !(p > 0)) {
    throw new InputError(fn, 'options.p', 'a number > 0 (Infinity allowed)', describeValue(p));
  }
  if (kind !== 'euclidean' && p !== 2) {
    throw new InputError(fn, 'options.p', `2 (or absent) with distance '${kind}'`, describeValue(p));
  }
  const eps = options.eps ?? defaultEps;
  if (typeof eps !== 'number' || !Number.isFinite(eps)) {
    throw new InputError(fn, 'options.eps', 'a finite number', describeValue(eps));
  }
  return { kind, p, eps };
}

/**
 * The distance between x[xo .. xo+d) and y[yo .. yo+d); cosine norm floors are counted in `report`. For the p-norm the coordinates are scaled
 * by their largest magnitude first, so that no power overflows or underflows (p = 2 takes the
 * plain sum of squares unless it overflows).
 */
export function pairDistance(
  metric: Metric,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  d: number,
  report: DistanceReport | null = null,
): number {
  const { kind, p, eps } = metric;
  if (kind === 'cosine') return cosineDistance(x, xo, y, yo, d, report);
  if (kind === 'squared-euclidean' || p === 2) {
    let sum = 0;
    for (let k = 0; k < d; k++) {
      const u = x[xo + k] - y[yo + k] + eps;
      sum += u * u;
    }
    if (kind === 'squared-euclidean') return sum;
    if (sum !== Infinity) return Math.sqrt(sum);
  }
  let max = 0;
  for (let k = 0; k < d; k++) {
    const u = Math.abs(x[xo + k] - y[yo + k] + eps);
    if (u > max) max = u;
  }
  if (p === Infinity || max === 0) return max;
  let sum = 0;
  if (p === 1) {
    for (let k = 0; k < d; k++) sum += Math.abs(x[xo + k] - y[yo + k] + eps);
    return sum;
  }
  for (let k = 0; k < d; k++) sum += scaledPower(Math.abs(x[xo + k] - y[yo + k] + eps) / max, p);
  return max * Math.pow(sum, 1 / p);
}

/**
 * Adds `upstream · ∂D/∂x` to gx[gxo ..] and `upstream · ∂D/∂y` to gy[gyo ..] (gx and gy may be the
 * same array), where D = pairDistance(x, y) = `distance`, already computed. ∂D/∂y = −∂D/∂x except
 * for cosine. The p = ∞ norm splits its gradient evenly among coordinates that attain the maximum,
 * as PyTorch's norm backward does.
 */
export function addPairGradient(
  metric: Metric,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  d: number,
  distance: number,
  upstream: number,
  gx: Float64Array,
  gxo: number,
  gy: Float64Array,
  gyo: number,
  report: DistanceReport,
): void {
  if (upstream === 0) return;
  const { kind, p, eps } = metric;
  if (kind === 'cosine') {
    addCosineGradient(x, xo, y, yo, d, upstream, gx, gxo, gy, gyo);
    return;
  }
  if (distance === 0) {
    report.zeroDistance++;
    return;
  }
  if (kind === 'squared-euclidean') {
    const scale = 2 * upstream;
    for (let k = 0; k < d; k++) {
      const g = scale * (x[xo + k] - y[yo + k] + eps);
      gx[gxo + k] += g;
      gy[gyo + k] -= g;
    }
    return;
  }
  if (p === 2) {
    const scale = upstream / distance;
    for (let k = 0; k < d; k++) {
      const g = scale * (x[xo + k] - y[yo + k] + eps);
      gx[gxo + k] += g;
      gy[gyo + k] -= g;
    }
    return;
  }
  if (p === 1) {
    for (let k = 0; k < d; k++) {
      const u = x[xo + k] - y[yo + k] + eps;
      const g = u > 0 ? upstream : u < 0 ? -upstream : 0;
      gx[gxo + k] += g;
      gy[gyo + k] -= g;
    }
    return;
  }
  if (p === Infinity) {
    let ties = 0;
    for (let k = 0; k < d; k++) if (Math.abs(x[xo + k] - y[yo + k] + eps) === distance) ties++;
    const share = upstream / ties;
    for (let k = 0; k < d; k++) {
      const u = x[xo + k] - y[yo + k] + eps;
      if (Math.abs(u) !== distance) continue;
      const g = u > 0 ? share : -share;
      gx[gxo + k] += g;
      gy[gyo + k] -= g;
    }
    return;
  }
  // ∂‖u‖_p/∂u_k = sign(u_k)·(|u_k| / ‖u‖_p)^(p−1): a ratio ≤ 1, so no power can overflow.
  for (let k = 0; k < d; k++) {
    const u = x[xo + k] - y[yo + k] + eps;
    if (u === 0) continue;
    const g = upstream * scaledPower(Math.abs(u) / distance, p - 1);
    gx[gxo + k] += u > 0 ? g : -g;
    gy[gyo + k] -= u > 0 ? g : -g;
  }
}

/** r^p for r ≥ 0, with the common integer orders multiplied out instead of calling Math.pow. */
function scaledPower(r: number, p: number): number {
  if (p === 1) return r;
  if (p === 2) return r * r;
  if (p === 3) return r * r * r;
  return Math.pow(r, p);
}

/** 1 − cos(x, y), each norm floored at COSINE_NORM_FLOOR (floors counted when `report` is given). */
function cosineDistance(x: Float64Array, xo: number, y: Float64Array, yo: number, d: number, report: DistanceReport | null): number {
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let k = 0; k < d; k++) {
    const a = x[xo + k];
    const b = y[yo + k];
    xx += a * a;
    yy += b * b;
    xy += a * b;
  }
  const nx = flooredNorm(xx, report);
  const ny = flooredNorm(yy, report);
  return 1 - xy / (nx * ny);
}

function flooredNorm(squaredNorm: number, report: DistanceReport | null): number {
  const norm = Math.sqrt(squaredNorm);
  if (norm >= COSINE_NORM_FLOOR) return norm;
  if (report !== null) report.clampedNorm++;
  return COSINE_NORM_FLOOR;
}

/**
 * D = 1 − x·y/(n̂x·n̂y) with n̂ = max(‖·‖, ε): ∂D/∂x = −y/(n̂x·n̂y) + [‖x‖ ≥ ε]·(x·y)·x/(‖x‖³·n̂y),
 * and symmetrically for y; a floored norm is a constant, so its term vanishes.
 */
function addCosineGradient(
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  d: number,
  upstream: number,
  gx: Float64Array,
  gxo: number,
  gy: Float64Array,
  gyo: number,
): void {
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let k = 0; k < d; k++) {
    const a = x[xo + k];
    const b = y[yo + k];
    xx += a * a;
    yy += b * b;
    xy += a * b;
  }
  const nx = flooredNorm(xx, null);
  const ny = flooredNorm(yy, null);
  const cross = -upstream / (nx * ny);
  const selfX = Math.sqrt(xx) >= COSINE_NORM_FLOOR ? (upstream * xy) / (nx * nx * nx * ny) : 0;
  const selfY = Math.sqrt(yy) >= COSINE_NORM_FLOOR ? (upstream * xy) / (nx * ny * ny * ny) : 0;
  for (let k = 0; k < d; k++) {
    const a = x[xo + k];
    const b = y[yo + k];
    gx[gxo + k] += cross * b + selfX * a;
    gy[gyo + k] += cross * a + selfY * b;
  }
}

/**
 * Distances between aligned rows: out[i] = D(x1[i], x2[i]).
 * @param x1 (B, d) embeddings.
 * @param x2 (B, d) embeddings.
 * @param options distance kind, p (default 2) and eps (default 1e-6, PyTorch's `pairwise_distance`).
 * @returns `distances` (B) and `report` (cosine norm floors).
 */
export function rowDistances(x1: Tensor, x2: Tensor, options: DistanceOptions = {}): { distances: Tensor; report: DistanceReport } {
  const fn = 'rowDistances';
  const { B, d } = requireRowPairs(fn, x1, x2);
  const metric = resolveMetric(fn, options, 1e-6);
  const report = emptyDistanceReport();
  const out = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    out[i] = pairDistance(metric, x1.data, i * d, x2.data, i * d, d, report);
  }
  return { distances: { shape: [B], data: out }, report };
}

/**
 * The backward of `rowDistances`: given ∂L/∂distances (B), returns ∂L/∂x1 and ∂L/∂x2, each (B, d).
 * `distances` must be the forward's output for the same inputs and options.
 */
export function rowDistancesBackward(
  x1: Tensor,
  x2: Tensor,
  distances: Tensor,
  upstream: Tensor,
  options: DistanceOptions = {},
): { x1: Tensor; x2: Tensor; report: DistanceReport } {
  const fn = 'rowDistancesBackward';
  const { B, d } = requireRowPairs(fn, x1, x2);
  const dims = new Map([['B', B]]);
  requireShape(fn, 'distances', distances, ['B'], dims);
  requireShape(fn, 'upstream', upstream, ['B'], dims);
  requireFinite(fn, 'upstream', upstream);
  const metric = resolveMetric(fn, options, 1e-6);
  const report = emptyDistanceReport();
  const g1 = new Float64Array(B * d);
  const g2 = new Float64Array(B * d);
  for (let i = 0; i < B; i++) {
    addPairGradient(metric, x1.data, i * d, x2.data, i * d, d, distances.data[i], upstream.data[i], g1, i * d, g2, i * d, report);
  }
  return { x1: { shape: [B, d], data: g1 }, x2: { shape: [B, d], data: g2 }, report };
}

function requireRowPairs(fn: string, x1: Tensor, x2: Tensor): { B: number; d: number } {
  const dims = requireShape(fn, 'x1', x1, ['B', 'd']);
  requireShape(fn, 'x2', x2, ['B', 'd'], dims);
  requireFinite(fn, 'x1', x1);
  requireFinite(fn, 'x2', x2);
  return { B: dims.get('B') as number, d: dims.get('d') as number };
}

/** Rows per tile of the blocked distance matrix: two tiles of 32 rows of 128 float64 = 64 KiB. */
export const TILE = 32;

/**
 * What the tiled loops need to know about a metric and a batch. Euclidean p = 2 tiles hold the
 * squared distance (`squaredEuclidean`), so that a miner can select on them and take the root of
 * the few it keeps; selection is unchanged since the root is monotone.
 */
export interface DistanceTiles {
  readonly metric: Metric;
  readonly x: Float64Array;
  readonly B: number;
  readonly d: number;
  /** Tiles hold ‖x_i − x_j‖² rather than the metric's value (Euclidean p = 2 only). */
  readonly squaredEuclidean: boolean;
  /** 1 / max(‖x_i‖, ε) per row, for cosine. */
  readonly inverseNorm: Float64Array | null;
  /** Where squared-distance tiles run on the WebAssembly SIMD kernel: its layout in linear memory. */
  readonly simd: SimdTileLayout | null;
}

/**
 * x copied into linear memory with rows zero-padded to an even length (the kernel walks f64x2
 * pairs; the padding cancels in x_i − x_j), followed by a TILE × TILE output tile. Sizes in bytes.
 */
export interface SimdTileLayout {
  readonly rowBytes: number;
  readonly tileStart: number;
  readonly totalBytes: number;
}

/**
 * Squared-distance batches smaller than this many (pair, coordinate) terms stay in TypeScript:
 * below it the copy into linear memory costs about as much as the kernel saves.
 */
export const SIMD_DISTANCE_THRESHOLD = 32768;

/**
 * The memory of the SIMD tile kernel with x resident, copying it in if someone else claimed it;
 * `extraBytes` more after layout.totalBytes are the caller's (batch-hard's candidates, mining.ts).
 */
export function residentTileMemory(tiles: DistanceTiles, layout: SimdTileLayout, extraBytes = 0): ReturnType<typeof simdMemory> {
  const memory = simdMemory(layout.totalBytes + extraBytes, tiles);
  if (memory.resident) return memory;
  const { x, B, d } = tiles;
  const stride = layout.rowBytes / 8;
  for (let i = 0; i < B; i++) {
    memory.f64.set(x.subarray(i * d, i * d + d), i * stride);
    if (stride > d) memory.f64[i * stride + d] = 0;
  }
  return memory;
}

export function distanceTiles(metric: Metric, x: Float64Array, B: number, d: number): DistanceTiles {
  let inverseNorm: Float64Array | null = null;
  if (metric.kind === 'cosine') {
    inverseNorm = new Float64Array(B);
    for (let i = 0; i < B; i++) inverseNorm[i] = 1 / flooredNorm(selfDot(x, i, d), null);
  }
  const squaredEuclidean = metric.kind === 'euclidean' && metric.p === 2;
  let simd: SimdTileLayout | null = null;
  if ((squaredEuclidean || metric.kind === 'squared-euclidean') && useSimd((B * B * d) / 2, SIMD_DISTANCE_THRESHOLD)) {
    const rowBytes = (d + (d % 2)) * 8;
    const tileStart = B * rowBytes;
    simd = { rowBytes, tileStart, totalBytes: tileStart + TILE * TILE * 8 };
  }
  return { metric, x, B, d, squaredEuclidean, inverseNorm, simd };
}

/**
 * Writes the tile's value (a distance, or a squared one) for every pair i in [i0, i1), j in [j0, j1) with j > i into
 * out[offset + (i − i0)·stride + (j − j0)]. Other positions of the tile may be overwritten.
 */
export function distanceTileInto(tiles: DistanceTiles, i0: number, i1: number, j0: number, j1: number, out: Float64Array, offset: number, stride: number): void {
  const { metric, x, d, inverseNorm } = tiles;
  if (inverseNorm !== null) {
    for (let i = i0; i < i1; i++) {
      for (let j = Math.max(j0, i + 1); j < j1; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += x[i * d + k] * x[j * d + k];
        out[offset + (i - i0) * stride + (j - j0)] = 1 - s * inverseNorm[i] * inverseNorm[j];
      }
    }
  } else if (tiles.simd !== null && i1 - i0 <= TILE && j1 - j0 <= TILE) {
    const layout = tiles.simd;
    const memory = residentTileMemory(tiles, layout);
    const width = j1 - j0;
    memory.kernels.sqdist_tile_f64(0, layout.rowBytes, i0, i1, j0, j1, layout.tileStart, width);
    const tile = layout.tileStart / 8;
    for (let i = i0; i < i1; i++) {
      const row = tile + (i - i0) * width;
      out.set(memory.f64.subarray(row, row + width), offset + (i - i0) * stride);
    }
  } else if (tiles.squaredEuclidean || metric.kind === 'squared-euclidean') {
    squaredDistanceTile(x, d, i0, i1, j0, j1, out, offset - i0 * stride - j0, stride);
  } else {
    for (let i = i0; i < i1; i++) {
      for (let j = Math.max(j0, i + 1); j < j1; j++) out[offset + (i - i0) * stride + (j - j0)] = pairDistance(metric, x, i * d, x, j * d, d);
    }
  }
}

/**
 * Writes the (B, B) distance matrix of the rows of x (B·d values) into `out`: symmetric, with a
 * zero diagonal (cosine: 0 unless a norm was floored).
 */
export function pairwiseDistanceMatrixInto(metric: Metric, x: Float64Array, B: number, d: number, out: Float64Array): void {
  const tiles = distanceTiles(metric, x, B, d);
  for (let i0 = 0; i0 < B; i0 += TILE) {
    const i1 = Math.min(B, i0 + TILE);
    for (let j0 = i0; j0 < B; j0 += TILE) {
      checkInterrupt();
      const j1 = Math.min(B, j0 + TILE);
      // The tile's values are read where they were computed (the SIMD kernel's tile in linear
      // memory, else `out` itself), rooted and mirrored while in cache: a pass over the whole
      // triangle afterwards wrote the lower half a column at a time, one cache miss per entry.
      let source = out;
      let at = i0 * B + j0;
      let stride = B;
      if (tiles.simd !== null) {
        const layout = tiles.simd;
        const memory = residentTileMemory(tiles, layout);
        memory.kernels.sqdist_tile_f64(0, layout.rowBytes, i0, i1, j0, j1, layout.tileStart, j1 - j0);
        [source, at, stride] = [memory.f64, layout.tileStart / 8, j1 - j0];
      } else distanceTileInto(tiles, i0, i1, j0, j1, out, at, stride);
      if (finishTile(source, at - i0 * stride - j0, stride, out, B, i0, i1, j0, j1, tiles.squaredEuclidean)) {
        // An overflowing sum of squares is redone with the scaled p-norm.
        for (let i = i0; i < i1; i++) {
          for (let j = Math.max(j0, i + 1); j < j1; j++) {
            if (out[i * B + j] === Infinity) out[i * B + j] = out[j * B + i] = pairDistance(metric, x, i * d, x, j * d, d);
          }
        }
      }
    }
  }
  for (let i = 0; i < B; i++) out[i * B + i] = selfDistance(tiles, i);
}

/**
 * Copies the tile's upper-triangle values source[base + i·stride + j] into out[i·B + j] and
 * out[j·B + i], rooted when `root`; returns whether a root met +∞ (an overflowed sum of squares).
 * Typed arrays and numbers only: a loop that also held the tile's memory object lost its optimised
 * code at every garbage collection (V8's weak embedded objects) and ran the rest of the call slowly.
 */
function finishTile(source: Float64Array, base: number, stride: number, out: Float64Array, B: number, i0: number, i1: number, j0: number, j1: number, root: boolean): boolean {
  let overflow = false;
  for (let i = i0; i < i1; i++) {
    for (let j = Math.max(j0, i + 1); j < j1; j++) {
      let value = source[base + i * stride + j];
      if (root) {
        overflow ||= value === Infinity;
        value = Math.sqrt(value);
      }
      out[i * B + j] = value;
      out[j * B + i] = value;
    }
  }
  return overflow;
}

/** A row's distance to itself: 0, except cosine with a floored norm (then cos < 1). */
function selfDistance(tiles: DistanceTiles, i: number): number {
  const { inverseNorm, x, d } = tiles;
  if (inverseNorm === null || inverseNorm[i] !== 1 / COSINE_NORM_FLOOR) return 0;
  return 1 - selfDot(x, i, d) * inverseNorm[i] * inverseNorm[i];
}

/**
 * Σ_k (x_i,k − x_j,k)² for i in [i0, i1), j in [j0, j1), j > i, into out[base + i·stride + j]. The
 * core is a 4 × 4 register block: each k loads 8 values and feeds 16 accumulators, which is what
 * keeps the (B, B) pass load-bound rather than bounds-check-bound. Entries on or below the diagonal
 * that a diagonal tile's block computes on the way are harmless.
 */
function squaredDistanceTile(x: Float64Array, d: number, i0: number, i1: number, j0: number, j1: number, out: Float64Array, base: number, stride: number): void {
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    const a0 = i * d;
    const a1 = a0 + d;
    const a2 = a1 + d;
    const a3 = a2 + d;
    // From column i + 1 every row of the block still needs every later column.
    let j = Math.max(j0, i + 1);
    for (; j + 3 < j1; j += 4) {
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < d; k++) {
        const q0 = x[b0 + k];
        const q1 = x[b1 + k];
        const q2 = x[b2 + k];
        const q3 = x[b3 + k];
        let p = x[a0 + k];
        let u = p - q0; s00 += u * u; u = p - q1; s01 += u * u; u = p - q2; s02 += u * u; u = p - q3; s03 += u * u;
        p = x[a1 + k];
        u = p - q0; s10 += u * u; u = p - q1; s11 += u * u; u = p - q2; s12 += u * u; u = p - q3; s13 += u * u;
        p = x[a2 + k];
        u = p - q0; s20 += u * u; u = p - q1; s21 += u * u; u = p - q2; s22 += u * u; u = p - q3; s23 += u * u;
        p = x[a3 + k];
        u = p - q0; s30 += u * u; u = p - q1; s31 += u * u; u = p - q2; s32 += u * u; u = p - q3; s33 += u * u;
      }
      let o = base + i * stride + j;
      out[o] = s00; out[o + 1] = s01; out[o + 2] = s02; out[o + 3] = s03;
      o += stride;
      out[o] = s10; out[o + 1] = s11; out[o + 2] = s12; out[o + 3] = s13;
      o += stride;
      out[o] = s20; out[o + 1] = s21; out[o + 2] = s22; out[o + 3] = s23;
      o += stride;
      out[o] = s30; out[o + 1] = s31; out[o + 2] = s32; out[o + 3] = s33;
    }
    // Columns left over at the tile's edge, one row at a time.
    for (let r = i; r < i + 4; r++) {
      for (let c = Math.max(j, r + 1); c < j1; c++) out[base + r * stride + c] = squaredDistance(x, r * d, c * d, d);
    }
  }
  for (; i < i1; i++) {
    for (let c = Math.max(j0, i + 1); c < j1; c++) out[base + i * stride + c] = squaredDistance(x, i * d, c * d, d);
  }
}

function squaredDistance(x: Float64Array, xo: number, yo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const u = x[xo + k] - x[yo + k];
    s += u * u;
  }
  return s;
}

function selfDot(x: Float64Array, i: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += x[i * d + k] * x[i * d + k];
  return s;
}

/**
 * The full (B, B) distance matrix of one set of embeddings.
 * @param x (B, d) embeddings.
 * @param options distance kind and p; eps defaults to 0 here and must be 0, since the matrix is
 *   symmetric only without it.
 * @returns `distances` (B, B), symmetric with a zero diagonal (for cosine, 1 − 1 unless a norm is floored).
 */
export function pairwiseDistances(x: Tensor, options: DistanceOptions = {}): Tensor {
  const fn = 'pairwiseDistances';
  const { B, d, metric } = requireEmbeddings(fn, x, options);
  const out = new Float64Array(B * B);
  pairwiseDistanceMatrixInto(metric, x.data, B, d, out);
  return { shape: [B, B], data: out };
}

/** Upstream gradient on a few matrix entries: ∂L/∂D[first[k], second[k]] = weight[k]. */
export interface SparsePairGradient {
  readonly first: Int32Array;
  readonly second: Int32Array;
  readonly weight: Float64Array;
}

/**
 * The backward of `pairwiseDistances`: given ∂L/∂D, as a dense (B, B) tensor or as a few entries
 * (a miner's selected pairs: batch-hard has only 2·B), returns ∂L/∂x (B, d). Only entries with a
 * nonzero upstream are visited, each at O(d).
 */
export function pairwiseDistancesBackward(
  x: Tensor,
  distances: Tensor,
  upstream: Tensor | SparsePairGradient,
  options: DistanceOptions = {},
): { x: Tensor; report: DistanceReport } {
  const fn = 'pairwiseDistancesBackward';
  const { B, d, metric } = requireEmbeddings(fn, x, options);
  requireShape(fn, 'distances', distances, [B, B]);
  const report = emptyDistanceReport();
  const grad = new Float64Array(B * d);
  if ('shape' in upstream) {
    requireShape(fn, 'upstream', upstream, [B, B]);
    requireFinite(fn, 'upstream', upstream);
    addDenseMatrixGradient(metric, x.data, B, d, distances.data, upstream.data, grad, report);
  } else {
    const { first, second, weight } = upstream;
    if (second.length !== first.length || weight.length !== first.length) {
      throw new InputError(fn, 'upstream', 'first, second and weight of one length', `lengths ${first.length}, ${second.length}, ${weight.length}`);
    }
    for (let k = 0; k < first.length; k++) {
      const i = first[k];
      const j = second[k];
      if (!(i >= 0 && i < B && j >= 0 && j < B)) throw new InputError(fn, 'upstream', `row indices in [0, ${B - 1}]`, `(${i}, ${j})`, [k]);
      if (i === j) continue;
      addPairGradient(metric, x.data, i * d, x.data, j * d, d, distances.data[i * B + j], weight[k], grad, i * d, grad, j * d, report);
    }
  }
  return { x: { shape: [B, d], data: grad }, report };
}

/** Adds Σ_ij G[i, j]·∂D[i, j]/∂x into grad; the diagonal (a row against itself) has no gradient. */
export function addDenseMatrixGradient(
  metric: Metric,
  x: Float64Array,
  B: number,
  d: number,
  distances: Float64Array,
  upstream: Float64Array,
  grad: Float64Array,
  report: DistanceReport,
): void {
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      const g = upstream[i * B + j];
      if (g === 0 || i === j) continue;
      addPairGradient(metric, x, i * d, x, j * d, d, distances[i * B + j], g, grad, i * d, grad, j * d, report);
    }
  }
}

function requireEmbeddings(fn: string, x: Tensor, options: DistanceOptions): { B: number; d: number; metric: Metric } {
  const dims = requireShape(fn, 'x', x, ['B', 'd']);
  requireFinite(fn, 'x', x);
  const metric = resolveMetric(fn, options, 0);
  if (metric.eps !== 0) throw new InputError(fn, 'options.eps', '0 for a distance matrix (the matrix is symmetric only without eps)', describeValue(metric.eps));
  return { B: dims.get('B') as number, d: dims.get('d') as number, metric };
}
