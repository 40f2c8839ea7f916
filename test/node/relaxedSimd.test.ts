/**
 * enableRelaxedSimd (src/node/relaxedSimd.ts): on this project's Node it must make the relaxed
 * module acceptable, so that the kernel's float32 products get fused multiply-adds, and the core
 * must then pick that module; switching it off must fall back to the plain one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { allowRelaxedSimd, relaxedSimdInUse, simdSupported } from '../../src/core/simd/memory';
import { enableRelaxedSimd } from '../../src/node/relaxedSimd';

after(() => allowRelaxedSimd(true));

describe('enableRelaxedSimd', () => {
  it('makes a fresh Node process accept the relaxed-SIMD module (a flag on Node 20, native from V8 11.4)', () => {
    // Its own process: this one had the flag set by test/helpers/setup.mjs.
    const script = [
      "const { KERNELS_RELAXED_WASM_BASE64: b } = require('./src/core/simd/kernelsWasm.ts');",
      "const { enableRelaxedSimd } = require('./src/node/relaxedSimd.ts');",
      "const bytes = Buffer.from(b, 'base64');",
      'console.log(JSON.stringify({ before: WebAssembly.validate(bytes), enabled: enableRelaxedSimd(), after: WebAssembly.validate(bytes) }));',
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const seen = JSON.parse(result.stdout) as { before: boolean; enabled: boolean; after: boolean };
    assert.deepEqual({ enabled: seen.enabled, after: seen.after }, { enabled: true, after: true });
    // Node 20 (this project's) needs the flag; a newer Node would accept the module from the start.
    if (Number(process.versions.node.split('.')[0]) <= 20) assert.equal(seen.before, false);
  });

  it('leads the core to the relaxed module, and back to the plain one when it is not allowed', () => {
    enableRelaxedSimd();
    allowRelaxedSimd(true);
    assert.equal(relaxedSimdInUse(), true);
    allowRelaxedSimd(false);
    assert.equal(relaxedSimdInUse(), false);
    assert.ok(simdSupported(), 'the plain SIMD module still serves');
  });
});
