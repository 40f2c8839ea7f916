/**
 * Measures where the 2-thread pool starts to beat one thread, for src/node/parallel/threshold.ts:
 * qfl, focal, dfl (each in float64 and in the float32 mode) and giou, forward + backward, at
 * growing sizes (input elements), 1 thread and the pool alternating (see `paired`). Prints one JSON
 * line per size: per loss the two medians (ms) and the median ratio pool / 1 thread. Run it as the kernel process runs, with its
 * malloc settings: `GLIBC_TUNABLES=… node --import tsx bench/parallel-threshold.ts` (the value is
 * src/node/mallocTunables.ts's).
 *
 * With the argument `embeddings`, the same for src/node/parallel/embeddings.ts's thresholds:
 * ArcFace (forward + backward) at growing B·d·C (PARALLEL_MIN_PRODUCT_WORK) and batch-hard at
 * growing B²·d/2 (PARALLEL_MIN_BATCH_HARD_WORK), both single-threaded and forced onto the pool.
 */
import { arcFaceLoss } from '../src/core/losses/arcface';
import { distributionFocalLoss } from '../src/core/losses/dfl';
import { giouLoss } from '../src/core/losses/giou';
import { batchHard } from '../src/core/mining';
import { qualityFocalLoss } from '../src/core/losses/qfl';
import { sigmoidFocalLoss } from '../src/core/losses/focal';
import type { Precision } from '../src/core/simd/path';
import type { Tensor, TensorF32 } from '../src/core/tensor';
import { parallelLosses } from '../src/node/parallel/losses';
import { ParallelPool, ready } from '../src/node/parallel/pool';
import { sharedFloat64 } from '../src/node/parallel/shared';
import { medianOf, timedMs } from './timing';

function median(run: () => unknown, runs = 31): number {
  if (process.argv[2] === 'embeddings') runs = 11;
  for (let i = 0; i < 5; i++) run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(timedMs(run));
  return medianOf(times);
}

async function embeddings(): Promise<void> {
  const pool = await ready(new ParallelPool(2));
  const parallel = parallelLosses(pool, { minProductWork: 0, minBatchHardWork: 0, minElements: 0 });
  const fill = (n: number, f: (i: number) => number): Float64Array => sharedFloat64(n).map((_, i) => f(i));
  for (const [B, d, C] of [[16, 64, 256], [32, 64, 512], [64, 128, 512], [64, 128, 1024], [128, 128, 2048], [128, 256, 4096], [256, 512, 4096]]) {
    const x = { shape: [B, d], data: fill(B * d, (i) => Math.sin(i)) };
    const W = { shape: [d, C], data: fill(d * C, (i) => Math.cos(i * 0.7)) };
    const labels = { shape: [B], data: fill(B, (i) => (i * 7) % C) };
    const run = (f: typeof arcFaceLoss) => () => f(x, W, labels, { grad: true });
    console.log(JSON.stringify({ arcface: [B, d, C], work: B * d * C, arcface_1t_ms: median(run(arcFaceLoss)), arcface_2t_ms: median(run(parallel.arcFaceLoss)) }));
  }
  for (const B of [64, 128, 256, 384, 512, 768, 1024]) {
    const d = 128;
    const x = { shape: [B, d], data: fill(B * d, (i) => Math.sin(i * 1.3)) };
    const labels = { shape: [B], data: fill(B, (i) => i % 16) };
    const run = (f: typeof batchHard) => () => f(x, labels, { margin: 0.3, grad: true });
    console.log(JSON.stringify({ batch_hard: [B, d], work: (B * B * d) / 2, batch_hard_1t_ms: median(run(batchHard)), batch_hard_2t_ms: median(run(parallel.batchHard)) }));
  }
  await pool.close();
}

/**
 * 1 thread against the pool, alternating call by call, after a collection each (as `npm run bench`
 * times): the median of each and the median of the per-pair ratios 2t/1t. This VM's speed drifts by
 * up to 2× over a second, so two medians taken one after the other can disagree by more than the
 * pool's gain; a pair's two calls see the same conditions.
 */
