/**
 * Triplet mining over a labelled batch of embeddings (Hermans et al. 2017, "In Defense of the
 * Triplet Loss"; FaceNet's semi-hard selection): which (anchor, positive, negative) triplets a batch
 * holds, which ones a miner picks, and the loss of the picked ones with its exact gradient.
 *
 * Terms: a positive of anchor a is another sample with a's label, a negative is a sample with a
 * different label; a valid triplet is (a, p, n) with a ≠ p, label p = label a, label n ≠ label a.
 * Every distance is measured once, from differences (so that ties and identical embeddings are
 * exact): batch-hard streams the upper triangle through a tile buffer, the O(B³) miners keep the
 * (B, B) matrix. Backward passes touch only the selected pairs.
 */
import { checkInterrupt } from './interrupt';
import {
  addDenseMatrixGradient,
  addPairGradient,
  emptyDistanceReport,
  pairwiseDistanceMatrixInto,
  distanceTileInto,
  pairDistance,
  resolveMetric,
  distanceTiles,
  residentTileMemory,
  TILE,
  type DistanceOptions,
  type DistanceTiles,
  type DistanceReport,
  type SimdTileLayout,
  type Metric,
} from './distances';
import { InputError, describeValue } from './errors';
import { tripletLoss, tripletLossSlope } from './losses/triplet';
import type { KernelExports } from './simd/memory';
import { requireFinite, requireIntegers, requireShape, scalar, type Tensor } from './tensor';

declare module './simd/memory' {
  interface KernelExports {
    mine_tile_f64(
      tile: number, ldo: number, i0: number, i1: number, j0: number, j1: number,
      labels: number, far: number, hp: number, near: number, hn: number, largest: number,
    ): number;
  }
}

/** Options shared by the miners. */
export interface MiningOptions extends Omit<DistanceOptions, 'eps'> {
  /**
   * α in hinge(d_ap − d_an + α); default 0.3, the margin of the re-identification baselines that
   * popularised batch-hard (and of the reference fixtures). Not used by the soft loss.
   */
  margin?: number;
  /** Hermans et al.'s soft margin: softplus(d_ap − d_an) instead of the hinge (default false). */
  soft?: boolean;
  /** Also compute the exact gradient of `loss` with respect to the embeddings (default false). */
  grad?: boolean;
}

/** A per-triplet loss counts as positive above this, as in the batch-all reference. */
export const POSITIVE_LOSS_THRESHOLD = 1e-16;

/**
 * A batch is flagged collapsed when no two embeddings are farther apart than this times
 * max(1, largest |coordinate|) (Euclidean kinds), or than this in cosine distance.
 */
export const COLLAPSE_TOLERANCE = 1e-9;

/** A labelled batch with its distance matrix, shared by every miner. */
interface PreparedBatch {
  readonly B: number;
  readonly d: number;
  readonly x: Float64Array;
  readonly labels: Float64Array;
  readonly metric: Metric;
  readonly margin: number;
  readonly soft: boolean;
  /** (B, B) symmetric distances; empty when the miner streams tiles instead. */
  readonly distances: Float64Array;
}

function prepareBatch(fn: string, embeddings: Tensor, labels: Tensor, options: MiningOptions, streamed = false): PreparedBatch {
  const dims = requireShape(fn, 'embeddings', embeddings, ['B', 'd']);
  requireShape(fn, 'labels', labels, ['B'], dims);
  requireFinite(fn, 'embeddings', embeddings);
  requireIntegers(fn, 'labels', labels, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const margin = options.margin ?? 0.3;
  if (typeof margin !== 'number' || !Number.isFinite(margin)) {
    throw new InputError(fn, 'options.margin', 'a finite number', describeValue(margin));
  }
  const soft = options.soft ?? false;
  if (typeof soft !== 'boolean') throw new InputError(fn, 'options.soft', 'a boolean', describeValue(soft));
  const metric = resolveMetric(fn, { distance: options.distance, p: options.p }, 0);
  const B = dims.get('B') as number;
  const d = dims.get('d') as number;
  const distances = new Float64Array(streamed ? 0 : B * B);
  if (!streamed) pairwiseDistanceMatrixInto(metric, embeddings.data, B, d, distances);
  return { B, d, x: embeddings.data, labels: labels.data, metric, margin, soft, distances };
}

/**
 * Whether every pair of rows is within the collapse tolerance (false for fewer than two rows);
 * `largest` is the largest distance between two different rows.
 */
function isCollapsed(batch: Pick<PreparedBatch, 'B' | 'x' | 'metric'>, largest: number): boolean {
  const { B, x, metric } = batch;
  if (B < 2) return false;
  if (metric.kind === 'cosine') return largest <= COLLAPSE_TOLERANCE;
  if (metric.kind === 'squared-euclidean') largest = Math.sqrt(largest);
  let scale = 1;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) > scale) scale = Math.abs(x[i]);
  return largest <= COLLAPSE_TOLERANCE * scale;
}

