import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadJson } from '../../../src/core/io/json';
import { assertFileMatches, assertLoadError, readFixture } from './fixtures';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('loadJson', () => {
  it('names a top-level array after the file stem', () => assertFileMatches('json/boxes.json', loadJson(readFixture('json/boxes.json'), 'json/boxes.json')));

  it('reads an object of arrays, booleans as 0/1, scalars and empty arrays', () =>
    assertFileMatches('json/head.json', loadJson(readFixture('json/head.json'), 'json/head.json')));

  it("falls back to 'value' when the name has no stem, and reads a byte-order mark", () => {
    const file = loadJson(bytes('\uFEFF[[1, 2], [3, 4]]'), '.json');
    assert.deepEqual(Object.keys(file.arrays), ['value']);
    assert.deepEqual(file.arrays.value.shape, [2, 2]);
    assert.deepEqual(loadJson(bytes('[[], []]'), 'x.json').arrays.x.shape, [2, 0]);
  });
});

describe('bad JSON', () => {
  it('a ragged row, by path', () =>
    assertLoadError(
      () => loadJson(readFixture('corrupt/ragged.json'), 'ragged.json'),
      'ragged.json, boxes[3]: expected an array of length 4, as its first sibling, but found an array of length 2',
      { field: 'boxes[3]' },
    ));

  it('a string, by path', () =>
    assertLoadError(() => loadJson(readFixture('corrupt/string_cell.json'), 'string_cell.json'), 'string_cell.json, pred[0][1]: expected a number, but found a string of 4 characters', {
      field: 'pred[0][1]',
    }));

  it('a nested object', () =>
    assertLoadError(() => loadJson(readFixture('corrupt/nested_object.json'), 'nested_object.json'), 'nested_object.json, pred: expected a number or a nested array of numbers, but found an object'));

  it('a syntax error, and invalid UTF-8 with its offset', () => {
    assertLoadError(() => loadJson(readFixture('corrupt/syntax.json'), 'syntax.json'), /^syntax\.json, byte 0: expected valid JSON, but found (a syntax error( at character \d+)?|the text ending early)$/);
    assertLoadError(() => loadJson(Uint8Array.of(0x5b, 0x31, 0xff, 0x5d), 'x.json'), 'x.json, byte 2: expected UTF-8 text, but found an invalid byte sequence', { offset: 2 });
  });

  it('a deeper row than its siblings, null, and over-deep nesting', () => {
    assertLoadError(() => loadJson(bytes('[[1, 2], [3, [4]]]'), 'a.json'), 'a.json, a[1][1]: expected a number, but found an array of length 1');
    assertLoadError(() => loadJson(bytes('{"p": null}'), 'a.json'), 'a.json, p: expected a number or a nested array of numbers, but found null');
    assertLoadError(() => loadJson(bytes(`${'['.repeat(40)}${']'.repeat(40)}`), 'a.json'), 'a.json, a: expected at most 32 levels of nesting, but found deeper nesting');
  });
});
