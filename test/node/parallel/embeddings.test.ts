/**
 * ArcFace and batch-hard through the worker pool with the thresholds forced to 0: the reference
 * cases against PyTorch's values at the parity tolerance, and, on random batches, every output
 * bit for bit equal to the single-threaded core's (a column range or a run of tile rows computes
 * each element with the same operations, so no split may change a bit). Both kernel paths, both
 * ArcFace precisions, and a pool that fails.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors';
import { arcFaceLoss, type ArcFaceOptions } from '../../../src/core/losses/arcface';
import { arcFaceLossFused } from '../../../src/core/losses/arcface/fused';
import { batchHard, type MiningOptions } from '../../../src/core/mining';
import { setKernelPath, type KernelPath } from '../../../src/core/simd/path';
import type { Tensor } from '../../../src/core/tensor';
import { balancedTileRows, parallelEmbeddingLosses } from '../../../src/node/parallel/embeddings';
import { parallelLosses } from '../../../src/node/parallel/losses';
import { ParallelPool, ready } from '../../../src/node/parallel/pool';
import { runReferenceCase } from '../../parity/adapter';
import { compare, loadCases } from '../../parity/compare';
import { seededRandom } from '../../helpers/random';

const EMBEDDING = new Set(['arcface', 'triplet_mining']);

const pool = new ParallelPool(3);
const losses = parallelLosses(pool, { minElements: 0, blockElements: 1, minProductWork: 0, minBatchHardWork: 0 });
before(async () => {
  await ready(pool);
});
after(async () => {
  setKernelPath('auto');
  assert.ok(pool.sharedTasks > 40, `only ${pool.sharedTasks} tasks ran in parallel`);
  await pool.close();
});

// Under `simd` the products and distance tiles of even the smallest case run on the WebAssembly
// kernels (the caller decides the path, the workers follow), so both paths meet the fixtures.
for (const [path, kernels] of [
  ['test/fixtures/reference-losses.json', 'auto'],
  ['test/fixtures/extreme-losses.json', 'auto'],
  ['test/fixtures/reference-losses.json', 'simd'],
] as [string, KernelPath][]) {
  const cases = loadCases(path).filter((c) => EMBEDDING.has(c.fn));
  describe(`parallel embedding parity with ${path} (${kernels} kernels)`, () => {
    before(() => setKernelPath(kernels));
    after(() => setKernelPath('auto'));
    it('has arcface or triplet_mining cases', () => assert.ok(cases.length > 0));
    for (const c of cases) {
      it(c.name, () => {
        const got = runReferenceCase({ fn: c.fn, inputs: c.inputs, params: c.params }, losses);
        for (const [key, want] of Object.entries(c.expected)) compare(key, got[key], want);
      });
    }
  });
}

function tensor(shape: number[], next: () => number, scale = 1): Tensor {
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = (next() * 2 - 1) * scale;
  return { shape, data };
}

function labelTensor(n: number, classes: number, next: () => number): Tensor {
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.floor(next() * classes);
  return { shape: [n], data };
}

/** Same keys, and every number (or typed-array element) identical, -0 and NaN included. */
function assertSameBits(got: unknown, want: unknown, where = 'result'): void {
  if (ArrayBuffer.isView(want) && !(want instanceof DataView)) {
    const w = want as unknown as ArrayLike<number>;
    const g = got as ArrayLike<number>;
    assert.equal(g.length, w.length, `${where}: length`);
    for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) assert.fail(`${where}[${i}]: ${g[i]} !== ${w[i]}`);
  } else if (Array.isArray(want)) {
    assert.deepEqual(got, want, where);
  } else if (typeof want === 'object' && want !== null) {
    assert.deepEqual(Object.keys(got as object).sort(), Object.keys(want).sort(), `${where}: keys`);
    for (const [key, value] of Object.entries(want)) assertSameBits((got as Record<string, unknown>)[key], value, `${where}.${key}`);
  } else {
    assert.ok(Object.is(got, want), `${where}: ${String(got)} !== ${String(want)}`);
  }
}