function paired(one: () => unknown, two: () => unknown, pairs = 61): { one: number; two: number; ratio: number } {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  for (let i = 0; i < 10; i++) {
    one();
    two();
  }
  const ones: number[] = [];
  const twos: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    gc();
    const a = timedMs(one);
    gc();
    const b = timedMs(two);
    ones.push(a);
    twos.push(b);
    ratios.push(b / a);
  }
  const middle = (values: number[]): number => Math.round(medianOf(values) * 1000) / 1000;
  return { one: middle(ones), two: middle(twos), ratio: middle(ratios) };
}

async function main(): Promise<void> {
  if (process.argv[2] === 'embeddings') return embeddings();
  const pool = await ready(new ParallelPool(2));
  const parallel = parallelLosses(pool, { minElements: 0 });
  for (const elements of [32_000, 64_000, 128_000, 256_000, 512_000, 1_000_000, 2_000_000]) {
    const C = 80;
    const n = Math.max(1, Math.round(elements / C));
    const logits = (length: number, scale: number): Float64Array => sharedFloat64(length).map((_, i) => Math.sin(i) * scale);
    const narrow = (data: Float64Array): Float32Array => {
      const copy = new Float32Array(new SharedArrayBuffer(data.length * 4));
      copy.set(data);
      return copy;
    };
    const qflData = logits(n * C, 4);
    const label = { shape: [n], data: sharedFloat64(n).map((_, i) => i % (C + 1)) };
    const score = { shape: [n], data: sharedFloat64(n).map((_, i) => (i % 7) / 7) };
    const tensor = (shape: number[], data: Float64Array | Float32Array): Tensor | TensorF32 => ({ shape, data }) as Tensor | TensorF32;
    const qfl = (data: Float64Array | Float32Array, precision: Precision) => (f: typeof qualityFocalLoss) => () =>
      f(tensor([n, C], data), { label, score }, { grad: true, precision });
    const focalTarget = sharedFloat64(n * C).map((_, i) => (i % 50 === 0 ? 1 : 0));
    const focal = (data: Float64Array | Float32Array, target: Float64Array | Float32Array, precision: Precision) => (f: typeof sigmoidFocalLoss) => () =>
      f(tensor([n, C], data), tensor([n, C], target), { grad: true, precision });
    const m = Math.max(1, Math.round(elements / 4));
    const boxes = (shift: number) => ({ shape: [m, 4], data: sharedFloat64(m * 4).map((_, i) => (i % 4 < 2 ? 10 * (i % 13) : 10 * (i % 13) + 20 + shift)) });
    const a = boxes(0);
    const b = boxes(3);
    const giou = (f: typeof giouLoss) => () => f(a, b, { grad: true });
    const bins = 17;
    const rows = Math.max(1, Math.round(elements / bins));
    const dflData = logits(rows * bins, 3);
    const targets = { shape: [rows], data: sharedFloat64(rows).map((_, i) => (i * 0.37) % (bins - 1)) };
    const dfl = (data: Float64Array | Float32Array, precision: Precision) => (f: typeof distributionFocalLoss) => () =>
      f(tensor([rows, bins], data), targets, { bins, grad: true, precision });
    const pair = <F>(make: (f: F) => () => unknown, core: F, pooled: F) => paired(make(core), make(pooled));
    console.log(
      JSON.stringify({
        elements,
        qfl: pair(qfl(qflData, 'float64'), qualityFocalLoss, parallel.qualityFocalLoss),
        qfl_f32: pair(qfl(narrow(qflData), 'float32'), qualityFocalLoss, parallel.qualityFocalLoss),
        focal: pair(focal(qflData, focalTarget, 'float64'), sigmoidFocalLoss, parallel.sigmoidFocalLoss),
        focal_f32: pair(focal(narrow(qflData), narrow(focalTarget), 'float32'), sigmoidFocalLoss, parallel.sigmoidFocalLoss),
        dfl: pair(dfl(dflData, 'float64'), distributionFocalLoss, parallel.distributionFocalLoss),
        dfl_f32: pair(dfl(narrow(dflData), 'float32'), distributionFocalLoss, parallel.distributionFocalLoss),
        giou: pair(giou, giouLoss, parallel.giouLoss),
      }),
    );
  }
  await pool.close();
}

void main();
