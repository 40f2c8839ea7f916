import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCsv, parseCell } from '../../../src/core/io/csv';
import { assertFileMatches, assertLoadError, readFixture } from './fixtures';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('loadCsv', () => {
  it('reads named columns with quoted fields, blank lines, CRLF, nan and inf', () =>
    assertFileMatches('csv/anchors.csv', loadCsv(readFixture('csv/anchors.csv'), 'csv/anchors.csv')));

  it('reads tab-separated files', () => assertFileMatches('csv/anchors.tsv', loadCsv(readFixture('csv/anchors.tsv'), 'csv/anchors.tsv')));

  it('reads a header with no rows as empty columns, and a quoted field spanning lines', () => {
    assert.deepEqual(loadCsv(bytes('a,b\n'), 'x.csv').arrays.a.shape, [0]);
    const file = loadCsv(bytes('a,note\n1,"2"\n'), 'x.csv');
    assert.deepEqual([...file.arrays.note.data], [2]);
  });

  it('parses numbers as Python writes them and nothing else', () => {
    for (const [text, value] of [['1', 1], ['-2.5e-3', -2.5e-3], ['.5', 0.5], ['5.', 5], [' 7 ', 7], ['+1E2', 100], ['-inf', -Infinity], ['Infinity', Infinity]] as const) {
      assert.equal(parseCell(text), value, text);
    }
    assert.ok(Number.isNaN(parseCell('NaN')));
    for (const text of ['', '0x10', '1,5', '1e', 'e5', '--1', 'true', '1_000']) assert.equal(parseCell(text), undefined, text);
  });
});

describe('bad CSV', () => {
  const cases: [string, string][] = [
    ['bad_cell.csv', 'bad_cell.csv, line 4, column "score": expected a number, but found a 4-character text that is not a number'],
    ['short_row.csv', 'short_row.csv, line 3: expected 2 fields, one per column, but found 1 field'],
    ['empty_cell.csv', 'empty_cell.csv, line 2, column "score": expected a number, but found an empty cell'],
    ['duplicate_column.csv', 'duplicate_column.csv, line 1, column 3: expected distinct column names, but found the name of column 1 again ("a")'],
    ['unterminated_quote.csv', 'unterminated_quote.csv, line 2: expected well-formed CSV, but found Quoted field unterminated (MissingQuotes)'],
  ];
  for (const [name, message] of cases) {
    it(name, () => assertLoadError(() => loadCsv(readFixture(`corrupt/${name}`), name), message));
  }

  it('counts lines through quoted line breaks and blank lines', () => {
    assertLoadError(() => loadCsv(bytes('a,b\n1,"2\n"\n\n3,x\n'), 'q.csv'), 'q.csv, line 5, column "b": expected a number, but found a 1-character text that is not a number', { field: 'line 5, column "b"' });
    assertLoadError(() => loadCsv(bytes('\n\n'), 'e.csv'), 'e.csv, line 1: expected a header row naming the columns, but found an empty file');
    assertLoadError(() => loadCsv(bytes('a,,c\n'), 'h.csv'), 'h.csv, line 1, column 2: expected a column name, but found an empty header cell');
  });
});
