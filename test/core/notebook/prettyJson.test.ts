import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { JsonValue } from '../../../src/core/notebook/format';
import { prettyJson } from '../../../src/core/notebook/prettyJson';

/** Arrays of scalars only inside objects: then the layout is exactly JSON.stringify's with 2 spaces. */
const hasScalarArray = (value: JsonValue): boolean =>
  Array.isArray(value)
    ? (value.length > 0 && value.every((v) => v === null || typeof v !== 'object')) || value.some(hasScalarArray)
    : value !== null && typeof value === 'object' && Object.values(value).some(hasScalarArray);

describe('prettyJson', () => {
  it('lays out a small figure as written by hand', () => {
    const figure = { version: 1, kind: 'curves', x: [0, 0.5, 1], series: [{ name: 'qfl', y: [1, null, -2.5e-7] }], z: [[1, 2], [3, 4]], empty: {}, none: [] };
    const expected = [
      '{',
      '  "version": 1,',
      '  "kind": "curves",',
      '  "x": [0, 0.5, 1],',
      '  "series": [',
      '    {',
      '      "name": "qfl",',
      '      "y": [1, null, -2.5e-7]',
      '    }',
      '  ],',
      '  "z": [',
      '    [1, 2],',
      '    [3, 4]',
      '  ],',
      '  "empty": {},',
      '  "none": []',
      '}',
    ].join('\n');
    assert.equal(prettyJson(figure), expected);
  });

  it('escapes keys and strings as JSON does, on one line, whatever they hold', () => {
    assert.equal(prettyJson({ 'a"\n': ['</script>', 'line\nbreak', '\u2028'] }), '{\n  "a\\"\\n": ["</script>", "line\\nbreak", "\u2028"]\n}');
    assert.equal(prettyJson('x'), '"x"');
    assert.equal(prettyJson(null), 'null');
  });

  it('reads back as the same value, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = prettyJson(value as JsonValue);
        assert.deepStrictEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
        // The same value always gives the same text: printing what was read back changes nothing.
        assert.equal(prettyJson(JSON.parse(text) as JsonValue), text);
      }),
    );
  });

  it('is JSON.stringify(value, null, 2) when no array holds only scalars', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        fc.pre(!hasScalarArray(value as JsonValue));
        assert.equal(prettyJson(value as JsonValue), JSON.stringify(value, null, 2));
      }),
    );
  });

  it('keeps the key order', () => {
    const value = JSON.parse('{"b": 1, "a": 2}') as JsonValue;
    assert.equal(prettyJson(value), '{\n  "b": 1,\n  "a": 2\n}');
  });
});