function largestDistance(distances: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < distances.length; i++) if (distances[i] > largest) largest = distances[i];
  return largest;
}

/** What `batchHard` returns. */
export interface BatchHardResult {
  /** Scalar: the mean of `perAnchor` over valid anchors; 0 when no anchor is valid. */
  readonly loss: Tensor;
  /** (B) per-anchor loss, 0 for anchors that were dropped. */
  readonly perAnchor: Tensor;
  /** (B) whether the anchor has at least one positive and one negative. */
  readonly validAnchor: boolean[];
  /** (B) index of the hardest (farthest) positive, −1 if none; ties go to the lowest index. */
  readonly hardestPositive: Int32Array;
  /** (B) index of the hardest (nearest) negative, −1 if none; ties go to the lowest index. */
  readonly hardestNegative: Int32Array;
  /** Anchors dropped for lack of a positive, and for lack of a negative (one anchor may count in both). */
  readonly dropped: { readonly noPositive: number; readonly noNegative: number };
  /** All embeddings (numerically) coincide: see COLLAPSE_TOLERANCE. */
  readonly collapsed: boolean;
  /** With `grad: true`: ∂loss/∂embeddings (B, d). */
  readonly grad?: { readonly embeddings: Tensor };
  readonly report: DistanceReport;
}

/**
 * Batch-hard triplet loss (Hermans et al. 2017): for each anchor, its farthest positive and its
 * nearest negative, loss hinge(d_ap − d_an + margin) or softplus(d_ap − d_an) when `soft`.
 * @param embeddings (B, d) finite embeddings.
 * @param labels (B) integer class labels.
 * @param options margin (default 0.3), soft (default false), distance (default euclidean, p 2; no
 *   eps), grad (default false).
 * @returns the mean over valid anchors (anchors with a positive and a negative; the others are
 *   dropped and counted), and with `grad` its gradient, which flows through the 2·B selected
 *   distances only (like max/min in PyTorch, to the selected index). No valid anchor gives loss 0
 *   and a zero gradient.
 */
export function batchHard(embeddings: Tensor, labels: Tensor, options: MiningOptions = {}): BatchHardResult {
  const job = prepareBatchHard(embeddings, labels, options);
  const candidates = emptyCandidates(job.B);
  const largest = mineTileRows(job, 0, tileRowCount(job), candidates, 0);
  return finishBatchHard(job, candidates, largest);
}

/** A validated batch-hard problem: what the tile pass needs, on any thread. */
export interface BatchHardJob extends Omit<PreparedBatch, 'distances'> {
  readonly tiles: DistanceTiles;
  readonly grad: boolean;
}

/**
 * The hardest positive and negative per anchor among the pairs of some tiles: (B) entries per
 * block of tile rows, `slots` blocks back to back (one for a single pass). Kernel values (squared
 * for Euclidean p = 2) until finishBatchHard takes the roots.
 */
export interface HardestCandidates {
  readonly farthest: Float64Array;
  readonly hardestPositive: Int32Array;
  readonly nearest: Float64Array;
  readonly hardestNegative: Int32Array;
}

/** Validates the inputs (batchHard's errors) and plans the tile pass. */
export function prepareBatchHard(embeddings: Tensor, labels: Tensor, options: MiningOptions = {}): BatchHardJob {
  const batch = prepareBatch('batchHard', embeddings, labels, options, true);
  const { B, d, x, labels: label, metric, margin, soft } = batch;
  return { B, d, x, labels: label, metric, margin, soft, tiles: distanceTiles(metric, x, B, d), grad: options.grad === true };
}

