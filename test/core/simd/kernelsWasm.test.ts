import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { KERNELS_WASM_BASE64, KERNELS_WAT_SHA256 } from '../../../src/core/simd/kernelsWasm';
import { simdSupported } from '../../../src/core/simd/memory';

const watSource = readFileSync('src/core/simd/kernels.wat', 'utf8');

describe('kernelsWasm.ts is up to date with kernels.wat', () => {
  it('was generated from the current .wat (else run node scripts/build-wasm.mjs)', () => {
    assert.equal(createHash('sha256').update(watSource).digest('hex'), KERNELS_WAT_SHA256);
  });

  it('holds exactly the bytes wabt assembles from it, when wabt is installed', async (t) => {
    let build: { assemble(source: string): Promise<Uint8Array> };
    try {
      await import('wabt');
      // A variable specifier: the script is plain JavaScript without type declarations.
      const script: string = '../../../scripts/build-wasm.mjs';
      build = (await import(script)) as typeof build;
    } catch {
      t.skip('wabt is not installed (dev dependency); the digest check above still guards the file');
      return;
    }
    const bytes = await build.assemble(watSource);
    assert.deepEqual(new Uint8Array(Buffer.from(KERNELS_WASM_BASE64, 'base64')), bytes);
  });

  it('is a valid SIMD module that this Node runs', () => {
    assert.ok(WebAssembly.validate(Buffer.from(KERNELS_WASM_BASE64, 'base64')));
    assert.ok(simdSupported());
  });
});
