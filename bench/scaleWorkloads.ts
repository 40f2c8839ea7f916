/**
 * Issue 7's workloads: the elementwise losses on the parallel pool (2 threads), loading a 200 MB
 * float32 .npy, and streaming QFL over a 2 GB .npy export. The large files are generated into the
 * OS temp folder at bench time (never into the repository) and deleted afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBytes } from '../src/core/io';
import { readFileWithProgress } from '../src/node/kernel/load';
import { CORE_LOSSES } from '../src/core/language/hosts';
import { parallelLosses } from '../src/node/parallel/losses';
import { ParallelPool, ready } from '../src/node/parallel/pool';
import { toShared } from '../src/node/parallel/shared';
import { runQflStream, type QflStreamOptions } from '../src/node/stream/qflStream';
import { qualityFocalLoss } from '../src/core/losses/qfl';
import { gaussian, seededRandom } from '../test/helpers/random';
import type { BenchLosses, Share, Workload } from './workloads';

export interface ScaleWorkload extends Workload {
  readonly threads?: number;
  /** Awaited before timing (the pool's workers starting). */
  readonly ready?: Promise<unknown>;
  /** Runs after timing (deletes generated files). */
  readonly cleanup?: () => void;
  /** Untimed calls before timing (default 3). */
  readonly warmupCalls?: number;
  /**
   * The same call on one thread, on the same inputs: timed alternately with `step`, call by call, so
   * that the two see the same conditions (this VM's speed drifts by up to 2× within a second).
   */
  readonly singleThreadStep?: () => unknown;
}

const POOL_WARMUP_CALLS = 20;

/** The same workload with its typed arrays moved into SharedArrayBuffers and the losses on a 2-thread pool. */
export function onPool(make: (losses: BenchLosses, share: Share) => Workload): () => ScaleWorkload {
  return () => {
    const pool = new ParallelPool(2);
    const workload = make(parallelLosses(pool), toShared);
    // Built separately: the inputs are the same numbers (seeded), and neither run sees the other's buffers.
    const single = make(CORE_LOSSES, toShared);
    // A worker runs only its share of each call, so its JIT (and the WebAssembly tier-up) needs more
    // calls than the caller's: its first ~10 calls ran 2–3× slower (triplet_batch_hard_2t, dfl_2t).
    return { ...workload, threads: pool.threads, ready: ready(pool), warmupCalls: POOL_WARMUP_CALLS, singleThreadStep: single.step };
  };
}

function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'losslab-bench-'));
}

/** Runs bench/generateExport.ts in a child process (see there why not in this one). */
function generate(kind: 'gaussian' | 'qfl', path: string, rows: number, cols: number, seed: number): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/generateExport.ts', kind, path, String(rows), String(cols), String(seed)], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`bench/generateExport.ts ${kind} ${path} failed (${result.status ?? result.signal})`);
}

/** Streams QFL over a generated 2 GB float32 export ((2 GiB / 320 B) × 80 logits, labels, scores), forward only. */
function streamWorkload(name: string, options: QflStreamOptions): ScaleWorkload {
  const classes = 80;
  const rows = Math.floor((2 * 2 ** 30) / (4 * classes));
  const dir = scratchDir();
  const free = statfsSync(dir).bavail * statfsSync(dir).bsize;
  if (free < 3 * 2 ** 30) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${name}: needs 3 GB free in ${tmpdir()}, has ${(free / 2 ** 30).toFixed(1)} GB`);
  }
  const files = { pred: join(dir, 'pred.npy'), label: join(dir, 'label.npy'), score: join(dir, 'score.npy') };
  generate('qfl', dir, rows, classes, 12);
  return {
    gradBytes: 0,
    // Forward only: a 2 GB export's gradient would itself be 4 GB of float64.
    step: () => runQflStream(files, options),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const scaleWorkloads: Readonly<Record<string, () => ScaleWorkload>> = {
  load_npy_200mb() {
    const dir = scratchDir();
    const path = join(dir, 'pred.npy');
    const cols = 80;
    const rows = Math.floor((200 * 2 ** 20) / (4 * cols));
    generate('gaussian', path, rows, cols, 11);
    return {
      gradBytes: 0,
      // What `load("pred.npy")` does in the kernel: read with progress, parse (a view, no copy).
      step: () => loadBytes(readFileWithProgress(path, () => undefined), 'pred.npy'),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  qfl_stream_2gb() {
    return streamWorkload('qfl_stream_2gb', { beta: 2, chunkRows: 8192 });
  },
  /** The same export in QFL's float32 mode: chunks of float32 pred go to the f32x4 kernels undecoded (default chunk: 16 MB). */
  qfl_stream_2gb_f32() {
    return streamWorkload('qfl_stream_2gb_f32', { beta: 2, precision: 'float32' });
  },
  /** The in-memory reference for the stream's throughput: the same QFL forward on 8192 × 80 rows. */
  qfl_forward_inmemory_8192() {
    const random = seededRandom(14);
    const n = 8192;
    const classes = 80;
    const pred = { shape: [n, classes], data: gaussian(random, n * classes, 2) };
    const label = new Float64Array(n).fill(classes);
    const score = new Float64Array(n);
    const target = { label: { shape: [n], data: label }, score: { shape: [n], data: score } };
    return { gradBytes: 0, step: () => qualityFocalLoss(pred, target, { beta: 2 }) };
  },
};