/** Rows of TILE × TILE tiles in the upper triangle: tile row t holds ceil(B/TILE) − t tiles. */
export function tileRowCount(job: BatchHardJob): number {
  return Math.ceil(job.B / TILE);
}

/** Candidates for `slots` blocks of B anchors, none found yet. */
export function emptyCandidates(B: number, slots = 1, allocate = (bytes: number): ArrayBuffer | SharedArrayBuffer => new ArrayBuffer(bytes)): HardestCandidates {
  const n = B * slots;
  return {
    farthest: new Float64Array(allocate(8 * n)).fill(-Infinity),
    hardestPositive: new Int32Array(allocate(4 * n)).fill(-1),
    nearest: new Float64Array(allocate(8 * n)).fill(Infinity),
    hardestNegative: new Int32Array(allocate(4 * n)).fill(-1),
  };
}

/**
 * Mines the pairs of tile rows [t0, t1) of the upper triangle into candidate block `slot`; returns
 * the largest distance value met. Each pair updates both of its rows, and a row meets its candidates
 * in increasing index order (j < a as a column of earlier tiles, then j > a along its own row), so
 * the strict comparisons leave ties with the lowest index, as torch.max/min along a dimension do.
 * Blocks of disjoint tile rows, merged by mergeCandidates, give exactly the one-pass result.
 */
export function mineTileRows(job: BatchHardJob, t0: number, t1: number, candidates: HardestCandidates, slot: number): number {
  const { B, tiles } = job;
  const label = job.labels;
  const o = slot * B;
  const farthest = candidates.farthest.subarray(o, o + B);
  const nearest = candidates.nearest.subarray(o, o + B);
  const hardestPositive = candidates.hardestPositive.subarray(o, o + B);
  const hardestNegative = candidates.hardestNegative.subarray(o, o + B);
  const simd = tiles.simd === null ? null : new SimdMiner(job, { farthest, hardestPositive, nearest, hardestNegative });
  // No (B, B) matrix is stored: the triangle streams through one tile buffer.
  const tile = new Float64Array(simd === null ? TILE * TILE : 0);
  let largest = 0;
  for (let i0 = t0 * TILE; i0 < Math.min(B, t1 * TILE); i0 += TILE) {
    const i1 = Math.min(B, i0 + TILE);
    for (let j0 = i0; j0 < B; j0 += TILE) {
      // A tile is TILE²·d multiply-adds; a large batch is billions of them.
      checkInterrupt();
      const j1 = Math.min(B, j0 + TILE);
      if (simd !== null) {
        largest = simd.mine(i0, i1, j0, j1, largest);
        continue;
      }
      distanceTileInto(tiles, i0, i1, j0, j1, tile, 0, TILE);
      for (let i = i0; i < i1; i++) {
        const own = label[i];
        const row = (i - i0) * TILE - j0;
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          const dist = tile[row + j];
          if (dist > largest) largest = dist;
          if (label[j] === own) {
            if (dist > farthest[i]) {
              farthest[i] = dist;
              hardestPositive[i] = j;
            }
            if (dist > farthest[j]) {
              farthest[j] = dist;
              hardestPositive[j] = i;
            }
          } else {
            // (An overflowing squared distance is +∞: the first negative is still taken.)
            if (dist < nearest[i] || hardestNegative[i] < 0) {
              nearest[i] = dist;
              hardestNegative[i] = j;
            }
            if (dist < nearest[j] || hardestNegative[j] < 0) {
              nearest[j] = dist;
              hardestNegative[j] = i;
            }
          }
        }
      }
    }
  }
  simd?.copyOut();
  return largest;
}

/**
 * mineTileRows on the WebAssembly kernels: each tile's squared distances stay in linear memory
 * (sqdist_tile_f64), where mine_tile_f64 updates the candidates with the TypeScript loop's order
 * and comparisons, so the result is the same bits; the candidates are copied in once and out once
 * (`copyOut`).
 */
class SimdMiner {
  private readonly kernels: KernelExports;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly layout: SimdTileLayout;
  /** Byte offsets after the layout (8-byte aligned): labels, farthest, nearest (float64), then the two index arrays. */
  private readonly at: readonly [number, number, number, number, number];

