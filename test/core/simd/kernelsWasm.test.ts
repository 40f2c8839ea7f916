import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64, KERNELS_WAT_SHA256 } from '../../../src/core/simd/kernelsWasm';
import { simdSupported } from '../../../src/core/simd/memory';

// A variable specifier: the script is plain JavaScript without type declarations.
const buildScript: string = '../../../scripts/build-wasm.mjs';
interface BuildWasm {
  combinedSource(): string;
  relaxedSource(source: string): string;
  assemble(source: string, options?: { relaxed: boolean }): Promise<Uint8Array>;
}
const loadBuild = async (): Promise<BuildWasm> => (await import(buildScript)) as BuildWasm;

describe('kernelsWasm.ts is up to date with kernels.wat and wat/*.wat', () => {
  it('was generated from the current .wat (else run node scripts/build-wasm.mjs)', async () => {
    const watSource = (await loadBuild()).combinedSource();
    assert.equal(createHash('sha256').update(watSource).digest('hex'), KERNELS_WAT_SHA256);
  });

  it('holds exactly the bytes wabt assembles from it, when wabt is installed', async (t) => {
    try {
      await import('wabt');
    } catch {
      t.skip('wabt is not installed (dev dependency); the digest check above still guards the file');
      return;
    }
    const build = await loadBuild();
    const bytes = await build.assemble(build.combinedSource());
    assert.deepEqual(new Uint8Array(Buffer.from(KERNELS_WASM_BASE64, 'base64')), bytes);
    const relaxed = await build.assemble(build.relaxedSource(build.combinedSource()), { relaxed: true });
    assert.deepEqual(new Uint8Array(Buffer.from(KERNELS_RELAXED_WASM_BASE64, 'base64')), relaxed);
  });

  it("derives the relaxed module from the main source: its gebp_f32, with the 8 multiply-adds fused and nothing else changed", async () => {
    const build = await loadBuild();
    const plain = build.combinedSource();
    const relaxed = build.relaxedSource(plain);
    assert.equal(relaxed.split('relaxed_madd').length - 1, 8);
    assert.match(relaxed, /^\(module\n {2}\(import "kernels" "memory" \(memory 0\)\)\n {2}\(func \(export "gebp_f32"\)/);
    const unfused = relaxed.replace(/\(f32x4\.relaxed_madd \(local\.get (\$a)\) \(local\.get (\$b\d)\) \(local\.get (\$c\d\d)\)\)/g, '(f32x4.add (local.get $3) (f32x4.mul (local.get $1) (local.get $2)))');
    const kernel = unfused.slice(unfused.indexOf('(func '), unfused.lastIndexOf('\n)'));
    assert.ok(plain.includes(kernel), 'the unfused kernel is, character for character, the main module\'s gebp_f32');
  });

  it('is a valid SIMD module that this Node runs', () => {
    assert.ok(WebAssembly.validate(Buffer.from(KERNELS_WASM_BASE64, 'base64')));
    assert.ok(simdSupported());
  });
});
