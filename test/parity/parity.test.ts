import { after, before, describe, it } from 'node:test';
import { setKernelPath } from '../../src/core/simd/path';
import { runReferenceCase } from './adapter';
import { runArcfaceFusedCase } from './adapters/arcface';
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
/** Reference functions that take the SIMD kernels at every size under `auto`: run again on TypeScript. */
const TYPESCRIPT_FUNCTIONS = new Set(['yolov8_loss']);

// The default run (kernel path `auto`: small cases take the TypeScript kernels, YOLOv8's class pass
// and decode the SIMD ones), then the cases whose other implementation `auto` leaves out with that
// path forced, so both implementations meet PyTorch.
const runs = [
  { label: '', path: 'auto', functions: null },
  { label: ' (SIMD kernels forced)', path: 'simd', functions: SIMD_FUNCTIONS },
  { label: ' (TypeScript kernels forced)', path: 'typescript', functions: TYPESCRIPT_FUNCTIONS },
] as const;
for (const { label, path: kernels, functions } of runs) for (const path of fixturePaths) {
  const cases = loadCases(path).filter((c) => functions === null || functions.has(c.fn));
  if (cases.length === 0) continue;
  describe(`parity with ${path}${label}`, () => {
    if (kernels !== 'auto') {
      before(() => setKernelPath(kernels));
      after(() => setKernelPath('auto'));
    }
    for (const c of cases) {
      it(c.name, () => {
        const got = runReferenceCase({ fn: c.fn, inputs: c.inputs, params: c.params });
        for (const [key, want] of Object.entries(c.expected)) compare(key, got[key], want);
      });
    }
  });
}

// arcFaceLossFused against the same ArcFace references (every key but the logits it does not
// return), on both kernel paths, its products kept and recomputed.
for (const kernels of ['typescript', 'simd'] as const) for (const keepBytes of [undefined, 0]) for (const path of fixturePaths) {
  const cases = loadCases(path).filter((c) => c.fn === 'arcface');
  if (cases.length === 0) continue;
  describe(`parity with ${path} (arcFaceLossFused, ${kernels} kernels, keepBytes ${keepBytes ?? 'default'})`, () => {
    before(() => setKernelPath(kernels));
    after(() => setKernelPath('auto'));
    for (const c of cases) {
      it(c.name, () => {
        const got = runArcfaceFusedCase(c, keepBytes);
        for (const [key, want] of Object.entries(c.expected)) if (key !== 'logits') compare(key, got[key], want);
      });
    }
  });
}
