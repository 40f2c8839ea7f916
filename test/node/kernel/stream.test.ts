import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildKernelWorker } from '../../helpers/kernelWorker';
import { loadNpy } from '../../../src/core/io/npy';
import { qualityFocalLoss } from '../../../src/core/losses/qfl';
import { KernelProcess, DEFAULT_KERNEL_SETTINGS } from '../../../src/node/kernel/process';
import type { LoadProgress } from '../../../src/node/kernel/protocol';
import { openNpyWriter } from '../../../src/node/stream/npyWriter';

/**
 * `qfl_stream` in the kernel process, built as the extension's build makes dist/kernelWorker.js
 * and dist/parallelWorker.js (side by side, so that the kernel's pool finds its worker): paths
 * resolve like load's, a large stream posts load-style progress, and the loss is the in-memory one.
 */

const scratch = mkdtempSync(join(tmpdir(), 'losslab-kernel-stream-'));
const folder = join(scratch, 'notebooks');
const kernels: KernelProcess[] = [];

before(async () => {
  await buildKernelWorker(scratch, { withPool: true });
  mkdirSync(folder, { recursive: true });
  // 60 MB of float32 logits: over the 50 MB from which reading shows progress.
  const rows = 196_608;
  const classes = 80;
  const pred = openNpyWriter(join(folder, 'pred.npy'), '<f4', [rows, classes]);
  const chunk = new Float32Array(8192 * classes);
  for (let start = 0; start < rows; start += 8192) {
    for (let i = 0; i < chunk.length; i++) chunk[i] = Math.sin(start + i) * 8;
    pred.append(chunk);
  }
  pred.close();
  const label = new Float32Array(rows);
  const score = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    label[r] = r % 4 === 0 ? r % classes : classes;
    score[r] = r % 4 === 0 ? (r % 97) / 97 : 0;
  }
  for (const [name, data] of [['label', label], ['score', score]] as const) {
    const writer = openNpyWriter(join(folder, `${name}.npy`), '<f4', [rows]);
    writer.append(data);
    writer.close();
  }
});

after(async () => {
  await Promise.all(kernels.map((k) => k.dispose()));
  rmSync(scratch, { recursive: true, force: true });
});

const load = (name: string) => {
  const array = loadNpy(new Uint8Array(readFileSync(join(folder, name))), name);
  return { shape: [...array.shape], data: Float64Array.from(array.data as Float32Array) };
};

describe('KernelProcess: qfl_stream', () => {
  it('streams a large export with progress and returns the in-memory loss', async () => {
    const kernel = new KernelProcess({ workerFile: join(scratch, 'kernelWorker.js'), folder, trusted: false });
    kernels.push(kernel);
    const progress: LoadProgress[] = [];
    const want = qualityFocalLoss(load('pred.npy'), { label: load('label.npy'), score: load('score.npy') }, { beta: 2 }).loss.data[0];
    const cell = `s = qfl_stream("pred.npy", "label.npy", "score.npy", {chunk_rows: 50000})\nabs(s.loss - ${want.toPrecision(17)}) <= 1e-12 * ${Math.abs(want).toPrecision(17)}`;
    const outcome = await kernel.run(cell, DEFAULT_KERNEL_SETTINGS, (p) => progress.push(p));
    assert.equal(outcome.kind, 'completed', JSON.stringify(outcome));
    const outputs = outcome.kind === 'completed' ? outcome.outputs : [];
    const value = outputs[outputs.length - 1];
    assert.ok(value?.kind === 'value' && value.summary.kind === 'boolean' && value.summary.preview === 'true', JSON.stringify(outputs));
    // One message before the first chunk and one after each of the 4 chunks.
    assert.equal(progress.length, 5);
    assert.equal(progress[0].loadedBytes, 0);
    assert.equal(progress[4].loadedBytes, progress[4].totalBytes);
    assert.ok(progress.every((p) => p.path === 'pred.npy'));
  });

  it('refuses a path outside the folder in an untrusted workspace, as load does', async () => {
    const kernel = new KernelProcess({ workerFile: join(scratch, 'kernelWorker.js'), folder, trusted: false });
    kernels.push(kernel);
    const outcome = await kernel.run('qfl_stream("../x.npy", "label.npy", "score.npy")');
    const output = outcome.kind === 'completed' ? outcome.outputs[0] : undefined;
    assert.equal(output?.kind, 'error');
    assert.match(output?.kind === 'error' ? output.message : '', /^qfl_stream: .*untrusted workspace/);
  });
});
