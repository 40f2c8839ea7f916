import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors';
import { yolov8ImageSize, yolov8Loss, type Yolov8Result } from '../../../../src/core/heads/yolov8';
import { classificationTerm } from '../../../../src/core/heads/yolov8/classification';
import { readHeadMaps } from '../../../../src/core/heads/yolov8/maps';
import { anchorLayout } from '../../../../src/core/heads/yolov8/points';
import { gatherPositives, type Positives } from '../../../../src/core/heads/yolov8/positives';
import { readTargets, type ImageTargets } from '../../../../src/core/heads/yolov8/targets';
import { sigmoid, softplus } from '../../../../src/core/numerics';
import { toTensor, type Tensor } from '../../../../src/core/tensor';
import { assertClose, assertGradientMatches, finiteDifference } from '../../../helpers/gradcheck';
import { onPath } from '../../../helpers/kernelPath';
import { randomHead, type RandomHead } from './randomHead';
import { referenceAlpha, referenceCiou } from './reference';

const GAINS = { box: 7.5, cls: 0.5, dfl: 1.5 };

/**
 * The box and DFL sums of detector-heads.md step 5, written out per positive from the raw maps, with
 * CIoU's α taken from `alphas` when given (so that a finite difference holds it constant, as the
 * peer's no_grad does); returns the α of each positive at these maps too.
 */
function referenceRegression(feats: Tensor[], positives: Positives, targets: ImageTargets[], alphas?: number[]): { box: number; dfl: number; alphas: number[] } {
  const strides = [8, 16, 32];
  const offsets = [0];
  feats.forEach((m) => offsets.push(offsets[offsets.length - 1] + m.shape[2] * m.shape[3]));
  let box = 0;
  let dfl = 0;
  const used: number[] = [];
  for (let p = 0; p < positives.count; p++) {
    const [n, a] = [positives.image[p], positives.anchor[p]];
    const l = offsets.findIndex((o, k) => a >= o && a < offsets[k + 1]);
    const [, channels, h, w] = feats[l].shape;
    const cell = a - offsets[l];
    const [px, py] = [(cell % w) + 0.5, Math.floor(cell / w) + 0.5];
    const logits = (k: number): number[] => Array.from({ length: 16 }, (_, b) => feats[l].data[((n * channels + 16 * k + b) * h * w) + cell]);
    const d = [0, 1, 2, 3].map((k) => {
      const z = logits(k);
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      return e.reduce((s, v, b) => s + b * v, 0) / e.reduce((s, v) => s + v, 0);
    });
    const pred = [px - d[0], py - d[1], px + d[2], py + d[3]];
    const gt = Array.from(targets[n].boxes.subarray(4 * positives.gt[p], 4 * positives.gt[p] + 4), (v) => v / strides[l]);
    const alpha = alphas?.[p] ?? referenceAlpha(pred, gt, 1e-7);
    used.push(alpha);
    const weight = positives.score[p];
    box += (1 - referenceCiou(pred, gt, 1e-7, alpha)) * weight;
    const y = [px - gt[0], py - gt[1], gt[2] - px, gt[3] - py].map((v) => Math.min(Math.max(v, 0), 14.99));
    let sides = 0;
    y.forEach((t, k) => {
      const z = logits(k);
      const lse = Math.max(...z) + Math.log(z.reduce((s, v) => s + Math.exp(v - Math.max(...z)), 0));
      const left = Math.floor(t);
      const wl = left + 1 - t;
      sides += (lse - z[left]) * wl + (lse - z[left + 1]) * (1 - wl);
    });
    dfl += (sides / 4) * weight;
  }
  return { box, dfl, alphas: used };
}

/**
 * The total as a function of the maps with the assignment of `result` held fixed (the peer's
 * assigner runs under no_grad): the class sum recomputed by the class pass, the box and DFL sums by
 * the reference above with α frozen, with the same positives, target scores and tss.
 */
function totalWithFixedAssignment(head: RandomHead, feats: Tensor[], result: Yolov8Result, alphas: number[]): number {
  const maps = readHeadMaps('test', feats, 16, undefined);
  const layout = anchorLayout(maps.sizes, [8, 16, 32]);
  const targets = readTargets('test', head, maps.batch, maps.classes);
  const positives = positivesOf(result, targets, layout.count);
  const cls = classificationTerm(maps, layout, positives, new Float64Array(maps.batch * layout.count), null, 0, 'test');
  const { box, dfl } = referenceRegression(feats, positives, targets, alphas);
  return ((GAINS.box * box + GAINS.cls * cls + GAINS.dfl * dfl) / result.targetScoresSum) * maps.batch;
}

