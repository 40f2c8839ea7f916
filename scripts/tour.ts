/**
 * `npm run tour`: a short tour of the numeric core on the paper's own examples, printed to the
 * terminal. Every number comes from the same functions the notebook, the plots and the tooltips use.
 */
import {
  arcFaceLoss,
  batchHard,
  distributionFocalLoss,
  qualityFocalLoss,
  sigmoidFocalLoss,
  toTensor,
  tripletCensus,
  type Tensor,
} from '../src/core';
import { main as losslab } from '../src/cli/main';

const t = (value: unknown): Tensor => toTensor('demo', 'value', value);
const fmt = (x: number): string => x.toFixed(6);

console.log('LossLab core demo\n');

// QFL against focal loss for one anchor whose class logit is 1.2, at soft IoU targets.
console.log('QFL of one logit (σ = 0.769) against soft IoU targets, β = 2:');
for (const iou of [0, 0.25, 0.5, 0.769, 1]) {
  const r = qualityFocalLoss(t([[1.2]]), { label: t([0]), score: t([iou]) }, { beta: 2, grad: true });
  console.log(`  y = ${iou.toFixed(3)}  loss ${fmt(r.loss.data[0])}  dL/dx ${fmt(r.grad!.pred.data[0])}`);
}
const focal = sigmoidFocalLoss(t([[1.2]]), t([[1]]), { alpha: -1, gamma: 2 });
console.log(`  focal loss (hard target 1, γ = 2): ${fmt(focal.loss.data[0])}  = QFL at y = 1\n`);

// The DFL distribution of the GFL paper's example: 16 bins, target 0.
const logits = [9.38, 9.29, 4.48, 2.55, 1.3, 0.42, 0.03, -0.28, -0.51, 0.83, -1.27, -1.56, -1.78, -1.94, -1.93, -1.38];
for (const target of [0, 0.5, 3.7]) {
  const d = distributionFocalLoss(t([logits]), t([target]), { bins: { regMax: 16, convention: 'ultralytics' } });
  console.log(
    `DFL, 16 bins, target ${target}: loss ${fmt(d.loss.data[0])}  entropy floor ${fmt(d.entropyFloor.data[0])}  ` +
      `excess ${fmt(d.excess.data[0])}  expectation ${fmt(d.expectation.data[0])}`,
  );
}

// ArcFace on the 3-D example: x = (1, 2, 3), W columns (1, 2, 3) and (4, 5, 6).
const arc = arcFaceLoss(t([[1, 2, 3]]), t([[1, 4], [2, 5], [3, 6]]), t([1]), { s: 64, m: 0.5, grad: true });
console.log(
  `\nArcFace, x = (1,2,3), W = [(1,2,3), (4,5,6)], label 1: cosines ${Array.from(arc.cosines.data, fmt).join(', ')}  ` +
    `loss ${fmt(arc.loss.data[0])}  clamped cosines ${arc.report.clampedCosines}`,
);

// Triplet census and batch-hard on a small embedding set of two classes.
const embeddings = t([[0, 0], [0.3, 0.1], [1, 0], [0.2, 0.25], [1.1, 0.2], [0.9, -0.1]]);
const labels = t([0, 0, 1, 1, 1, 0]);
const census = tripletCensus(embeddings, labels, 0.3);
const hard = batchHard(embeddings, labels, { margin: 0.3, grad: true });
console.log(
  `\nTriplets (margin 0.3): ${census.valid} valid = ${census.easy} easy + ${census.semihard} semi-hard + ${census.hard} hard; ` +
    `batch-hard loss ${fmt(hard.loss.data[0])}${hard.collapsed ? ' (collapsed!)' : ''}`,
);

// The GFL tour notebook, run headlessly by the same kernel the editor uses, with an HTML report.
console.log('\nRunning samples/gfl-tour.lossnb:');
void losslab(['run', 'samples/gfl-tour.lossnb', '--out', 'out/gfl-tour.lossnb', '--html', 'out/gfl-tour.html'], {
  stdout: (text) => process.stdout.write(`  ${text}`),
  stderr: (text) => process.stderr.write(`  ${text}`),
}).then((status) => {
  if (status === 0) console.log('  wrote out/gfl-tour.lossnb (with outputs) and out/gfl-tour.html (report)');
  process.exitCode = status;
});
