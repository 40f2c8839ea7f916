import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { editDistance, suggestNames } from '../../../src/core/language/suggest';

/** Plain optimal-string-alignment distance, without a cap, as an independent reference. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

describe('editDistance', () => {
  it('counts edits by hand, a swap of neighbours as one', () => {
    assert.equal(editDistance('qfl', 'qfl'), 0);
    assert.equal(editDistance('qlf', 'qfl'), 1);
    assert.equal(editDistance('focl', 'focal'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('abc', 'xyzuvw', 2), 3, 'beyond the cap it answers cap + 1');
  });

  it('equals the uncapped distance up to the cap (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 7 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 1, max: 4 }), (a, b, cap) => {
        const want = reference(a, b);
        assert.equal(editDistance(a, b, cap), want <= cap ? want : cap + 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('suggestNames', () => {
  const known = ['qfl', 'dfl', 'focal', 'giou', 'softmax', 'softplus', 'beta'];
  it('suggests the closest names, best first, never the name itself', () => {
    assert.deepEqual(suggestNames('qlf', known), ['qfl']);
    assert.deepEqual(suggestNames('softmx', known), ['softmax']);
    assert.deepEqual(suggestNames('sofplus', known), ['softplus']);
    assert.deepEqual(suggestNames('FOCAL', known), ['focal']);
    assert.deepEqual(suggestNames('qfl', known), ['dfl']);
    assert.deepEqual(suggestNames('zzzz', known), []);
  });

  it('allows one edit for short names and two for longer ones, and at most `limit`', () => {
    assert.deepEqual(suggestNames('xfx', known), []);
    assert.deepEqual(suggestNames('betaaa', known), ['beta']);
    assert.equal(suggestNames('sotfmax', ['softmax', 'softmay', 'softmaz', 'softmaw'], 2).length, 2);
  });
});
