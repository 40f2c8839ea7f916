import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { gflHeadRawLoss, type GflHeadRawInputs, type GflHeadRawOptions } from '../../../../src/core/heads/gfl';
import type { Tensor } from '../../../../src/core/tensor';
import { assertAllFinite, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';
import { randomRawHead, type HeadSpec } from '../../../helpers/heads';

const EPS32 = 2 ** -23;
const sigma = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((a, v) => a + v, 0);

/** A small head: a 40×48 image (H × W), strides 8, 16, 32 (5×6, 3×3, 2×2 maps), regMax 7 (8 bins). */
const small = (seed: number, gtCounts: number[], classes = 3): HeadSpec => ({
  seed,
  gtCounts,
  classes,
  imgShape: [40, 48],
  strides: [8, 16, 32],
  regMax: 7,
});
/**
 * Anchors of 2 strides (not 8), top-k 4: on a 40×48 image, mmdetection's 64 px anchors at stride 8
 * would leave every positive on the first level; these spread them over the first two.
 */
const optionsOf = (spec: HeadSpec): GflHeadRawOptions => ({ strides: spec.strides, regMax: spec.regMax, octaveBaseScale: 2, topk: 4, grad: true });

/** The same inputs with one list's map at `level` replaced. */
function withMap(inputs: GflHeadRawInputs, key: 'clsScores' | 'bboxPreds', level: number, map: Tensor): GflHeadRawInputs {
  return { ...inputs, [key]: inputs[key].map((m, l) => (l === level ? map : m)) };
}

/**
 * The analytic gradients against central differences. w and the QFL score are constants of the
 * gradient (the peer detaches them), and each lives in one place: score (from the boxes) only in
 * loss_cls, w (from the class logits) only in loss_bbox and loss_dfl. So d loss/d cls is exactly
 * d loss_cls/d cls, and d loss/d reg is d(loss_bbox + loss_dfl)/d reg: those are what the finite
 * differences measure.
 */
function checkGradients(spec: HeadSpec): void {
  const inputs = randomRawHead(spec);
  const options = optionsOf(spec);
  const result = gflHeadRawLoss(inputs, options);
  assert.ok(result.grad !== undefined);
  spec.strides.forEach((_, l) => {
    const clsFd = finiteDifference((map) => gflHeadRawLoss(withMap(inputs, 'clsScores', l, map), { ...options, grad: false }).lossCls, inputs.clsScores[l]);
    assertGradientMatches(`cls level ${l}`, result.grad!.clsScores[l].data, clsFd, { atol: 1e-8, rtol: 1e-5 });
    const regFd = finiteDifference((map) => {
      const r = gflHeadRawLoss(withMap(inputs, 'bboxPreds', l, map), { ...options, grad: false });
      return r.lossBbox + r.lossDfl;
    }, inputs.bboxPreds[l]);
    assertGradientMatches(`reg level ${l}`, result.grad!.bboxPreds[l].data, regFd, { atol: 1e-8, rtol: 1e-5 });
  });
}

describe('gflHeadRawLoss: gradients against finite differences', () => {
  it('one image, one to four GTs', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 4 }), (seed, G) => checkGradients(small(seed, [G]))),
      { numRuns: 6 },
    );
  });

  it('a batch of two, one image without GT', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 3 }), fc.boolean(), (seed, G, emptyFirst) =>
        checkGradients(small(seed, emptyFirst ? [0, G] : [G, 0])),
      ),
      { numRuns: 4 },
    );
  });

  it('the default 17 bins (regMax 16)', () => {
    checkGradients({ ...small(11, [2]), regMax: 16 });
  });

  it("mmdetection's default anchors (8 strides, top-k 9)", () => {
    const spec = small(12, [2]);
    const inputs = randomRawHead(spec);
    const result = gflHeadRawLoss(inputs, { strides: spec.strides, regMax: spec.regMax, grad: true });
    assert.ok(result.numPos > 0);
    const regFd = finiteDifference((map) => {
      const r = gflHeadRawLoss(withMap(inputs, 'bboxPreds', 0, map), { strides: spec.strides, regMax: spec.regMax });
      return r.lossBbox + r.lossDfl;
    }, inputs.bboxPreds[0]);
    assertGradientMatches('reg level 0', result.grad!.bboxPreds[0].data, regFd, { atol: 1e-8, rtol: 1e-5 });
  });
});

