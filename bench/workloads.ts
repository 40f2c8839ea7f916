/**
 * The fixed workloads of `npm run bench`: each builds its inputs once (seeded) and returns the
 * timed step, a forward plus backward pass through the public core API.
 */
import { pmlMarginLoss, type PmlMarginKind } from '../src/core/heads/margin';
import { yolov8Loss } from '../src/core/heads/yolov8';
import { arcFaceLossFused } from '../src/core/losses/arcface/fused';
import { batchAll } from '../src/core/mining';
import { CORE_LOSSES, type LossImplementations } from '../src/core/language/hosts';
import { setKernelPath } from '../src/core/simd/path';
import type { Tensor, TensorF32 } from '../src/core/tensor';
import { gaussian, seededRandom } from '../test/helpers/random';
import { diagnosticsEditWorkload, diagnosticsNotebookWorkload, misspeltCell } from './diagnosticsWorkloads';
import { gflHeadRawWorkload } from './headWorkloads';
import { METRIC_WORKLOADS } from './metricWorkloads';
import { onPool, scaleWorkloads, type ScaleWorkload } from './scaleWorkloads';

export interface Workload {
  /** Bytes of the gradient output, to relate the peak memory to it. */
  readonly gradBytes: number;
  readonly step: () => unknown;
}

const tensor = (shape: number[], data: Float64Array): Tensor => ({ shape, data });

/** The losses a workload calls: the core's, or the parallel pool's drop-ins (the kernel's LossImplementations). */
export type BenchLosses = Omit<LossImplementations, 'gflHeadLoss'>;

const CORE: BenchLosses = CORE_LOSSES;
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

