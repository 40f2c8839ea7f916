import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { combinedMarginLoss, pmlMarginLoss, radiansOf } from '../../../../src/core/heads/margin';
import { columnsToRows, embeddingProblem, tensor, type EmbeddingProblem } from '../../../helpers/embeddingProblems';
import { assertClose } from '../../../helpers/gradcheck';

/*
 * Identities between the heads and the libraries' definitions, against independent naive loops:
 * each is a fact of the definitions (metric-learning.md), not a recorded output.
 */

const t = tensor;
const problem = embeddingProblem(5, 6, 6);
const transpose = columnsToRows;
type Problem = EmbeddingProblem;

/** The definition, looped naively: per row, normalised cosines, target f(c, θ), row scale, then −log softmax. */
function naive(p: Problem, target: (c: number, theta: number) => number, rowScale: (norm: number) => number): number[] {
  const [B, d] = p.x.shape;
  const C = p.W.shape[1];
  return Array.from({ length: B }, (_, i) => {
    const xi = Array.from({ length: d }, (_, q) => p.x.data[i * d + q]);
    const xn = Math.hypot(...xi);
    const z = Array.from({ length: C }, (_, j) => {
      const wj = Array.from({ length: d }, (_, q) => p.W.data[q * C + j]);
      const wn = Math.max(Math.hypot(...wj), 1e-12);
      const c = xi.reduce((sum, v, q) => sum + (v / Math.max(xn, 1e-12)) * (wj[q] / wn), 0);
      return rowScale(xn) * (j === p.labels.data[i] ? target(c, Math.acos(Math.min(1, Math.max(-1, c)))) : c);
    });
    const max = Math.max(...z);
    return max + Math.log(z.reduce((sum, v) => sum + Math.exp(v - max), 0)) - z[p.labels.data[i]];
  });
}

/** Target cosines away from ±1, where acos turns a rounding difference δ into √δ. */
function conditioned(p: Problem): boolean {
  const r = pmlMarginLoss(p.x, p.W, p.labels, { kind: 'cosface', margin: 0, scale: 1 });
  return r.targetCosines.data.every((c) => Math.abs(c) < 1 - 1e-6);
}

