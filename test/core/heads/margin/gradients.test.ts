import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { combinedMarginLoss, pmlMarginLoss, radiansOf, type CombinedMarginOptions, type PmlMarginOptions } from '../../../../src/core/heads/margin';
import type { Tensor } from '../../../../src/core/tensor';
import { assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';

/*
 * Finite-difference checks of every gradient the margin heads return: wrt the embeddings and the
 * centres, for each pml kind and each insightface branch, with singletons (a class seen once) and
 * one class among the generated problems.
 */

const t = (shape: number[], values: number[]): Tensor => ({ shape, data: Float64Array.from(values) });

interface Problem {
  x: Tensor;
  centres: Tensor;
  labels: Tensor;
  C: number;
}

/**
 * Random (x, centres, labels): B in [1, 4], d in [2, 5], C in [1, 5] classes (1 included, and
 * labels drawn freely, so singletons are common), k centres per class, evenly spread entries.
 */
function problemOf(layout: 'columns' | 'rows', k = 1): fc.Arbitrary<Problem> {
  const entries = (length: number): fc.Arbitrary<number[]> =>
    fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: length, maxLength: length }).map((v) => v.map((q) => q / 1000 + 1e-4));
  return fc
    .record({ B: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 2, max: 5 }), C: fc.integer({ min: 1, max: 5 }) })
    .chain(({ B, d, C }) =>
      fc.record({
        x: entries(B * d).map((v) => t([B, d], v)),
        centres: entries(d * C * k).map((v) => t(layout === 'columns' ? [d, C * k] : [C * k, d], v)),
        labels: fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: B, maxLength: B }).map((v) => t([B], v)),
        C: fc.constant(C),
      }),
    );
}

/** Norms away from the 1e-12 kink, for finite differences. */
function normsAway(p: Problem, layout: 'columns' | 'rows'): boolean {
  const [B, d] = p.x.shape;
  for (let i = 0; i < B; i++) if (Math.hypot(...p.x.data.subarray(i * d, (i + 1) * d)) < 0.3) return false;
  const N = layout === 'columns' ? p.centres.shape[1] : p.centres.shape[0];
  for (let j = 0; j < N; j++) {
    const column = Array.from({ length: d }, (_, q) => (layout === 'columns' ? p.centres.data[q * N + j] : p.centres.data[j * d + q]));
    if (Math.hypot(...column) < 0.3) return false;
  }
  return true;
}

function checkGradients(loss: (x: Tensor, centres: Tensor) => number, grad: { x: Tensor; W: Tensor }, p: Problem): void {
  assertGradientMatches('x', grad.x.data, finiteDifference((x) => loss(x, p.centres), p.x));
  assertGradientMatches('W', grad.W.data, finiteDifference((W) => loss(p.x, W), p.centres));
}

const PML_VARIANTS: (PmlMarginOptions & { label: string })[] = [
  { label: 'arcface 28.6°, scale 6', kind: 'arcface', margin: 28.6, scale: 6 },
  { label: 'arcface 80° (fallback branch often), scale 4', kind: 'arcface', margin: 80, scale: 4 },
  { label: 'cosface 0.35, scale 5', kind: 'cosface', margin: 0.35, scale: 5 },
  { label: 'sphereface 4, scale 1', kind: 'sphereface', margin: 4, scale: 1 },
  { label: 'sphereface 3, scale 0.7', kind: 'sphereface', margin: 3, scale: 0.7 },
  { label: 'subcenter_arcface 28.6°, scale 5, k 3', kind: 'subcenter_arcface', margin: 28.6, scale: 5, subCenters: 3 },
];