for (const path of ['simd', 'typescript'] as KernelPath[]) {
  describe(`parallel == single-threaded, bit for bit (${path} kernels)`, () => {
    before(() => setKernelPath(path));
    after(() => setKernelPath('auto'));
    const next = seededRandom(path === 'simd' ? 7 : 8);
    const arcfaceShapes: [number, number, number][] = [[1, 3, 2], [5, 7, 9], [13, 16, 37], [33, 20, 70]];
    for (const [B, d, C] of arcfaceShapes) {
      for (const options of [
        { grad: true },
        { grad: true, precision: 'float32', reduction: 'sum', s: 30, m: 0.3 },
        { form: 'combined', margins: { m1: 1.2, m3: 0.1 }, grad: true },
        { grad: false },
      ] as ArcFaceOptions[]) {
        it(`arcface (${B}, ${d}) × (${d}, ${C}) ${JSON.stringify(options)}`, () => {
          const x = tensor([B, d], next);
          const W = tensor([d, C], next);
          const labels = labelTensor(B, C, next);
          const before = pool.sharedTasks;
          const got = losses.arcFaceLoss(x, W, labels, options);
          if (C > 2) assert.ok(pool.sharedTasks > before, 'the products ran on the pool');
          assertSameBits(got, arcFaceLoss(x, W, labels, options));
        });
      }
    }
    it('arcface recycles its gradient scratch between calls without changing any result', () => {
      const [B, d, C] = [12, 9, 41];
      const calls = [0, 1, 2].map(() => ({ x: tensor([B, d], next), W: tensor([d, C], next), labels: labelTensor(B, C, next) }));
      // Same (B, C) each time, so the second and third calls run on the first call's released G.
      for (const { x, W, labels } of [...calls, calls[0]]) {
        assertSameBits(losses.arcFaceLoss(x, W, labels, { grad: true }), arcFaceLoss(x, W, labels, { grad: true }));
      }
    });
    it('arcface reads float32 inputs in place on the pool too', () => {
      const x = tensor([6, 10], next);
      const W = tensor([10, 25], next);
      const labels = labelTensor(6, 25, next);
      const x32 = { shape: x.shape, data: Float32Array.from(x.data) };
      const W32 = { shape: W.shape, data: Float32Array.from(W.data) };
      const options: ArcFaceOptions = { grad: true, precision: 'float32' };
      assertSameBits(losses.arcFaceLoss(x32, W32, labels, options), arcFaceLoss(x32, W32, labels, options));
    });
    // The tiled form: several class tiles (the last one partial), products kept or recomputed.
    for (const [B, d, C] of [[4, 5, 37], [9, 6, 4133]] as [number, number, number][]) {
      for (const [options, float32] of [
        [{ grad: true }, false],
        [{ grad: true, precision: 'float32', reduction: 'sum' }, true],
        [{ grad: false, form: 'paper' }, false],
      ] as [ArcFaceOptions, boolean][]) {
        it(`arcface fused (${B}, ${d}) × (${d}, ${C}) ${JSON.stringify(options)}${float32 ? ', float32 inputs' : ''}`, () => {
          const x = tensor([B, d], next);
          const W = tensor([d, C], next);
          const labels = labelTensor(B, C, next);
          const [xIn, WIn] = float32 ? [x, W].map((t) => ({ shape: t.shape, data: Float32Array.from(t.data) })) : [x, W];
          const before = pool.sharedTasks;
          const got = losses.arcFaceLossFused(xIn, WIn, labels, options);
          if (path === 'simd') assert.ok(pool.sharedTasks > before, 'the products ran on the pool');
          assertSameBits(got, arcFaceLossFused(xIn, WIn, labels, options));
          // Recomputed products (nothing kept) are the same bits too.
          assertSameBits(got, arcFaceLossFused(xIn, WIn, labels, options, 0));
        });
      }
    }
    for (const [B, d, classes] of [[2, 3, 1], [40, 5, 4], [97, 9, 7], [150, 33, 70]]) {
      for (const options of [
        { grad: true },
        { grad: true, soft: true },
        { grad: true, distance: 'squared-euclidean' },
        { grad: true, distance: 'cosine', margin: 0.1 },
        { grad: true, distance: 'euclidean', p: 1 },
      ] as MiningOptions[]) {
        it(`batch-hard (${B}, ${d}), ${classes} classes, ${JSON.stringify(options)}`, () => {
          const x = tensor([B, d], next);
          // Duplicated rows make exact distance ties, which must still go to the lowest index.
          if (B > 10) x.data.copyWithin(0, 5 * d, 7 * d);
          // …and a tie between candidates that different blocks find (rows 5 and 140).
          if (B > 140) x.data.copyWithin(140 * d, 5 * d, 6 * d);
          const labels = labelTensor(B, classes, next);
          const before = pool.sharedTasks;
          const got = losses.batchHard(x, labels, options);
          if (B > 32) assert.ok(pool.sharedTasks > before, 'the tiles ran on the pool');
          assertSameBits(got, batchHard(x, labels, options));
        });
      }
    }
  });
}

