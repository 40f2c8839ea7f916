import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableToPlotly } from '../../../../src/core/figures/plotly/table';
import { FIGURE_SPEC_VERSION, type TableFigure } from '../../../../src/core/figures/spec';
import { arr, assertThemed, deepFreeze, obj, sentinelTheme } from './helpers';

const spec: TableFigure = {
  version: FIGURE_SPEC_VERSION,
  kind: 'table',
  columns: ['anchor', 'loss', 'note'],
  rows: [
    [12, 0.123456789, 'worst'],
    [3, 1e-9, 'tiny'],
  ],
  title: 'Top anchors',
};

describe('tableToPlotly', () => {
  const theme = sentinelTheme(13);

  it('is one plotly table: header from the columns, cells column by column, numbers to 6 digits', () => {
    const figure = tableToPlotly(spec, theme);
    assert.equal(figure.data.length, 1);
    const table = figure.data[0];
    assert.equal(table.type, 'table');
    assert.deepEqual(obj(table.header).values, ['<b>anchor</b>', '<b>loss</b>', '<b>note</b>']);
    assert.deepEqual(obj(table.cells).values, [
      ['12', '3'],
      ['0.123457', '1.00000e-9'],
      ['worst', 'tiny'],
    ]);
    assert.deepEqual(obj(table.cells).align, ['right', 'right', 'left']);
    assert.equal(obj(obj(table.cells).fill).color, theme.background);
    assert.equal(obj(obj(table.cells).font).color, theme.foreground);
  });

  it('grows with its rows up to a limit, and handles no rows', () => {
    const height = (rows: number): number => tableToPlotly({ ...spec, rows: Array.from({ length: rows }, (_, i) => [i, i, 'x']) }, theme).layout.height as number;
    assert.ok(height(5) > height(1));
    assert.equal(height(1000), 600);
    // Exactly one row more per row, each row as tall as plotly makes a row of markup (the bold
    // header): the text's line (about 1.2 em) plus 8 px above and below; so no blank band.
    const row = obj(tableToPlotly(spec, theme).data[0].cells).height as number;
    assert.equal(obj(tableToPlotly(spec, theme).data[0].header).height, row);
    assert.ok(row >= theme.fontSize * 1.2 + 16, `${row}`);
    assert.equal(height(6) - height(5), row);
    assert.deepEqual(obj(tableToPlotly({ ...spec, rows: [] }, theme).data[0].cells).values, [[], [], []]);
    assert.equal(arr(obj(tableToPlotly({ ...spec, rows: [] }, theme).data[0].header).values).length, 3);
  });

  it('is themed and leaves the spec untouched', () => {
    const s = deepFreeze(structuredClone(spec));
    const before = JSON.stringify(s);
    assertThemed(tableToPlotly(s, sentinelTheme(13)), sentinelTheme(13));
    assertThemed(tableToPlotly(s, sentinelTheme(14)), sentinelTheme(14));
    assert.equal(JSON.stringify(s), before);
  });
});
