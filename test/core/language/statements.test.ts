import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { positionAt, splitStatements } from '../../../src/core/language/statements';

const texts = (source: string): string[] => splitStatements(source).map((s) => s.text);

describe('splitStatements', () => {
  it('splits on newlines and semicolons at the top level', () => {
    assert.deepEqual(texts('a = 1\nb = 2; c = 3'), ['a = 1', 'b = 2', 'c = 3']);
  });

  it('marks a statement ending in ; as hidden and the others as visible', () => {
    const statements = splitStatements('a = 1;\nb = 2\nc = 3;');
    assert.deepEqual(statements.map((s) => s.visible), [false, true, false]);
  });

  it('keeps multi-line matrices, calls and objects in one statement', () => {
    const source = 'm = [1, 2;\n  3, 4]\nr = qfl(\n  [[1, 2]],\n  [[0.5, 0]],\n  {beta: 2}\n)\nn = 1';
    assert.deepEqual(texts(source), ['m = [1, 2;\n  3, 4]', 'r = qfl(\n  [[1, 2]],\n  [[0.5, 0]],\n  {beta: 2}\n)', 'n = 1']);
  });

  it('never splits inside strings, whichever quote and with escapes', () => {
    assert.deepEqual(texts('a = "x;y#z"; b = \'p\\n;q\'\nc = "say \\"hi\\"; # not a comment"'), [
      'a = "x;y#z"',
      "b = 'p\\n;q'",
      'c = "say \\"hi\\"; # not a comment"',
    ]);
  });

  it('drops comments, whole-line and trailing, even when they contain ; or brackets', () => {
    const statements = splitStatements('# setup; (ignored [\na = 1 # trailing; [\n  # indented\nb = 2');
    assert.deepEqual(statements.map((s) => s.text), ['a = 1', 'b = 2']);
    assert.deepEqual(statements.map((s) => [s.line, s.column]), [[2, 1], [4, 1]]);
  });

  it('a comment inside brackets does not end the statement', () => {
    assert.deepEqual(texts('v = [1, # one\n 2]\nw = 3'), ['v = [1, # one\n 2]', 'w = 3']);
  });

  it('gives the offset, line and column of each first non-blank character', () => {
    const source = 'a = 1\n\n   b = 2;  c = 3';
    const statements = splitStatements(source);
    assert.deepEqual(statements.map(({ offset, line, column }) => ({ offset, line, column })), [
      { offset: 0, line: 1, column: 1 },
      { offset: 10, line: 3, column: 4 },
      { offset: 18, line: 3, column: 12 },
    ]);
    for (const s of statements) assert.equal(source.slice(s.offset, s.offset + s.text.length), s.text);
  });

  it('returns nothing for blank and comment-only cells', () => {
    assert.deepEqual(splitStatements(''), []);
    assert.deepEqual(splitStatements('  \n\n ; ;\n# only a comment'), []);
  });

  it('survives unbalanced closing brackets without negative depth', () => {
    assert.deepEqual(texts(')\na = 1'), [')', 'a = 1']);
  });

  it('splits any list of simple statements back into the same list (property)', () => {
    const statement = fc.tuple(fc.constantFrom('a', 'b', 'x1'), fc.integer({ min: -99, max: 99 })).map(([name, value]) => `${name} = ${value}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(statement, fc.constantFrom('\n', ';', ';\n', '\n\n')), { maxLength: 8 }), (parts) => {
        const source = parts.map(([text, sep]) => text + sep).join('');
        const split = splitStatements(source);
        assert.deepEqual(split.map((s) => s.text), parts.map(([text]) => text));
        assert.deepEqual(split.map((s) => s.visible), parts.map(([, sep]) => !sep.startsWith(';')));
      }),
      { numRuns: 100 },
    );
  });
});

describe('splitStatements positions', () => {
  it('gives each statement the line and column positionAt counts from the top', () => {
    const piece = fc.constantFrom('a = 1', 'f(x) = x', '\n', '\n\n', '; ', '  ', '# c\n', '"q;\n"', '[1,\n 2]', '(', ')');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const source = parts.join('');
        for (const statement of splitStatements(source)) {
          assert.deepEqual({ line: statement.line, column: statement.column }, positionAt(source, statement.offset), JSON.stringify(source));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('numbers the 40,000 lines of one cell (counted once, not from the top for each statement)', () => {
    const n = 40_000;
    const statements = splitStatements(Array.from({ length: n }, (_, i) => `  a${i} = ${i}`).join('\n'));
    assert.equal(statements.length, n);
    assert.deepEqual([statements[n - 1].line, statements[n - 1].column, statements[n - 1].text], [n, 3, `a${n - 1} = ${n - 1}`]);
  });
});

describe('positionAt', () => {
  it('counts 1-based lines and columns', () => {
    const text = 'ab\ncde\n\nf';
    assert.deepEqual(positionAt(text, 0), { line: 1, column: 1 });
    assert.deepEqual(positionAt(text, 2), { line: 1, column: 3 });
    assert.deepEqual(positionAt(text, 3), { line: 2, column: 1 });
    assert.deepEqual(positionAt(text, 5), { line: 2, column: 3 });
    assert.deepEqual(positionAt(text, 7), { line: 3, column: 1 });
    assert.deepEqual(positionAt(text, 8), { line: 4, column: 1 });
  });

  it('agrees with counting newlines by hand (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', ' ', ';'), maxLength: 40 }), fc.nat(), (text, k) => {
        const offset = text.length === 0 ? 0 : k % (text.length + 1);
        const before = text.slice(0, offset);
        const lines = before.split('\n');
        assert.deepEqual(positionAt(text, offset), { line: lines.length, column: lines[lines.length - 1].length + 1 });
      }),
      { numRuns: 200 },
    );
  });
});
