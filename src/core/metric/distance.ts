/**
 * Composable distances for metric learning, with pytorch-metric-learning's (pml) conventions
 * (`distances/lp_distance.py`, `distances/cosine_similarity.py`, `distances/base_distance.py`):
 * an object that says how to turn a batch of embeddings (B, d) into a (B, B) matrix, and whether
 * that matrix is a distance (smaller = closer) or a similarity (`isInverted`: larger = closer, so
 * every miner and loss flips its comparisons).
 *
 * - `lp`: ‖x̂_i − x̂_j‖_p raised to `power`, where x̂ = x / max(‖x‖₂, 1e-12) when
 *   `normalizeEmbeddings` (pml's default, true) and x̂ = x otherwise.
 * - `cosine`: x̂_i·x̂_j raised to `power`, always on normalised rows (pml asserts it).
 *
 * The Lp matrix is computed from differences (`src/core/distances.ts`), not pml's
 * ‖x‖² + ‖y‖² − 2x·y, which agrees to ~1e-15 off the diagonal; the diagonal is never used by a
 * miner or loss. Backward passes take ∂L/∂mat as a dense (B, B) array and return ∂L/∂x through
 * the power, the distance and the normalisation: the true gradient wherever the distance is
 * differentiable (a zero Lp distance takes the subgradient 0 and is counted).
 */
import { SIMD_DISTANCE_THRESHOLD, addDenseMatrixGradient, emptyDistanceReport, pairwiseDistanceMatrixInto, type DistanceReport, type Metric } from '../distances';
import { InputError, describeValue } from '../errors';
import { SIMD_THRESHOLD, matmulInto, matmulTransBInto } from '../matmul';
import { useSimd } from '../simd/path';
import { normalizeRowsBackwardInto, normalizeRowsInto, rowNormsInto } from '../normalize';
import { scratchFloat64 } from '../scratch';

/** pml's `LpDistance(p, power, normalize_embeddings)` or `CosineSimilarity(power)`. */
export interface MetricDistance {
  readonly kind: 'lp' | 'cosine';
  /** Order of the Lp norm (> 0, Infinity allowed); 2 for cosine. */
  readonly p: number;
  /** The matrix is raised to this power (pml `power`, default 1). */
  readonly power: number;
  /** Rows are L2-normalised before measuring (pml default true; always true for cosine). */
  readonly normalizeEmbeddings: boolean;
  /** A similarity: larger means closer (cosine). */
  readonly isInverted: boolean;
}

/** Options a user gives for a distance; absent keys take pml's defaults. */
export interface MetricDistanceOptions {
  /** `lp` (pml `LpDistance`) or `cosine` (pml `CosineSimilarity`). */
  distance?: 'lp' | 'cosine';
  p?: number;
  power?: number;
  normalize_embeddings?: boolean;
}

/** pml's `LpDistance(p=2, power=1, normalize_embeddings=True)`. */
export function lpDistance(p = 2, power = 1, normalizeEmbeddings = true): MetricDistance {
  return { kind: 'lp', p, power, normalizeEmbeddings, isInverted: false };
}

/** pml's `CosineSimilarity(power=1)`: inverted, on normalised rows. */
export function cosineSimilarity(power = 1): MetricDistance {
  return { kind: 'cosine', p: 2, power, normalizeEmbeddings: true, isInverted: true };
}

/**
 * Validates distance options. `fallback` is the distance the caller uses when none is named
 * (pml: `lp` for most miners and losses, `cosine` for the multi-similarity pair).
 */
export function resolveMetricDistance(fn: string, options: MetricDistanceOptions, fallback: 'lp' | 'cosine'): MetricDistance {
  const kind = options.distance ?? fallback;
  if (kind !== 'lp' && kind !== 'cosine') throw new InputError(fn, 'options.distance', "'lp' or 'cosine'", describeValue(kind));
  const p = options.p ?? 2;
  if (typeof p !== 'number' || !(p > 0)) throw new InputError(fn, 'options.p', 'a number > 0 (Infinity allowed)', describeValue(p));
  const power = options.power ?? 1;
  if (typeof power !== 'number' || !Number.isFinite(power) || !(power > 0)) throw new InputError(fn, 'options.power', 'a finite number > 0', describeValue(power));
  const normalize = options.normalize_embeddings ?? true;
  if (typeof normalize !== 'boolean') throw new InputError(fn, 'options.normalize_embeddings', 'a boolean', describeValue(normalize));
  if (kind === 'cosine') {
    if (p !== 2) throw new InputError(fn, 'options.p', "2 (or absent) with distance 'cosine'", describeValue(p));
    if (!normalize) throw new InputError(fn, 'options.normalize_embeddings', "true with distance 'cosine' (pml's CosineSimilarity requires it)", 'false');
    return cosineSimilarity(power);
  }
  return lpDistance(p, power, normalize);
}

/** pml's `distance.margin(x, y)`: y − x for a similarity, x − y for a distance. */
export function distanceMargin(distance: MetricDistance, x: number, y: number): number {
  return distance.isInverted ? y - x : x - y;
}

