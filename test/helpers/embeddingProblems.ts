import fc from 'fast-check';
import type { Tensor } from '../../src/core/tensor';

/* Random embedding exports for the margin-head and embedding-view property tests. */

export const tensor = (shape: number[], values: number[]): Tensor => ({ shape, data: Float64Array.from(values) });

export interface EmbeddingProblem {
  /** (B, d) embeddings. */
  readonly x: Tensor;
  /** (d, C) class centres as columns (pml's layout). */
  readonly W: Tensor;
  /** (B) class ids in [0, C): singletons and one class are common. */
  readonly labels: Tensor;
}

/** B in [1, maxB], d in [1, maxD], C in [1, maxC], entries any doubles in [−3, 3]. */
export function embeddingProblem(maxB: number, maxD: number, maxC: number): fc.Arbitrary<EmbeddingProblem> {
  return fc
    .record({ B: fc.integer({ min: 1, max: maxB }), d: fc.integer({ min: 1, max: maxD }), C: fc.integer({ min: 1, max: maxC }) })
    .chain(({ B, d, C }) => {
      const entries = (n: number) => fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n, maxLength: n });
      return fc.record({
        x: entries(B * d).map((v) => tensor([B, d], v)),
        W: entries(d * C).map((v) => tensor([d, C], v)),
        labels: fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: B, maxLength: B }).map((v) => tensor([B], v)),
      });
    });
}

/** The (C, d) rows of (d, C) columns: insightface's layout of the same centres. */
export function columnsToRows(W: Tensor): Tensor {
  const [d, C] = W.shape;
  return tensor([C, d], Array.from({ length: C * d }, (_, k) => W.data[(k % d) * C + Math.floor(k / d)]));
}