  constructor(
    job: BatchHardJob,
    private readonly candidates: HardestCandidates,
  ) {
    const { B, tiles } = job;
    this.layout = tiles.simd!;
    const [labelsAt, farAt, nearAt, hpAt, hnAt] = [0, 8, 16, 24, 28].map((bytes) => this.layout.totalBytes + bytes * B);
    this.at = [labelsAt, farAt, nearAt, hpAt, hnAt];
    const { kernels, f64 } = residentTileMemory(tiles, this.layout, 32 * B);
    this.kernels = kernels;
    this.f64 = f64;
    this.i32 = new Int32Array(f64.buffer);
    f64.set(job.labels, labelsAt / 8);
    f64.set(candidates.farthest, farAt / 8);
    f64.set(candidates.nearest, nearAt / 8);
    this.i32.set(candidates.hardestPositive, hpAt / 4);
    this.i32.set(candidates.hardestNegative, hnAt / 4);
  }

  /** Mines the tile rows [i0, i1) × columns [j0, j1); returns the largest distance met, from `largest` on. */
  mine(i0: number, i1: number, j0: number, j1: number, largest: number): number {
    const { kernels, layout } = this;
    const [labelsAt, farAt, nearAt, hpAt, hnAt] = this.at;
    kernels.sqdist_tile_f64(0, layout.rowBytes, i0, i1, j0, j1, layout.tileStart, j1 - j0);
    return kernels.mine_tile_f64(layout.tileStart, j1 - j0, i0, i1, j0, j1, labelsAt, farAt, hpAt, nearAt, hnAt, largest);
  }

  /** Copies the candidates back into the arrays the miner was given. */
  copyOut(): void {
    const { candidates, f64, i32 } = this;
    const [, farAt, nearAt, hpAt, hnAt] = this.at;
    const B = candidates.farthest.length;
    candidates.farthest.set(f64.subarray(farAt / 8, farAt / 8 + B));
    candidates.nearest.set(f64.subarray(nearAt / 8, nearAt / 8 + B));
    candidates.hardestPositive.set(i32.subarray(hpAt / 4, hpAt / 4 + B));
    candidates.hardestNegative.set(i32.subarray(hnAt / 4, hnAt / 4 + B));
  }
}

/**
 * Folds candidate block `slot` of `from` into block 0 of `into`: the farther positive and the
 * nearer negative, ties to the lower index, which is what one pass over both blocks' pairs keeps.
 */
export function mergeCandidates(into: HardestCandidates, from: HardestCandidates, slot: number, B: number): void {
  const o = slot * B;
  for (let a = 0; a < B; a++) {
    const p = from.hardestPositive[o + a];
    const fp = from.farthest[o + a];
    const q = into.hardestPositive[a];
    if (p >= 0 && (q < 0 || fp > into.farthest[a] || (fp === into.farthest[a] && p < q))) {
      into.farthest[a] = fp;
      into.hardestPositive[a] = p;
    }
    const n = from.hardestNegative[o + a];
    const fn = from.nearest[o + a];
    const r = into.hardestNegative[a];
    if (n >= 0 && (r < 0 || fn < into.nearest[a] || (fn === into.nearest[a] && n < r))) {
      into.nearest[a] = fn;
      into.hardestNegative[a] = n;
    }
  }
}

