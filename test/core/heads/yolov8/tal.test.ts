import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sigmoid } from '../../../../src/core/numerics';
import { anchorLayout, type AnchorLayout } from '../../../../src/core/heads/yolov8/points';
import { assignImage, newAssignment, TalScratch, type Assignment, type ClassLogits } from '../../../../src/core/heads/yolov8/tal';
import type { ImageTargets } from '../../../../src/core/heads/yolov8/targets';
import { gaussian, seededRandom } from '../../../helpers/random';
import { referenceCiou, referenceTal, type ReferenceGt } from './reference';

const OPTIONS = { topk: 10, alpha: 0.5, beta: 6, eps: 1e-9, ciouEps: 1e-7 };
const CLASSES = 4;

interface RandomImage {
  readonly layout: AnchorLayout;
  readonly pred: Float64Array;
  readonly logits: Float64Array;
  readonly gts: ReferenceGt[];
}

/** A 64×64 image (84 anchors), predictions near each anchor, and `count` GTs of 8 px or more: crowded, so GTs compete. */
function randomImage(seed: number, count: number): RandomImage {
  const random = seededRandom(seed);
  const layout = anchorLayout([[8, 8], [4, 4], [2, 2]], [8, 16, 32]);
  const pred = new Float64Array(4 * layout.count);
  for (let a = 0; a < layout.count; a++) {
    const s = layout.levels[layout.level[a]].stride;
    const [x, y] = [layout.centres[2 * a], layout.centres[2 * a + 1]];
    pred.set([x - random() * 4 * s, y - random() * 4 * s, x + random() * 4 * s, y + random() * 4 * s], 4 * a);
  }
  const gts = Array.from({ length: count }, () => {
    const [w, h] = [8 + random() * 40, 8 + random() * 40];
    const [x, y] = [random() * (64 - w), random() * (64 - h)];
    return { box: [x, y, x + w, y + h], label: Math.floor(random() * CLASSES) };
  });
  return { layout, pred, logits: gaussian(random, layout.count * CLASSES, 2), gts };
}

function targetsOf(gts: readonly ReferenceGt[]): ImageTargets {
  return {
    boxes: Float64Array.from(gts.flatMap((g) => g.box)),
    labels: Int32Array.from(gts.map((g) => g.label)),
    real: new Uint8Array(gts.length).fill(1),
    count: gts.length,
  };
}

/** The image's (A, C) logits as the assigner reads them: class c of anchor a at a·C + c. */
function logitsOf(image: RandomImage): ClassLogits {
  const A = image.layout.count;
  return { data: [image.logits], level: new Uint8Array(A), cell: Int32Array.from({ length: A }, (_, a) => a * CLASSES), plane: Int32Array.of(1), base: Int32Array.of(0) };
}

function assign(image: RandomImage, gts = image.gts): Assignment {
  const out = newAssignment(image.layout.count);
  assignImage(image.layout, targetsOf(gts), { boxes: image.pred, logits: logitsOf(image) }, OPTIONS, out, 0, new TalScratch(image.layout.count));
  return out;
}

