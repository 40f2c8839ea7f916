/**
 * Relaxed SIMD (fused multiply-add for the float32 mode's products, src/core/simd/memory.ts) is on
 * by default from V8 11.4: Node 22, Chrome 114 and the Electron of current VS Code. Node 20's V8
 * (11.3) has it behind a flag, which this turns on where the engine rejects the relaxed module.
 * V8 flags are per process (worker threads included), and the module is compiled on first use, so
 * a process calls this before its first loss: the notebook kernel and `losslab run` through
 * createNodeSession, the bench and the tests at start-up.
 */
import { setFlagsFromString } from 'node:v8';
import { KERNELS_RELAXED_WASM_BASE64 } from '../core/simd/kernelsWasm';

const accepted = (): boolean => WebAssembly.validate(Buffer.from(KERNELS_RELAXED_WASM_BASE64, 'base64'));

/** Whether this process now accepts the relaxed-SIMD module (false on an engine without it at all). */
export function enableRelaxedSimd(): boolean {
  if (accepted()) return true;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return accepted();
}
