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
import { QflStream, runQflStream, runQflStreamAsync, type StreamProgress } from '../../../src/node/stream/qflStream';
import { readFileSync } from 'node:fs';
import type { Tensor, TensorF32 } from '../../../src/core/tensor';

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
      // Reads reuse their arrays (valid until the next read), growing them as needed.
      assert.deepEqual([...reader.read(0, 13).data], [...whole]);
      assert.deepEqual([...reader.read(12, 13).data], [...whole.subarray(36, 39)]);
    } finally {
      reader.close();
    }
  });
});

describe('runQflStream', () => {
  // 150 × 5 fits one SIMD block of the in-memory kernel; 2100 × 9 spans three.
  for (const [n, C] of [[150, 5], [2100, 9]] as const) {
    for (const descr of ['<f4', '<f8'] as const) {
      for (const chunkRows of [1, 7, 64, 1000]) {
        it(`matches the in-memory loss exactly (${n} × ${C}, ${descr}, ${chunkRows} rows per chunk)`, () => {
          const files = writeExport(`exact-${n}-${descr === '<f4' ? 32 : 64}`, n, C, descr);
          for (const reduction of ['mean', 'sum'] as const) {
            const streamed = runQflStream(files, { chunkRows, reduction });
            assert.equal(streamed.loss, inMemory(files, reduction));
            assert.equal(streamed.chunks, Math.ceil(n / chunkRows));
          }
        });
      }
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

/** A whole .npy file as the core's loader returns it, in its stored width (no float64 copy of float32 data). */
function loadStored(path: string): Tensor | TensorF32 {
  const array = loadNpy(new Uint8Array(readFileSync(path)), path);
  const shape = [...array.shape];
  return array.data instanceof Float32Array ? { shape, data: array.data } : { shape, data: Float64Array.from(array.data as Float64Array) };
}

/**
 * The float32 mode's in-memory reference: the core QFL on the whole loaded arrays with precision
 * 'float32', its per-row losses summed flat in row order with the reduction's coefficient (an
 * independent restatement of what the loss must be), and the core's total itself.
 */
function inMemory32(pred: Tensor | TensorF32, files: { label: string; score: string }, reduction: 'mean' | 'sum', beta = 2) {
  const target = { label: loadStored(files.label), score: loadStored(files.score) };
  const perRow = qualityFocalLoss(pred, target, { beta, reduction: 'none', precision: 'float32' }).perElement.data;
  const c = reduction === 'mean' ? 1 / perRow.length : 1;
  let flat = 0;
  for (let r = 0; r < perRow.length; r++) flat += c * perRow[r];
  return { flat, core: qualityFocalLoss(pred, target, { beta, reduction, precision: 'float32' }).loss.data[0] };
}

describe('runQflStream, float32 mode', () => {
  it('reads a float32 file as float32 views of the read buffer, other dtypes as float64', () => {
    const files = writeExport('stored', 13, 3, '<f4');
    const whole = loadNpy(new Uint8Array(readFileSync(files.pred)), files.pred).data as Float32Array;
    const reader = new NpyRowReader(files.pred);
    try {
      const first = reader.readStored(4, 9);
      assert.ok(first.data instanceof Float32Array);
      assert.deepEqual(first.shape, [5, 3]);
      assert.deepEqual([...first.data], [...whole.subarray(12, 27)]);
      // A view, not a copy: the next read of the same size lands in the same bytes.
      const second = reader.readStored(0, 5);
      assert.equal(second.data.buffer, first.data.buffer);
      assert.deepEqual([...first.data], [...whole.subarray(0, 15)]);
    } finally {
      reader.close();
    }
    const wide = writeExport('stored-64', 13, 3, '<f8');
    const reader64 = new NpyRowReader(wide.pred);
    try {
      const part = reader64.readStored(4, 9);
      assert.ok(part.data instanceof Float64Array);
      assert.deepEqual([...part.data], [...reader64.read(4, 9).data]);
    } finally {
      reader64.close();
    }
  });

  // 150 × 5 is one kernel block; 2100 × 9 is three, whose per-block partial sums must not leak into the total.
  for (const [n, C] of [[150, 5], [2100, 9]] as const) {
    for (const chunkRows of [1, 7, 64, 1000, undefined]) {
      it(`equals the in-memory float32 QFL bit for bit (${n} × ${C}, ${chunkRows ?? 'default'} rows per chunk)`, () => {
        const files = writeExport(`f32-${n}`, n, C, '<f4', 3);
        for (const reduction of ['mean', 'sum'] as const) {
          const streamed = runQflStream(files, { chunkRows, reduction, precision: 'float32' });
          const want = inMemory32(loadStored(files.pred), files, reduction);
          assert.equal(streamed.loss, want.flat);
          assert.equal(streamed.loss, want.core);
          // The mode is really on: float64 arithmetic on the same float32 logits gives another number.
          assert.notEqual(streamed.loss, inMemory(files, reduction));
          assert.equal(streamed.chunks, Math.ceil(n / (chunkRows ?? n)));
        }
      });
    }
  }

  it('equals it bit for bit with the parallel pool evaluating each chunk', async () => {
    const pool = await ready(new ParallelPool(2));
    try {
      const files = writeExport('parallel-32', 1500, 7, '<f4', 9);
      const losses = parallelLosses(pool, { minElements: 0, blockElements: 4 });
      for (const chunkRows of [40, 333, 1500]) {
        const streamed = runQflStream(files, { chunkRows, precision: 'float32', qualityFocalLoss: losses.qualityFocalLoss });
        const want = inMemory32(loadStored(files.pred), files, 'mean');
        assert.equal(streamed.loss, want.flat);
        assert.equal(streamed.loss, want.core);
      }
      assert.ok(pool.sharedTasks > 0);
    } finally {
      await pool.close();
    }
  });

  it('hands the kernel float32 chunks of a float32 file, never a float64 decode', () => {
    const files = writeExport('no-decode', 30, 4, '<f4');
    const seen: string[] = [];
    const spy: typeof qualityFocalLoss = (pred, target, options) => {
      seen.push(`${pred.data.constructor.name} ${options?.precision}`);
      return qualityFocalLoss(pred, target, options);
    };
    runQflStream(files, { chunkRows: 16, precision: 'float32', qualityFocalLoss: spy });
    assert.deepEqual(seen, ['Float32Array float32', 'Float32Array float32']);
  });

  it('defaults to twice the float64 mode\'s rows per chunk (16 MB of float32 pred)', () => {
    const files = writeExport('default-chunk', 3, 80, '<f4');
    const rows = (precision: 'float64' | 'float32'): number => {
      const stream = new QflStream(files, { precision });
      stream.close();
      return stream.chunkRows;
    };
    assert.equal(rows('float64'), Math.floor(2 ** 24 / (8 * 80)));
    assert.equal(rows('float32'), Math.floor(2 ** 24 / (4 * 80)));
  });

  it('rounds a float64 pred file to float32 once, as the core does with float64 logits', () => {
    const files = writeExport('f64-in-32', 700, 13, '<f8', 4);
    const pred = loadStored(files.pred);
    const rounded = { shape: pred.shape, data: Float32Array.from(pred.data) };
    for (const chunkRows of [1, 100, 700]) {
      const streamed = runQflStream(files, { chunkRows, precision: 'float32' });
      assert.equal(streamed.loss, inMemory32(pred, files, 'mean').flat);
      assert.equal(streamed.loss, inMemory32(rounded, files, 'mean').flat);
    }
    // Finite in float64, infinite in float32: an infinite loss, not an error, exactly as qfl's float32 mode.
    writeNpy(files.pred, '<f8', [2, 13], Array.from({ length: 26 }, (_, i) => (i === 17 ? -1e39 : 0.5)));
    writeNpy(files.label, '<f8', [2], [13, 4]);
    writeNpy(files.score, '<f8', [2], [0, 0.5]);
    assert.equal(runQflStream(files, { chunkRows: 1, precision: 'float32' }).loss, inMemory32(loadStored(files.pred), files, 'mean').core);
    assert.equal(runQflStream(files, { chunkRows: 1, precision: 'float32' }).loss, Infinity);
  });

  for (const bad of [NaN, Infinity]) {
    it(`names a non-finite logit (${bad}) with its row in the whole file`, () => {
      const files = writeExport(`bad-32-${bad}`, 20, 3, '<f4');
      writeNpy(files.pred, '<f4', [20, 3], Array.from({ length: 60 }, (_, i) => (i === 13 * 3 + 1 ? bad : (i % 7) - 3)));
      for (const chunkRows of [1, 5, 6, 20]) {
        assert.throws(() => runQflStream(files, { chunkRows, precision: 'float32' }), (error: unknown) => {
          assert.ok(error instanceof InputError);
          assert.equal(error.argument, 'pred');
          assert.deepEqual(error.index, [13, 1]);
          return true;
        });
      }
    });
  }

  it('rejects an unknown precision', () => {
    const files = writeExport('bad-precision', 4, 2, '<f4');
    assert.throws(
      () => runQflStream(files, { precision: 'float16' as 'float32' }),
      (error: unknown) => error instanceof InputError && error.argument === 'options.precision',
    );
  });
});