describe('gflHeadRawLoss: values', () => {
  it('without any GT: loss_cls = Σ softplus(x)·σ(x)² / (N + ε), the other two 0 with zero gradients', () => {
    const spec = small(3, [0, 0]);
    const inputs = randomRawHead(spec);
    const result = gflHeadRawLoss(inputs, optionsOf(spec));
    let want = 0;
    for (const map of inputs.clsScores) for (const x of map.data) want += softplus(x) * sigma(x) ** 2;
    want /= 2 + EPS32;
    assert.ok(Math.abs(result.lossCls - want) <= 1e-12 * want, `${result.lossCls} vs ${want}`);
    assert.equal(result.lossBbox, 0);
    assert.equal(result.lossDfl, 0);
    assert.equal(result.numPos, 0);
    assert.equal(result.avgFactorCls, 2);
    assert.equal(result.avgFactorBbox, 1);
    for (const grad of result.grad!.bboxPreds) assert.ok(grad.data.every((v) => v === 0));
  });

  it('the per-anchor parts sum to the components, level by level, and only positives have box parts', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }), (seed, gtCounts) => {
        const spec = small(seed, gtCounts, 4);
        const result = gflHeadRawLoss(randomRawHead(spec), optionsOf(spec));
        const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * (1 + Math.abs(b));
        assert.ok(close(sum(result.perAnchor.cls.data), result.lossCls));
        assert.ok(close(sum(result.perAnchor.bbox.data), result.lossBbox));
        assert.ok(close(sum(result.perAnchor.dfl.data), result.lossDfl));
        assert.ok(close(sum(result.perLevel.cls), result.lossCls));
        assert.ok(close(sum(result.perLevel.bbox) + sum(result.perLevel.dfl), result.lossBbox + result.lossDfl));
        assert.equal(result.loss, result.lossCls + result.lossBbox + result.lossDfl);
        const A = result.anchors.count;
        let positives = 0;
        result.assignment.forEach((image, b) => {
          for (let a = 0; a < A; a++) {
            const positive = image.gt[a] >= 0;
            positives += positive ? 1 : 0;
            if (!positive) assert.equal(result.perAnchor.bbox.data[b * A + a], 0);
            else assert.ok(result.perAnchor.weight.data[b * A + a] > 0);
          }
        });
        assert.equal(positives, result.numPos);
        assert.equal(result.avgFactorCls, result.numPosPerImage.reduce((s, n) => s + Math.max(n, 1), 0));
        assertAllFinite('loss', [result.loss]);
      }),
      { numRuns: 40 },
    );
  });

  it('W = max(Σ w, 1) with w = σ(max class logit) of each positive', () => {
    const spec = small(21, [3, 2]);
    const inputs = randomRawHead(spec);
    const result = gflHeadRawLoss(inputs, optionsOf(spec));
    const A = result.anchors.count;
    let weights = 0;
    result.assignment.forEach((image, b) => {
      for (let a = 0; a < A; a++) {
        if (image.gt[a] < 0) continue;
        const level = result.anchors.levels.findIndex(({ start, height, width }) => a >= start && a < start + height * width);
        const { start, height, width } = result.anchors.levels[level];
        const [, C] = inputs.clsScores[level].shape;
        const area = height * width;
        let max = -Infinity;
        for (let c = 0; c < C; c++) max = Math.max(max, inputs.clsScores[level].data[(b * C + c) * area + a - start]);
        assert.ok(Math.abs(result.perAnchor.weight.data[b * A + a] - sigma(max)) < 1e-15);
        weights += sigma(max);
      }
    });
    assert.ok(Math.abs(result.avgFactorBbox - Math.max(weights, 1)) < 1e-12);
  });
});