function qflWorkload(losses: BenchLosses, share: Share, float32 = false): Workload {
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

function focalWorkload(losses: BenchLosses, share: Share, float32 = false): Workload {
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

function dflWorkload(losses: BenchLosses, share: Share, float32 = false): Workload {
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

function giouWorkload(losses: BenchLosses, share: Share): Workload {
  const random = seededRandom(4);
  const n = 32000;
  const pred = tensor([n, 4], share(randomBoxes(random, n)));
  const target = tensor([n, 4], share(randomBoxes(random, n)));
  return { gradBytes: pred.data.byteLength, step: () => losses.giouLoss(pred, target, { grad: true }) };
}

export const workloads: Readonly<Record<string, () => Workload | ScaleWorkload>> = {
  qfl: () => qflWorkload(CORE, asIs),
  // The editor's check of a whole notebook of N generated cells, as one edit makes it (issue 16).
  diagnostics_notebook_500: () => diagnosticsNotebookWorkload(500),
  diagnostics_notebook_1000: () => diagnosticsNotebookWorkload(1000),
  diagnostics_notebook_2000: () => diagnosticsNotebookWorkload(2000),
  diagnostics_notebook_10000: () => diagnosticsNotebookWorkload(10000),
  diagnostics_notebook_10000_edit: () => diagnosticsEditWorkload(10000),
  diagnostics_notebook_misspelt_10000: () => diagnosticsNotebookWorkload(10000, misspeltCell),
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
  dfl_f32_2t: onPool((losses, share) => dflWorkload(losses, share, true)),
  giou: () => giouWorkload(CORE, asIs),
  giou_2t: onPool(giouWorkload),
  arcface: () => arcfaceWorkload(CORE, asIs),
  arcface_f32: () => arcfaceWorkload(CORE, asIs, true),
  // The same batch through arcFaceLossFused (class tiles, no (B, C) buffers).
  arcface_fused: () => arcfaceWorkload(FUSED, asIs),
  arcface_fused_f32: () => arcfaceWorkload(FUSED, asIs, true),
  // Issue 19's face-recognition head: 256×512 embeddings, 100,000 classes, a float32 W of 200 MB.
  arcface_100k: () => arcfaceWorkload(FUSED, asIs, true, [256, 512, 100000]),
  // The same with pass 1's products kept (100 MB of float32) instead of recomputed.
  arcface_100k_kept: () => arcfaceWorkload({ arcFaceLoss: (x, W, labels, options) => arcFaceLossFused(x, W, labels, options, 2 ** 27) }, asIs, true, [256, 512, 100000]),
  // The plain TypeScript kernels on the same inputs, to compare with the SIMD ones in one run.
  arcface_typescript() {
    setKernelPath('typescript');
    return workloads.arcface();
  },
  triplet_batch_hard_typescript() {
    setKernelPath('typescript');
    return workloads.triplet_batch_hard();
  },
  triplet_batch_hard: () => tripletWorkload(CORE, asIs),
  // Issue 19's sizes: a large metric-learning batch, and batch-all over every valid triplet.
  triplet_batch_hard_4096: () => tripletWorkload(CORE, asIs, [4096, 256, 256]),
  batch_all_512: batchAllWorkload,
  // The same ArcFace and batch-hard batches, shared, on the 2-thread pool (src/node/parallel/embeddings.ts).
  arcface_2t: onPool(arcfaceWorkload),
  arcface_f32_2t: onPool((losses, share) => arcfaceWorkload(losses, share, true)),
  // arcFaceLossFused on the pool: each tile's products split by columns, its row passes on the caller.
  arcface_fused_f32_2t: onPool((losses, share) => arcfaceWorkload({ arcFaceLoss: losses.arcFaceLossFused }, share, true)),
  arcface_100k_2t: onPool((losses, share) => arcfaceWorkload({ arcFaceLoss: losses.arcFaceLossFused }, share, true, [256, 512, 100000])),
  triplet_batch_hard_2t: onPool(tripletWorkload),
  // margin_head's pml heads on the ArcFace batch: CosFace, and sub-centre ArcFace with 2 centres of 5000 classes.
  margin_head_cosface: () => marginHeadWorkload('cosface', 1),
  margin_head_subcenter: () => marginHeadWorkload('subcenter_arcface', 2),
  gfl_head_raw: gflHeadRawWorkload,
  yolov8_loss: yolov8Workload,
  ...METRIC_WORKLOADS,
  ...scaleWorkloads,
};

/** arcFaceLossFused in the place of the core's arcFaceLoss (it returns no logits or cosines). */
const FUSED: ArcFaceCall = { arcFaceLoss: arcFaceLossFused };

/** What the ArcFace workloads call: the core's or the pool's arcFaceLoss, or arcFaceLossFused. */
type ArcFaceCall = { readonly arcFaceLoss: (...args: Parameters<BenchLosses['arcFaceLoss']>) => unknown };

/** ArcFace, s 64, m 0.5, over (by default) 512 embeddings of 512 dimensions and 10000 class centres. */
function arcfaceWorkload(losses: ArcFaceCall, share: Share, float32 = false, [batch, dims, classes] = [512, 512, 10000]): Workload {
  const random = seededRandom(5);
  const x = bigInput([batch, dims], gaussian(random, batch * dims), share, float32);
  const W = bigInput([dims, classes], gaussian(random, dims * classes), share, float32);
  const labels = new Float64Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(random() * classes);
  const labelTensor = tensor([batch], labels);
  const options = { s: 64, m: 0.5, grad: true, ...precisionFor(float32) };
  return { gradBytes: (batch * dims + dims * classes) * (float32 ? 4 : 8), step: () => losses.arcFaceLoss(x, W, labelTensor, options) };
}

/** A pml margin head (src/core/heads/margin) over 512 embeddings of 512 dimensions and 10000 centres (k per class). */
function marginHeadWorkload(kind: PmlMarginKind, subCenters: number): Workload {
  const random = seededRandom(5);
  const [batch, dims, centres] = [512, 512, 10000];
  const x = tensor([batch, dims], gaussian(random, batch * dims));
  const W = tensor([dims, centres], gaussian(random, dims * centres));
  const labels = new Float64Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(random() * (centres / subCenters));
  const labelTensor = tensor([batch], labels);
  return { gradBytes: (batch * dims + dims * centres) * 8, step: () => pmlMarginLoss(x, W, labelTensor, { kind, subCenters }) };
}

/**
 * Batch-hard triplet mining, margin 0.3, over `batch` embeddings of `dims` dimensions in `classes`
 * classes (labels i mod classes); by default 1024 × 128 in 64 classes.
 */
function tripletWorkload(losses: BenchLosses, share: Share, [batch, dims, classes] = [1024, 128, 64]): Workload {
  const random = seededRandom(6);
  const embeddings = tensor([batch, dims], share(gaussian(random, batch * dims)));
  const labels = new Float64Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = i % classes;
  const labelTensor = tensor([batch], labels);
  return { gradBytes: embeddings.data.byteLength, step: () => losses.batchHard(embeddings, labelTensor, { margin: 0.3, grad: true }) };
}

/** Batch-all triplet loss, margin 0.3, over 512 embeddings of 128 dimensions in 32 classes (labels i mod 32). */
function batchAllWorkload(): Workload {
  const random = seededRandom(8);
  const [batch, dims] = [512, 128];
  const embeddings = tensor([batch, dims], gaussian(random, batch * dims));
  const labels = tensor([batch], Float64Array.from({ length: batch }, (_, i) => i % 32));
  return { gradBytes: embeddings.data.byteLength, step: () => batchAll(embeddings, labels, { margin: 0.3, grad: true }) };
}

/**
 * YOLOv8's loss from raw maps: one 640×640 image, 80 classes, 8,400 anchors over strides 8, 16, 32
 * (maps (1, 144, 80, 80), (1, 144, 40, 40), (1, 144, 20, 20)) and 10 GT boxes of 32 to 352 px,
 * assignment, forward and backward.
 */
function yolov8Workload(): Workload {
  const random = seededRandom(7);
  const [size, classes] = [640, 80];
  const feats = [8, 16, 32].map((s) => tensor([1, 64 + classes, size / s, size / s], gaussian(random, (64 + classes) * (size / s) ** 2)));
  const gt = new Float64Array(40);
  const labels = new Float64Array(10);
  for (let g = 0; g < 10; g++) {
    const [w, h] = [32 + random() * 320, 32 + random() * 320];
    const [x, y] = [random() * (size - w), random() * (size - h)];
    gt.set([x, y, x + w, y + h], 4 * g);
    labels[g] = Math.floor(random() * classes);
  }
  const inputs = { feats, gtBoxes: [tensor([10, 4], gt)], gtLabels: [tensor([10], labels)] };
  const gradBytes = feats.reduce((bytes, map) => bytes + map.data.byteLength, 0);
  return { gradBytes, step: () => yolov8Loss(inputs, { grad: true }) };
}
