import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { arcFaceLoss, arcFaceTargetLogit, marginCurves, type ArcFaceForm, type ArcFaceHost, type ArcFaceOptions } from '../../../../src/core/losses/arcface';
import { CORE_PRODUCTS } from '../../../../src/core/matmul';
import { onPath } from '../../../helpers/kernelPath';
import type { Tensor } from '../../../../src/core/tensor';
import { runArcfaceCase } from '../../../parity/adapters/arcface';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';

const t = (shape: number[], values: number[]): Tensor => ({ shape, data: Float64Array.from(values) });

/**
 * An independent, naive per-row reference: normalize with loops, take the target logit from the
 * definition `targetOf(cos θ, θ)`, and a max-shifted log-sum-exp. Returns per-embedding losses.
 */
function naiveLoss(x: Tensor, W: Tensor, labels: Tensor, s: number, targetOf: (cosine: number, theta: number) => number): number[] {
  const [B, d] = x.shape;
  const C = W.shape[1];
  const losses: number[] = [];
  for (let i = 0; i < B; i++) {
    const xi = Array.from({ length: d }, (_, k) => x.data[i * d + k]);
    const xn = Math.max(Math.hypot(...xi), 1e-12);
    const z: number[] = [];
    for (let j = 0; j < C; j++) {
      const wj = Array.from({ length: d }, (_, k) => W.data[k * C + j]);
      const wn = Math.max(Math.hypot(...wj), 1e-12);
      let cosine = 0;
      for (let k = 0; k < d; k++) cosine += (xi[k] / xn) * (wj[k] / wn);
      z.push(j === labels.data[i] ? s * targetOf(cosine, Math.acos(Math.min(1, Math.max(-1, cosine)))) : s * cosine);
    }
    const max = Math.max(...z);
    losses.push(max + Math.log(z.reduce((acc, v) => acc + Math.exp(v - max), 0)) - z[labels.data[i]]);
  }
  return losses;
}

interface Problem {
  x: Tensor;
  W: Tensor;
  labels: Tensor;
}

/** Random (x, W, labels) with B in [0, 4] (0 included), d in [1, 5], C in [1, 5] (1 included). */
function problemOf(entries: (length: number) => fc.Arbitrary<number[]>): fc.Arbitrary<Problem> {
  return fc
    .record({ B: fc.integer({ min: 0, max: 4 }), d: fc.integer({ min: 1, max: 5 }), C: fc.integer({ min: 1, max: 5 }) })
    .chain(({ B, d, C }) =>
      fc.record({
        x: entries(B * d).map((v) => t([B, d], v)),
        W: entries(d * C).map((v) => t([d, C], v)),
        labels: fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: B, maxLength: B }).map((v) => t([B], v)),
      }),
    );
}

/** Any doubles in [−2, 2], with fast-check's bias towards 0, denormals and extremes. */
const problem = problemOf((length) =>
  fc.float64Array({ minLength: length, maxLength: length, min: -2, max: 2, noNaN: true, noDefaultInfinity: true }).map((v) => [...v]),
);

/** Evenly spread values in [−2, 2], for finite differences, which need norms away from 0. */
const smoothProblem = problemOf((length) =>
  fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: length, maxLength: length }).map((v) => v.map((k) => k / 1000 + 1e-4)),
);

/** Finite differences want every norm away from the ε kink and every target cosine away from ±1 and the branch switch. */
function smooth(p: Problem, options: ArcFaceOptions): boolean {
  const [B, d] = p.x.shape;
  const C = p.W.shape[1];
  for (let i = 0; i < B; i++) if (Math.hypot(...p.x.data.subarray(i * d, (i + 1) * d)) < 0.3) return false;
  for (let j = 0; j < C; j++) if (Math.hypot(...Array.from({ length: d }, (_, k) => p.W.data[k * C + j])) < 0.3) return false;
  const { cosines } = arcFaceLoss(p.x, p.W, p.labels, options);
  const kink = options.easyMargin ? 0 : Math.cos(Math.PI - (options.m ?? 0.5));
  for (let i = 0; i < B; i++) {
    const c = cosines.data[i * C + p.labels.data[i]];
    if (Math.abs(c) > 0.999 || (options.form === 'insightface' && Math.abs(c - kink) < 1e-3)) return false;
  }
  return true;
}

