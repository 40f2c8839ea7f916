import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';

// setup.mjs fixes the property tests' seed; a test file must see it, whichever build of
// fast-check it loads, or CI would draw new cases at every run.
it('the property tests draw from the fixed seed (or FC_SEED)', () => {
  const expected = Number(process.env.FC_SEED ?? 20261129);
  assert.equal(fc.readConfigureGlobal().seed, Number.isFinite(expected) ? expected : 20261129);
});
