import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Session, type CellOutput } from '../../../src/core/language/session';
import { statementLabel } from '../../../src/core/language/statementLabels';
import { splitStatements } from '../../../src/core/language/statements';

const markdownOf = (output: CellOutput): string => (output.kind === 'error' ? '' : output.markdown);

describe('statement labels', () => {
  it('a cell with several outputs labels each with its line and, for an expression, its source', () => {
    // An assignment shows its value only as the cell's last statement, as in Jupyter.
    const outputs = new Session().runCell('x = [1, 2; 3, 4]\nsize(x)\n\ntotal = sum(x)');
    assert.deepEqual(outputs.map((o) => o.line), [2, 4]);
    assert.match(markdownOf(outputs[0]), /^\*line 2\* · `size\(x\)` → `\[2, 2\]`/);
    // total = … names its variable already: the label is only the line.
    assert.equal(markdownOf(outputs[1]), '*line 4* · `total` = `10`');
  });

  it('a cell with one output has no label', () => {
    const [only] = new Session().runCell('y = 2\nz = y + 1;\ny * 3');
    assert.equal(markdownOf(only).includes('line'), false, markdownOf(only));
  });

  it('a figure among several outputs carries its statement in the spec, for the renderer to show above it', () => {
    const outputs = new Session().runCell('b = 2\nb + 1\nplot(qfl(s, 0.5, {beta: b}), s, 0.01, 0.99)');
    const figure = outputs.find((o) => o.kind === 'figure');
    assert.ok(figure !== undefined && figure.kind === 'figure');
    assert.equal(figure.spec.statement, 'line 3 · plot(qfl(s, 0.5, {beta: b}), s, 0.01, 0.99)');
    const alone = new Session().runCell('plot(qfl(s, 0.5), s, 0.01, 0.99)');
    assert.equal(alone.length, 1);
    assert.ok(alone[0].kind === 'figure' && alone[0].spec.statement === undefined);
  });

  it('errors keep their own line and column and get no label', () => {
    const outputs = new Session().runCell('a = 1\nb = nosuch(1)');
    const error = outputs.find((o) => o.kind === 'error');
    assert.ok(error !== undefined && error.kind === 'error');
    assert.equal(error.line, 2);
    assert.doesNotMatch(error.message, /^\*line/);
  });

  it('keeps a source that holds the label separator whole', () => {
    const outputs = new Session().runCell('1 + 1\nconcat("a · b", "c")');
    assert.equal(markdownOf(outputs[1]), '*line 2* · `concat("a · b", "c")` → `"a · bc"`');
  });

  it('elides a long expression and keeps a backtick in the source readable', () => {
    const long = `qfl(${'0.1 + '.repeat(20)}0.1, 0.5)`;
    const [statement] = splitStatements(long);
    const label = statementLabel(statement);
    assert.ok(label.startsWith('line 1 · qfl(0.1 + '), label);
    assert.ok(label.endsWith('…'), label);
    assert.equal(label.length, 'line 1 · '.length + 48);
  });
});
