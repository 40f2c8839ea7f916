/**
 * Loaded before every test file (scripts/test.mjs). Turns on relaxed SIMD as the kernel does.
 * Property-based tests draw from a fixed seed so
 * that CI runs are reproducible; set FC_SEED to explore other draws, and a failure prints the seed
 * and path that reproduce it.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';

// As the notebook kernel and `losslab run` do at start-up (src/node/relaxedSimd.ts, which
// test/node/relaxedSimd.test.ts checks in a process of its own): relaxed SIMD, behind a flag on
// Node 20. Set directly, since this file also runs in worker threads, where tsx does not load .ts.
// Tests that cover the plain module switch the relaxed one off themselves (allowRelaxedSimd).
setFlagsFromString('--experimental-wasm-relaxed-simd');

const seed = Number(process.env.FC_SEED ?? 20261129);
const settings = { seed: Number.isFinite(seed) ? seed : 20261129 };
// The test files are TypeScript that tsx loads as CommonJS, so they get fast-check's CommonJS
// build, whose global settings are not the ES module's: both are set, or the tests would draw
// from a new seed at every run.
fc.configureGlobal(settings);
createRequire(import.meta.url)('fast-check').configureGlobal(settings);