describe('pmlMarginLoss gradients', () => {
  for (const options of PML_VARIANTS) {
    it(`match finite differences (${options.label})`, () => {
      const k = options.subCenters ?? 1;
      fc.assert(
        fc.property(problemOf('columns', k), (p) => {
          fc.pre(normsAway(p, 'columns'));
          const result = pmlMarginLoss(p.x, p.centres, p.labels, options);
          const m = options.kind === 'arcface' || options.kind === 'subcenter_arcface' ? radiansOf(options.margin ?? 0) : 0;
          for (let i = 0; i < p.labels.data.length; i++) {
            const c = result.targetCosines.data[i];
            const theta = result.angles.data[i];
            // Away from ±1 (acos), the ArcFace switch at π − m (a jump) and a sub-centre tie.
            fc.pre(Math.abs(c) < 0.995 && Math.abs(theta - (Math.PI - m)) > 1e-3);
          }
          if (k > 1) {
            const N = p.centres.shape[1];
            const [B, d] = p.x.shape;
            const xs = (i: number) => p.x.data.subarray(i * d, (i + 1) * d);
            for (let i = 0; i < B; i++) {
              const cos = Array.from({ length: N }, (_, j) => {
                let dot = 0;
                let norm = 0;
                for (let q = 0; q < d; q++) {
                  dot += xs(i)[q] * p.centres.data[q * N + j];
                  norm += p.centres.data[q * N + j] ** 2;
                }
                return dot / Math.sqrt(norm) / Math.hypot(...xs(i));
              });
              for (let c = 0; c < p.C; c++) {
                const group = cos.slice(c * k, (c + 1) * k).sort((a, b) => b - a);
                fc.pre(group[0] - group[1] > 1e-3);
              }
            }
          }
          checkGradients((x, W) => pmlMarginLoss(x, W, p.labels, options).loss, result.grad, p);
        }),
        { numRuns: 50 },
      );
    });
  }
});

const INSIGHTFACE_VARIANTS: (CombinedMarginOptions & { label: string })[] = [
  { label: 'cosface (1, 0, 0.35), s 6', s: 6, m1: 1, m2: 0, m3: 0.35 },
  { label: 'combined (1, 0.3, 0.2) = cosface 0.2, s 5', s: 5, m1: 1, m2: 0.3, m3: 0.2 },
  { label: 'cosface with filtering 0.1, s 6', s: 6, m1: 1, m2: 0, m3: 0.35, interclassFilteringThreshold: 0.1 },
  { label: 'threshold arcface (1, 0.5, 0), s 5', s: 5, m1: 1, m2: 0.5, m3: 0, arcForm: 'threshold' },
  { label: 'paper arcface (1, 0.5, 0), s 5: the true gradient', s: 5, m1: 1, m2: 0.5, m3: 0, arcForm: 'paper' },
  { label: 'margin 0 (1, 0, 0), s 7', s: 7, m1: 1, m2: 0, m3: 0 },
];

describe('combinedMarginLoss gradients', () => {
  for (const options of INSIGHTFACE_VARIANTS) {
    it(`match finite differences (${options.label})`, () => {
      fc.assert(
        fc.property(problemOf('rows'), (p) => {
          fc.pre(normsAway(p, 'rows'));
          const result = combinedMarginLoss(p.x, p.centres, p.labels, options);
          const m2 = options.m3 === 0 ? (options.m2 ?? 0) : 0;
          for (let i = 0; i < p.labels.data.length; i++) {
            fc.pre(Math.abs(result.targetCosines.data[i]) < 0.995 && Math.abs(result.angles.data[i] - (Math.PI - m2)) > 1e-3);
          }
          const threshold = options.interclassFilteringThreshold ?? 0;
          if (threshold > 0) for (const c of result.cosines.data) fc.pre(Math.abs(c - threshold) > 1e-3);
          checkGradients((x, W) => combinedMarginLoss(x, W, p.labels, options).loss, result.grad, p);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('a row under the 1e-30 floor contributes its constant and no gradient', () => {
    // Two classes, s = 100: the target is far from the embedding, so p_y ≈ e^{−200} < 1e-30.
    const x = t([2, 2], [1, 0, 0, 1]);
    const weight = t([2, 2], [-1, 0.01, 0, 1]);
    const result = combinedMarginLoss(x, weight, t([2], [0, 1]), { s: 100, m1: 1, m2: 0, m3: 0.35 });
    assert.equal(result.report.flooredRows, 1);
    assert.equal(result.report.gradientIsTrue, false);
    assert.equal(result.losses.data[0], -Math.log(1e-30));
    // Row 0's gradient is zero; row 1 is unfloored and not at its optimum.
    assert.deepEqual([...result.grad.x.data.subarray(0, 2)], [0, 0]);
    assert.ok(result.grad.x.data.subarray(2).some((v) => v !== 0));
  });
});