function positivesOf(result: Yolov8Result, targets: ImageTargets[], anchors: number): Positives {
  const a = result.assignment;
  const assignment = { gt: a.gt.data, candidate: a.candidate.data, inside: a.inside.data, ciou: a.ciou.data, metric: a.metric.data, rank: a.rank.data, score: a.score.data };
  return gatherPositives(assignment, targets, anchors);
}

function checkGradient(head: RandomHead): Yolov8Result {
  const result = yolov8Loss(head, { grad: true });
  const targets = readTargets('test', head, head.feats[0].shape[0], head.feats[0].shape[1] - 64);
  const positives = positivesOf(result, targets, result.anchors.strides.shape[0]);
  const reference = referenceRegression(head.feats, positives, targets);
  // The reference meets the box and DFL components at the maps themselves.
  assertClose('box, dfl', [result.boxLoss, result.dflLoss], [(GAINS.box * reference.box) / result.targetScoresSum, (GAINS.dfl * reference.dfl) / result.targetScoresSum], { atol: 1e-13, rtol: 1e-12 });
  head.feats.forEach((map, l) => {
    const numeric = finiteDifference((probe) => totalWithFixedAssignment(head, head.feats.map((m, k) => (k === l ? probe : m)), result, reference.alphas), map);
    assertGradientMatches(`d total / d feats[${l}]`, result.grad!.feats[l].data, numeric, { atol: 1e-7, rtol: 1e-5 });
  });
  return result;
}

describe('yolov8Loss: gradient against finite differences, the assignment held fixed', () => {
  it('one 32×32 image with 3 GTs and 3 classes', () => assert.ok(checkGradient(randomHead(11, 32, 3, [3])).numPos > 0));

  it('a batch of 2 whose second image has no GT', () => assert.ok(checkGradient(randomHead(12, 32, 2, [2, 0])).numPos > 0));

  it('random small heads, batches of 1 to 2, 0 to 4 GTs per image', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 2 }), (seed, counts) => {
        checkGradient(randomHead(seed, 24, 2, counts));
      }),
      { numRuns: 4 },
    );
  });
});