/** Roots, per-anchor losses, the mean and its gradient from the merged candidates (block 0). */
export function finishBatchHard(job: BatchHardJob, candidates: HardestCandidates, largestKernelValue: number): BatchHardResult {
  const { B, d, x, metric, margin, soft, tiles } = job;
  const batch = job;
  let largest = largestKernelValue;
  const hardestPositive = candidates.hardestPositive.slice(0, B);
  const hardestNegative = candidates.hardestNegative.slice(0, B);
  const farthest = candidates.farthest.slice(0, B);
  const nearest = candidates.nearest.slice(0, B);
  if (tiles.squaredEuclidean) {
    // Only the 2·B selected distances need their root; recomputing them also covers a sum of
    // squares that overflowed.
    largest = Math.sqrt(largest);
    for (let a = 0; a < B; a++) {
      if (hardestPositive[a] >= 0) farthest[a] = pairDistance(metric, x, a * d, x, hardestPositive[a] * d, d);
      if (hardestNegative[a] >= 0) nearest[a] = pairDistance(metric, x, a * d, x, hardestNegative[a] * d, d);
    }
  }
  const perAnchor = new Float64Array(B);
  const validAnchor = new Array<boolean>(B).fill(false);
  let noPositive = 0;
  let noNegative = 0;
  let valid = 0;
  for (let a = 0; a < B; a++) {
    if (hardestPositive[a] < 0) noPositive++;
    if (hardestNegative[a] < 0) noNegative++;
    if (hardestPositive[a] < 0 || hardestNegative[a] < 0) continue;
    validAnchor[a] = true;
    valid++;
    perAnchor[a] = tripletLoss(farthest[a] - nearest[a], margin, soft);
  }
  let total = 0;
  for (let a = 0; a < B; a++) total += perAnchor[a];
  const scale = valid === 0 ? 0 : 1 / valid;
  const report = emptyDistanceReport();
  let grad: { embeddings: Tensor } | undefined;
  if (job.grad) {
    const g = new Float64Array(B * d);
    for (let a = 0; a < B; a++) {
      if (!validAnchor[a]) continue;
      const hp = hardestPositive[a];
      const hn = hardestNegative[a];
      const dap = farthest[a];
      const dan = nearest[a];
      const upstream = scale * tripletLossSlope(dap - dan, margin, soft);
      addPairGradient(metric, x, a * d, x, hp * d, d, dap, upstream, g, a * d, g, hp * d, report);
      addPairGradient(metric, x, a * d, x, hn * d, d, dan, -upstream, g, a * d, g, hn * d, report);
    }
    grad = { embeddings: { shape: [B, d], data: g } };
  }
  return {
    loss: scalar(total * scale),
    perAnchor: { shape: [B], data: perAnchor },
    validAnchor,
    hardestPositive,
    hardestNegative,
    dropped: { noPositive, noNegative },
    collapsed: isCollapsed(batch, largest),
    ...(grad === undefined ? {} : { grad }),
    report,
  };
}

/** Indices of the positives and negatives of anchor a, written into reusable buffers. */
function splitByLabel(labels: Float64Array, a: number, positives: Int32Array, negatives: Int32Array): { np: number; nn: number } {
  const own = labels[a];
  let np = 0;
  let nn = 0;
  for (let j = 0; j < labels.length; j++) {
    if (labels[j] !== own) negatives[nn++] = j;
    else if (j !== a) positives[np++] = j;
  }
  return { np, nn };
}

/** What `batchAll` returns. */
export interface BatchAllResult {
  /** Scalar: the mean per-triplet loss over triplets whose loss is > POSITIVE_LOSS_THRESHOLD; 0 if none. */
  readonly loss: Tensor;
  /** Number of valid triplets in the batch. */
  readonly validTriplets: number;
  /** Number of those with loss > POSITIVE_LOSS_THRESHOLD (the mean's denominator). */
  readonly positiveTriplets: number;
  /** positiveTriplets / validTriplets (0 for a batch without valid triplets). */
  readonly fractionPositive: number;
  readonly collapsed: boolean;
  /** With `grad: true`: ∂loss/∂embeddings (B, d), through the positive triplets only. */
  readonly grad?: { readonly embeddings: Tensor };
  readonly report: DistanceReport;
}

/**
 * Batch-all triplet loss (Hermans et al. 2017): every valid triplet's loss hinge(d_ap − d_an +
 * margin), or softplus(d_ap − d_an) when `soft`, averaged over the triplets whose loss is positive
 * (> 1e-16), so that the many easy triplets do not dilute the mean.
 * @param embeddings (B, d) finite embeddings.
 * @param labels (B) integer class labels.
 * @param options as for `batchHard`.
 * @returns the loss, the triplet counts and, with `grad`, the gradient of the loss (the count in
 *   the denominator is piecewise constant, so it flows through the positive triplets' distances).
 */
