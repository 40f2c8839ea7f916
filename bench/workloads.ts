/**
 * The fixed workloads of `npm run bench`: each builds its inputs once (seeded) and returns the
 * timed step, a forward plus backward pass through the public core API.
 */
import { arcFaceLoss } from '../src/core/losses/arcface';
import { distributionFocalLoss } from '../src/core/losses/dfl';
import { sigmoidFocalLoss } from '../src/core/losses/focal';
import { giouLoss } from '../src/core/losses/giou';
import { qualityFocalLoss } from '../src/core/losses/qfl';
import { batchHard } from '../src/core/mining';
import { setKernelPath } from '../src/core/simd/path';
import type { Tensor } from '../src/core/tensor';
import { gaussian, seededRandom } from '../test/helpers/random';
import { onPool, scaleWorkloads, type ScaleWorkload } from './scaleWorkloads';

export interface Workload {
  /** Bytes of the gradient output, to relate the peak memory to it. */
  readonly gradBytes: number;
  readonly step: () => unknown;
}

const tensor = (shape: number[], data: Float64Array): Tensor => ({ shape, data });

/** The elementwise losses a workload calls: the core's, or the parallel pool's drop-ins. */
interface ElementwiseLosses {
  readonly qualityFocalLoss: typeof qualityFocalLoss;
  readonly sigmoidFocalLoss: typeof sigmoidFocalLoss;
  readonly distributionFocalLoss: typeof distributionFocalLoss;
  readonly giouLoss: typeof giouLoss;
}

const CORE: ElementwiseLosses = { qualityFocalLoss, sigmoidFocalLoss, distributionFocalLoss, giouLoss };
/** Keeps arrays as they are; the parallel variants move them into SharedArrayBuffers instead. */
const asIs = (a: Float64Array): Float64Array => a;

function randomBoxes(random: () => number, n: number): Float64Array {
  const boxes = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const x = random() * 600;
    const y = random() * 600;
    boxes[i * 4] = x;
    boxes[i * 4 + 1] = y;
    boxes[i * 4 + 2] = x + 4 + random() * 200;
    boxes[i * 4 + 3] = y + 4 + random() * 200;
  }
  return boxes;
}

function qflWorkload(losses: ElementwiseLosses, share: (a: Float64Array) => Float64Array): Workload {
  const random = seededRandom(1);
  const n = 20000;
  const classes = 80;
  const pred = tensor([n, classes], share(gaussian(random, n * classes, 2)));
  const label = new Float64Array(n).fill(classes);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (random() < 0.25) {
      label[i] = Math.floor(random() * classes);
      score[i] = random();
    }
  }
  const target = { label: tensor([n], share(label)), score: tensor([n], share(score)) };
  return { gradBytes: pred.data.byteLength, step: () => losses.qualityFocalLoss(pred, target, { beta: 2, grad: true }) };
}

function focalWorkload(losses: ElementwiseLosses, share: (a: Float64Array) => Float64Array): Workload {
  const random = seededRandom(2);
  const n = 20000;
  const classes = 80;
  const pred = tensor([n, classes], share(gaussian(random, n * classes, 2)));
  const target = new Float64Array(n * classes);
  for (let i = 0; i < target.length; i++) target[i] = random() < 0.02 ? 1 : 0;
  const targetTensor = tensor([n, classes], share(target));
  return {
    gradBytes: pred.data.byteLength,
    step: () => losses.sigmoidFocalLoss(pred, targetTensor, { alpha: 0.25, gamma: 2, grad: true }),
  };
}

function dflWorkload(losses: ElementwiseLosses, share: (a: Float64Array) => Float64Array): Workload {
  const random = seededRandom(3);
  const n = 32000;
  const bins = 17;
  const pred = tensor([n, bins], share(gaussian(random, n * bins, 2)));
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) label[i] = random() * 15.99;
  const target = tensor([n], share(label));
  return { gradBytes: pred.data.byteLength, step: () => losses.distributionFocalLoss(pred, target, { bins, grad: true }) };
}

function giouWorkload(losses: ElementwiseLosses, share: (a: Float64Array) => Float64Array): Workload {
  const random = seededRandom(4);
  const n = 32000;
  const pred = tensor([n, 4], share(randomBoxes(random, n)));
  const target = tensor([n, 4], share(randomBoxes(random, n)));
  return { gradBytes: pred.data.byteLength, step: () => losses.giouLoss(pred, target, { grad: true }) };
}

export const workloads: Readonly<Record<string, () => Workload | ScaleWorkload>> = {
  qfl: () => qflWorkload(CORE, asIs),
  qfl_2t: onPool(qflWorkload),
  focal: () => focalWorkload(CORE, asIs),
  focal_2t: onPool(focalWorkload),
  dfl: () => dflWorkload(CORE, asIs),
  dfl_2t: onPool(dflWorkload),
  giou: () => giouWorkload(CORE, asIs),
  giou_2t: onPool(giouWorkload),
  arcface() {
    const random = seededRandom(5);
    const batch = 512;
    const dims = 512;
    const classes = 10000;
    const x = tensor([batch, dims], gaussian(random, batch * dims));
    const W = tensor([dims, classes], gaussian(random, dims * classes));
    const labels = new Float64Array(batch);
    for (let i = 0; i < batch; i++) labels[i] = Math.floor(random() * classes);
    const labelTensor = tensor([batch], labels);
    return {
      gradBytes: x.data.byteLength + W.data.byteLength,
      step: () => arcFaceLoss(x, W, labelTensor, { s: 64, m: 0.5, grad: true }),
    };
  },
  // The same ArcFace batch exported as float32 and run in the opt-in float32 mode.
  arcface_f32() {
    const random = seededRandom(5);
    const batch = 512;
    const dims = 512;
    const classes = 10000;
    const x = { shape: [batch, dims], data: Float32Array.from(gaussian(random, batch * dims)) };
    const W = { shape: [dims, classes], data: Float32Array.from(gaussian(random, dims * classes)) };
    const labels = new Float64Array(batch);
    for (let i = 0; i < batch; i++) labels[i] = Math.floor(random() * classes);
    const labelTensor = tensor([batch], labels);
    return {
      gradBytes: 2 * (x.data.byteLength + W.data.byteLength),
      step: () => arcFaceLoss(x, W, labelTensor, { s: 64, m: 0.5, grad: true, precision: 'float32' }),
    };
  },
  // The plain TypeScript kernels on the same inputs, to compare with the SIMD ones in one run.
  arcface_typescript() {
    setKernelPath('typescript');
    return workloads.arcface();
  },
  triplet_batch_hard_typescript() {
    setKernelPath('typescript');
    return workloads.triplet_batch_hard();
  },
  triplet_batch_hard() {
    const random = seededRandom(6);
    const batch = 1024;
    const dims = 128;
    const embeddings = tensor([batch, dims], gaussian(random, batch * dims));
    const labels = new Float64Array(batch);
    for (let i = 0; i < batch; i++) labels[i] = i % 64;
    const labelTensor = tensor([batch], labels);
    return {
      gradBytes: embeddings.data.byteLength,
      step: () => batchHard(embeddings, labelTensor, { margin: 0.3, grad: true }),
    };
  },
  ...scaleWorkloads,
};