describe('yolov8Loss: identities', () => {
  it('the per-anchor parts sum to the three components, and total is their sum times N', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }), (seed, counts) => {
        const result = yolov8Loss(randomHead(seed, 64, 5, counts));
        const sum = (t: Tensor): number => t.data.reduce((s, v) => s + v, 0);
        for (const [part, component] of [['box', result.boxLoss], ['cls', result.clsLoss], ['dfl', result.dflLoss]] as const) {
          assert.ok(Math.abs(sum(result.perAnchor[part]) - component) <= 1e-12 * Math.max(1, component), `${part}: ${sum(result.perAnchor[part])} vs ${component}`);
        }
        assert.ok(Math.abs(result.total - (result.boxLoss + result.clsLoss + result.dflLoss) * counts.length) <= 1e-12 * result.total);
        const positives = result.assignment.gt.data.filter((g) => g >= 0).length;
        assert.equal(result.numPos, positives);
        const scores = result.assignment.score.data.reduce((s, v) => s + v, 0);
        assert.ok(Math.abs(result.targetScoresSum - Math.max(scores, 1)) <= 1e-12);
      }),
      { numRuns: 30 },
    );
  });

  // The class pass has two implementations: TypeScript, and the SIMD kernel bce_planes_f64 (`auto`).
  // Heads of 32 px have planes of 16, 4 and 1 cells (an odd plane pads the kernel's last pair), of
  // 200 px a plane of 625 (two of the kernel's 512-cell blocks), and 1003 classes two runs of the
  // per-cell product (at most 1000 classes each).
  const noGtCases = [
    { path: 'typescript', size: 32, classes: 3 },
    { path: 'simd', size: 32, classes: 3 },
    { path: 'simd', size: 200, classes: 3 },
    { path: 'simd', size: 40, classes: 1003 },
    { path: 'typescript', size: 40, classes: 1003 },
  ] as const;
  for (const { path, size, classes } of noGtCases) {
    it(`without any GT in the batch: box = dfl = 0, cls = 0.5 · Σ softplus(logit), gradients 0.5·N·σ and 0 (${path}, ${size} px, ${classes} classes)`, () => {
      const head = randomHead(5, size, classes, [0, 0]);
      const result = onPath(path, () => yolov8Loss(head, { grad: true }));
      assert.equal(result.boxLoss, 0);
      assert.equal(result.dflLoss, 0);
      assert.equal(result.numPos, 0);
      assert.equal(result.targetScoresSum, 1);
      let want = 0;
      head.feats.forEach((map, l) => {
        const [, channels, h, w] = map.shape;
        const grad = result.grad!.feats[l].data;
        map.data.forEach((x, i) => {
          const channel = Math.floor(i / (h * w)) % channels;
          if (channel < 64) return assert.equal(grad[i], 0);
          want += softplus(x);
          assert.ok(Math.abs(grad[i] - 0.5 * 2 * sigmoid(x)) <= 1e-15);
        });
      });
      assert.ok(Math.abs(result.clsLoss - 0.5 * want) <= 1e-12 * want);
      assert.ok(Math.abs(result.total - 2 * result.clsLoss) <= 1e-12 * result.total);
    });
  }

  for (const path of ['typescript', 'simd'] as const) {
    it(`the class pass at the edges of its exponential: logits around ±708, ±745, 0, −0 and tiny (${path})`, () => {
      // The pass clamps e^−|x| at e^−708 and takes max(x, 0) as (x + |x|)/2: per logit, softplus and σ
      // must still match the textbook to rounding.
      const edges = [0, -0, 1e-300, -1e-300, 707.9, -707.9, 708, -708, 708.1, -708.1, 745, -745, 800, -800, 37, -37, 1e-8, -1e-8];
      const head = randomHead(5, 32, 3, [0]);
      let at = 0;
      for (const map of head.feats) {
        for (let i = 64 * map.shape[2] * map.shape[3]; i < map.data.length; i++) map.data[i] = edges[at++ % edges.length];
      }
      const result = onPath(path, () => yolov8Loss(head, { grad: true }));
      let want = 0;
      head.feats.forEach((map, l) => {
        const plane = map.shape[2] * map.shape[3];
        const grad = result.grad!.feats[l].data;
        for (let i = 64 * plane; i < map.data.length; i++) {
          const x = map.data[i];
          want += softplus(x);
          const sigma = 0.5 * sigmoid(x);
          assert.ok(Math.abs(grad[i] - sigma) <= 1e-15 * sigma + 1e-300, `σ at ${x}: ${grad[i]} against ${sigma}`);
        }
      });
      assert.ok(Math.abs(result.clsLoss - 0.5 * want) <= 1e-12 * want);
    });
  }

  for (const path of ['typescript', 'simd'] as const) {
    it(`stays finite for logits of ±1000, whose decode sums leave the range and are redone shifted (${path})`, () => {
      const head = randomHead(8, 32, 3, [2]);
      head.feats.forEach((map) => map.data.forEach((v, i) => (map.data[i] = v > 0 ? 1000 : -1000)));
      const result = onPath(path, () => yolov8Loss(head, { grad: true }));
      assert.ok(Number.isFinite(result.total));
      for (const grad of result.grad!.feats) assert.ok(grad.data.every(Number.isFinite));
    });
  }
});

describe('yolov8Loss: the two forms of ground truth', () => {
  const cases = (JSON.parse(readFileSync('test/fixtures/detector-heads.json', 'utf8')) as { cases: { fn: string; name: string; inputs: Record<string, unknown>; expected: Record<string, number> }[] }).cases;
  for (const c of cases.filter((k) => k.fn === 'yolov8_loss')) {
    it(`per-image pixel boxes meet the fixture too: ${c.name}`, () => {
      const nested = (value: unknown): Tensor[] => (value as unknown[]).map((v) => (Array.isArray(v) && v.length === 0 ? { shape: [0], data: new Float64Array(0) } : toTensor('test', 'gt', v)));
      const result = yolov8Loss({
        feats: (c.inputs.feats as unknown[]).map((f) => toTensor('test', 'feats', f)),
        gtBoxes: nested(c.inputs.gt_bboxes),
        gtLabels: nested(c.inputs.gt_labels),
      });
      assertClose('losses', [result.boxLoss, result.clsLoss, result.dflLoss, result.total], [c.expected.box_loss, c.expected.cls_loss, c.expected.dfl_loss, c.expected.total], { atol: 1e-9, rtol: 1e-7 });
    });
  }

  it('batch: rows grouped by image in their order, scaled by [H, W] and then halved (hand-computed)', () => {
    const { feats } = randomHead(1, 64, 3, [0, 0]);
    const batch = {
      batchIdx: toTensor('t', 'i', [1, 0, 1]),
      cls: toTensor('t', 'c', [2, 0, 1]),
      bboxes: toTensor('t', 'b', [[0.5, 0.5, 0.5, 0.25], [0.25, 0.75, 0.25, 0.5], [0.75, 0.25, 0.125, 0.125]]),
    };
    const viaBatch = yolov8Loss({ feats, batch }, { imageSize: [64, 128] });
    const perImage = yolov8Loss(
      { feats, gtBoxes: [toTensor('t', 'g0', [[16, 32, 48, 64]]), toTensor('t', 'g1', [[32, 24, 96, 40], [88, 8, 104, 24]])], gtLabels: [toTensor('t', 'l0', [0]), toTensor('t', 'l1', [2, 1])] },
    );
    assert.deepEqual([...viaBatch.assignment.gt.data], [...perImage.assignment.gt.data]);
    assert.equal(viaBatch.total, perImage.total);
  });

  it('the image size defaults to stride₀ · (H₀, W₀), as the peer infers it', () => {
    assert.deepEqual(yolov8ImageSize([{ shape: [1, 67, 10, 12], data: new Float64Array(0) }]), [80, 96]);
  });
});

