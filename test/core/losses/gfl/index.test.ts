import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { gaussian, seededRandom } from '../../../helpers/random';
import { InputError } from '../../../../src/core/errors';
import { gflHeadLoss, type GflInputs, type GflOptions } from '../../../../src/core/losses/gfl';
import type { Tensor } from '../../../../src/core/tensor';
import { assertAllFinite, assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';

interface Head {
  readonly inputs: GflInputs;
  readonly options: GflOptions;
}

/** A random small head: n anchors, C classes, `positiveRate` of them labelled (background-last). */
function randomHead(seed: number, n: number, C: number, regMax: number, stride: number, positiveRate: number): Head {
  const random = seededRandom(seed);
  const bins = regMax + 1;
  const points = Float64Array.from({ length: 2 * n }, () => random() * 200);
  const labels = Float64Array.from({ length: n }, () => (random() < positiveRate ? Math.floor(random() * C) : C));
  const gt = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    // Up to 1.2·regMax strides from the point, so some DFL targets are clamped.
    for (let k = 0; k < 4; k++) gt[4 * i + k] = points[2 * i + (k & 1)] + (k < 2 ? -1 : 1) * random() * 1.2 * regMax * stride;
  }
  return {
    inputs: {
      cls: { shape: [n, C], data: gaussian(random, n * C, 2) },
      reg: { shape: [n, 4 * bins], data: gaussian(random, n * 4 * bins, 2) },
      points: { shape: [n, 2], data: points },
      labels: { shape: [n], data: labels },
      gtBoxes: { shape: [n, 4], data: gt },
    },
    options: { regMax, stride, beta: 2 },
  };
}

const sigma = (x: number): number => 1 / (1 + Math.exp(-x));

/** The head written out from its definition (fixtures README, mmdetection), with plain loops. */
function naiveGfl({ inputs, options }: Head): { lossCls: number; lossBbox: number; lossDfl: number; score: number[] } {
  const [n, C] = inputs.cls.shape;
  const regMax = options.regMax ?? 16;
  const bins = regMax + 1;
  const s = options.stride;
  const beta = options.beta ?? 2;
  const lw = { cls: 1, bbox: 2, dfl: 0.25, ...options.lossWeight };
  const score = new Array<number>(n).fill(0);
  let positives = 0;
  let weightSum = 0;
  let bbox = 0;
  let dfl = 0;
  for (let i = 0; i < n; i++) {
    const label = inputs.labels.data[i];
    if (label >= C) continue;
    positives++;
    const w = Math.max(...Array.from(inputs.cls.data.subarray(i * C, (i + 1) * C), sigma));
    weightSum += w;
    const cx = inputs.points.data[2 * i] / s;
    const cy = inputs.points.data[2 * i + 1] / s;
    const g = Array.from(inputs.gtBoxes.data.subarray(4 * i, 4 * i + 4), (v) => v / s);
    const dist: number[] = [];
    for (let k = 0; k < 4; k++) {
      const logits = Array.from(inputs.reg.data.subarray((4 * i + k) * bins, (4 * i + k + 1) * bins));
      const z = logits.reduce((a, v) => a + Math.exp(v), 0);
      dist.push(logits.reduce((a, v, j) => a + (Math.exp(v) / z) * j, 0));
      const target = Math.min(Math.max([cx - g[0], cy - g[1], g[2] - cx, g[3] - cy][k], 0), regMax - 0.1);
      const left = Math.floor(target);
      dfl += w * ((left + 1 - target) * (Math.log(z) - logits[left]) + (target - left) * (Math.log(z) - logits[left + 1]));
    }
    const p = [cx - dist[0], cy - dist[1], cx + dist[2], cy + dist[3]];
    const inter = Math.max(0, Math.min(p[2], g[2]) - Math.max(p[0], g[0])) * Math.max(0, Math.min(p[3], g[3]) - Math.max(p[1], g[1]));
    const union = (p[2] - p[0]) * (p[3] - p[1]) + (g[2] - g[0]) * (g[3] - g[1]) - inter;
    const hull = (Math.max(p[2], g[2]) - Math.min(p[0], g[0])) * (Math.max(p[3], g[3]) - Math.min(p[1], g[1]));
    score[i] = inter / union;
    bbox += w * (1 - (inter / union - (hull - union) / hull));
  }
  let cls = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      const q = sigma(inputs.cls.data[i * C + c]);
      const y = inputs.labels.data[i] === c ? score[i] : 0;
      cls += -(y * Math.log(q) + (1 - y) * Math.log(1 - q)) * Math.abs(y - q) ** beta;
    }
  }
  const norm = Math.max(1, weightSum);
  return { lossCls: (lw.cls * cls) / Math.max(1, positives), lossBbox: (lw.bbox * bbox) / norm, lossDfl: (lw.dfl * dfl) / 4 / norm, score };
}

