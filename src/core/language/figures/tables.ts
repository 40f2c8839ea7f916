import { InputError } from '../../errors';
import { FIGURE_SPEC_VERSION, type TableFigure } from '../../figures/spec';
import { isOptionObject, readOptions, type OptionSpec } from '../options';
import { valueToTensor } from '../values';
import { finiteNumber, numberList } from './arguments';

export const TABLE_OPTIONS: readonly OptionSpec[] = [
  { key: 'title', type: 'string', description: 'table title' },
  { key: 'k', type: 'number', default: 10, description: 'number of rows to show' },
  { key: 'by', type: 'string', description: 'column to sort by (largest first)' },
  { key: 'ascending', type: 'boolean', default: false, description: 'sort smallest first' },
  { key: 'columns', type: 'any', description: 'column names for a matrix' },
];

/** table(data, {k, by}): top-k rows of an object of equal-length vectors, or of a matrix. */
export function table(args: unknown[]): TableFigure {
  const fn = 'table';
  const options = readOptions(fn, args[1], TABLE_OPTIONS);
  const data = args[0];
  const columns: string[] = [];
  const values: number[][] = [];
  if (isOptionObject(data)) {
    for (const [name, column] of Object.entries(data)) {
      columns.push(name);
      values.push(numberList(fn, `data.${name}`, column));
    }
  } else {
    const matrix = valueToTensor(fn, 'data', data);
    const [rows, cols] = matrix.shape.length === 1 ? [matrix.shape[0], 1] : matrix.shape;
    const names = options.columns === undefined ? undefined : ((options.columns as { valueOf(): unknown }).valueOf() as unknown[]);
    for (let c = 0; c < cols; c++) {
      columns.push(typeof names?.[c] === 'string' ? (names[c] as string) : `c${c}`);
      values.push(Array.from({ length: rows }, (_, r) => matrix.data[r * cols + c]));
    }
  }
  const length = values[0]?.length ?? 0;
  values.forEach((column, c) => {
    if (column.length !== length) throw new InputError(fn, `data.${columns[c]}`, `of length ${length} like ${columns[0]}`, `of length ${column.length}`);
  });
  const byIndex = options.by === undefined ? -1 : columns.indexOf(options.by as string);
  if (options.by !== undefined && byIndex < 0) throw new InputError(fn, 'options.by', `one of the columns (${columns.join(', ')})`, JSON.stringify(options.by));
  const order = Array.from({ length }, (_, i) => i);
  if (byIndex >= 0) {
    const sign = options.ascending === true ? 1 : -1;
    order.sort((a, b) => sign * (values[byIndex][a] - values[byIndex][b]) || a - b);
  }
  const k = options.k === undefined ? 10 : Math.max(0, Math.round(finiteNumber(fn, 'options.k', options.k)));
  // The index is the row's 1-based position, so that it can be pasted into x[i, :].
  const rows = order.slice(0, k).map((i) => [i + 1, ...values.map((column) => column[i])]);
  const spec: TableFigure = { version: FIGURE_SPEC_VERSION, kind: 'table', columns: ['index', ...columns], rows };
  return options.title === undefined ? spec : { ...spec, title: options.title as string };
}