describe('margin heads: identities', () => {
  it('pml ArcFace, CosFace and SphereFace match their definitions looped naively', () => {
    fc.assert(
      fc.property(problem, fc.double({ min: 0, max: 90, noNaN: true }), (p, degrees) => {
        fc.pre(conditioned(p));
        const m = (degrees * Math.PI) / 180;
        const arc = (_c: number, th: number) => (th <= Math.PI - m ? Math.cos(th + m) : Math.cos(th) - m * Math.sin(m));
        const r = pmlMarginLoss(p.x, p.W, p.labels, { kind: 'arcface', margin: degrees, scale: 7 });
        fc.pre(r.angles.data.every((th) => Math.abs(th - (Math.PI - m)) > 1e-9));
        assertClose('arcface', r.losses.data, naive(p, arc, () => 7), { atol: 1e-9, rtol: 1e-9 });
        const cos = pmlMarginLoss(p.x, p.W, p.labels, { kind: 'cosface', margin: 0.35, scale: 9 });
        assertClose('cosface', cos.losses.data, naive(p, (c) => c - 0.35, () => 9), { atol: 1e-9, rtol: 1e-9 });
        // ψ(θ) = (−1)^k cos(4θ) − 2k from the angle (the paper's form), scaled by ‖x‖.
        const psi = (_c: number, th: number) => {
          const k = Math.floor(th / (Math.PI / 4));
          return (k % 2 === 0 ? 1 : -1) * Math.cos(4 * th) - 2 * k;
        };
        const sphere = pmlMarginLoss(p.x, p.W, p.labels, { kind: 'sphereface', margin: 4, scale: 0.5 });
        assertClose('sphereface', sphere.losses.data, naive(p, psi, (n) => n * 0.5), { atol: 1e-7, rtol: 1e-7 });
      }),
      { numRuns: 80 },
    );
  });

  it('the mean of the per-row losses is the loss, and the degrees are np.radians', () => {
    assert.equal(radiansOf(28.6), 0.4991641660703783);
    fc.assert(
      fc.property(problem, (p) => {
        const r = pmlMarginLoss(p.x, p.W, p.labels);
        assertClose('mean', [r.loss], [r.losses.data.reduce((a, b) => a + b, 0) / r.losses.data.length]);
        assert.equal(r.report.marginRadians, radiansOf(28.6));
      }),
      { numRuns: 30 },
    );
  });

  it('sub-centre ArcFace with every sub-centre a copy of the class centre is ArcFace; the first copy takes the gradient', () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 2, max: 4 }), (p, k) => {
        const [d, C] = p.W.shape;
        const copies = new Float64Array(d * C * k);
        for (let q = 0; q < d; q++) for (let c = 0; c < C; c++) for (let j = 0; j < k; j++) copies[q * C * k + c * k + j] = p.W.data[q * C + c];
        const sub = pmlMarginLoss(p.x, t([d, C * k], [...copies]), p.labels, { kind: 'subcenter_arcface', subCenters: k });
        const arc = pmlMarginLoss(p.x, p.W, p.labels, { kind: 'arcface' });
        assertClose('losses', sub.losses.data, arc.losses.data, { atol: 1e-12, rtol: 1e-12 });
        assertClose('grad x', sub.grad.x.data, arc.grad.x.data, { atol: 1e-10, rtol: 1e-10 });
        for (let q = 0; q < d; q++) {
          for (let c = 0; c < C; c++) {
            assertClose('first copy', [sub.grad.W.data[q * C * k + c * k]], [arc.grad.W.data[q * C + c]], { atol: 1e-10, rtol: 1e-10 });
            for (let j = 1; j < k; j++) assert.equal(sub.grad.W.data[q * C * k + c * k + j], 0);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("insightface's (1, m2, m3 > 0) is CosFace m3 whatever m2, and equals pml's CosFace on the same centres", () => {
    fc.assert(
      fc.property(problem, fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (p, m3, m2) => {
        const weight = transpose(p.W);
        const combined = combinedMarginLoss(p.x, weight, p.labels, { s: 10, m1: 1, m2, m3 });
        const cosface = combinedMarginLoss(p.x, weight, p.labels, { s: 10, m1: 1, m2: 0, m3 });
        assert.deepEqual([...combined.logits.data], [...cosface.logits.data]);
        const pml = pmlMarginLoss(p.x, p.W, p.labels, { kind: 'cosface', margin: m3, scale: 10 });
        assertClose('logits', combined.logits.data, pml.logits.data, { atol: 1e-12, rtol: 1e-12 });
        // pml's columns are scaled after the product, insightface's rows normalised before it: the
        // two roundings differ, by more where a tiny centre's 1/‖w‖ magnifies them.
        const scale = (g: Float64Array) => 1e-10 * (1 + g.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
        assertClose('grad x', combined.grad.x.data, pml.grad.x.data, { atol: scale(pml.grad.x.data), rtol: 1e-10 });
        assertClose('grad W', combined.grad.W.data, transpose(pml.grad.W).data, { atol: scale(pml.grad.W.data), rtol: 1e-10 });
      }),
      { numRuns: 40 },
    );
  });

  it("insightface's threshold ArcFace is pml's ArcFace in radians off the boundary; the paper form is cos(θ + m2) everywhere", () => {
    fc.assert(
      fc.property(problem, fc.double({ min: 0, max: 1.5, noNaN: true }), (p, m2) => {
        fc.pre(conditioned(p));
        const weight = transpose(p.W);
        const threshold = combinedMarginLoss(p.x, weight, p.labels, { s: 8, m1: 1, m2, m3: 0, arcForm: 'threshold' });
        fc.pre(threshold.angles.data.every((th) => Math.abs(th - (Math.PI - m2)) > 1e-9));
        const pml = pmlMarginLoss(p.x, p.W, p.labels, { kind: 'arcface', margin: (m2 * 180) / Math.PI, scale: 8 });
        assertClose('threshold = pml', threshold.losses.data, pml.losses.data, { atol: 1e-9, rtol: 1e-9 });
        const paper = combinedMarginLoss(p.x, weight, p.labels, { s: 8, m1: 1, m2, m3: 0, arcForm: 'paper' });
        assertClose('paper', paper.losses.data, naive(p, (_c, th) => Math.cos(th + m2), () => 8), { atol: 1e-9, rtol: 1e-9 });
        assert.equal(paper.report.gradientIsTrue, m2 === 0);
      }),
      { numRuns: 60 },
    );
  });

  it('interclass filtering zeroes the non-target cosines strictly above the threshold, never the target', () => {
    // Cosines of x = (1, 0) with the three unit centres: 1 (target), 0.6 and 0.1 exactly.
    const x = t([1, 2], [1, 0]);
    const weight = t([3, 2], [1, 0, 0.6, 0.8, 0.1, Math.sqrt(1 - 0.01)]);
    const r = combinedMarginLoss(x, weight, t([1], [0]), { s: 2, m1: 1, m2: 0, m3: 0.2, interclassFilteringThreshold: 0.5 });
    assert.equal(r.report.filtered, 1);
    assertClose('logits', r.logits.data, [2 * (1 - 0.2), 0, 2 * 0.1]);
  });

  it('a hand-computed CosFace row: loss log(e^{s(c−m)} + e^{s·c₂}) − s(c − m)', () => {
    // x = (3, 4): cosines 0.6 with (1, 0) and 0.8 with (0, 1).
    const r = pmlMarginLoss(t([1, 2], [3, 4]), t([2, 2], [1, 0, 0, 1]), t([1], [0]), { kind: 'cosface', margin: 0.35, scale: 4 });
    const target = 4 * (0.6 - 0.35);
    assertClose('loss', [r.loss], [Math.log(Math.exp(target) + Math.exp(3.2)) - target]);
    assertClose('angle', r.angles.data, [Math.acos(0.6)]);
  });

  it('rejects the combinations CombinedMarginLoss raises on, and shapes that do not fit, with sentences', () => {
    const x = t([1, 2], [1, 0]);
    const weight = t([2, 2], [1, 0, 0, 1]);
    assert.throws(() => combinedMarginLoss(x, weight, t([1], [0]), { m1: 1.35, m2: 0, m3: 0 }), (e: unknown) => e instanceof InputError && /no other branch/.test(e.message));
    assert.throws(() => combinedMarginLoss(x, t([2, 3], [1, 0, 0, 0, 1, 0]), t([1], [0])), /weight should be of shape \(C, d=2\)/);
    assert.throws(() => pmlMarginLoss(x, t([2, 5], [1, 0, 0, 0, 1, 0, 1, 0, 0, 1]), t([1], [0]), { kind: 'subcenter_arcface', subCenters: 3 }), /divisible by 3/);
    assert.throws(() => pmlMarginLoss(x, weight, t([1], [2])), /labels at index \[0\] should be integers in \[0, 1\]/);
  });
});