/** Whether value `a` is strictly closer than `b` under this distance (smaller d, larger s). */
export function isCloser(distance: MetricDistance, a: number, b: number): boolean {
  return distance.isInverted ? a > b : a < b;
}

/** How measureBackward adds the pairs' terms: one pair at a time, or one (B, B) × (B, d) product. */
export type BackwardRoute = 'auto' | 'pairs' | 'product';

/** A batch measured by a distance: what miners and losses read. */
export interface MeasuredBatch {
  readonly distance: MetricDistance;
  readonly B: number;
  readonly d: number;
  /** (B, d) the raw embeddings. */
  readonly raw: Float64Array;
  /** (B, d) the rows the matrix was measured on (normalised or raw). */
  readonly x: Float64Array;
  /** (B) raw row norms, when normalised. */
  readonly norms: Float64Array | null;
  /** (B, B) Lp distance or dot product before `power`. */
  readonly base: Float64Array;
  /** (B, B) the matrix pml's miners and losses compare: `base ** power`. */
  readonly mat: Float64Array;
}

/**
 * Measures a (B, d) batch: normalises if the distance says so, then the (B, B) matrix. With
 * `scratchRole`, the batch's arrays are scratch arrays under that role (src/core/scratch.ts): the
 * caller must be done with the batch before it returns.
 */
export function measureBatch(distance: MetricDistance, embeddings: Float64Array, B: number, d: number, scratchRole?: string): MeasuredBatch {
  const allocate = (part: string, length: number): Float64Array => (scratchRole === undefined ? new Float64Array(length) : scratchFloat64(`${scratchRole} ${part}`, length));
  let x = embeddings;
  let norms: Float64Array | null = null;
  if (distance.normalizeEmbeddings) {
    norms = new Float64Array(B);
    rowNormsInto(embeddings, B, d, norms);
    x = allocate('rows', B * d);
    normalizeRowsInto(embeddings, B, d, norms, x);
  }
  // Every entry is written below (the diagonal too), so a scratch matrix needs no clearing.
  const base = allocate('matrix', B * B);
  if (distance.kind === 'cosine') gramMatrixInto(x, B, d, base);
  else pairwiseDistanceMatrixInto(lpMetric(distance), x, B, d, base);
  let mat = base;
  if (distance.power !== 1) {
    mat = allocate('powered matrix', B * B);
    for (let k = 0; k < mat.length; k++) mat[k] = Math.pow(base[k], distance.power);
  }
  return { distance, B, d, raw: embeddings, x, norms, base, mat };
}

/** Rows per block of `gramMatrixInto`: 64 and 256 were slower (smaller products; more work). */
const GRAM_BLOCK = 128;

/**
 * Whether measureBatch computes this batch's matrix on the WebAssembly SIMD kernels: every block
 * of the cosine Gram product, or the squared-distance tiles of Lp with p = 2. screen.ts reproduces
 * those kernels' sums entry by entry, so it is used only where this holds.
 */
export function matrixOnSimd(distance: MetricDistance, B: number, d: number): boolean {
  if (distance.kind === 'lp') return distance.p === 2 && useSimd((B * B * d) / 2, SIMD_DISTANCE_THRESHOLD);
  for (let i0 = 0; i0 < B; i0 += GRAM_BLOCK) {
    const i1 = Math.min(B, i0 + GRAM_BLOCK);
    if (!useSimd((i1 - i0) * d * (B - i0), SIMD_THRESHOLD)) return false;
  }
  return true;
}

/**
 * out (B, B) = x·xᵀ computing only the blocks on and above the diagonal (56 % of the product's
 * work at B = 1024) and mirroring them. Each entry is the same product kernel's sum as in the full
 * product (checked bit for bit when this was written), now also exactly symmetric.
 */
function gramMatrixInto(x: Float64Array, B: number, d: number, out: Float64Array): void {
  const block = scratchFloat64('gram block', Math.min(B, GRAM_BLOCK) * B);
  for (let i0 = 0; i0 < B; i0 += GRAM_BLOCK) {
    const i1 = Math.min(B, i0 + GRAM_BLOCK);
    const n = B - i0;
    matmulTransBInto(x.subarray(i0 * d, i1 * d), x.subarray(i0 * d), block, i1 - i0, d, n);
    for (let i = i0; i < i1; i++) {
      const from = (i - i0) * n - i0;
      for (let j = i; j < B; j++) {
        const value = block[from + j];
        out[i * B + j] = value;
        out[j * B + i] = value;
      }
    }
  }
}

function lpMetric(distance: MetricDistance): Metric {
  return { kind: 'euclidean', p: distance.p, eps: 0 };
}

/**
 * ∂L/∂embeddings (B, d) from upstream (B, B) = ∂L/∂mat (consumed: it is overwritten). Diagonal
 * entries are ignored (no miner or loss reads them). `report.zeroDistance` counts coincident Lp
 * pairs given the subgradient 0. `route` picks how L2 and cosine gather the pairs' terms (tests
 * force each): `auto` chooses by how many pairs are weighted (SPARSE_PAIRS_PER_ENTRY).
 */
