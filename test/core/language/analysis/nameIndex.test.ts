import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NameIndex, suggestFromIndexes } from '../../../../src/core/language/analysis/nameIndex';
import { suggestNames } from '../../../../src/core/language/suggest';

// A small alphabet with both cases and a letter whose lower case is longer, so that names fall within a few edits of one another.
const NAME = fc.array(fc.constantFrom('a', 'b', 'A', 'c', '_', '1', '\u0130'), { minLength: 1, maxLength: 40 }).map((chars) => chars.join(''));

describe('the name index behind "did you mean"', () => {
  it('suggests what suggestNames suggests over the same names in the same order, split over several indexes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(NAME, { maxLength: 60 }), fc.nat(3), NAME, (names, parts, query) => {
        const indexes = Array.from({ length: parts + 1 }, () => new NameIndex());
        names.forEach((name, place) => indexes[place % indexes.length].add(name, place));
        assert.deepEqual(suggestFromIndexes(query, indexes), suggestNames(query, names));
      }),
      { numRuns: 400 },
    );
  });

  it('finds a swap of neighbours, a deletion and an insertion in names past the indexed length', () => {
    const long = 'abcdefghijklmnopqrstuvwxyzabcdefghij';
    const index = new NameIndex();
    index.add(long, 0);
    index.add('qfl', 1);
    assert.deepEqual(suggestFromIndexes('abcdefghijklmnopqrstuvwxyzabcdefghji', [index]), [long]);
    assert.deepEqual(suggestFromIndexes('qlf', [index]), ['qfl']);
    assert.deepEqual(suggestFromIndexes('qf', [index]), ['qfl']);
    assert.deepEqual(suggestFromIndexes('qfll', [index]), ['qfl']);
    // Two insertions into the long name; a 33-character query one insertion from a 32-character (indexed) name.
    assert.deepEqual(suggestFromIndexes(`${long}xy`, [index]), [long]);
    const indexed = long.slice(0, 32);
    index.add(indexed, 2);
    assert.deepEqual(suggestFromIndexes(`${indexed}z`, [index]), [indexed]);
  });
});
