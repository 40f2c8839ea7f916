/**
 * Loaded before every test file (scripts/test.mjs). Property-based tests draw from a fixed seed so
 * that CI runs are reproducible; set FC_SEED to explore other draws, and a failure prints the seed
 * and path that reproduce it.
 */
import fc from 'fast-check';

const seed = Number(process.env.FC_SEED ?? 20261129);
fc.configureGlobal({ seed: Number.isFinite(seed) ? seed : 20261129 });
