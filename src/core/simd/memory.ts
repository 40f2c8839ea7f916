/**
 * The one instance of the SIMD kernel module and its linear memory. The module is ~20 KB, so it is
 * compiled and instantiated synchronously on first use (`new WebAssembly.Module` is allowed for
 * small modules on the main thread of browsers and everywhere in Node). Callers lay out their own
 * regions in the memory per call: nothing in it outlives a call except the bytes themselves.
 */
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernelsWasm';

/**
 * The kernels exported by kernels.wat (all pointers are byte offsets). Each wat/*.wat fragment's
 * kernels are declared next to their driver, by module augmentation of this interface
 * (`declare module` in each loss's simd.ts, src/core/losses/<name>/simd.ts, and in elementwise.ts), so that a kernel's
 * signature and the only code that calls it stay in one file.
 */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  gebp_f64(ap: number, bp: number, c: number, mc: number, nc: number, kc: number, ldc: number): void;
  gebp_f32(ap: number, bp: number, c: number, mc: number, nc: number, kc: number, ldc: number): void;
  sqdist_tile_f64(x: number, rowBytes: number, i0: number, i1: number, j0: number, j1: number, out: number, ldo: number): void;
  focal_f64(x: number, t: number, out: number, grad: number, count: number, c: number, alpha: number, gamma: number, withGrad: number): number;
  qfl_label_f64(
    x: number,
    label: number,
    score: number,
    weight: number,
    out: number,
    grad: number,
    rows: number,
    C: number,
    shift: number,
    scale: number,
    hasWeight: number,
    beta: number,
    withGrad: number,
  ): number;
}

/** The kernels plus fresh views of the memory (views go stale whenever the memory grows). */
export interface SimdMemory {
  readonly kernels: KernelExports;
  readonly f64: Float64Array;
  readonly f32: Float32Array;
  /** Whether what `owner` wrote on its previous claim is still in place (no one else claimed since). */
  readonly resident: boolean;
}

const PAGE = 65536;
/** Beyond this, memory a finished call left behind is given back by starting a fresh instance. */
const RETAINED_BYTES = 64 * 2 ** 20;

let compiled: WebAssembly.Module | null | undefined;
let instance: KernelExports | null = null;
let views: Omit<SimdMemory, 'resident'> | null = null;
/** Who laid out the memory last: a caller whose data is still there can skip copying it again. */
let lastOwner: object | null = null;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function compiledModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (typeof WebAssembly !== 'object') return null;
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  // An engine without SIMD rejects the module at validation: the TypeScript kernels then serve.
  if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
  return compiled;
}

/** Whether the fused gebp_f32 may replace the main module's (tests turn it off). */
let relaxedAllowed = true;
let compiledRelaxed: WebAssembly.Module | null | undefined;

/**
 * The fused float32 micro-kernel (kernelsWasm.ts's KERNELS_RELAXED_WASM_BASE64), or null where the
 * engine lacks relaxed SIMD (Node 20 unless flagged): the main module's gebp_f32 then serves.
 */
function relaxedModule(): WebAssembly.Module | null {
  if (compiledRelaxed !== undefined) return compiledRelaxed;
  const bytes = decodeBase64(KERNELS_RELAXED_WASM_BASE64);
  compiledRelaxed = compiledModule() !== null && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  return compiledRelaxed;
}

/**
 * Whether the float32 products multiply-add with relaxed SIMD's `f32x4.relaxed_madd` (fused where
 * the hardware has FMA, which only tightens the float32 mode's bounds).
 */
export function relaxedSimdInUse(): boolean {
  return relaxedAllowed && relaxedModule() !== null;
}

/**
 * Allows or forbids the fused kernel (default allowed) on this thread, for tests that cover both;
 * the next kernel call instantiates the kernels anew.
 */
export function allowRelaxedSimd(allowed: boolean): void {
  relaxedAllowed = allowed;
  instance = null;
  views = null;
  lastOwner = null;
}

/** The main module's kernels, with gebp_f32 taken from the fused module where it may be. */
function instantiate(module: WebAssembly.Module): KernelExports {
  const kernels = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  const fused = relaxedSimdInUse() ? relaxedModule() : null;
  if (fused === null) return kernels;
  const { gebp_f32 } = new WebAssembly.Instance(fused, { kernels: { memory: kernels.memory } }).exports as unknown as Pick<KernelExports, 'gebp_f32'>;
  return { ...kernels, gebp_f32 };
}

/** Whether this engine runs the SIMD kernels. */
export function simdSupported(): boolean {
  return compiledModule() !== null;
}

/**
 * The kernels with at least `bytes` of memory (contents unspecified unless `resident`), claimed for
 * `owner`. Throws if SIMD is unsupported (check `simdSupported` first).
 */
export function simdMemory(bytes: number, owner: object | null = null): SimdMemory {
  const module = compiledModule();
  if (module === null) throw new Error('simdMemory: this engine does not support WebAssembly SIMD');
  if (instance !== null && instance.memory.buffer.byteLength > Math.max(RETAINED_BYTES, bytes)) {
    instance = null;
  }
  if (instance === null) {
    instance = instantiate(module);
    views = null;
    lastOwner = null;
  }
  const resident = owner !== null && owner === lastOwner;
  lastOwner = owner;
  const { memory } = instance;
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / PAGE));
  if (views === null || views.f64.buffer !== memory.buffer) {
    views = { kernels: instance, f64: new Float64Array(memory.buffer), f32: new Float32Array(memory.buffer) };
  }
  return { ...views, resident };
}
