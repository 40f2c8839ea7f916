import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { all, create, type Matrix } from 'mathjs';
import { loadBytes } from '../../../src/core/io';
import { qualityFocalLoss } from '../../../src/core/losses/qfl';
import type { CellOutput } from '../../../src/core/language/session';
import { valueToTensor } from '../../../src/core/language/values';
import { isTensor } from '../../../src/core/tensor';
import { arraysToValues } from '../../../src/node/kernel/load';
import { createNodeSession } from '../../../src/node/session';

const math = create(all);
const file = loadBytes(new TextEncoder().encode(JSON.stringify({ boxes: [[0, 0, 2, 2], [1, 1, 3, 3]], score: [0.5, 0.25, 1], stride: 8 })), 'export.json');

/** A .npy file of float64 values (little-endian, C order), written by hand from the format's spec. */
function npy(shape: number[], data: Float64Array): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const bytes = new Uint8Array(10 + header.length + data.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  bytes.set(new TextEncoder().encode(header), 10);
  bytes.set(new Uint8Array(data.buffer), 10 + header.length);
  return bytes;
}

describe('arraysToValues: the one conversion of a loaded file, in the kernel and in losslab run', () => {
  it('gives small arrays as the matrices math.matrix makes of their values, and 0-d arrays as numbers', () => {
    const values = arraysToValues(file, math, 10_000_000);
    const boxes = values.boxes as Matrix<number>;
    assert.equal(math.isDenseMatrix(boxes), true);
    assert.deepEqual(boxes.size(), [2, 4]);
    assert.equal(math.deepEqual(boxes, math.matrix([[0, 0, 2, 2], [1, 1, 3, 3]])), true);
    // The matrix is an ordinary one: indexing and arithmetic work on it.
    assert.deepEqual((math.subset(boxes, math.index(1, [0, 1, 2, 3])) as Matrix<number>).toArray(), [1, 1, 3, 3]);
    assert.deepEqual((math.multiply(values.score as Matrix<number>, 2) as Matrix<number>).toArray(), [1, 0.5, 2]);
    assert.equal(values.stride, 8);
  });

  it('keeps arrays above the element limit (the session element cap) as float64 tensors', () => {
    const values = arraysToValues(file, math, 4);
    assert.equal(isTensor(values.boxes), true);
    assert.deepEqual(values.boxes, { shape: [2, 4], data: Float64Array.of(0, 0, 2, 2, 1, 1, 3, 3) });
    assert.equal(math.isDenseMatrix(values.score), true);
  });

  it('a loss reads the loaded tensor itself, not a copy, while the matrix is unchanged', () => {
    const values = arraysToValues(file, math, 10_000_000);
    const first = valueToTensor('qfl', 'pred', values.boxes);
    assert.deepEqual(first, { shape: [2, 4], data: Float64Array.of(0, 0, 2, 2, 1, 1, 3, 3) });
    assert.equal(valueToTensor('qfl', 'pred', values.boxes), first, 'the same tensor object, no conversion');
  });

  it('holds the float64 values a loss reads in shared memory, for the worker pool: converted, or copied once from the file', () => {
    const float64 = loadBytes(npy([2, 2], Float64Array.of(0.5, -1, 2, 3)), 'x.npy');
    const values = { ...arraysToValues(file, math, 10_000_000), ...arraysToValues(float64, math, 10_000_000) };
    for (const [name, want] of [['boxes', [0, 0, 2, 2, 1, 1, 3, 3]], ['score', [0.5, 0.25, 1]], ['x', [0.5, -1, 2, 3]]] as const) {
      const tensor = valueToTensor('qfl', 'pred', values[name]);
      assert.equal(tensor.data.buffer instanceof SharedArrayBuffer, true, name);
      assert.deepEqual(Array.from(tensor.data), want, name);
    }
  });

  it('a matrix changed in place is read as changed, and loses its tensor', () => {
    const values = arraysToValues(file, math, 10_000_000);
    const boxes = values.boxes as Matrix<number>;
    const before = valueToTensor('qfl', 'pred', boxes);
    boxes.set([1, 2], 7); // what a cell's `boxes[2, 3] = 7` does to the matrix
    const after = valueToTensor('qfl', 'pred', boxes);
    assert.notEqual(after, before);
    assert.deepEqual(Array.from(after.data), [0, 0, 2, 2, 1, 1, 7, 3]);
  });

  it('a matrix holding NaN keeps its tensor (NaN compares equal to NaN there)', () => {
    const values = arraysToValues(loadBytes(npy([2], Float64Array.of(1, Number.NaN)), 'x.npy'), math, 10);
    const tensor = valueToTensor('qfl', 'pred', values.x);
    assert.equal(valueToTensor('qfl', 'pred', values.x), tensor);
  });
});

