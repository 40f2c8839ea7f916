import { after, before, describe, it } from 'node:test';
import { setKernelPath } from '../../src/core/simd/path';
import { hasReferenceAdapter, runReferenceCase } from './adapter';
import { compare, loadCases } from './compare';

// Copied unchanged from shared/fixtures (PyTorch 1.13, float64); see test/fixtures/README.md. The
// generated ones (extreme-losses, yolov8-extra) are described in scripts/fixtures/README.md.
const fixturePaths = ['test/fixtures/reference-losses.json', 'test/fixtures/extreme-losses.json', 'test/fixtures/detector-heads.json', 'test/fixtures/yolov8-extra.json', 'test/fixtures/metric-learning.json'];

/** Reference functions whose products, distances or elementwise losses run on the WebAssembly SIMD kernels. */
const SIMD_FUNCTIONS = new Set([
  'arcface', 'triplet', 'triplet_mining', 'qfl', 'focal',
  'miner_triplet_margin', 'miner_batch_hard', 'miner_batch_easy_hard', 'miner_multi_similarity', 'miner_pair_margin',
  'loss_triplet_margin', 'loss_contrastive', 'loss_multi_similarity',
]);

// The default run (kernel path `auto`: small cases take the TypeScript kernels), then the cases
// that use matrix kernels again with the SIMD path forced, so both implementations meet PyTorch.
for (const [label, forceSimd] of [['', false], [' (SIMD kernels forced)', true]] as const) for (const path of fixturePaths) {
  const cases = loadCases(path).filter((c) => (!forceSimd || SIMD_FUNCTIONS.has(c.fn)));
  if (cases.length === 0) continue;
  describe(`parity with ${path}${label}`, () => {
    if (forceSimd) {
      before(() => setKernelPath('simd'));
      after(() => setKernelPath('auto'));
    }
    for (const c of cases) {
      // metric-learning.json's margin-head fns arrive with their own adapter (issue 17, part B).
      const pending = path.endsWith('metric-learning.json') && !hasReferenceAdapter(c.fn);
      it(c.name, { skip: pending && `no adapter for ${c.fn} on this branch yet` }, () => {
        const got = runReferenceCase({ fn: c.fn, inputs: c.inputs, params: c.params });
        for (const [key, want] of Object.entries(c.expected)) compare(key, got[key], want);
      });
    }
  });
}