const variants: ArcFaceOptions[] = [
  { form: 'insightface', s: 8, m: 0.5 },
  { form: 'insightface', s: 5, m: 0.5, easyMargin: true, reduction: 'sum' },
  { form: 'paper', s: 6, m: 0.3, reduction: 'none' },
  { form: 'combined', s: 4, margins: { m1: 1.35, m2: 0.25, m3: 0.1 } },
];

describe('arcFaceLoss', () => {
  it('matches the PyTorch fixture cases through the parity adapter', () => {
    const fixture = JSON.parse(readFileSync('test/fixtures/reference-losses.json', 'utf8')) as {
      cases: { fn: string; name: string; inputs: Record<string, unknown>; params: Record<string, unknown>; expected: Record<string, unknown> }[];
    };
    const cases = fixture.cases.filter((c) => c.fn === 'arcface');
    assert.equal(cases.length, 3);
    for (const c of cases) {
      const got = runArcfaceCase(c);
      for (const key of ['loss', 'logits', 'grad_x', 'grad_W']) {
        const want = (c.expected[key] as unknown[]).flat(2) as number[];
        assertClose(`${c.name} ${key}`, (got[key] as unknown[]).flat(2) as number[], want, { atol: 1e-9, rtol: 1e-7 });
      }
    }
  });

  for (const options of variants) {
    const label = `${options.form}${options.easyMargin ? ' easy' : ''} ${options.reduction ?? 'mean'}`;
    it(`gradients match finite differences (${label})`, () => {
      fc.assert(
        fc.property(smoothProblem, (p) => {
          fc.pre(smooth(p, options));
          const result = arcFaceLoss(p.x, p.W, p.labels, { ...options, grad: true });
          const total = (x: Tensor, W: Tensor): number => arcFaceLoss(x, W, p.labels, options).loss.data.reduce((a, b) => a + b, 0);
          assert.ok(result.grad);
          assertGradientMatches('x', result.grad.x.data, finiteDifference((x) => total(x, p.W), p.x));
          assertGradientMatches('W', result.grad.W.data, finiteDifference((W) => total(p.x, W), p.W));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('the loss values match a naive reference for each form', () => {
    const { cos, sin, PI } = Math;
    const forms: [ArcFaceOptions, (c: number, theta: number) => number][] = [
      [{ form: 'insightface', s: 10, m: 0.5 }, (c, th) => (c > cos(PI - 0.5) ? cos(th + 0.5) : c - 0.5 * sin(PI - 0.5))],
      [{ form: 'insightface', s: 10, m: 0.5, easyMargin: true }, (c, th) => (c > 0 ? cos(th + 0.5) : c)],
      [{ form: 'paper', s: 10, m: 0.7 }, (_c, th) => cos(th + 0.7)],
    ];
    fc.assert(
      fc.property(problem, (p) => {
        // Skip target cosines within rounding of the easy-margin switch at 0, where the two
        // summation orders may fall on different sides, and near ±1, where acos amplifies a
        // rounding difference δ in the cosine to √δ in the angle.
        const { cosines } = arcFaceLoss(p.x, p.W, p.labels, { s: 10 });
        const C = p.W.shape[1];
        const wellConditioned = (c: number): boolean => Math.abs(c) > 1e-9 && Math.abs(c) < 1 - 1e-6;
        fc.pre(p.labels.data.every((label, i) => wellConditioned(cosines.data[i * C + label])));
        for (const [options, targetOf] of forms) {
          const got = arcFaceLoss(p.x, p.W, p.labels, { ...options, reduction: 'none' }).loss.data;
          assertClose(`${options.form}`, got, naiveLoss(p.x, p.W, p.labels, 10, targetOf), { atol: 1e-10, rtol: 1e-10 });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('with m = 0 equals normalized softmax cross-entropy with scale s', () => {
    fc.assert(
      fc.property(problem, fc.constantFrom<ArcFaceForm>('insightface', 'paper', 'combined'), (p, form) => {
        const got = arcFaceLoss(p.x, p.W, p.labels, { form, s: 30, m: 0, reduction: 'none' }).loss.data;
        assertClose(form, got, naiveLoss(p.x, p.W, p.labels, 30, (c) => c), { atol: 1e-10, rtol: 1e-10 });
      }),
      { numRuns: 60 },
    );
  });

  it('combined margins reduce to CosFace, SphereFace and ArcFace', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const cosFace = arcFaceLoss(p.x, p.W, p.labels, { form: 'combined', s: 16, margins: { m1: 1, m2: 0, m3: 0.35 }, reduction: 'none' });
        assertClose('CosFace', cosFace.loss.data, naiveLoss(p.x, p.W, p.labels, 16, (c) => c - 0.35), { atol: 1e-10, rtol: 1e-10 });
        const sphereFace = arcFaceLoss(p.x, p.W, p.labels, { form: 'combined', s: 16, margins: { m1: 1.7, m2: 0, m3: 0 }, reduction: 'none' });
        // cos(m1·θ) goes through θ = acos c, whose slope 1/√(1 − c²) is unbounded at c = ±1: the
        // two computations' cosines differ by rounding (≤ εc), which moves θ by up to εc/√(1 − c²),
        // and by at most √(2εc) where c is ±1 itself. The loss moves by s·m1 per radian at most.
        const want = naiveLoss(p.x, p.W, p.labels, 16, (_c, th) => Math.cos(1.7 * th));
        const C = p.W.shape[1];
        const epsCosine = 1e-14;
        for (let i = 0; i < want.length; i++) {
          const c = sphereFace.cosines.data[i * C + p.labels.data[i]];
          const dTheta = Math.min(Math.sqrt(2 * epsCosine), epsCosine / Math.sqrt(Math.max(0, 1 - c * c)));
          const bound = 1e-10 * (1 + Math.abs(want[i])) + 16 * 1.7 * dTheta + 2 * 16 * epsCosine;
          const got = sphereFace.loss.data[i];
          assert.ok(Math.abs(got - want[i]) <= bound, `SphereFace ${i}: got ${got}, want ${want[i]} (bound ${bound}, cos θ ${c})`);
        }
        const arc = arcFaceLoss(p.x, p.W, p.labels, { form: 'combined', s: 16, m: 0.4, reduction: 'none' });
        const paper = arcFaceLoss(p.x, p.W, p.labels, { form: 'paper', s: 16, m: 0.4, reduction: 'none' });
        assertClose('ArcFace', arc.loss.data, paper.loss.data, { atol: 1e-12, rtol: 1e-12 });
      }),
      { numRuns: 60 },
    );
  });

  it('computes the 3-D example by hand: cosines 1 and 32/(√14·√77)', () => {
    const x = t([1, 3], [1, 2, 3]);
    const W = t([3, 2], [1, 4, 2, 5, 3, 6]);
    const result = arcFaceLoss(x, W, t([1], [1]), { s: 2, m: 0.5, form: 'paper', reduction: 'none' });
    const c1 = 32 / (Math.sqrt(14) * Math.sqrt(77));
    assertClose('cosines', result.cosines.data, [1, c1]);
    assertClose('angle', result.angles.data, [Math.acos(c1)]);
    const target = 2 * Math.cos(Math.acos(c1) + 0.5);
    assertClose('logits', result.logits.data, [2, target]);
    assertClose('loss', result.loss.data, [Math.log(Math.exp(2) + Math.exp(target)) - target]);
  });

  it('reductions: mean is the average, sum the total, weights scale both the loss and the gradient', () => {
    const x = t([3, 2], [1, 0.5, -0.3, 2, 0.7, -1]);
    const W = t([2, 3], [1, 0, -1, 0.2, 1, 0.4]);
    const labels = t([3], [0, 2, 1]);
    const none = arcFaceLoss(x, W, labels, { s: 4, reduction: 'none', grad: true });
    const per = [...none.loss.data];
    assertClose('mean', arcFaceLoss(x, W, labels, { s: 4 }).loss.data, [(per[0] + per[1] + per[2]) / 3]);
    assertClose('sum', arcFaceLoss(x, W, labels, { s: 4, reduction: 'sum' }).loss.data, [per[0] + per[1] + per[2]]);
    const weighted = arcFaceLoss(x, W, labels, { s: 4, reduction: 'sum', weight: t([3], [2, 2, 2]), grad: true });
    assertClose('weighted sum', weighted.loss.data, [2 * (per[0] + per[1] + per[2])]);
    assert.ok(weighted.grad && none.grad);
    assertClose('weighted grad x', weighted.grad.x.data, none.grad.x.data.map((g) => 2 * g));
    assertClose('weighted grad W', weighted.grad.W.data, none.grad.W.data.map((g) => 2 * g));
  });

  it('an empty batch gives zero loss and zero-sized or zero gradients', () => {
    const result = arcFaceLoss(t([0, 3], []), t([3, 2], [1, 2, 3, 4, 5, 6]), t([0], []), { grad: true });
    assert.deepEqual([...result.loss.data], [0]);
    assert.deepEqual(result.logits.shape, [0, 2]);
    assert.ok(result.grad);
    assert.deepEqual(result.grad.x.shape, [0, 3]);
    assert.deepEqual([...result.grad.W.data], [0, 0, 0, 0, 0, 0]);
  });

  it('stays finite with clamps counted when an embedding equals or opposes its class centre', () => {
    const W = t([3, 2], [1, 4, 2, 5, 3, 6]);
    for (const form of ['insightface', 'paper', 'combined'] as const) {
      const same = arcFaceLoss(t([1, 3], [2, 4, 6]), W, t([1], [0]), { form, grad: true });
      const opposite = arcFaceLoss(t([1, 3], [-1, -2, -3]), W, t([1], [0]), { form, grad: true, s: 4 });
      for (const [name, r] of [['same', same], ['opposite', opposite]] as const) {
        assertAllFinite(`${form} ${name} loss`, r.loss.data);
        assert.ok(r.grad);
        assertAllFinite(`${form} ${name} grad x`, r.grad.x.data);
        assertAllFinite(`${form} ${name} grad W`, r.grad.W.data);
      }
      assert.ok(same.report.clampedCosines > 0, `${form}: cos θ = 1 is clamped`);
      // insightface switches to the linear continuation at cos θ = −1, which needs no clamp.
      if (form !== 'insightface') assert.ok(opposite.report.clampedCosines > 0, `${form}: cos θ = −1 is clamped`);
      assertClose(`${form} angle 0`, same.angles.data, [0], { atol: 1e-7 });
      assertClose(`${form} angle π`, opposite.angles.data, [Math.PI], { atol: 1e-7 });
    }
    // The limits: at θ = 0 the ArcFace logit is s·cos m; at θ = π (paper) it is s·cos(π + m) = −s·cos m.
    const same = arcFaceLoss(t([1, 3], [1, 2, 3]), W, t([1], [0]), { form: 'paper', s: 10, m: 0.5 });
    assertClose('θ = 0 logit', [same.logits.data[0]], [10 * Math.cos(0.5)], { atol: 1e-9 });
    const opposite = arcFaceLoss(t([1, 3], [-1, -2, -3]), W, t([1], [0]), { form: 'paper', s: 10, m: 0.5 });
    assertClose('θ = π logit', [opposite.logits.data[0]], [-10 * Math.cos(0.5)], { atol: 1e-9 });
  });

  it('a zero embedding has cosines 0 and finite gradients, as F.normalize', () => {
    const r = arcFaceLoss(t([1, 3], [0, 0, 0]), t([3, 2], [1, 4, 2, 5, 3, 6]), t([1], [1]), { form: 'paper', s: 2, m: 0.5, grad: true });
    assertClose('cosines', r.cosines.data, [0, 0]);
    // Cross-entropy of logits (0, 2·cos(π/2 + 0.5)) at the label 1.
    const target = 2 * Math.cos(Math.PI / 2 + 0.5);
    assertClose('loss', r.loss.data, [Math.log(1 + Math.exp(target)) - target]);
    assert.ok(r.grad);
    assertAllFinite('grad x', r.grad.x.data);
    assertAllFinite('grad W', r.grad.W.data);
  });

  it('large s: the loss is the margin gap times s, exactly, without overflow', () => {
    // Embedding on its class centre and orthogonal to the other: logits (s·cos m, 0) vs correct class.
    const x = t([1, 2], [1, 0]);
    const W = t([2, 2], [1, 0, 0, 1]);
    for (const s of [1e3, 1e6]) {
      const r = arcFaceLoss(x, W, t([1], [1]), { form: 'paper', s, m: 0.5, grad: true });
      // label 1: θ = π/2, target logit s·cos(π/2 + 0.5) = −s·sin 0.5; the other logit is s.
      assertClose(`s=${s}`, r.loss.data, [s + s * Math.sin(0.5)], { rtol: 1e-12 });
      assert.ok(r.grad);
      assertAllFinite('grad x', r.grad.x.data);
      assertAllFinite('grad W', r.grad.W.data);
    }
  });

  it('rejects bad input with an InputError naming the argument and index', () => {
    const W = t([3, 2], [1, 4, 2, 5, 3, 6]);
    const x = t([2, 3], [1, 2, 3, 4, 5, 6]);
    const expectError = (thunk: () => unknown, argument: string, index?: number[]): void => {
      assert.throws(thunk, (e: unknown) => e instanceof InputError && e.fn === 'arcFaceLoss' && e.argument === argument && (index === undefined || String(e.index) === String(index)));
    };
    expectError(() => arcFaceLoss(x, W, t([2], [0, 2])), 'labels', [1]);
    expectError(() => arcFaceLoss(x, W, t([2], [0, -1])), 'labels', [1]);
    expectError(() => arcFaceLoss(x, W, t([2], [0, 0.5])), 'labels', [1]);
    expectError(() => arcFaceLoss(t([2, 2], [1, 2, 3, 4]), W, t([2], [0, 1])), 'W');
    expectError(() => arcFaceLoss(x, W, t([3], [0, 1, 1])), 'labels');
    expectError(() => arcFaceLoss(t([2, 3], [1, 2, NaN, 4, 5, 6]), W, t([2], [0, 1])), 'x', [0, 2]);
    expectError(() => arcFaceLoss(x, t([3, 2], [1, 4, 2, Infinity, 3, 6]), t([2], [0, 1])), 'W', [1, 1]);
    expectError(() => arcFaceLoss(x, W, t([2], [0, 1]), { s: 0 }), 'options.s');
    expectError(() => arcFaceLoss(x, W, t([2], [0, 1]), { m: NaN }), 'options.m');
    expectError(() => arcFaceLoss(x, W, t([2], [0, 1]), { form: 'nope' as ArcFaceForm }), 'options.form');
  });
});

describe('arcFaceTargetLogit and marginCurves', () => {
  it('the insightface form keeps decreasing in θ across its threshold, and every derivative matches finite differences', () => {
    const m = 0.5;
    const threshold = Math.cos(Math.PI - m);
    // Not continuous: just above, cos(θ+m) → cos π = −1; just below, cos θ − m·sin(π−m) → −cos m − m·sin m,
    // lower still, so the target logit keeps decreasing as θ grows past π − m.
    const below = arcFaceTargetLogit(threshold - 1e-12, { m });
    const above = arcFaceTargetLogit(threshold + 1e-12, { m });
    assertClose('just above', [above.value], [-1], { atol: 1e-9 });
    assertClose('just below', [below.value], [-Math.cos(m) - m * Math.sin(m)], { atol: 1e-9 });
    assert.ok(below.value < above.value, 'increasing in cos θ across the switch');
    for (const form of ['insightface', 'paper', 'combined'] as const) {
      for (const c of [-0.95, -0.3, 0.1, 0.6, 0.99]) {
        const h = 1e-6;
        const numeric = (arcFaceTargetLogit(c + h, { form, m }).value - arcFaceTargetLogit(c - h, { form, m }).value) / (2 * h);
        assertClose(`${form} f′(${c})`, [arcFaceTargetLogit(c, { form, m }).derivative], [numeric], { atol: 1e-7, rtol: 1e-6 });
      }
    }
  });

  it('at cos θ = ±1 the value is the limit and the derivative finite and counted', () => {
    const clamps = { count: 0 };
    const one = arcFaceTargetLogit(1, { form: 'paper', m: 0.5 }, clamps);
    assertClose('f(1)', [one.value], [Math.cos(0.5)]);
    assert.ok(Number.isFinite(one.derivative));
    const past = arcFaceTargetLogit(1 + 1e-15, { form: 'insightface', m: 0.5 }, clamps);
    assertClose('f(1+)', [past.value], [Math.cos(0.5)]);
    assert.equal(clamps.count, 2);
  });

  it('marginCurves are the textbook curves', () => {
    const theta = 0.8;
    const curves = marginCurves(theta, { sphereFace: 2, cosFace: 0.35, arcFace: 0.5 });
    assertClose('curves', [curves.softmax, curves.sphereFace, curves.cosFace, curves.arcFace], [
      Math.cos(0.8),
      2 * Math.cos(0.8) ** 2 - 1,
      Math.cos(0.8) - 0.35,
      Math.cos(0.8) * Math.cos(0.5) - Math.sin(0.8) * Math.sin(0.5),
    ]);
  });
});

describe("arcFaceLoss: float32 exports and precision 'float32'", () => {
  const make = (B: number, d: number, C: number, seed: number) => {
    let state = seed;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32 - 0.5;
    };
    const x = Float32Array.from({ length: B * d }, next);
    const W = Float32Array.from({ length: d * C }, next);
    const labels = Float64Array.from({ length: B }, (_, i) => (i * 7) % C);
    return { x: { shape: [B, d], data: x }, W: { shape: [d, C], data: W }, labels: { shape: [B], data: labels } };
  };
  const widen = (t: { shape: number[]; data: Float32Array }): Tensor => ({ shape: t.shape, data: Float64Array.from(t.data) });

  it('float32 arrays in float64 precision give the float64 results of the same values', () => {
    const { x, W, labels } = make(6, 33, 70, 1);
    const got = arcFaceLoss(x, W, labels, { grad: true });
    const want = arcFaceLoss(widen(x), widen(W), labels, { grad: true });
    assertClose('perElement', got.perElement.data, want.perElement.data, { atol: 0, rtol: 1e-12 });
    assertClose('grad x', got.grad?.x.data ?? [], want.grad?.x.data ?? [], { atol: 1e-15, rtol: 1e-12 });
    assertClose('grad W', got.grad?.W.data ?? [], want.grad?.W.data ?? [], { atol: 1e-15, rtol: 1e-12 });
  });

  it('cosines stay within the stated (d + 2)·2⁻²⁴ of float64, and the loss within 2s·f′ times that', () => {
    for (const [B, d, C, seed] of [[9, 64, 300, 2], [5, 512, 40, 3], [0, 8, 3, 4], [3, 1, 2, 5]]) {
      const { x, W, labels } = make(B, d, C, seed);
      const s = 64;
      const f32 = arcFaceLoss(x, W, labels, { s, grad: true, precision: 'float32' });
      const f64 = arcFaceLoss(widen(x), widen(W), labels, { s, grad: true });
      const cosineBound = (d + 2) * 2 ** -24;
      for (let i = 0; i < f64.cosines.data.length; i++) {
        assert.ok(Math.abs(f32.cosines.data[i] - f64.cosines.data[i]) <= cosineBound, `cosine ${i}`);
      }
      for (let i = 0; i < B; i++) {
        const t = f64.cosines.data[i * C + labels.data[i]];
        const slope = Math.abs(arcFaceTargetLogit(t).derivative) + 1;
        assert.ok(Math.abs(f32.perElement.data[i] - f64.perElement.data[i]) <= 2 * s * slope * cosineBound, `loss ${i}`);
      }
      // Gradients: dL/dcos has Σ|·| ≤ 2s·f′ per row (≤ B times that per column); each product
      // adds (k + 2)·2⁻²⁴ of it, and the normalization's backward divides by the raw norm (its
      // projection no longer cancels exactly, e.g. d = 1 where the exact gradient is 0).
      let maxSlope = 1;
      for (let i = 0; i < B; i++) maxSlope = Math.max(maxSlope, Math.abs(arcFaceTargetLogit(f64.cosines.data[i * C + labels.data[i]]).derivative) + 1);
      const norms = {
        x: Array.from({ length: B }, (_, i) => Math.hypot(...x.data.subarray(i * d, i * d + d))),
        W: Array.from({ length: C }, (_, j) => Math.hypot(...Array.from({ length: d }, (_, k) => W.data[k * C + j]))),
      };
      for (const key of ['x', 'W'] as const) {
        const got = f32.grad?.[key].data ?? new Float64Array();
        const want = f64.grad?.[key].data ?? new Float64Array();
        const fanIn = key === 'x' ? 1 : Math.max(B, 1);
        const bound = 8 * s * maxSlope * fanIn * (Math.max(B, C, d) + 2) * 2 ** -24 / Math.min(...norms[key]);
        for (let i = 0; i < want.length; i++) {
          assert.ok(Math.abs(got[i] - want[i]) <= bound, `grad ${key}[${i}] ${B}x${d}x${C}: ${got[i]} vs ${want[i]}, bound ${bound}`);
        }
      }
    }
  });

  it('keeps G in float32 in float32 mode, with the very bits of a float64 G (the products round it anyway)', () => {
    const { x, W, labels } = make(9, 40, 300, 7);
    let narrowed = 0;
    const narrowing: ArcFaceHost = {
      ...CORE_PRODUCTS,
      scratch32: (length) => {
        narrowed++;
        return new Float32Array(length);
      },
    };
    for (const options of [{ grad: true, precision: 'float32' }, { grad: true, precision: 'float32', reduction: 'sum', s: 30 }] as ArcFaceOptions[]) {
      const got = onPath('simd', () => arcFaceLoss(x, W, labels, options, narrowing));
      const want = onPath('simd', () => arcFaceLoss(x, W, labels, options, CORE_PRODUCTS));
      assert.deepEqual(got.loss, want.loss);
      assert.deepEqual(got.grad?.x, want.grad?.x);
      assert.deepEqual(got.grad?.W, want.grad?.W);
      assert.deepEqual(got.logits, want.logits);
    }
    assert.equal(narrowed, 2, 'G was float32 in both calls');
    // The TypeScript row pass rescales G in place, so it never gets a float32 one.
    onPath('typescript', () => arcFaceLoss(x, W, labels, { grad: true, precision: 'float32' }, narrowing));
    assert.equal(narrowed, 2);
  });

  it('float32 mode stays finite at s = 1e4 and with one-hot embeddings (cos θ = ±1)', () => {
    const x = { shape: [2, 3], data: Float32Array.from([1, 0, 0, -1, 0, 0]) };
    const W = { shape: [3, 2], data: Float32Array.from([1, 0, 0, 1, 0, 0]) };
    const labels = t([2], [0, 0]);
    const result = arcFaceLoss(x, W, labels, { s: 1e4, grad: true, precision: 'float32' });
    assertAllFinite('loss', result.perElement.data);
    assertAllFinite('grad x', result.grad?.x.data ?? []);
    assertAllFinite('grad W', result.grad?.W.data ?? []);
  });

  it('rejects an unknown precision, naming the option', () => {
    const { x, W, labels } = make(2, 3, 4, 6);
    assert.throws(
      () => arcFaceLoss(x, W, labels, { precision: 'float16' as 'float32' }),
      (error: unknown) => error instanceof InputError && error.argument === 'options.precision',
    );
  });
});