describe('a large loaded export in a node session (the kernel loads the same way)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'losslab-load-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  const [n, C] = [20000, 80];
  const pred = new Float64Array(n * C).map((_, i) => Math.sin(i) * 3);
  const label = new Float64Array(n).map((_, i) => (i % 7 === 0 ? i % C : C));
  const score = new Float64Array(n).map((_, i) => (i % 7 === 0 ? (i % 10) / 10 : 0));
  writeFileSync(join(folder, 'pred.npy'), npy([n, C], pred));
  writeFileSync(join(folder, 'label.npy'), npy([n], label));
  writeFileSync(join(folder, 'score.npy'), npy([n], score));
  const session = createNodeSession(folder, { pool: null });
  const values = (source: string): CellOutput[] => session.runCell(source);
  const markdown = (outputs: CellOutput[]): string => outputs.map((o) => (o.kind === 'error' ? `${o.name}: ${o.message}` : o.markdown)).join('\n');

  it('takes every mathjs function: size, indexing, arithmetic (a TypeError in the kernel before)', () => {
    const out = values('pred = load("pred.npy").pred\nlabel = load("label.npy").label\nscore = load("score.npy").score\nsize(pred)\npred[2, 3]\nmax(pred * 2)');
    const text = markdown(out);
    assert.doesNotMatch(text, /Error/);
    assert.match(text, /size\(pred\)` → `\[20000, 80\]`/);
    assert.match(text, new RegExp(`\`${Number((Math.sin(1 * C + 2) * 3).toPrecision(6))}\``));
  });

  it('qfl on it equals the core on the same arrays, before and after a cell changes one score in place', () => {
    const core = (s: Float64Array): number => qualityFocalLoss({ shape: [n, C], data: pred }, { label: { shape: [n], data: label }, score: { shape: [n], data: s } }).loss.data[0];
    values('r = qfl(pred, label, score)');
    assert.equal(session.scope.get('r') !== undefined, true);
    const loss = (): number => (session.scope.get('r') as { loss: number }).loss;
    assert.equal(loss(), core(score));
    values('score[8] = 0.75\nr = qfl(pred, label, score)');
    const changed = Float64Array.from(score);
    changed[7] = 0.75;
    assert.equal(loss(), core(changed));
    assert.notEqual(loss(), core(score));
  });
});

describe('a torch.save file in a node session: containers as the cell language indexes them', () => {
  const folder = mkdtempSync(join(tmpdir(), 'losslab-torch-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  for (const name of ['head_outputs.pt', 'state_dict.pt', 'dtypes.pt', 'views.pt']) {
    writeFileSync(join(folder, name), readFileSync(join('test/fixtures/io/torch', name)));
  }
  const session = createNodeSession(folder, { pool: null });
  const run = (source: string): string =>
    session
      .runCell(source)
      .map((o) => (o.kind === 'error' ? `${o.name}: ${o.message}` : o.markdown))
      .join('\n');
  // What scripts/fixtures/torch_save.py saved: five levels of (1, 3, h, w) class scores for
  // h = w = 8, 4, 2, 1, 1, and two ground-truth boxes.
  const saved = JSON.parse(readFileSync('test/fixtures/io/torch/expected.json', 'utf8'))['head_outputs.pt'] as {
    entries: [string, { items: { values: string[] }[] }][];
  };
  const gtBoxes = saved.entries.find(([key]) => key === 'gt_bboxes')?.[1].items[0].values.map(Number);

  it('a dict of lists of tensors: d.cls_scores[1] is the first level (1-based), each a matrix of its own shape', () => {
    const text = run('d = load("head_outputs.pt")\nsize(d.cls_scores)\nsize(d.cls_scores[1])\nsize(d.cls_scores[end])\nd.gt_bboxes[1][2, 3]');
    assert.doesNotMatch(text, /Error/);
    assert.match(text, /size\(d\.cls_scores\)` → `\[5\]`/);
    assert.match(text, /size\(d\.cls_scores\[1\]\)` → `\[1, 3, 8, 8\]`/);
    assert.match(text, /size\(d\.cls_scores\[end\]\)` → `\[1, 3, 1, 1\]`/);
    assert.match(text, new RegExp(`\`${gtBoxes?.[6]}\`$`));
    assert.equal(run('d.cls_scores'), '`[(1, 3, 8, 8), (1, 3, 4, 4), (1, 3, 2, 2), (1, 3, 1, 1), (1, 3, 1, 1)]`');
  });

  it('numbers, strings and tuples of numbers as values: d.meta.name, d.img_shape, d.strides', () => {
    const values = arraysToValues(loadBytes(new Uint8Array(readFileSync(join(folder, 'head_outputs.pt'))), 'head_outputs.pt'), math, 10_000_000);
    const meta = values.meta as Record<string, unknown>;
    assert.equal(meta.name, 'gfl');
    assert.equal(meta.score, 0.25);
    assert.deepEqual(Object.keys(meta), ['3', 'name', 'score', 'flags', 'id'], 'an object puts integer keys first');
    assert.deepEqual((values.img_shape as Matrix<number>).toArray(), [64, 64]);
    assert.deepEqual((values.strides as Matrix<number>).toArray(), [8, 16, 32, 64, 128]);
    assert.deepEqual((meta.flags as Matrix<unknown>).toArray(), [true, false, null]);
    const levels = values.cls_scores as Matrix<unknown>;
    assert.deepEqual(levels.size(), [5]);
    assert.deepEqual((levels.get([0]) as Matrix<number>).size(), [1, 3, 8, 8]);
  });

  it('a state_dict by parameter name, non-contiguous views by their values', () => {
    assert.match(run('s = load("state_dict.pt")\nsize(s["0.weight"])'), /`\[3, 2, 3, 3\]`/);
    assert.match(run('v = load("views.pt")\nv.transposed[1, :]'), /`\[0, 6, 12, 18\]`/);
  });

  it('an int64 beyond 2^53 is refused by name and index when it becomes float64, as in .npy and .safetensors', () => {
    assert.match(run('load("dtypes.pt")'), /int64.*integers within ±\(2\^53 − 1\).*-9223372036854775808/);
  });
});
