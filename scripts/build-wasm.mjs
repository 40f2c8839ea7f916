/**
 * Assembles src/core/simd/kernels.wat, with the functions of every src/core/simd/wat/*.wat spliced
 * into it (one module, one memory; each fragment holds top-level `(func ...)` forms of one concept)
 * and its `;; @define`/`;; @expand` macros expanded (expandMacros), into src/core/simd/kernelsWasm.ts (the module's bytes as base64, plus the SHA-256 of the combined
 * source, which the tests compare against the sources). Run after editing the .wat: `node scripts/build-wasm.mjs`. `--check` exits 1 instead of
 * writing when the committed file is stale.
 *
 * Uses the `wabt` npm package (the reference WebAssembly text assembler, compiled to WASM, no
 * native code) as a dev-only dependency: the generated module is committed, so neither the build
 * nor the extension needs it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const watPath = `${root}src/core/simd/kernels.wat`;
const fragmentDir = `${root}src/core/simd/wat/`;
const outPath = `${root}src/core/simd/kernelsWasm.ts`;

/**
 * kernels.wat with each fragment (sorted by name, each preceded by a `;; file` marker) inserted
 * before the module's closing parenthesis, and its macros expanded ({@link expandMacros}): the
 * source that is assembled and digested.
 */
export function combinedSource() {
  return expandMacros(spliceFragments());
}

const DEFINE = /^[ \t]*;; @define (\w+)[ \t]*$/;
const END = /^[ \t]*;; @end[ \t]*$/;
const EXPAND = /^([ \t]*);; @expand (\w+)(?: (\w+))?[ \t]*$/;

/**
 * Macros, so that a formula several loops share (the sigmoid losses' exp(−|x|) and log1p) is
 * written once. Lines of any .wat source:
 *
 *   ;; @define NAME         starts a body: whole statements (s-expressions) and comments …
 *   ;; @end                 … ends it. The definition is removed from the assembled source.
 *   ;; @expand NAME         becomes the body, at this line's indentation.
 *   ;; @expand NAME SUFFIX  becomes the body for two vectors, statement by statement: each
 *                           statement, then the same statement with every $name suffixed (so
 *                           `$e` → `$e_b`), and no comments.
 *
 * The second form is for the pair loops, which run two vectors per iteration with their
 * statements interleaved (one vector's exp → division → log1p chain is latency-bound, and the
 * interleaving gives the out-of-order core a second chain to overlap); vector b's locals carry
 * the suffix. An expansion is the text a hand-written copy held, so the module's bytes are those
 * of the copies it replaced. Bodies may not expand other macros.
 */
export function expandMacros(source) {
  const bodies = new Map();
  const kept = [];
  let current = null;
  for (const line of source.split('\n')) {
    const define = DEFINE.exec(line);
    if (define !== null) {
      if (current !== null) throw new Error(`@define ${define[1]} inside @define ${current.name}`);
      if (bodies.has(define[1])) throw new Error(`@define ${define[1]}: defined twice`);
      current = { name: define[1], lines: [] };
    } else if (END.test(line)) {
      if (current === null) throw new Error('@end without @define');
      bodies.set(current.name, current.lines);
      current = null;
    } else if (current !== null) {
      current.lines.push(line);
    } else {
      kept.push(line);
    }
  }
  if (current !== null) throw new Error(`@define ${current.name}: no @end`);
  return kept.flatMap((line) => {
    const expand = EXPAND.exec(line);
    if (expand === null) return [line];
    const [, indent, name, suffix] = expand;
    const body = bodies.get(name);
    if (body === undefined) throw new Error(`@expand ${name}: no such @define`);
    const lines = reindent(body, indent);
    return suffix === undefined ? lines : interleave(statements(lines, name), suffix);
  }).join('\n');
}

/** A body's lines with their common leading whitespace replaced by `indent`. */
function reindent(lines, indent) {
  const margin = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)[0].length));
  return lines.map((line) => (line.trim() === '' ? line : indent + line.slice(margin)));
}