export function measureBackward(batch: MeasuredBatch, upstream: Float64Array, route: BackwardRoute = 'auto'): { grad: Float64Array; report: DistanceReport } {
  const { distance, B, d, base, x } = batch;
  const report = emptyDistanceReport();
  for (let i = 0; i < B; i++) upstream[i * B + i] = 0;
  if (distance.power !== 1) {
    for (let k = 0; k < upstream.length; k++) {
      if (upstream[k] !== 0) upstream[k] *= distance.power * Math.pow(base[k], distance.power - 1);
    }
  }
  const grad = new Float64Array(B * d);
  if (distance.kind === 'cosine' || distance.p === 2) {
    // Cosine, s_ij = x̂_i·x̂_j: ∂L/∂x̂ = H·x̂ with H = G + Gᵀ. L2, d_ij = ‖x̂_i − x̂_j‖:
    // ∂L/∂x̂_i = Σ_j H_ij·(x̂_i − x̂_j) with H = (G + Gᵀ)/d, i.e. rowsum(H)·x̂ − H·x̂ (a zero distance
    // takes the subgradient 0).
    const cosine = distance.kind === 'cosine';
    // H replaces G in place (each pair's two entries are read and written together).
    const weights = upstream;
    const pairs = symmetrizeWeights(weights, cosine ? null : base, B, report);
    if (route === 'pairs' || (route === 'auto' && pairs * SPARSE_PAIRS_PER_ENTRY <= B * B)) addSparsePairs(weights, x, B, d, cosine, grad);
    else {
      // One matrix product instead of B² pair updates.
      matmulInto(weights, x, grad, B, B, d);
      if (!cosine) {
        for (let i = 0; i < B; i++) {
          let rowSum = 0;
          for (let j = i * B, end = j + B; j < end; j++) rowSum += weights[j];
          for (let k = i * d, end = k + d; k < end; k++) grad[k] = rowSum * x[k] - grad[k];
        }
      }
    }
  } else {
    addDenseMatrixGradient(lpMetric(distance), x, B, d, base, upstream, grad, report);
  }
  if (batch.norms !== null) {
    const dots = new Float64Array(B);
    for (let i = 0; i < B; i++) {
      let s = 0;
      for (let k = i * d, end = k + d; k < end; k++) s += x[k] * grad[k];
      dots[i] = s;
    }
    normalizeRowsBackwardInto(grad, batch.raw, B, d, batch.norms, dots);
  }
  return { grad, report };
}

/**
 * Below one weighted pair per this many (B, B) entries, the backward adds each pair's terms
 * directly (4·d multiply-adds a pair) instead of the (B, B) × (B, d) product: contrastive over
 * normalised random embeddings weighs about one pair in 70 (its positives and the rare negatives
 * inside the margin), where the product's B²·d multiply-adds are mostly zeros.
 */
const SPARSE_PAIRS_PER_ENTRY = 16;

/**
 * G becomes H = G + Gᵀ in place (divided by the distance when `distances` is given: the L2 case),
 * diagonal 0; returns the number of pairs i < j with H_ij ≠ 0. Walks 32×32 blocks so that Gᵀ is
 * read from cache. Coincident L2 pairs get 0 and are counted in the report.
 */
function symmetrizeWeights(weights: Float64Array, distances: Float64Array | null, B: number, report: DistanceReport): number {
  const BLOCK = 32;
  let pairs = 0;
  for (let i0 = 0; i0 < B; i0 += BLOCK) {
    for (let j0 = i0; j0 < B; j0 += BLOCK) {
      const i1 = Math.min(B, i0 + BLOCK);
      const j1 = Math.min(B, j0 + BLOCK);
      for (let i = i0; i < i1; i++) {
        weights[i * B + i] = 0;
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          let h = weights[i * B + j] + weights[j * B + i];
          if (h !== 0 && distances !== null) {
            const dist = distances[i * B + j];
            if (dist === 0) report.zeroDistance++;
            h = dist === 0 ? 0 : h / dist;
          }
          pairs += +(h !== 0);
          weights[i * B + j] = h;
          weights[j * B + i] = h;
        }
      }
    }
  }
  return pairs;
}

/** ∂L/∂x̂ from the pairs with H_ij ≠ 0, i < j, one at a time (see SPARSE_PAIRS_PER_ENTRY). */
function addSparsePairs(weights: Float64Array, x: Float64Array, B: number, d: number, cosine: boolean, grad: Float64Array): void {
  for (let i = 0; i < B; i++) {
    const xi = i * d;
    for (let j = i + 1; j < B; j++) {
      const h = weights[i * B + j];
      if (h === 0) continue;
      const xj = j * d;
      if (cosine) {
        for (let k = 0; k < d; k++) {
          grad[xi + k] += h * x[xj + k];
          grad[xj + k] += h * x[xi + k];
        }
      } else {
        for (let k = 0; k < d; k++) {
          const diff = h * (x[xi + k] - x[xj + k]);
          grad[xi + k] += diff;
          grad[xj + k] -= diff;
        }
      }
    }
  }
}