describe('the embedding drop-ins when the pool fails', () => {
  // A pool whose every run fails, as when a worker dies: the drop-ins recompute on the caller.
  const failing = { threads: 2, sharedTasks: 0, run: () => false } as unknown as ParallelPool;
  const fallback = parallelEmbeddingLosses(failing, { minProductWork: 0, minBatchHardWork: 0, minElements: 0 });
  const next = seededRandom(11);
  it('arcface recomputes on the calling thread', () => {
    const x = tensor([9, 8], next);
    const W = tensor([8, 30], next);
    const labels = labelTensor(9, 30, next);
    assertSameBits(fallback.arcFaceLoss(x, W, labels, { grad: true }), arcFaceLoss(x, W, labels, { grad: true }));
  });
  it('batch-hard recomputes on the calling thread', () => {
    const x = tensor([70, 6], next);
    const labels = labelTensor(70, 5, next);
    assertSameBits(fallback.batchHard(x, labels, { grad: true }), batchHard(x, labels, { grad: true }));
  });
  it('bad input still throws the core error naming the argument', () => {
    const x = tensor([4, 3], next);
    x.data[5] = NaN;
    assert.throws(() => losses.batchHard(x, labelTensor(4, 2, next)), /embeddings/);
    assert.throws(() => losses.arcFaceLoss(x, tensor([3, 5], next), labelTensor(4, 5, next)), /x/);
    // W's check rides on its column norms, taken on the pool: the core's check still names the element.
    const W = tensor([3, 40], next);
    W.data[50] = NaN;
    const before = pool.sharedTasks;
    assert.throws(
      () => losses.arcFaceLoss(tensor([4, 3], next), W, labelTensor(4, 40, next)),
      (e: unknown) => e instanceof InputError && e.argument === 'W' && String(e.index) === '1,10',
    );
    assert.ok(pool.sharedTasks > before, 'the column norms ran on the pool');
  });
});

describe('balancedTileRows', () => {
  it('covers every tile row once, in order, with about equal triangle work', () => {
    for (const [rows, parts] of [[1, 2], [2, 2], [32, 2], [33, 3], [5, 8]]) {
      const bounds = [...balancedTileRows(rows, parts)];
      assert.equal(bounds[0], 0);
      assert.equal(bounds[bounds.length - 1], rows);
      for (let i = 1; i < bounds.length; i++) assert.ok(bounds[i] > bounds[i - 1], `${rows}/${parts}: ${bounds}`);
      const work = bounds.slice(1).map((end, i) => {
        let w = 0;
        for (let t = bounds[i]; t < end; t++) w += rows - t;
        return w;
      });
      // Each part is within one tile row's work (at most `rows` tiles) of an equal share.
      const share = (rows * (rows + 1)) / 2 / work.length;
      for (const w of work) assert.ok(Math.abs(w - share) <= rows, `${rows}/${parts}: ${work}`);
    }
  });
});