/** A body's statements, each as its lines (an s-expression may span several); comments dropped. */
function statements(lines, name) {
  const result = [];
  let open = null;
  let depth = 0;
  for (const line of lines) {
    if (open === null && (line.trim() === '' || line.trim().startsWith(';;'))) continue;
    const code = line.replace(/;;.*$/, '');
    depth += (code.match(/\(/g) ?? []).length - (code.match(/\)/g) ?? []).length;
    (open ??= []).push(line);
    if (depth === 0) {
      result.push(open);
      open = null;
    } else if (depth < 0) {
      throw new Error(`@define ${name}: unbalanced parentheses at '${line.trim()}'`);
    }
  }
  if (open !== null) throw new Error(`@define ${name}: unclosed statement '${open[0].trim()}'`);
  return result;
}

/** Each statement, then its copy for the second vector (every $name suffixed). */
function interleave(statementLines, suffix) {
  return statementLines.flatMap((lines) => [...lines, ...lines.map((line) => line.replace(/\$[\w.]+/g, (local) => local + suffix))]);
}

/** kernels.wat with each fragment inserted before the module's closing parenthesis. */
function spliceFragments() {
  const main = readFileSync(watPath, 'utf8');
  const close = main.lastIndexOf(')');
  if (close < 0) throw new Error('kernels.wat: no closing parenthesis for the module');
  let names = [];
  try {
    names = readdirSync(fragmentDir).filter((name) => name.endsWith('.wat')).sort();
  } catch {
    names = [];
  }
  const fragments = names.map((name) => `\n  ;; ---- wat/${name} ----\n${readFileSync(fragmentDir + name, 'utf8')}`);
  return main.slice(0, close) + fragments.join('') + main.slice(close);
}

/** Constants V8 already builds in one instruction (vxorps, vpcmpeqd): left in place. */
const CHEAP_CONSTANT = /^(?:(?:i64x2|i32x4|i16x8|i8x16|f32x4|f64x2) (?:0(?:\.0)?(?:\s+|$))+|(?:i64x2|i32x4|i16x8|i8x16) (?:-1(?:\s+|$))+)$/;

/**
 * The source with each `v128.const` of a function, except the cheap ones, read from a module
 * global into a local at the function's entry. Why: V8 (Node 20's and Chrome's TurboFan) never keeps a v128 constant
 * in a register across a loop; it rebuilds it from an immediate at each use inside the loop (three
 * instructions: a 64-bit move, a move to xmm, a shuffle), even when the .wat sets a local to it
 * before the loop, since the local is the constant node itself. A global's value is a load, not a
 * constant: it is read once and kept in a register or reloaded from the stack in one instruction.
 * qfl_label_f32's loop body had about 30 such constants (90 instructions). The arithmetic and its
 * order are unchanged, so results are bit-identical (the tests run on the transformed module).
 * Expects this project's layout: functions at two spaces of indentation, their (param …),
 * (result …) and (local …) declarations on the lines right after `(func`.
 */
