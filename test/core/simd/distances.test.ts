import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { pairwiseDistances } from '../../../src/core/distances';
import { batchHard } from '../../../src/core/mining';
import type { Tensor } from '../../../src/core/tensor';
import { onPath } from '../../helpers/kernelPath';
import { seededRandom } from '../../helpers/random';

function embeddings(B: number, d: number, seed: number, scale = 1): Tensor {
  const random = seededRandom(seed);
  return { shape: [B, d], data: Float64Array.from({ length: B * d }, () => scale * (2 * random() - 1)) };
}

/** ‖x_i − x_j‖ by definition, in the plain order. */
function definition(x: Tensor, i: number, j: number, squared: boolean): number {
  const d = x.shape[1];
  let sum = 0;
  for (let k = 0; k < d; k++) sum += (x.data[i * d + k] - x.data[j * d + k]) ** 2;
  return squared ? sum : Math.sqrt(sum);
}

describe('SIMD squared-distance tiles', () => {
  it('pairwise distances match the definition to 1e-12 relative on both paths (odd d, B across tiles, B = 0 and 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom('euclidean', 'squared-euclidean') ,
        (B, d, seed, distance) => {
          const x = embeddings(B, d, seed);
          for (const path of ['simd', 'typescript'] as const) {
            const got = onPath(path, () => pairwiseDistances(x, { distance }));
            for (let i = 0; i < B; i++) {
              for (let j = 0; j < B; j++) {
                const want = i === j ? 0 : definition(x, i, j, distance === 'squared-euclidean');
                const value = got.data[i * B + j];
                assert.ok(Math.abs(value - want) <= 1e-12 * want, `${path} (${i}, ${j}): ${value} vs ${want}`);
              }
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('identical rows are exactly 0 apart and huge coordinates do not overflow into ∞', () => {
    const x: Tensor = { shape: [5, 3], data: Float64Array.from([1, 2, 3, 1, 2, 3, 1e200, 0, 0, -1e200, 0, 0, 1, 2, 3]) };
    const got = onPath('simd', () => pairwiseDistances(x));
    assert.equal(got.data[0 * 5 + 1], 0);
    assert.equal(got.data[0 * 5 + 4], 0);
    assert.equal(got.data[2 * 5 + 3], 2e200);
  });

  it('batch-hard selects the same triplets with the same loss and gradient on both paths', () => {
    for (const [B, d, seed] of [[70, 5, 1], [130, 16, 2], [64, 1, 3]]) {
      const x = embeddings(B, d, seed);
      const labels: Tensor = { shape: [B], data: Float64Array.from({ length: B }, (_, i) => i % 7) };
      const simd = onPath('simd', () => batchHard(x, labels, { grad: true }));
      const plain = onPath('typescript', () => batchHard(x, labels, { grad: true }));
      assert.deepEqual(simd.hardestPositive, plain.hardestPositive);
      assert.deepEqual(simd.hardestNegative, plain.hardestNegative);
      assert.ok(Math.abs(simd.loss.data[0] - plain.loss.data[0]) <= 1e-12 * Math.abs(plain.loss.data[0]));
      const g1 = simd.grad?.embeddings.data ?? new Float64Array();
      const g2 = plain.grad?.embeddings.data ?? new Float64Array();
      assert.equal(g1.length, B * d);
      for (let i = 0; i < g1.length; i++) assert.ok(Math.abs(g1[i] - g2[i]) <= 1e-12 * (1 + Math.abs(g2[i])));
    }
  });

  it('duplicated embeddings: ties go to the lowest index on the SIMD path too', () => {
    const base = embeddings(8, 4, 9);
    const data = new Float64Array(64 * 4);
    for (let i = 0; i < 64; i++) data.set(base.data.subarray((i % 8) * 4, (i % 8) * 4 + 4), i * 4);
    const labels: Tensor = { shape: [64], data: Float64Array.from({ length: 64 }, (_, i) => i % 2) };
    const x: Tensor = { shape: [64, 4], data };
    const simd = onPath('simd', () => batchHard(x, labels));
    const plain = onPath('typescript', () => batchHard(x, labels));
    assert.deepEqual(simd.hardestPositive, plain.hardestPositive);
    assert.deepEqual(simd.hardestNegative, plain.hardestNegative);
  });
});
