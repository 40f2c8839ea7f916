import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { completeAt } from '../../../../src/core/language/analysis/completion';
import { definitionsIn } from '../../../../src/core/language/analysis/definitions';
import { validateCell } from '../../../../src/core/language/analysis/diagnostics';
import { DefinitionMemo, NotebookMemo } from '../../../../src/core/language/analysis/checkMemo';
import { notebookDiagnostics, validateNotebook } from '../../../../src/core/language/analysis/notebook';
import { signatureHelpAt } from '../../../../src/core/language/analysis/signatureHelp';

/**
 * The notebook-wide checks carry the definitions forward instead of re-reading the cells above each
 * cell (issue 16). The reference is the per-cell computation the editor made before: each cell
 * checked by `validateCell` against the text of every cell above it.
 */
const perCell = (cells: readonly string[]): unknown[] => cells.map((text, k) => validateCell(text, cells.slice(0, k)));

// Few names, so that cells redefine, shadow and call one another's names, and misspell them.
// Typos one or two edits apart, in another case, with accents, and longer than the name index takes (32).
const NAME = fc.constantFrom('x', 'y', 'loss', 'f', 'g', 'myloss', 'sum', 'qfl', 'sin', 'np', 'mylos', 'gg', 'qlf', 'Myloss', 'Caf\u00e9', 'cafe', 'abcdefghijklmnopqrstuvwxyzabcdefghij', 'abcdefghijklmnopqrstuvwxyzabcdefghji');
const PARAMS = fc.array(fc.constantFrom('a', 'b', 'x', 'f'), { maxLength: 3 });
const ARGS = fc.array(fc.constantFrom('1', 'x', 'a', '[1, 2]', '{beta: 2}', '{reductoin: "mean"}', '{reduction: "meen"}', 'f(1)'), { maxLength: 4 });

const STATEMENT: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(NAME, ARGS.map((a) => a.join(', ')), NAME).map(([name, args, callee]) => `${name} = ${callee}(${args})`),
  fc.tuple(NAME, PARAMS, NAME, ARGS).map(([name, params, callee, args]) => `${name}(${params.join(', ')}) = ${callee}(${args.join(', ')}) + ${params[0] ?? 1}`),
  fc.tuple(NAME, fc.constantFrom('1', '[1, 2; 3, 4]', 'qfl(0.3, 0.9)', 'np.sum(x)', 'x ** 2', 'eval("1")', '(1 + ', 'sum(x, dim=1)')).map(([name, value]) => `${name} = ${value}`),
  fc.tuple(NAME, ARGS).map(([callee, args]) => `${callee}(${args.join(', ')})`),
  fc.constantFrom('# a comment', '', 'y = x; z = y', 'import("a")', 'qfl(0.3, 0.9, {gamma: 2}, 4, 5)'),
);
const CELL = fc.array(STATEMENT, { minLength: 1, maxLength: 4 }).map((statements) => statements.join('\n'));
const NOTEBOOK = fc.array(CELL, { maxLength: 12 });

describe('the notebook-wide checks', () => {
  it('give each cell the diagnostics of the per-cell check against the cells above it', () => {
    fc.assert(
      fc.property(NOTEBOOK, (cells) => {
        assert.deepEqual(validateNotebook(cells), perCell(cells));
      }),
      { numRuns: 150 },
    );
  });

  it('stay the same after cells are deleted, inserted or edited, with the definitions and checks remembered from the last check', () => {
    fc.assert(
      fc.property(NOTEBOOK, fc.array(fc.tuple(fc.constantFrom('delete', 'insert', 'edit'), fc.nat(), CELL), { minLength: 1, maxLength: 4 }), (start, edits) => {
        const memo = new NotebookMemo();
        let cells = start;
        assert.deepEqual(validateNotebook(cells, memo), perCell(cells));
        memo.endRound();
        for (const [kind, at, text] of edits) {
          const index = cells.length === 0 ? 0 : at % cells.length;
          const next = [...cells];
          if (kind === 'delete') next.splice(index, 1);
          else if (kind === 'insert') next.splice(index, 0, text);
          else next[index] = text;
          cells = next;
          assert.deepEqual(validateNotebook(cells, memo), perCell(cells));
          memo.endRound();
        }
      }),
      { numRuns: 80 },
    );
  });

  it('give a cell whose text repeats the definitions of its own position', () => {
    const memo = new DefinitionMemo();
    const cells = ['f(a) = a', 'y = 1', 'f(a) = a'];
    cells.forEach((text, cell) => assert.deepEqual(memo.of(text, cell), definitionsIn(text, cell)));
  });

  it('complete and hint alike with remembered definitions', () => {
    fc.assert(
      fc.property(NOTEBOOK, CELL, fc.nat(), (earlier, text, at) => {
        const memo = new DefinitionMemo();
        const offset = at % (text.length + 1);
        assert.deepEqual(completeAt(text, offset, earlier, memo.of), completeAt(text, offset, earlier));
        assert.deepEqual(signatureHelpAt(text, offset, earlier, memo.of), signatureHelpAt(text, offset, earlier));
      }),
      { numRuns: 60 },
    );
  });

  it('check one cell at a time, in order', () => {
    const cells = ['myloss(a) = a^2', 'mylos(1)', 'z = myloss(1, 2)'];
    const found = [...notebookDiagnostics(cells)];
    assert.equal(found.length, 3);
    assert.deepEqual(found[0], []);
    // Hand-read: the typo is reported with the earlier cell's function as its fix, and the call with two arguments as an arity error.
    assert.deepEqual(found[1].map((d) => [d.code, d.fixes.map((f) => f.newText)]), [['unknown-function', ['myloss']]]);
    assert.deepEqual(found[2].map((d) => d.code), ['argument-count']);
  });
});
