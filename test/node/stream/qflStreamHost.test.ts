import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors';
import { loadNpy } from '../../../src/core/io/npy';
import { Session, type CellOutput } from '../../../src/core/language/session';
import { qualityFocalLoss } from '../../../src/core/losses/qfl';
import { writeNpy } from '../../../src/node/stream/npyWriter';
import { createQflStreamHost, type StreamBytesProgress } from '../../../src/node/stream/qflStreamHost';

/**
 * The language's `qfl_stream` through the Node host: paths resolve like `load`'s, options reach the
 * stream, progress counts bytes, and the value equals PyTorch's and the in-memory `qfl`'s.
 */

const dir = mkdtempSync(join(tmpdir(), 'losslab-stream-host-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const samples = (path: string): string => resolve('samples', path);
const SAMPLE = '"data/stream-pred.npy", "data/stream-label.npy", "data/stream-score.npy"';

function valueOf(session: Session, source: string, name: string): Record<string, unknown> {
  const outputs = session.runCell(source);
  const error = outputs.find((o): o is Extract<CellOutput, { kind: 'error' }> => o.kind === 'error');
  assert.equal(error, undefined, `${source}: ${error?.message}`);
  return session.scope.get(name) as Record<string, unknown>;
}

function errorOf(session: Session, source: string): string {
  const outputs = session.runCell(source);
  const last = outputs[outputs.length - 1];
  assert.equal(last?.kind, 'error', JSON.stringify(outputs));
  return last.kind === 'error' ? last.message : '';
}

const load = (path: string) => {
  const array = loadNpy(new Uint8Array(readFileSync(path)), path);
  return { shape: [...array.shape], data: Float64Array.from(array.data as ArrayLike<number>, Number) };
};

describe('qfl_stream', () => {
  it("equals PyTorch's QFL on the sample export (mmdetection quality_focal_loss, float64)", () => {
    const session = new Session({ stream: createQflStreamHost({ resolvePath: samples }) });
    // /usr/bin/python3 with torch 1.13: mmdetection's quality_focal_loss on the three files, sum over
    // classes, mean over the 64 rows (15 positives).
    const want = 1.8827627196720982;
    for (const chunk of [1, 5, 16, 64, 1000]) {
      const s = valueOf(session, `s = qfl_stream(${SAMPLE}, {chunk_rows: ${chunk}})`, 's');
      assert.ok(Math.abs((s.loss as number) - want) <= 1e-12 * want, `chunk ${chunk}: ${s.loss}`);
      assert.equal(s.rows, 64);
      assert.equal(s.classes, 4);
      assert.equal(s.chunks, Math.ceil(64 / chunk));
    }
  });

  it('equals the in-memory qfl bit for bit, with β, background and reduction passed through', () => {
    const n = 37;
    const C = 3;
    let state = 5;
    const random = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pred = Array.from({ length: n * C }, () => (random() - 0.5) * 30);
    const label = Array.from({ length: n }, () => (random() < 0.4 ? 1 + Math.floor(random() * C) : 0));
    const score = label.map((l) => (l > 0 ? random() : 0));
    writeNpy(join(dir, 'p.npy'), '<f8', [n, C + 1], Array.from({ length: n * (C + 1) }, (_, i) => pred[i % pred.length]));
    writeNpy(join(dir, 'l.npy'), '<f4', [n], label);
    writeNpy(join(dir, 's.npy'), '<f8', [n], score);
    const session = new Session({ stream: createQflStreamHost({ resolvePath: (p) => resolve(dir, p) }) });
    const s = valueOf(session, 's = qfl_stream("p.npy", "l.npy", "s.npy", {beta: 1.5, background: "first", reduction: "sum", chunk_rows: 4})', 's');
    const want = qualityFocalLoss(load(join(dir, 'p.npy')), { label: load(join(dir, 'l.npy')), score: load(join(dir, 's.npy')) }, { beta: 1.5, labelConvention: 'background-first', reduction: 'sum' });
    assert.equal(s.loss, want.loss.data[0]);
    assert.equal(s.chunks, 10);
  });

  it('passes {precision: "float32"} through: the in-memory float32 qfl bit for bit, near PyTorch', () => {
    const session = new Session({ stream: createQflStreamHost({ resolvePath: samples }) });
    const f32 = (path: string) => {
      const array = loadNpy(new Uint8Array(readFileSync(samples(path))), path);
      return { shape: [...array.shape], data: Float32Array.from(array.data as ArrayLike<number>, Number) };
    };
    // The sample's 64 × 4 logits are one kernel block: the core's total is the stream's row-by-row sum.
    const want = qualityFocalLoss(f32('data/stream-pred.npy'), { label: f32('data/stream-label.npy'), score: f32('data/stream-score.npy') }, { precision: 'float32' });
    for (const chunk of [1, 5, 64]) {
      const s = valueOf(session, `s = qfl_stream(${SAMPLE}, {chunk_rows: ${chunk}, precision: "float32"})`, 's');
      assert.equal(s.loss, want.loss.data[0]);
      assert.equal(s.chunks, Math.ceil(64 / chunk));
    }
    // PyTorch's value above (float64 on the same data), within the float32 mode's bound (a few 2⁻²⁴ per element).
    const torch = 1.8827627196720982;
    const s = valueOf(session, `s = qfl_stream(${SAMPLE}, {precision: "float32"})`, 's');
    assert.ok(Math.abs((s.loss as number) - torch) <= 1e-6 * torch, `${s.loss}`);
    assert.notEqual(s.loss, valueOf(session, `t = qfl_stream(${SAMPLE})`, 't').loss);
    assert.match(errorOf(session, `qfl_stream(${SAMPLE}, {precision: "float16"})`), /options\.precision should be one of "float64", "float32"/);
  });

  it('reports progress in bytes of the three files, ending at the total', () => {
    const progress: StreamBytesProgress[] = [];
    const host = createQflStreamHost({ resolvePath: samples, onProgress: (p) => progress.push(p) });
    host({ pred: 'data/stream-pred.npy', label: 'data/stream-label.npy', score: 'data/stream-score.npy', chunkRows: 16 });
    const total = ['pred', 'label', 'score'].reduce((sum, name) => sum + readFileSync(samples(`data/stream-${name}.npy`)).length, 0);
    assert.deepEqual(progress.map((p) => p.loadedBytes), [0, total / 4, total / 2, (3 * total) / 4, total]);
    assert.ok(progress.every((p) => p.totalBytes === total && p.path === 'data/stream-pred.npy'));
  });

  it('names a missing file, a bad path and bad options in errors', () => {
    const session = new Session({ stream: createQflStreamHost({ resolvePath: samples }) });
    assert.match(errorOf(session, 'qfl_stream("data/nope.npy", "data/stream-label.npy", "data/stream-score.npy")'), /^qfl_stream: pred_path should be an existing \.npy file .*"data\/nope\.npy"/);
    assert.match(errorOf(session, 'qfl_stream("data", "data/stream-label.npy", "data/stream-score.npy")'), /pred_path should be a \.npy file \(a regular file\).*which is a folder/);
    assert.match(errorOf(session, `qfl_stream(${SAMPLE.replace('"data/stream-label.npy"', '3')})`), /label_path should be a string/);
    assert.match(errorOf(session, `qfl_stream(${SAMPLE}, {reduction: "none"})`), /options\.reduction should be one of "mean", "sum"/);
    assert.match(errorOf(session, `qfl_stream(${SAMPLE}, {chunk_rows: 0})`), /^qfl_stream: options\.chunkRows should be an integer ≥ 1/);
    assert.match(errorOf(session, 'qfl_stream("data/stream-label.npy", "data/stream-label.npy", "data/stream-score.npy")'), /pred should be a 2-D \(N, C\) array/);
  });

  it('says it is unavailable in a session without file access', () => {
    const error = errorOf(new Session(), `qfl_stream(${SAMPLE})`);
    assert.match(error, /^qfl_stream: pred_path should be streamable here \(no file access in this context\)/);
  });

  it('passes a rejection of the resolver through unchanged', () => {
    const host = createQflStreamHost({
      resolvePath: () => {
        throw new InputError('load', 'path', 'inside the folder', '"x"');
      },
    });
    assert.throws(() => host({ pred: 'x', label: 'y', score: 'z' }), /inside the folder/);
  });
});