export function hoistConstants(source) {
  const globals = new Map();
  const constant = /\(v128\.const\s+((?:i64x2|i32x4|i16x8|i8x16|f32x4|f64x2)\s[^()]*?)\s*\)/g;
  const hoisted = source.split(/(?=\n {2}\(func )/).map((part) => {
    if (!part.startsWith('\n  (func ')) return part;
    const lines = part.split('\n');
    let header = 2;
    while (header < lines.length && /^\s*\((?:param|result|local)\s/.test(lines[header])) header++;
    const locals = new Map();
    const body = lines.slice(header).join('\n').replace(constant, (whole, value) => {
      const key = value.trim().replace(/\s+/g, ' ');
      if (CHEAP_CONSTANT.test(key)) return whole;
      if (!globals.has(key)) globals.set(key, `$global_const${globals.size}`);
      if (!locals.has(key)) locals.set(key, `$const${locals.size}`);
      return `(local.get ${locals.get(key)})`;
    });
    if (locals.size === 0) return part;
    const declarations = [...locals.values()].map((name) => `(local ${name} v128)`).join(' ');
    const reads = [...locals].map(([key, name]) => `(local.set ${name} (global.get ${globals.get(key)}))`).join(' ');
    return [...lines.slice(0, header), `    ${declarations}`, `    ${reads}`, body].join('\n');
  }).join('');
  const memory = '(memory (export "memory") 1)';
  if (!hoisted.includes(memory)) throw new Error(`kernels.wat: ${memory} not found`);
  // Mutable, though nothing writes them: an immutable global with a constant initializer could be
  // folded back into the constant.
  const declarations = [...globals].map(([key, name]) => `\n  (global ${name} (mut v128) (v128.const ${key}))`).join('');
  return hoisted.replace(memory, memory + declarations);
}

/**
 * The relaxed-SIMD module: the float32 micro-kernel `gebp_f32` of the combined source, alone, with
 * its accumulations `f32x4.add` of an `f32x4.mul` fused into `f32x4.relaxed_madd` (a fused
 * multiply-add where the hardware has one). It imports the main instance's memory, so the main
 * module's packing and the fused kernel share one linear memory; engines without relaxed SIMD
 * reject it and keep the main module's own gebp_f32. Derived here rather than kept as a second copy.
 */
export function relaxedSource(source = combinedSource()) {
  const start = source.indexOf('(func (export "gebp_f32")');
  const end = source.indexOf('(func ', start + 1);
  if (start < 0 || end < 0) throw new Error('kernels.wat: gebp_f32 not found');
  const accumulate = /\(f32x4\.add \(local\.get (\$c\d\d)\) \(f32x4\.mul \(local\.get (\$a)\) \(local\.get (\$b\d)\)\)\)/g;
  const fused = source.slice(start, end).trimEnd().replace(accumulate, '(f32x4.relaxed_madd (local.get $2) (local.get $3) (local.get $1))');
  if (fused.split('relaxed_madd').length - 1 !== 8) throw new Error('gebp_f32: expected 8 accumulations to fuse');
  return `(module\n  (import "kernels" "memory" (memory 0))\n  ${fused}\n)\n`;
}

/** The .wat's bytes → the wasm binary, with SIMD (and, for the relaxed variant, relaxed SIMD) enabled. */
export async function assemble(source, { relaxed = false } = {}) {
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat('kernels.wat', source, { simd: true, relaxed_simd: relaxed });
  try {
    module.validate();
    return Uint8Array.from(module.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}

export function watDigest(source) {
  return createHash('sha256').update(source).digest('hex');
}

const base64Lines = (bytes) => (Buffer.from(bytes).toString('base64').match(/.{1,100}/g) ?? []).map((line) => `  '${line}'`).join(' +\n');

export function render(bytes, digest, relaxedBytes) {
  return `// Generated by scripts/build-wasm.mjs from kernels.wat: do not edit.
/** SHA-256 of the kernels.wat these bytes were assembled from. */
export const KERNELS_WAT_SHA256 = '${digest}';

/** The assembled module, base64 (${bytes.length} bytes). */
export const KERNELS_WASM_BASE64 =
${base64Lines(bytes)};

/** gebp_f32 alone with relaxed SIMD's fused multiply-add, on the main module's memory, base64 (${relaxedBytes.length} bytes). */
export const KERNELS_RELAXED_WASM_BASE64 =
${base64Lines(relaxedBytes)};
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = combinedSource();
  const text = render(await assemble(hoistConstants(source)), watDigest(source), await assemble(relaxedSource(source), { relaxed: true }));
  if (process.argv.includes('--check')) {
    const current = readFileSync(outPath, 'utf8');
    if (current !== text) {
      console.error('src/core/simd/kernelsWasm.ts is stale: run node scripts/build-wasm.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(outPath, text);
    console.log(`wrote ${outPath}`);
  }
}