const headArbitrary = fc.record({
  seed: fc.integer(),
  n: fc.integer({ min: 0, max: 6 }),
  C: fc.integer({ min: 1, max: 3 }),
  regMax: fc.integer({ min: 1, max: 5 }),
  stride: fc.constantFrom(4, 8, 16),
  positiveRate: fc.constantFrom(0, 0.5, 1),
});

const withData = (t: Tensor, data: Float64Array): Tensor => ({ shape: t.shape, data });

describe('gflHeadLoss: values', () => {
  it('match the definition written out with plain loops (no positives and all positives included)', () => {
    fc.assert(
      fc.property(headArbitrary, ({ seed, n, C, regMax, stride, positiveRate }) => {
        const head = randomHead(seed, n, C, regMax, stride, positiveRate);
        const got = gflHeadLoss(head.inputs, head.options);
        const want = naiveGfl(head);
        assertClose('losses', [got.lossCls, got.lossBbox, got.lossDfl], [want.lossCls, want.lossBbox, want.lossDfl], { atol: 1e-12, rtol: 1e-9 });
        assertClose('score', got.score.data, want.score, { atol: 1e-12 });
        assert.ok(Math.abs(got.loss - (got.lossCls + got.lossBbox + got.lossDfl)) < 1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('per-anchor shares sum to the three losses; negatives have zero weight, score and box shares', () => {
    const head = randomHead(5, 12, 4, 7, 8, 0.5);
    const result = gflHeadLoss(head.inputs, head.options);
    const sum = (t: Tensor): number => t.data.reduce((a, v) => a + v, 0);
    assert.ok(Math.abs(sum(result.perAnchor.cls) - result.lossCls) < 1e-12);
    assert.ok(Math.abs(sum(result.perAnchor.bbox) - result.lossBbox) < 1e-12);
    assert.ok(Math.abs(sum(result.perAnchor.dfl) - result.lossDfl) < 1e-12);
    let positives = 0;
    head.inputs.labels.data.forEach((label, i) => {
      if (label < 4) {
        positives++;
        assert.ok(result.weight.data[i] > 0 && result.score.data[i] >= 0 && result.score.data[i] <= 1);
      } else {
        assert.equal(result.weight.data[i] + result.score.data[i] + result.perAnchor.bbox.data[i] + result.perAnchor.dfl.data[i], 0);
      }
    });
    assert.equal(result.numPositives, positives);
  });

  it('background-first labels (0 = background, classes 1..C) give the same result', () => {
    const head = randomHead(9, 10, 3, 4, 16, 0.5);
    const last = gflHeadLoss(head.inputs, { ...head.options, grad: true });
    const shifted = head.inputs.labels.data.map((label) => (label === 3 ? 0 : label + 1));
    const first = gflHeadLoss({ ...head.inputs, labels: withData(head.inputs.labels, shifted) }, { ...head.options, labelConvention: 'background-first', grad: true });
    assert.deepEqual([first.lossCls, first.lossBbox, first.lossDfl], [last.lossCls, last.lossBbox, last.lossDfl]);
    assertClose('grad cls', first.grad!.cls.data, last.grad!.cls.data);
    assertClose('grad reg', first.grad!.reg.data, last.grad!.reg.data);
  });

  it('loss weights scale each component linearly', () => {
    const head = randomHead(21, 8, 2, 4, 8, 0.5);
    const base = gflHeadLoss(head.inputs, { ...head.options, lossWeight: { cls: 1, bbox: 1, dfl: 1 } });
    const scaled = gflHeadLoss(head.inputs, { ...head.options, lossWeight: { cls: 3, bbox: 0, dfl: 0.5 } });
    assertClose('scaled', [scaled.lossCls, scaled.lossBbox, scaled.lossDfl], [3 * base.lossCls, 0, 0.5 * base.lossDfl]);
  });
});

describe('gflHeadLoss: gradient', () => {
  // Score and the GIoU/DFL weights are detached: grad.cls is ∂lossCls/∂cls with score fixed (it
  // depends on reg only), and grad.reg is ∂(lossBbox + lossDfl)/∂reg with cls (and so w) fixed.
  it('matches central finite differences w.r.t. cls and reg', () => {
    fc.assert(
      fc.property(headArbitrary, ({ seed, n, C, regMax, stride, positiveRate }) => {
        const head = randomHead(seed, n, C, regMax, stride, positiveRate);
        const { inputs, options } = head;
        const grad = gflHeadLoss(inputs, { ...options, grad: true }).grad!;
        assert.deepEqual(grad.cls.shape, inputs.cls.shape);
        assert.deepEqual(grad.reg.shape, inputs.reg.shape);
        const clsLoss = (x: Tensor): number => gflHeadLoss({ ...inputs, cls: x }, options).lossCls;
        assertGradientMatches('cls', grad.cls.data, finiteDifference(clsLoss, inputs.cls));
        const regLoss = (x: Tensor): number => {
          const r = gflHeadLoss({ ...inputs, reg: x }, options);
          return r.lossBbox + r.lossDfl;
        };
        assertGradientMatches('reg', grad.reg.data, finiteDifference(regLoss, inputs.reg));
      }),
      { numRuns: 40 },
    );
  });

  it('without positives: box and DFL losses 0, a zero reg gradient, QFL still on the negatives', () => {
    const head = randomHead(3, 6, 3, 4, 8, 0);
    const result = gflHeadLoss(head.inputs, { ...head.options, grad: true });
    assert.equal(result.numPositives, 0);
    assert.equal(result.lossBbox, 0);
    assert.equal(result.lossDfl, 0);
    assert.ok(result.lossCls > 0);
    assert.ok(result.grad!.reg.data.every((v) => v === 0));
    assertAllFinite('grad cls', result.grad!.cls.data);
  });

  it('an empty batch (n = 0) gives zeros and empty gradients', () => {
    const head = randomHead(1, 0, 5, 16, 8, 0.5);
    const result = gflHeadLoss(head.inputs, { ...head.options, grad: true });
    assert.deepEqual([result.lossCls, result.lossBbox, result.lossDfl], [0, 0, 0]);
    assert.deepEqual(result.grad!.cls.shape, [0, 5]);
    assert.deepEqual(result.grad!.reg.shape, [0, 68]);
  });
});

describe('gflHeadLoss: adversarial inputs', () => {
  it('±1000 logits give finite losses and gradients', () => {
    const head = randomHead(17, 10, 3, 6, 8, 0.6);
    const sign = (v: number): number => (v >= 0 ? 1000 : -1000);
    const inputs = { ...head.inputs, cls: withData(head.inputs.cls, head.inputs.cls.data.map(sign)), reg: withData(head.inputs.reg, head.inputs.reg.data.map(sign)) };
    const result = gflHeadLoss(inputs, { ...head.options, grad: true });
    assertAllFinite('losses', [result.lossCls, result.lossBbox, result.lossDfl]);
    assertAllFinite('grad cls', result.grad!.cls.data);
    assertAllFinite('grad reg', result.grad!.reg.data);
  });

  it('a background anchor sure of a class costs BCE(1000, 0)·1 = 1000; a sure-negative one costs 0', () => {
    const one = (value: number): Tensor => ({ shape: [1, 1], data: Float64Array.of(value) });
    const inputs = (logit: number): GflInputs => ({
      cls: one(logit),
      reg: { shape: [1, 8], data: new Float64Array(8) },
      points: { shape: [1, 2], data: new Float64Array(2) },
      labels: { shape: [1], data: Float64Array.of(1) },
      gtBoxes: { shape: [1, 4], data: new Float64Array(4) },
    });
    assert.equal(gflHeadLoss(inputs(1000), { regMax: 1, stride: 8 }).lossCls, 1000);
    assert.equal(gflHeadLoss(inputs(-1000), { regMax: 1, stride: 8 }).lossCls, 0);
  });

  it('a positive whose decoded box is its ground truth has IoU 1 and GIoU loss 0', () => {
    // Bins peaked at 2 on every side decode to a box 2 strides around the point.
    const regMax = 4;
    const reg = new Float64Array(4 * (regMax + 1)).fill(-1000);
    for (let k = 0; k < 4; k++) reg[k * (regMax + 1) + 2] = 1000;
    const result = gflHeadLoss(
      {
        cls: { shape: [1, 2], data: Float64Array.of(3, -1) },
        reg: { shape: [1, reg.length], data: reg },
        points: { shape: [1, 2], data: Float64Array.of(80, 40) },
        labels: { shape: [1], data: Float64Array.of(0) },
        gtBoxes: { shape: [1, 4], data: Float64Array.of(64, 24, 96, 56) },
      },
      { regMax, stride: 8, grad: true },
    );
    assert.equal(result.score.data[0], 1);
    assert.equal(result.lossBbox, 0);
    assertAllFinite('grad reg', result.grad!.reg.data);
  });
});

describe('gflHeadLoss: errors', () => {
  const head = randomHead(2, 4, 2, 3, 8, 1);
  it('rejects mismatched shapes, bad labels and bad options', () => {
    const isInputError = (argument: string) => (e: unknown) => e instanceof InputError && e.fn === 'gflHeadLoss' && e.argument === argument;
    assert.throws(() => gflHeadLoss(head.inputs, { ...head.options, regMax: 4 }), isInputError('inputs.reg'));
    assert.throws(() => gflHeadLoss({ ...head.inputs, labels: withData(head.inputs.labels, Float64Array.of(0, 1, 3, 0)) }, head.options), isInputError('inputs.labels'));
    assert.throws(() => gflHeadLoss(head.inputs, { ...head.options, stride: 0 }), isInputError('options.stride'));
    assert.throws(() => gflHeadLoss(head.inputs, { ...head.options, lossWeight: { bbox: -1 } }), isInputError('options.lossWeight.bbox'));
    const cls = new Float64Array(head.inputs.cls.data);
    cls[2 * 1 + 1] = NaN;
    assert.throws(
      () => gflHeadLoss({ ...head.inputs, cls: withData(head.inputs.cls, cls) }, head.options),
      (e: unknown) => isInputError('inputs.cls')(e) && (e as InputError).index?.join() === '1,1',
    );
  });

  it('names the index of a non-finite ground truth on a positive row, and ignores negative rows', () => {
    const gt = new Float64Array(head.inputs.gtBoxes.data);
    gt[4 * 2 + 3] = NaN;
    assert.throws(
      () => gflHeadLoss({ ...head.inputs, gtBoxes: withData(head.inputs.gtBoxes, gt) }, head.options),
      (e: unknown) => e instanceof InputError && e.argument === 'inputs.gtBoxes' && e.index?.join() === '2,3',
    );
    const labels = withData(head.inputs.labels, Float64Array.of(0, 1, 2, 0));
    assert.doesNotThrow(() => gflHeadLoss({ ...head.inputs, labels, gtBoxes: withData(head.inputs.gtBoxes, gt) }, head.options));
  });
});
