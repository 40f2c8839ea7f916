/**
 * The editor's notebook-wide checks (issue 16): a generated notebook of N cells, each defining a
 * variable and a function and calling the ones above it, checked whole as one edit re-checks it.
 */
import { validateNotebook } from '../src/core/language/analysis/notebook';

/** Cell i of the generated notebook: three statements, with an option object and a call of cell i − 1's function. */
export function generatedCell(i: number): string {
  const previous = i === 0 ? 'sin' : `f${i - 1}`;
  return `x${i} = qfl(0.3, 0.9, {beta: 2, reduction: "mean"})\nf${i}(a) = a^2 + x${i}\ny${i} = ${previous}(x${i}) + sum([1, 2, 3])`;
}

export const generatedNotebook = (cells: number): string[] => Array.from({ length: cells }, (_, i) => generatedCell(i));

export function diagnosticsNotebookWorkload(cells: number): { gradBytes: number; step: () => unknown } {
  const notebook = generatedNotebook(cells);
  return { gradBytes: 0, step: () => validateNotebook(notebook) };
}
