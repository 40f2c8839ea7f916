/**
 * Measures where the 2-thread pool starts to beat one thread, for src/node/parallel/threshold.ts:
 * qfl, dfl and giou forward + backward at growing sizes (input elements), median of 31 runs each.
 * Prints one JSON line per size with both medians. Run it as the kernel process runs, with its
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
import { parallelLosses } from '../src/node/parallel/losses';
import { ParallelPool, ready } from '../src/node/parallel/pool';
import { sharedFloat64 } from '../src/node/parallel/shared';

function median(run: () => unknown, runs = 31): number {
  if (process.argv[2] === 'embeddings') runs = 11;
  for (let i = 0; i < 5; i++) run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[runs >> 1];
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

async function main(): Promise<void> {
  if (process.argv[2] === 'embeddings') return embeddings();
  const pool = await ready(new ParallelPool(2));
  const parallel = parallelLosses(pool, { minElements: 0 });
  for (const elements of [8_000, 32_000, 64_000, 128_000, 256_000, 512_000, 1_000_000]) {
    const C = 80;
    const n = Math.max(1, Math.round(elements / C));
    const pred = { shape: [n, C], data: sharedFloat64(n * C).map((_, i) => Math.sin(i) * 4) };
    const label = { shape: [n], data: sharedFloat64(n).map((_, i) => i % (C + 1)) };
    const score = { shape: [n], data: sharedFloat64(n).map((_, i) => (i % 7) / 7) };
    const qfl = (f: typeof qualityFocalLoss) => () => f(pred, { label, score }, { grad: true });
    const m = Math.max(1, Math.round(elements / 4));
    const boxes = (shift: number) => ({ shape: [m, 4], data: sharedFloat64(m * 4).map((_, i) => (i % 4 < 2 ? 10 * (i % 13) : 10 * (i % 13) + 20 + shift)) });
    const a = boxes(0);
    const b = boxes(3);
    const giou = (f: typeof giouLoss) => () => f(a, b, { grad: true });
    const bins = 17;
    const rows = Math.max(1, Math.round(elements / bins));
    const logits = { shape: [rows, bins], data: sharedFloat64(rows * bins).map((_, i) => Math.sin(i) * 3) };
    const targets = { shape: [rows], data: sharedFloat64(rows).map((_, i) => (i * 0.37) % (bins - 1)) };
    const dfl = (f: typeof distributionFocalLoss) => () => f(logits, targets, { bins, grad: true });
    console.log(
      JSON.stringify({
        elements,
        qfl_1t_ms: median(qfl(qualityFocalLoss)),
        qfl_2t_ms: median(qfl(parallel.qualityFocalLoss)),
        dfl_1t_ms: median(dfl(distributionFocalLoss)),
        dfl_2t_ms: median(dfl(parallel.distributionFocalLoss)),
        giou_1t_ms: median(giou(giouLoss)),
        giou_2t_ms: median(giou(parallel.giouLoss)),
      }),
    );
  }
  await pool.close();
}

void main();
