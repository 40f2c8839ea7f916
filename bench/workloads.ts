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
import type { Tensor, TensorF32 } from '../src/core/tensor';
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
const asIs: Share = (array) => array;

/** Puts an input array where the losses read it: as is, or into a SharedArrayBuffer for the pool. */
export type Share = <T extends Float64Array | Float32Array>(array: T) => T;

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

/** The float32 variants' options: the opt-in float32 mode, on inputs converted once to Float32Array. */
const precisionFor = (float32: boolean): { precision?: 'float32' } => (float32 ? { precision: 'float32' } : {});

/** A big input, converted once to float32 for the float32 variants (as a float32 export would come). */
function bigInput(shape: number[], data: Float64Array, share: Share, float32: boolean): Tensor | TensorF32 {
  return float32 ? { shape, data: share(Float32Array.from(data)) } : tensor(shape, share(data));
}

function qflWorkload(losses: ElementwiseLosses, share: Share, float32 = false): Workload {
  const random = seededRandom(1);
  const n = 20000;
  const classes = 80;
  const pred = bigInput([n, classes], gaussian(random, n * classes, 2), share, float32);
  const label = new Float64Array(n).fill(classes);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (random() < 0.25) {
      label[i] = Math.floor(random() * classes);
      score[i] = random();
    }
  }
  const target = { label: tensor([n], share(label)), score: tensor([n], share(score)) };
  const options = { beta: 2, grad: true, ...precisionFor(float32) };
  return { gradBytes: n * classes * 8, step: () => losses.qualityFocalLoss(pred, target, options) };
}

function focalWorkload(losses: ElementwiseLosses, share: Share, float32 = false): Workload {
  const random = seededRandom(2);
  const n = 20000;
  const classes = 80;
  const pred = bigInput([n, classes], gaussian(random, n * classes, 2), share, float32);
  const labels = new Float64Array(n * classes);
  for (let i = 0; i < labels.length; i++) labels[i] = random() < 0.02 ? 1 : 0;
  const target = bigInput([n, classes], labels, share, float32);
  const options = { alpha: 0.25, gamma: 2, grad: true, ...precisionFor(float32) };
  return { gradBytes: n * classes * 8, step: () => losses.sigmoidFocalLoss(pred, target, options) };
}

function dflWorkload(losses: ElementwiseLosses, share: Share, float32 = false): Workload {
  const random = seededRandom(3);
  const n = 32000;
  const bins = 17;
  const pred = bigInput([n, bins], gaussian(random, n * bins, 2), share, float32);
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) label[i] = random() * 15.99;
  const target = tensor([n], share(label));
  const options = { bins, grad: true, ...precisionFor(float32) };
  return { gradBytes: n * bins * 8, step: () => losses.distributionFocalLoss(pred, target, options) };
}

function giouWorkload(losses: ElementwiseLosses, share: Share): Workload {
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
  // The same batches exported as float32 and run in the opt-in float32 mode.
  qfl_f32: () => qflWorkload(CORE, asIs, true),
  focal_f32: () => focalWorkload(CORE, asIs, true),
  dfl: () => dflWorkload(CORE, asIs),
  dfl_2t: onPool(dflWorkload),
  dfl_f32: () => dflWorkload(CORE, asIs, true),
  qfl_f32_2t: onPool((losses, share) => qflWorkload(losses, share, true)),
  focal_f32_2t: onPool((losses, share) => focalWorkload(losses, share, true)),
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
  // The same ArcFace and batch-hard batches, shared, on the 2-thread pool (src/node/parallel/embeddings.ts).
  arcface_2t: onPool((losses, share) => arcfaceOnPool(losses, share, 'float64')),
  arcface_f32_2t: onPool((losses, share) => arcfaceOnPool(losses, share, 'float32')),
  triplet_batch_hard_2t: onPool(tripletOnPool),
  ...scaleWorkloads,
};

type PoolLosses = Parameters<Parameters<typeof onPool>[0]>[0];

/** The `arcface` (or `arcface_f32`) batch, its inputs in SharedArrayBuffers, through the pool's drop-in. */
function arcfaceOnPool(losses: PoolLosses, share: (a: Float64Array) => Float64Array, precision: 'float64' | 'float32'): Workload {
  const random = seededRandom(5);
  const [batch, dims, classes] = [512, 512, 10000];
  const x64 = gaussian(random, batch * dims);
  const W64 = gaussian(random, dims * classes);
  const shareF32 = (a: Float64Array): Float32Array => {
    const shared = new Float32Array(new SharedArrayBuffer(a.length * 4));
    shared.set(a);
    return shared;
  };
  const x = precision === 'float32' ? { shape: [batch, dims], data: shareF32(x64) } : tensor([batch, dims], share(x64));
  const W = precision === 'float32' ? { shape: [dims, classes], data: shareF32(W64) } : tensor([dims, classes], share(W64));
  const labels = new Float64Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(random() * classes);
  const labelTensor = tensor([batch], labels);
  return {
    gradBytes: (precision === 'float32' ? 2 : 1) * (x.data.byteLength + W.data.byteLength),
    step: () => losses.arcFaceLoss(x, W, labelTensor, { s: 64, m: 0.5, grad: true, precision }),
  };
}

/** The `triplet_batch_hard` batch, shared, through the pool's drop-in. */
function tripletOnPool(losses: PoolLosses, share: (a: Float64Array) => Float64Array): Workload {
  const random = seededRandom(6);
  const [batch, dims] = [1024, 128];
  const embeddings = tensor([batch, dims], share(gaussian(random, batch * dims)));
  const labels = new Float64Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = i % 64;
  const labelTensor = tensor([batch], labels);
  return {
    gradBytes: embeddings.data.byteLength,
    step: () => losses.batchHard(embeddings, labelTensor, { margin: 0.3, grad: true }),
  };
}
