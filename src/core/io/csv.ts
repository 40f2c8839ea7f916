import Papa from 'papaparse';
import { defineEntry } from './entries';
import { describeText, failField, fieldName, type Source } from './errors';
import type { LoadedArray, LoadedFile } from './types';
import { decodeUtf8, fileExtension } from './text';

// A decimal number as Python, numpy and pandas write them, or their spellings of NaN and infinity.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Readonly<Record<string, number>> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-inf': -Infinity,
  '-infinity': -Infinity,
};

/** Parses one cell; `undefined` when it is not a number. Surrounding spaces are allowed. */
export function parseCell(cell: string): number | undefined {
  const text = cell.trim();
  if (DECIMAL.test(text)) return Number(text);
  return SPECIAL[text.toLowerCase()];
}

interface Row {
  readonly cells: string[];
  /** 1-based line on which the row starts. */
  readonly line: number;
}

/** Tokenizes with papaparse, keeping each row's starting line; blank lines are dropped. */
function tokenize(text: string, delimiter: string, source: Source): Row[] {
  const rows: Row[] = [];
  let line = 1;
  let counted = 0;
  let start = 0;
  const lineAt = (offset: number): number => {
    for (; counted < offset; counted++) if (text.charCodeAt(counted) === 10) line++;
    return line;
  };
  Papa.parse<string[]>(text, {
    delimiter,
    newline: '\n',
    step: (result) => {
      const rowLine = lineAt(start);
      const error = result.errors[0];
      if (error !== undefined) {
        failField(source, `line ${error.index === undefined ? rowLine : lineAt(error.index)}`, 'well-formed CSV', `${error.message} (${error.code})`);
      }
      start = result.meta.cursor + 1;
      const cells = result.data;
      if (cells.length === 1 && cells[0].trim() === '') return;
      rows.push({ cells, line: rowLine });
    },
  });
  return rows;
}

/**
 * Loads a CSV (or, for `.tsv`, tab-separated) export: the first non-blank row names the columns,
 * every later row gives one value per column, and each column becomes a float64 array of shape
 * (rows). Fields may be quoted; blank lines are ignored; line endings may be LF or CRLF. Cells
 * must be numbers (`nan`, `inf` and `-inf` are accepted, as pandas writes them); anything else, an
 * empty cell or a row of the wrong length is reported by its 1-based line and column name.
 */
export function loadCsv(bytes: Uint8Array, fileName: string): LoadedFile {
  const source: Source = { file: fileName };
  const text = decodeUtf8(bytes, source).replace(/\r\n?/g, '\n');
  const rows = tokenize(text, fileExtension(fileName) === 'tsv' ? '\t' : ',', source);
  if (rows.length === 0) failField(source, 'line 1', 'a header row naming the columns', 'an empty file');
  const [header, ...body] = rows;
  const names = header.cells.map((cell) => cell.trim());
  // One pass with a map from name to its first column: linear in the number of columns.
  const firstColumn = new Map<string, number>();
  names.forEach((name, column) => {
    if (name === '') failField(source, `line ${header.line}, column ${column + 1}`, 'a column name', 'an empty header cell');
    const first = firstColumn.get(name);
    if (first !== undefined) failField(source, `line ${header.line}, column ${column + 1}`, 'distinct column names', `the name of column ${first + 1} again (${describeText(name)})`);
    firstColumn.set(name, column);
  });
  const columns = names.map(() => new Float64Array(body.length));
  body.forEach((row, r) => {
    if (row.cells.length !== names.length) {
      failField(source, `line ${row.line}`, `${names.length} fields, one per column`, `${row.cells.length} field${row.cells.length === 1 ? '' : 's'}`);
    }
    for (let c = 0; c < names.length; c++) {
      const value = parseCell(row.cells[c]);
      if (value === undefined) {
        // The cell is described, never quoted: the file may be a credentials file named .csv by mistake.
        const found = row.cells[c].trim() === '' ? 'an empty cell' : `a ${row.cells[c].length}-character text that is not a number`;
        const shown = fieldName(names[c], '');
        failField(source, `line ${row.line}, column ${shown === '' ? c + 1 : `"${shown}"`}`, 'a number', found);
      }
      columns[c][r] = value;
    }
  });
  const arrays: Record<string, LoadedArray> = {};
  names.forEach((name, c) => defineEntry(arrays, name, { dtype: 'float64', shape: [body.length], data: columns[c] }));
  return { format: 'csv', arrays };
}