export function batchAll(embeddings: Tensor, labels: Tensor, options: MiningOptions = {}): BatchAllResult {
  const batch = prepareBatch('batchAll', embeddings, labels, options);
  const { B, d, x, metric, margin, soft, distances } = batch;
  const wantGrad = options.grad === true;
  // ∂(sum of positive losses)/∂D, filled in the same pass and scaled by 1/count afterwards.
  const upstream = wantGrad ? new Float64Array(B * B) : null;
  const positives = new Int32Array(B);
  const negatives = new Int32Array(B);
  let total = 0;
  let count = 0;
  let validTriplets = 0;
  for (let a = 0; a < B; a++) {
    // An anchor meets up to B² (positive, negative) pairs.
    checkInterrupt();
    const { np, nn } = splitByLabel(batch.labels, a, positives, negatives);
    validTriplets += np * nn;
    const row = a * B;
    for (let ip = 0; ip < np; ip++) {
      const p = positives[ip];
      const dap = distances[row + p];
      let slopeSum = 0;
      for (let k = 0; k < nn; k++) {
        const n = negatives[k];
        const z = dap - distances[row + n];
        const loss = tripletLoss(z, margin, soft);
        if (!(loss > POSITIVE_LOSS_THRESHOLD)) continue;
        total += loss;
        count++;
        if (upstream !== null) {
          const slope = tripletLossSlope(z, margin, soft);
          slopeSum += slope;
          upstream[row + n] -= slope;
        }
      }
      if (upstream !== null) upstream[row + p] += slopeSum;
    }
  }
  const scale = count === 0 ? 0 : 1 / count;
  const report = emptyDistanceReport();
  let grad: { embeddings: Tensor } | undefined;
  if (upstream !== null) {
    for (let i = 0; i < upstream.length; i++) upstream[i] *= scale;
    const g = new Float64Array(B * d);
    addDenseMatrixGradient(metric, x, B, d, distances, upstream, g, report);
    grad = { embeddings: { shape: [B, d], data: g } };
  }
  return {
    loss: scalar(total * scale),
    validTriplets,
    positiveTriplets: count,
    fractionPositive: validTriplets === 0 ? 0 : count / validTriplets,
    collapsed: isCollapsed(batch, largestDistance(distances)),
    ...(grad === undefined ? {} : { grad }),
    report,
  };
}

/** What `semiHardTriplets` returns: T selected triplets. */
export interface SemiHardResult {
  /** (T) anchor, positive and negative row indices of each selected triplet. */
  readonly anchors: Int32Array;
  readonly positives: Int32Array;
  readonly negatives: Int32Array;
  /** (T) 1 where the negative is semi-hard (d_ap < d_an < d_ap + margin), 0 where it fell back to the hardest. */
  readonly semiHard: Uint8Array;
  /** (T) per-triplet loss. */
  readonly perTriplet: Tensor;
  /** Scalar: the mean of perTriplet; 0 when no triplet was selected. */
  readonly loss: Tensor;
  /** (anchor, positive) pairs dropped because the anchor has no negative. */
  readonly droppedPairs: number;
  readonly grad?: { readonly embeddings: Tensor };
  readonly report: DistanceReport;
}

/**
 * FaceNet semi-hard selection (Schroff et al. 2015): for every (anchor, positive) pair, the
 * negative nearest the anchor among those with d_ap < d_an < d_ap + margin (violating the margin
 * but not closer than the positive); when there is none, the hardest (nearest) negative.
 * Ties go to the lowest index.
 * @param embeddings (B, d) finite embeddings.
 * @param labels (B) integer class labels.
 * @param options as for `batchHard`; the margin defines the semi-hard window even when `soft`.
 * @returns the selected triplets, their losses, their mean and, with `grad`, its gradient.
 */
