import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/**
 * The bounded, seeded fuzz run of `npm test`: every target in test/fuzz/targets, FUZZ_TEST_COUNT
 * cases each (1000 by default, about a minute in all on CI), from a fixed seed so that a failure
 * replays. `npm run fuzz` runs the same driver long.
 */
const COUNT = process.env.FUZZ_TEST_COUNT ?? '1000';

describe('fuzz (bounded)', () => {
  it(`runs ${COUNT} seeded cases of every target without a violation`, { timeout: 600_000 }, () => {
    const result = spawnSync(process.execPath, ['scripts/fuzz.mjs'], {
      encoding: 'utf8',
      env: { ...process.env, FUZZ_COUNT: COUNT, FUZZ_SEED: process.env.FUZZ_SEED ?? '16', FUZZ_TARGET: '' },
    });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /no violation/);
  });
});