describe('yolov8Loss: bad input', () => {
  const head = randomHead(2, 32, 3, [1, 1]);
  const throwsNaming = (f: () => unknown, pattern: RegExp, index?: number[]): void => {
    assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message) && (index === undefined || JSON.stringify(e.index) === JSON.stringify(index)));
  };

  it('names the level of a map with another batch size or channel count, or too few channels', () => {
    const feats = [...head.feats];
    feats[2] = { shape: [2, 68, 1, 1], data: new Float64Array(136) };
    throwsNaming(() => yolov8Loss({ ...head, feats }), /feats\[2\]/);
    throwsNaming(() => yolov8Loss(head, { numClasses: 4 }), /feats\[0\]/);
    throwsNaming(() => yolov8Loss({ ...head, feats: [{ shape: [2, 64, 4, 4], data: new Float64Array(2048) }] }, { strides: [8] }), /feats\[0\].*at least 4·reg_max \+ 1/);
    throwsNaming(() => yolov8Loss(head, { strides: [8, 16] }), /strides/);
  });

  it('names a non-finite logit by level and index, in the bins or the classes', () => {
    for (const channel of [5, 66]) {
      const feats = head.feats.map((m) => ({ shape: m.shape, data: m.data.slice() }));
      feats[1].data[((1 * 67 + channel) * 2 + 1) * 2 + 0] = NaN;
      throwsNaming(() => yolov8Loss({ ...head, feats }), /feats\[1\].*finite/, [1, channel, 1, 0]);
    }
  });

  it('names a GT box that is inside out, a label out of range, and lists of the wrong length', () => {
    const gtBoxes = [head.gtBoxes[0], toTensor('t', 'b', [[10, 10, 5, 20]])];
    throwsNaming(() => yolov8Loss({ ...head, gtBoxes }), /gtBoxes\[1\].*x2 ≥ x1/, [0]);
    throwsNaming(() => yolov8Loss({ ...head, gtLabels: [head.gtLabels[0], toTensor('t', 'l', [3])] }), /gtLabels\[1\].*integers in \[0, 2\]/, [0]);
    throwsNaming(() => yolov8Loss({ ...head, gtLabels: [head.gtLabels[0]] }), /gtLabels/);
    throwsNaming(() => yolov8Loss({ feats: head.feats }), /either gtBoxes/);
  });

  it('names a batch row of another image or class', () => {
    const batch = { batchIdx: toTensor('t', 'i', [0, 2]), cls: toTensor('t', 'c', [0, 1]), bboxes: toTensor('t', 'b', [[0.5, 0.5, 0.1, 0.1], [0.5, 0.5, 0.1, 0.1]]) };
    throwsNaming(() => yolov8Loss({ feats: head.feats, batch }), /batch.batchIdx.*\[0, 1\]/, [1]);
  });

  it('rejects bad options, naming them', () => {
    throwsNaming(() => yolov8Loss(head, { tal: { topk: 0 } }), /options.tal.topk/);
    throwsNaming(() => yolov8Loss(head, { regMax: 1 }), /options.regMax/);
    throwsNaming(() => yolov8Loss(head, { ciouEps: -1 }), /options.ciouEps/);
  });
});