describe('gflHeadRawLoss: bad input', () => {
  const spec = small(5, [2, 1]);
  const inputs = randomRawHead(spec);
  const options = optionsOf(spec);
  const rejects = (bad: GflHeadRawInputs, argument: string, index?: number[]): void => {
    assert.throws(
      () => gflHeadRawLoss(bad, options),
      (e: unknown) => e instanceof InputError && e.argument === argument && (index === undefined || JSON.stringify(e.index) === JSON.stringify(index)),
    );
  };

  it('names the level of a map of the wrong shape, and the class count that disagrees', () => {
    const cls = inputs.clsScores[1];
    rejects(withMap(inputs, 'clsScores', 1, { shape: [2, 4, 3, 3], data: new Float64Array(72) }), 'inputs.clsScores[1]');
    rejects(withMap(inputs, 'bboxPreds', 2, { shape: [2, 68, 2, 2], data: new Float64Array(544) }), 'inputs.bboxPreds[2]');
    rejects({ ...inputs, clsScores: inputs.clsScores.slice(0, 2) }, 'inputs.clsScores');
    assert.throws(() => gflHeadRawLoss(inputs, { ...options, numClasses: 5 }), (e: unknown) => e instanceof InputError && e.argument === 'inputs.clsScores[0]');
    assert.ok(cls.shape[1] === 3);
  });

  it('names a non-finite logit by level and index', () => {
    const data = new Float64Array(inputs.bboxPreds[0].data);
    data[8 * 30 + 7] = NaN; // image 0, channel 8, pixel 7 = row 1, column 1 of the 5×6 map
    rejects(withMap(inputs, 'bboxPreds', 0, { shape: inputs.bboxPreds[0].shape, data }), 'inputs.bboxPreds[0]', [0, 8, 1, 1]);
  });

  it('names the image and GT of an inside-out box, a label outside 0 … C − 1, and a count mismatch', () => {
    const boxes = new Float64Array(inputs.gtBboxes[0].data);
    boxes[2] = boxes[0] - 1;
    rejects({ ...inputs, gtBboxes: [{ shape: [2, 4], data: boxes }, inputs.gtBboxes[1]] }, 'inputs.gtBboxes[0]', [0, 2]);
    rejects({ ...inputs, gtLabels: [inputs.gtLabels[0], { shape: [1], data: Float64Array.of(3) }] }, 'inputs.gtLabels[1]', [0]);
    rejects({ ...inputs, gtLabels: [inputs.gtLabels[0], { shape: [2], data: Float64Array.of(0, 1) }] }, 'inputs.gtLabels[1]');
    rejects({ ...inputs, gtBboxes: [inputs.gtBboxes[0]] }, 'inputs.gtBboxes');
  });

  it('accepts an image whose GT is written as an empty (0) array', () => {
    const result = gflHeadRawLoss({ ...inputs, gtBboxes: [inputs.gtBboxes[0], { shape: [0], data: new Float64Array(0) }], gtLabels: [inputs.gtLabels[0], { shape: [0], data: new Float64Array(0) }] }, options);
    assert.equal(result.numPosPerImage[1], 0);
  });
});

describe('gflHeadRawLoss: what the gradient checks exercise', () => {
  it('the small random heads have positives on several levels', () => {
    const levels = new Set<number>();
    let positives = 0;
    for (let seed = 0; seed < 20; seed++) {
      const spec = small(seed, [3]);
      const result = gflHeadRawLoss(randomRawHead(spec), optionsOf(spec));
      positives += result.numPos;
      result.perLevel.bbox.forEach((value, l) => {
        if (value > 0) levels.add(l);
      });
    }
    assert.ok(positives >= 20, `${positives} positives`);
    assert.ok(levels.size >= 2, `positives on levels ${[...levels].join(', ')}`);
  });
});
