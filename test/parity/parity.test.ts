import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setKernelPath } from '../../src/core/simd/path';
import { runReferenceCase, type ReferenceCase } from './adapter';

interface FixtureCase extends ReferenceCase {
  readonly name: string;
  readonly expected: Readonly<Record<string, unknown>>;
}

// Copied unchanged from shared/fixtures (PyTorch 1.13, float64); see test/fixtures/README.md.
const fixturePaths = ['test/fixtures/reference-losses.json', 'test/fixtures/extreme-losses.json'];

function loadCases(path: string): FixtureCase[] {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { cases: FixtureCase[] }).cases;
  } catch (error) {
    if (path.endsWith('reference-losses.json')) throw error;
    return [];
  }
}

/** `|got − want| ≤ 1e-9 + 1e-7·|want|`; a `null` want means PyTorch had no finite value: ours must be finite. */
function compare(path: string, got: unknown, want: unknown): void {
  if (want === null) {
    assert.ok(typeof got === 'number' && Number.isFinite(got), `${path}: want a finite number, got ${String(got)}`);
    return;
  }
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${path}: want an array of length ${want.length}, got ${typeof got}`);
    assert.equal(got.length, want.length, `${path}: length`);
    want.forEach((item, i) => compare(`${path}[${i}]`, got[i], item));
    return;
  }
  if (typeof want === 'boolean') {
    assert.equal(got, want, path);
    return;
  }
  if (typeof want === 'number') {
    assert.equal(typeof got, 'number', `${path}: want a number, got ${typeof got}`);
    const tolerance = 1e-9 + 1e-7 * Math.abs(want);
    assert.ok(Math.abs((got as number) - want) <= tolerance, `${path}: got ${String(got)}, want ${want} (±${tolerance.toExponential(2)})`);
    return;
  }
  assert.ok(typeof want === 'object' && want !== null, `${path}: unexpected fixture value`);
  assert.ok(typeof got === 'object' && got !== null, `${path}: want an object, got ${typeof got}`);
  for (const [key, value] of Object.entries(want)) compare(`${path}.${key}`, (got as Record<string, unknown>)[key], value);
}

/** Reference functions whose products, distances or elementwise losses run on the WebAssembly SIMD kernels. */
const SIMD_FUNCTIONS = new Set(['arcface', 'triplet', 'triplet_mining', 'qfl', 'focal']);

// The default run (kernel path `auto`: small cases take the TypeScript kernels), then the cases
// that use matrix kernels again with the SIMD path forced, so both implementations meet PyTorch.
for (const [label, forceSimd] of [['', false], [' (SIMD kernels forced)', true]] as const) for (const path of fixturePaths) {
  const cases = loadCases(path).filter((c) => !forceSimd || SIMD_FUNCTIONS.has(c.fn));
  if (cases.length === 0) continue;
  describe(`parity with ${path}${label}`, () => {
    if (forceSimd) {
      before(() => setKernelPath('simd'));
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
