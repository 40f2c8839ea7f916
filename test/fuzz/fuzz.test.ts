import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/**
 * The bounded, seeded fuzz run of `npm test`: every target in test/fuzz/targets, FUZZ_TEST_COUNT
 * cases each (500 by default: about 25 s for the seven file targets on the 2-core CI machine, leaving
 * room in the minute for the cell-language targets), from a fixed seed so that a failure
 * replays. `npm run fuzz` runs the same driver long.
 */
const COUNT = process.env.FUZZ_TEST_COUNT ?? '500';

describe('fuzz (bounded)', () => {
  it(`runs ${COUNT} seeded cases of every target without a violation`, { timeout: 600_000 }, (t) => {
    const result = spawnSync(process.execPath, ['scripts/fuzz.mjs'], {
      encoding: 'utf8',
      env: { ...process.env, FUZZ_COUNT: COUNT, FUZZ_SEED: process.env.FUZZ_SEED ?? '16', FUZZ_TARGET: '' },
    });
    for (const line of result.stdout.split('\n').filter((text) => / cases/.test(text))) t.diagnostic(line);
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /no violation/);
  });
});
