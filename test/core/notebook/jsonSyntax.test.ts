import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findJsonSyntaxError, lineAndColumn } from '../../../src/core/notebook/jsonSyntax';

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('findJsonSyntaxError', () => {
  it('agrees with JSON.parse on which texts are JSON (never invents or misses an error)', () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.json().chain((text) => fc.nat(text.length).map((cut) => text.slice(0, cut))),
      fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '\n', '\t', '1', '0', '-', '+', '.', 'e', 'E', 't', 'r', 'u', 'n', 'l', '\\', 'a', '\u0001') }),
    );
    fc.assert(
      fc.property(jsonish, (text) => {
        const found = findJsonSyntaxError(text);
        assert.equal(found === undefined, isJson(text), JSON.stringify(text));
        if (found !== undefined) assert.ok(found.offset >= 0 && found.offset <= text.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('points at the offending character', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['{"a": 1,}', 8, /property name.*"}"/],
      ['[1 2]', 3, /expected "," or "]" but found "2"/],
      ['{"a" 1}', 5, /expected ":"/],
      ['  "abc', 2, /unterminated string/],
      ['"a\\x"', 3, /invalid escape/],
      ['"\\u12G4"', 2, /invalid \\u escape/],
      ['"a\nb"', 2, /control character/],
      ['01', 1, /unexpected "1" after the end/],
      ['-', 0, /unexpected "-"/],
      ['1.', 1, /unexpected "\." after the end/],
      ['tru', 3, /unexpected end of file/],
      ['', 0, /unexpected end of file/],
    ];
    for (const [text, offset, problem] of cases) {
      const found = findJsonSyntaxError(text);
      assert.equal(found?.offset, offset, JSON.stringify(text));
      assert.match(found?.problem ?? '', problem, JSON.stringify(text));
    }
  });
});

describe('lineAndColumn', () => {
  it('counts 1-based lines and columns, CR LF as one line end', () => {
    const text = 'ab\ncd\r\nef';
    assert.deepStrictEqual(lineAndColumn(text, 0), { line: 1, column: 1 });
    assert.deepStrictEqual(lineAndColumn(text, 2), { line: 1, column: 3 });
    assert.deepStrictEqual(lineAndColumn(text, 3), { line: 2, column: 1 });
    assert.deepStrictEqual(lineAndColumn(text, 7), { line: 3, column: 1 });
    assert.deepStrictEqual(lineAndColumn(text, 9), { line: 3, column: 3 });
  });
});
