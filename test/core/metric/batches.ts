/**
 * Shared arbitraries and checks of the metric-learning tests: small labelled batches (singletons
 * and one-class batches included), batch permutations, and a directional finite-difference check
 * that skips samples whose probe crosses a discrete decision (a hinge kink, a miner's choice).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Tensor } from '../../../src/core/tensor';
import { seededRandom } from '../../helpers/random';

export interface Batch {
  readonly embeddings: Tensor;
  readonly labels: Tensor;
}

/**
 * B rows of d coordinates uniform in [−1, 1) from a seed, with labels in [0, classes): classes 1
 * gives one class, and B close to classes gives singletons. Seeded draws rather than fc.double,
 * whose favoured edge values (0, ±1) make coincident rows.
 */
export function batchArbitrary(maxRows = 7, maxDims = 4, maxClasses = 4): fc.Arbitrary<Batch> {
  return fc
    .record({
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
      B: fc.integer({ min: 2, max: maxRows }),
      d: fc.integer({ min: 2, max: maxDims }),
      classes: fc.integer({ min: 1, max: maxClasses }),
    })
    .map(({ seed, B, d, classes }) => {
      const random = seededRandom(seed);
      const x = Float64Array.from({ length: B * d }, () => 2 * random() - 1);
      const y = Float64Array.from({ length: B }, () => Math.floor(random() * classes));
      return { embeddings: { shape: [B, d], data: x }, labels: { shape: [B], data: y } };
    });
}

/** The batch reordered: new row r is old row perm[r]. */
export function permuteBatch(batch: Batch, perm: readonly number[]): Batch {
  const [B, d] = batch.embeddings.shape;
  const x = new Float64Array(B * d);
  const y = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    x.set(batch.embeddings.data.subarray(perm[r] * d, perm[r] * d + d), r * d);
    y[r] = batch.labels.data[perm[r]];
  }
  return { embeddings: { shape: [B, d], data: x }, labels: { shape: [B], data: y } };
}

/** A random permutation of 0 … B−1 from fast-check. */
export function permutationArbitrary(B: number): fc.Arbitrary<number[]> {
  return fc.integer({ min: 1, max: 2 ** 30 }).map((seed) => {
    const random = seededRandom(seed);
    return Array.from({ length: B }, (_, i) => [random(), i] as const).sort((u, v) => u[0] - v[0]).map(([, i]) => i);
  });
}

/** Tuples as a set of strings, after mapping rows through `perm` (new row r is old row perm[r]). */
export function tupleSet(columns: readonly Int32Array[], perm?: readonly number[]): Set<string> {
  const set = new Set<string>();
  const n = columns[0].length;
  for (let k = 0; k < n; k++) set.add(columns.map((c) => (perm === undefined ? c[k] : perm[c[k]])).join(','));
  return set;
}

/**
 * Checks ∂f/∂x·u against (f(x + hu) − f(x − hu))/2h along a random direction u. `fingerprint`
 * names the discrete decisions at a point; when a probe changes them, the sample is skipped
 * (fc.pre), since the loss is not differentiable across them.
 */
export function checkDirectional(
  label: string,
  x: Tensor,
  grad: Float64Array,
  direction: readonly number[],
  f: (x: Tensor) => { value: number; fingerprint: string },
): void {
  const h = 1e-6;
  const at = (s: number): { value: number; fingerprint: string } => f({ shape: x.shape, data: x.data.map((v, i) => v + s * h * direction[i % direction.length]) });
  const centre = at(0);
  const plus = at(1);
  const minus = at(-1);
  fc.pre(plus.fingerprint === centre.fingerprint && minus.fingerprint === centre.fingerprint);
  let analytic = 0;
  for (let i = 0; i < grad.length; i++) analytic += grad[i] * direction[i % direction.length];
  const numeric = (plus.value - minus.value) / (2 * h);
  const tolerance = 1e-6 + 1e-5 * Math.abs(numeric);
  assert.ok(Math.abs(analytic - numeric) <= tolerance, `${label}: directional derivative ${analytic} vs finite difference ${numeric}`);
}

/** Directions for checkDirectional: a few coordinates in [−1, 1], repeated over the batch. */
export const directionArbitrary = fc.integer({ min: 1, max: 2 ** 30 }).map((seed) => {
  const random = seededRandom(seed);
  return Array.from({ length: 7 }, () => 2 * random() - 1);
});

/** Whether embedding rows are distinct and not near zero (normalisation and distances stay smooth). */
export function wellSpread(batch: Batch): boolean {
  const [B, d] = batch.embeddings.shape;
  const x = batch.embeddings.data;
  for (let i = 0; i < B; i++) {
    let norm = 0;
    for (let k = 0; k < d; k++) norm += x[i * d + k] ** 2;
    if (norm < 1e-2) return false;
    for (let j = i + 1; j < B; j++) {
      let s = 0;
      let dot = 0;
      let nj = 0;
      for (let k = 0; k < d; k++) {
        s += (x[i * d + k] - x[j * d + k]) ** 2;
        dot += x[i * d + k] * x[j * d + k];
        nj += x[j * d + k] ** 2;
      }
      // Distinct raw rows, and distinct directions (normalised rows).
      if (s < 1e-4 || nj < 1e-2 || 1 - Math.abs(dot) / Math.sqrt(norm * nj) < 1e-4) return false;
    }
  }
  return true;
}

/** Raw Euclidean distance or cosine similarity between rows i and j, written out here rather than taken from src/. */
export function rowValue(batch: Batch, i: number, j: number, cosine: boolean): number {
  const d = batch.embeddings.shape[1];
  const x = batch.embeddings.data;
  let s = 0;
  let ni = 0;
  let nj = 0;
  for (let k = 0; k < d; k++) {
    s += cosine ? x[i * d + k] * x[j * d + k] : (x[i * d + k] - x[j * d + k]) ** 2;
    ni += x[i * d + k] ** 2;
    nj += x[j * d + k] ** 2;
  }
  return cosine ? s / Math.sqrt(ni * nj) : Math.sqrt(s);
}

/** A loss at a batch: its value, gradient with respect to the embeddings, and discrete decisions. */
export type LossProbe = (batch: Batch) => { value: number; grad: Float64Array; fingerprint: string };

/** The finite-difference property of every metric loss, over small batches with singletons and one class. */
export function checkLossGradient(label: string, probe: LossProbe, numRuns = 80): void {
  fc.assert(
    fc.property(batchArbitrary(7, 3, 4), directionArbitrary, (batch, direction) => {
      fc.pre(wellSpread(batch));
      const { grad } = probe(batch);
      checkDirectional(label, batch.embeddings, grad, direction, (x) => probe({ embeddings: x, labels: batch.labels }));
    }),
    { numRuns },
  );
}
