/**
 * Writes the large seeded exports of the scale workloads, run as a child process by
 * bench/scaleWorkloads.ts: generating 200 MB or 2 GB in the measuring process would leave freed
 * chunks in its allocator (glibc keeps them mapped), which the load or the stream would then reuse,
 * and its peak memory would look smaller (or, with the generator's garbage, larger) than it is.
 *
 *   node --import tsx bench/generateExport.ts gaussian <path> <rows> <cols> <seed>
 *   node --import tsx bench/generateExport.ts qfl <dir> <rows> <classes> <seed>
 *   node --import tsx bench/generateExport.ts arcface <dir> <batch> <dims> <classes> <seed>
 */
import { join } from 'node:path';
import { openNpyWriter } from '../src/node/stream/npyWriter';
import { gaussian, seededRandom } from '../test/helpers/random';

/** A float32 (rows, cols) .npy of seeded gaussians (σ = 2), written chunk by chunk. */
export function writeGaussianNpy(path: string, rows: number, cols: number, seed: number): void {
  const writer = openNpyWriter(path, '<f4', [rows, cols]);
  const random = seededRandom(seed);
  const chunkRows = Math.max(1, Math.floor((8 * 2 ** 20) / cols));
  try {
    for (let start = 0; start < rows; start += chunkRows) {
      const count = Math.min(chunkRows, rows - start) * cols;
      writer.append(Float32Array.from(gaussian(random, count, 2)));
    }
  } finally {
    writer.close();
  }
}

/** pred.npy (rows, classes) logits, label.npy (classes = background, 25 % positives) and score.npy in `dir`. */
export function writeQflExport(dir: string, rows: number, classes: number, seed: number): void {
  writeGaussianNpy(join(dir, 'pred.npy'), rows, classes, seed);
  const random = seededRandom(seed + 1);
  const label = openNpyWriter(join(dir, 'label.npy'), '<f4', [rows]);
  const score = openNpyWriter(join(dir, 'score.npy'), '<f4', [rows]);
  const chunk = 1 << 20;
  try {
    for (let start = 0; start < rows; start += chunk) {
      const count = Math.min(chunk, rows - start);
      const l = new Float32Array(count).fill(classes);
      const s = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        if (random() < 0.25) {
          l[i] = Math.floor(random() * classes);
          s[i] = random();
        }
      }
      label.append(l);
      score.append(s);
    }
  } finally {
    label.close();
    score.close();
  }
}

/** x.npy (batch, dims) embeddings, W.npy (dims, classes) centres, both float32, and labels.npy (batch) in `dir`. */
export function writeArcFaceExport(dir: string, batch: number, dims: number, classes: number, seed: number): void {
  writeGaussianNpy(join(dir, 'x.npy'), batch, dims, seed);
  writeGaussianNpy(join(dir, 'W.npy'), dims, classes, seed + 1);
  const random = seededRandom(seed + 2);
  const labels = openNpyWriter(join(dir, 'labels.npy'), '<f4', [batch]);
  try {
    labels.append(Float32Array.from({ length: batch }, () => Math.floor(random() * classes)));
  } finally {
    labels.close();
  }
}

const [kind, path, rows, cols, seed, extra] = process.argv.slice(2);
if (kind === 'gaussian') writeGaussianNpy(path, Number(rows), Number(cols), Number(seed));
else if (kind === 'qfl') writeQflExport(path, Number(rows), Number(cols), Number(seed));
else if (kind === 'arcface') writeArcFaceExport(path, Number(rows), Number(cols), Number(seed), Number(extra));
else if (kind !== undefined) {
  console.error(`bench/generateExport.ts: unknown kind '${kind}'`);
  process.exit(2);
}