describe('yolov8 task-aligned assigner', () => {
  it('agrees with a brute-force assigner (every pair, full sorts) on crowded random images, conflicts included', () => {
    let conflicts = 0;
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 7 }), (seed, count) => {
        const image = randomImage(seed, count);
        const want = referenceTal(image.layout.centres, image.pred, (a, c) => sigmoid(image.logits[a * CLASSES + c]), image.gts, OPTIONS);
        conflicts += want.conflicts;
        const got = assign(image);
        assert.deepEqual([...got.gt], want.gt);
        for (let a = 0; a < image.layout.count; a++) {
          assert.ok(Math.abs(got.score[a] - want.score[a]) <= 1e-12 * Math.max(1, want.score[a]), `score at anchor ${a}: ${got.score[a]} vs ${want.score[a]}`);
        }
      }),
      { numRuns: 150 },
    );
    assert.ok(conflicts > 0, 'the random images should make some anchors contested');
  });

  it('gives the same assignment whatever the order of the GT boxes', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 7 }), fc.integer(), (seed, count, shuffleSeed) => {
        const image = randomImage(seed, count);
        const order = [...image.gts.keys()];
        const random = seededRandom(shuffleSeed);
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        const base = assign(image);
        const shuffled = assign(image, order.map((g) => image.gts[g]));
        for (let a = 0; a < image.layout.count; a++) {
          const mapped = shuffled.gt[a] < 0 ? -1 : order[shuffled.gt[a]];
          assert.equal(mapped, base.gt[a], `anchor ${a}`);
          assert.ok(Math.abs(shuffled.score[a] - base.score[a]) <= 1e-15);
          assert.equal(shuffled.inside[a], base.inside[a]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('explains each anchor: the GT it refers to, its CIoU and metric with that GT, and how many of that GT\'s anchors rank above it', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 5 }), (seed, count) => {
        const image = randomImage(seed, count);
        const { centres, count: A } = image.layout;
        const inside = (g: number, a: number): boolean => {
          const { box } = image.gts[g];
          return Math.min(centres[2 * a] - box[0], centres[2 * a + 1] - box[1], box[2] - centres[2 * a], box[3] - centres[2 * a + 1]) > 1e-9;
        };
        const ciou = (g: number, a: number): number => Math.max(referenceCiou(image.gts[g].box, image.pred.subarray(4 * a, 4 * a + 4), 1e-7), 0);
        const metric = (g: number, a: number): number => Math.sqrt(sigmoid(image.logits[a * CLASSES + image.gts[g].label])) * ciou(g, a) ** 6;
        const got = assign(image);
        for (let a = 0; a < A; a++) {
          const containing = image.gts.map((_, g) => g).filter((g) => inside(g, a));
          assert.equal(got.inside[a], containing.length);
          if (containing.length === 0) {
            assert.deepEqual([got.candidate[a], got.rank[a], got.metric[a], got.ciou[a]], [-1, -1, 0, 0]);
            continue;
          }
          // A positive refers to its GT; any other anchor to the containing GT of largest metric.
          const best = containing.reduce((p, q) => (metric(q, a) > metric(p, a) ? q : p));
          const g = got.gt[a] >= 0 ? got.gt[a] : best;
          assert.equal(got.candidate[a], g);
          assert.ok(Math.abs(got.ciou[a] - ciou(g, a)) <= 1e-14);
          assert.ok(Math.abs(got.metric[a] - metric(g, a)) <= 1e-14);
          let above = 0;
          for (let b = 0; b < A; b++) if (inside(g, b) && metric(g, b) > got.metric[a]) above++;
          assert.equal(got.rank[a], above, `rank of anchor ${a} for GT ${g}`);
          // A GT's own positives rank within its top k.
          if (got.gt[a] >= 0 && got.metric[a] > 0 && containing.length === 1) assert.ok(got.rank[a] < OPTIONS.topk);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('gives an image without real GT rows no positives, and ignores zero padding rows', () => {
    const image = randomImage(3, 2);
    const padded = [...image.gts, { box: [0, 0, 0, 0], label: 0 }];
    const targets = targetsOf(padded);
    targets.real[2] = 0;
    const out = newAssignment(image.layout.count);
    const logits = logitsOf(image);
    assignImage(image.layout, targets, { boxes: image.pred, logits }, OPTIONS, out, 0, new TalScratch(image.layout.count));
    assert.deepEqual([...out.gt], [...assign(image).gt]);
    const none = newAssignment(image.layout.count);
    assert.equal(assignImage(image.layout, targetsOf([]), { boxes: image.pred, logits }, OPTIONS, none, 0, new TalScratch(image.layout.count)), 0);
    assert.ok(none.gt.every((g) => g === -1));
  });
});
