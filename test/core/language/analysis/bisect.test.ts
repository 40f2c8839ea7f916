import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { partitionPoint } from '../../../../src/core/language/analysis/bisect';

describe('partitionPoint', () => {
  it('is the first index a linear search finds not before the sought value, in any sorted list', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 50 }), fc.integer({ min: -25, max: 25 }), (values, sought) => {
        const sorted = [...values].sort((a, b) => a - b);
        const linear = sorted.findIndex((v) => !(v < sought));
        assert.equal(partitionPoint(sorted.length, (i) => sorted[i] < sought), linear < 0 ? sorted.length : linear);
      }),
      { numRuns: 500 },
    );
  });

  it('is 0 for an empty list', () => {
    assert.equal(partitionPoint(0, () => true), 0);
  });
});
