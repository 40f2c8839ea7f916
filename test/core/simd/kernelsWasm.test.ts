import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64, KERNELS_WAT_SHA256 } from '../../../src/core/simd/kernelsWasm';
import { simdSupported } from '../../../src/core/simd/memory';

// A variable specifier: the script is plain JavaScript without type declarations.
const buildScript: string = '../../../scripts/build-wasm.mjs';
interface BuildWasm {
  combinedSource(): string;
  hoistConstants(source: string): string;
  expandMacros(source: string): string;
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
    const bytes = await build.assemble(build.hoistConstants(build.combinedSource()));
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

  it('reads the v128 constants V8 would rebuild at every use from globals, once per call, and leaves the rest alone', async () => {
    const { hoistConstants } = await loadBuild();
    const source = [
      '(module',
      '  (memory (export "memory") 1)',
      '  (func (export "k") (param $x i32) (result f64)',
      '    (local $v v128) (local $z v128)',
      '    (local.set $z (v128.const i64x2 0 0))',
      '    (loop $next',
      '      (local.set $v (f64x2.mul (local.get $v) (v128.const f64x2 0.5 0.5)))',
      '      (local.set $v (f64x2.add (local.get $v) (v128.const  f64x2 0.5   0.5)))',
      '      (local.set $z (v128.or (local.get $z) (v128.const i32x4 -1 -1 -1 -1)))',
      '      (local.set $v (i64x2.add (local.get $v) (v128.const i64x2 1 2)))',
      '      (br_if $next (local.get $x)))',
      '    (f64x2.extract_lane 0 (local.get $v)))',
      ')',
    ].join('\n');
    const hoisted = hoistConstants(source);
    assert.equal(
      hoisted,
      [
        '(module',
        '  (memory (export "memory") 1)',
        '  (global $global_const0 (mut v128) (v128.const f64x2 0.5 0.5))',
        '  (global $global_const1 (mut v128) (v128.const i64x2 1 2))',
        '  (func (export "k") (param $x i32) (result f64)',
        '    (local $v v128) (local $z v128)',
        '    (local $const0 v128) (local $const1 v128)',
        '    (local.set $const0 (global.get $global_const0)) (local.set $const1 (global.get $global_const1))',
        '    (local.set $z (v128.const i64x2 0 0))',
        '    (loop $next',
        '      (local.set $v (f64x2.mul (local.get $v) (local.get $const0)))',
        '      (local.set $v (f64x2.add (local.get $v) (local.get $const0)))',
        '      (local.set $z (v128.or (local.get $z) (v128.const i32x4 -1 -1 -1 -1)))',
        '      (local.set $v (i64x2.add (local.get $v) (local.get $const1)))',
        '      (br_if $next (local.get $x)))',
        '    (f64x2.extract_lane 0 (local.get $v)))',
        ')',
      ].join('\n'),
    );
  });

  it('expands a ;; @define body in place, and interleaved for two vectors with ;; @expand NAME SUFFIX', async () => {
    const { expandMacros } = await loadBuild();
    const source = [
      '(module',
      '  ;; @define twice',
      '  ;; doubles $v',
      '  (local.set $w (f64x2.add (local.get $v)',
      '    (local.get $v)))',
      '  (local.set $u (f64x2.mul (local.get $w) (local.get $w)))',
      '  ;; @end',
      '  (func',
      '    ;; @expand twice',
      '    (loop',
      '      ;; @expand twice _b',
      '    )))',
    ].join('\n');
    assert.equal(
      expandMacros(source),
      [
        '(module',
        '  (func',
        '    ;; doubles $v',
        '    (local.set $w (f64x2.add (local.get $v)',
        '      (local.get $v)))',
        '    (local.set $u (f64x2.mul (local.get $w) (local.get $w)))',
        '    (loop',
        '      (local.set $w (f64x2.add (local.get $v)',
        '        (local.get $v)))',
        '      (local.set $w_b (f64x2.add (local.get $v_b)',
        '        (local.get $v_b)))',
        '      (local.set $u (f64x2.mul (local.get $w) (local.get $w)))',
        '      (local.set $u_b (f64x2.mul (local.get $w_b) (local.get $w_b)))',
        '    )))',
      ].join('\n'),
    );
    assert.throws(() => expandMacros(';; @expand missing'), /@expand missing: no such @define/);
    assert.throws(() => expandMacros(';; @define open\n(x'), /@define open: no @end/);
  });

  it('is a valid SIMD module that this Node runs', () => {
    assert.ok(WebAssembly.validate(Buffer.from(KERNELS_WASM_BASE64, 'base64')));
    assert.ok(simdSupported());
  });
});