export function semiHardTriplets(embeddings: Tensor, labels: Tensor, options: MiningOptions = {}): SemiHardResult {
  const batch = prepareBatch('semiHardTriplets', embeddings, labels, options);
  const { B, d, x, metric, margin, soft, distances } = batch;
  const positives = new Int32Array(B);
  const negatives = new Int32Array(B);
  const anchorList: number[] = [];
  const positiveList: number[] = [];
  const negativeList: number[] = [];
  const semiList: number[] = [];
  let droppedPairs = 0;
  for (let a = 0; a < B; a++) {
    checkInterrupt();
    const { np, nn } = splitByLabel(batch.labels, a, positives, negatives);
    const row = a * B;
    if (nn === 0) {
      droppedPairs += np;
      continue;
    }
    for (let ip = 0; ip < np; ip++) {
      const p = positives[ip];
      const dap = distances[row + p];
      const upper = dap + margin;
      let semi = -1;
      let semiDistance = Infinity;
      let hardest = -1;
      let hardestDistance = Infinity;
      for (let k = 0; k < nn; k++) {
        const n = negatives[k];
        const dan = distances[row + n];
        if (dan < hardestDistance) {
          hardestDistance = dan;
          hardest = n;
        }
        if (dan > dap && dan < upper && dan < semiDistance) {
          semiDistance = dan;
          semi = n;
        }
      }
      anchorList.push(a);
      positiveList.push(p);
      negativeList.push(semi >= 0 ? semi : hardest);
      semiList.push(semi >= 0 ? 1 : 0);
    }
  }
  const T = anchorList.length;
  const perTriplet = new Float64Array(T);
  let total = 0;
  for (let t = 0; t < T; t++) {
    const row = anchorList[t] * B;
    perTriplet[t] = tripletLoss(distances[row + positiveList[t]] - distances[row + negativeList[t]], margin, soft);
    total += perTriplet[t];
  }
  const scale = T === 0 ? 0 : 1 / T;
  const report = emptyDistanceReport();
  let grad: { embeddings: Tensor } | undefined;
  if (options.grad === true) {
    const g = new Float64Array(B * d);
    for (let t = 0; t < T; t++) {
      const a = anchorList[t];
      const p = positiveList[t];
      const n = negativeList[t];
      const dap = distances[a * B + p];
      const dan = distances[a * B + n];
      const upstream = scale * tripletLossSlope(dap - dan, margin, soft);
      addPairGradient(metric, x, a * d, x, p * d, d, dap, upstream, g, a * d, g, p * d, report);
      addPairGradient(metric, x, a * d, x, n * d, d, dan, -upstream, g, a * d, g, n * d, report);
    }
    grad = { embeddings: { shape: [B, d], data: g } };
  }
  return {
    anchors: Int32Array.from(anchorList),
    positives: Int32Array.from(positiveList),
    negatives: Int32Array.from(negativeList),
    semiHard: Uint8Array.from(semiList),
    perTriplet: { shape: [T], data: perTriplet },
    loss: scalar(total * scale),
    droppedPairs,
    ...(grad === undefined ? {} : { grad }),
    report,
  };
}

/** Counts of a batch's valid triplets by difficulty; easy + semihard + hard = valid when margin ≥ 0. */
export interface TripletCensus {
  readonly valid: number;
  /** d_an > d_ap + margin. */
  readonly easy: number;
  /** d_ap ≤ d_an ≤ d_ap + margin. */
  readonly semihard: number;
  /** d_an < d_ap. */
  readonly hard: number;
  /** Hinge loss d_ap − d_an + margin > 1e-16. */
  readonly positive: number;
}

/**
 * Classifies every valid triplet of the batch (see the module comment) by difficulty.
 * @param embeddings (B, d) finite embeddings.
 * @param labels (B) integer class labels.
 * @param margin α of the categories (default 0.3).
 * @param options distance kind (default euclidean).
 */
export function tripletCensus(
  embeddings: Tensor,
  labels: Tensor,
  margin = 0.3,
  options: Omit<DistanceOptions, 'eps'> = {},
): TripletCensus {
  const batch = prepareBatch('tripletCensus', embeddings, labels, { ...options, margin });
  const { B, distances } = batch;
  const positives = new Int32Array(B);
  const negatives = new Int32Array(B);
  let valid = 0;
  let easy = 0;
  let hard = 0;
  let semihard = 0;
  let positive = 0;
  for (let a = 0; a < B; a++) {
    checkInterrupt();
    const { np, nn } = splitByLabel(batch.labels, a, positives, negatives);
    valid += np * nn;
    const row = a * B;
    for (let ip = 0; ip < np; ip++) {
      const dap = distances[row + positives[ip]];
      const upper = dap + margin;
      for (let k = 0; k < nn; k++) {
        const dan = distances[row + negatives[k]];
        // Counted independently: they partition the valid triplets for margin ≥ 0 only.
        if (dan > upper) easy++;
        if (dan < dap) hard++;
        if (dan >= dap && dan <= upper) semihard++;
        if (dap - dan + margin > POSITIVE_LOSS_THRESHOLD) positive++;
      }
    }
  }
  return { valid, easy, semihard, hard, positive };
}
