import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors';
import { loadNpy } from '../../../src/core/io/npy';
import { qualityFocalLoss } from '../../../src/core/losses/qfl';
import { parallelLosses } from '../../../src/node/parallel/losses';
import { ParallelPool, ready } from '../../../src/node/parallel/pool';
import { NpyRowReader } from '../../../src/node/stream/npyRows';
import { writeNpy, type NpyFloatDescr } from '../../../src/node/stream/npyWriter';
import { runQflStream, runQflStreamAsync, type StreamProgress } from '../../../src/node/stream/qflStream';
import { readFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'losslab-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A seeded QFL export of n rows and C classes written as .npy files of the given dtype. */
function writeExport(name: string, n: number, C: number, descr: NpyFloatDescr, seed = 1) {
  let state = seed;
  const random = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pred = Array.from({ length: n * C }, () => (random() - 0.5) * 20);
  const label = Array.from({ length: n }, () => (random() < 0.3 ? Math.floor(random() * C) : C));
  const score = label.map((l) => (l < C ? random() : 0));
  const files = { pred: join(dir, `${name}-pred.npy`), label: join(dir, `${name}-label.npy`), score: join(dir, `${name}-score.npy`) };
  writeNpy(files.pred, descr, [n, C], pred);
  writeNpy(files.label, descr, [n], label);
  writeNpy(files.score, descr, [n], score);
  return files;
}

/** The in-memory reference: the whole files loaded with the core loader, then the core QFL. */
function inMemory(files: { pred: string; label: string; score: string }, reduction: 'mean' | 'sum', beta = 2): number {
  const load = (path: string) => {
    const array = loadNpy(new Uint8Array(readFileSync(path)), path);
    return { shape: [...array.shape], data: Float64Array.from(array.data as Float32Array) };
  };
  return qualityFocalLoss(load(files.pred), { label: load(files.label), score: load(files.score) }, { beta, reduction }).loss.data[0];
}

describe('NpyRowReader', () => {
  it('reads any row range of a file as float64, equal to the whole-file load', () => {
    const files = writeExport('rows', 13, 3, '<f4');
    const whole = loadNpy(new Uint8Array(readFileSync(files.pred)), files.pred).data as Float32Array;
    const reader = new NpyRowReader(files.pred);
    try {
      assert.deepEqual(reader.header.shape, [13, 3]);
      const part = reader.read(4, 9);
      assert.deepEqual(part.shape, [5, 3]);
      assert.deepEqual([...part.data], [...whole.subarray(12, 27)]);
    } finally {
      reader.close();
    }
  });
});

describe('runQflStream', () => {
  for (const descr of ['<f4', '<f8'] as const) {
    for (const chunkRows of [1, 7, 64, 1000]) {
      it(`matches the in-memory loss exactly (${descr}, ${chunkRows} rows per chunk)`, () => {
        const files = writeExport(`exact-${descr === '<f4' ? 32 : 64}`, 150, 5, descr);
        for (const reduction of ['mean', 'sum'] as const) {
          const streamed = runQflStream(files, { chunkRows, reduction });
          assert.equal(streamed.loss, inMemory(files, reduction));
          assert.equal(streamed.chunks, Math.ceil(150 / chunkRows));
        }
      });
    }
  }

  it('matches exactly with the parallel pool evaluating each chunk, and for other β', async () => {
    const pool = await ready(new ParallelPool(2));
    try {
      const files = writeExport('parallel', 97, 4, '<f4', 7);
      const losses = parallelLosses(pool, { minElements: 0, blockElements: 4 });
      const streamed = runQflStream(files, { chunkRows: 40, beta: 1.5, qualityFocalLoss: losses.qualityFocalLoss });
      assert.equal(streamed.loss, inMemory(files, 'mean', 1.5));
      assert.ok(pool.sharedTasks > 0);
    } finally {
      await pool.close();
    }
  });

  it('handles an empty export (0 rows): loss 0, no chunk', () => {
    const files = writeExport('empty', 0, 4, '<f4');
    assert.deepEqual(runQflStream(files, { chunkRows: 8 }), { loss: 0, rows: 0, classes: 4, chunks: 0 });
  });

  it('reports progress after every chunk, ending at the total', () => {
    const files = writeExport('progress', 25, 2, '<f8');
    const seen: StreamProgress[] = [];
    runQflStream(files, { chunkRows: 10, onProgress: (p) => seen.push(p) });
    assert.deepEqual(seen, [
      { rows: 10, totalRows: 25 },
      { rows: 20, totalRows: 25 },
      { rows: 25, totalRows: 25 },
    ]);
  });

  it('stops between chunks when the signal is aborted (sync, from the progress callback)', () => {
    const files = writeExport('cancel', 50, 2, '<f4');
    const controller = new AbortController();
    let chunks = 0;
    assert.throws(
      () => runQflStream(files, { chunkRows: 10, signal: controller.signal, onProgress: () => ++chunks === 2 && controller.abort() }),
      (error: unknown) => error instanceof Error && error.name === 'AbortError',
    );
    assert.equal(chunks, 2);
  });

  it('stops between chunks when aborted from the event loop (async driver)', async () => {
    const files = writeExport('cancel-async', 400, 2, '<f4');
    const controller = new AbortController();
    let chunks = 0;
    const run = runQflStreamAsync(files, {
      chunkRows: 10,
      signal: controller.signal,
      onProgress: () => {
        if (++chunks === 3) setImmediate(() => controller.abort());
      },
    });
    await assert.rejects(run, (error: unknown) => error instanceof Error && error.name === 'AbortError');
    assert.ok(chunks >= 3 && chunks < 40, `ran ${chunks} chunks`);
  });

  it('names the offending row in the whole file, not in its chunk', () => {
    const files = writeExport('bad', 20, 3, '<f8');
    writeNpy(files.label, '<f8', [20], Array.from({ length: 20 }, (_, i) => (i === 13 ? 7 : 3)));
    assert.throws(() => runQflStream(files, { chunkRows: 5 }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.argument, 'target.label');
      assert.deepEqual(error.index, [13]);
      return true;
    });
  });

  it('rejects mismatched files with an InputError', () => {
    const files = writeExport('mismatch', 10, 3, '<f4');
    writeNpy(files.score, '<f4', [9], new Array(9).fill(0));
    assert.throws(() => runQflStream(files), (error: unknown) => error instanceof InputError && error.argument === 'score');
  });
});
