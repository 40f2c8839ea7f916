import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedStringify } from '../../../src/core/notebook/boundedJson';

describe('boundedStringify', () => {
  it('agrees with JSON.stringify on plain data (an independent reference)', () => {
    const values: unknown[] = [1, 'a"b', null, true, [1, [2, { a: 3 }]], { x: undefined, y: () => 1, z: [undefined], n: Number.NaN }, { toJSON: () => ({ k: 1 }) }, new Float64Array([1, 2])];
    for (const value of values) {
      const result = boundedStringify(value);
      assert.ok(result.ok);
      assert.equal(result.text, JSON.stringify(value instanceof Float64Array ? Array.from(value) : value));
    }
  });

  it('refuses cycles, BigInt, a throwing toJSON, deep nesting and long text, naming where', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = { deep };
    const cases: [unknown, RegExp][] = [
      [cyclic, /cycle at \$\.self/],
      [{ b: 10n }, /BigInt at \$\.b/],
      [{ t: { toJSON: () => { throw new Error('boom'); } } }, /toJSON\(\) failed at \$\.t: boom/],
      [deep, /nested deeper than 64/],
    ];
    for (const [value, reason] of cases) {
      const result = boundedStringify(value);
      assert.ok(!result.ok);
      assert.match(result.reason, reason);
    }
    const long = boundedStringify(new Array(1000).fill('xxxxxxxxxx'), { maxChars: 1000 });
    assert.ok(!long.ok && /longer than 1,000/.test(long.reason));
  });
});
