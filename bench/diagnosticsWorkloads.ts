/**
 * The editor's notebook-wide checks (issue 16): a generated notebook of N cells, each defining a
 * variable and a function and calling the ones above it, checked whole as one edit re-checks it.
 */
import { NotebookMemo } from '../src/core/language/analysis/checkMemo';
import { validateNotebook } from '../src/core/language/analysis/notebook';

/** Cell i of the generated notebook: three statements, with an option object and a call of cell i − 1's function. */
export function generatedCell(i: number): string {
  const previous = i === 0 ? 'sin' : `f${i - 1}`;
  return `x${i} = qfl(0.3, 0.9, {beta: 2, reduction: "mean"})\nf${i}(a) = a^2 + x${i}\ny${i} = ${previous}(x${i}) + sum([1, 2, 3])`;
}

export const generatedNotebook = (cells: number): string[] => Array.from({ length: cells }, (_, i) => generatedCell(i));

/** A hostile cell i: it defines a function and calls a misspelling of it, so every cell asks for a "did you mean". */
export const misspeltCell = (i: number): string => `fn${i}(a) = a + 1\nfm${i}(1)`;

export function diagnosticsNotebookWorkload(cells: number, cell = generatedCell): { gradBytes: number; step: () => unknown } {
  const notebook = Array.from({ length: cells }, (_, i) => cell(i));
  return { gradBytes: 0, step: () => validateNotebook(notebook) };
}

/**
 * The editor's check after an edit: the unchanged cells' definitions and diagnostics remembered
 * from the last check (`NotebookMemo`), one cell in the middle changed between checks.
 */
export function diagnosticsEditWorkload(cells: number): { gradBytes: number; step: () => unknown } {
  const notebook = generatedNotebook(cells);
  const memo = new NotebookMemo();
  let edits = 0;
  return {
    gradBytes: 0,
    step: () => {
      notebook[cells >> 1] = `${generatedCell(cells >> 1)}\nedit${edits++} = 1`;
      const found = validateNotebook(notebook, memo);
      memo.endRound();
      return found;
    },
  };
}
