import * as vscode from 'vscode';

export const LANGUAGE_ID = 'losslab';

/** Cells of LossLab notebooks, and plain files of the language. */
export const LOSSLAB_SELECTOR: vscode.DocumentSelector = [
  { language: LANGUAGE_ID, scheme: 'vscode-notebook-cell' },
  { language: LANGUAGE_ID },
];

export const isLossLab = (document: vscode.TextDocument): boolean => document.languageId === LANGUAGE_ID;

/** Each notebook's cell indexes by cell URI, as of when it was built: a hit is checked against the cell before use. */
const cellIndexes = new WeakMap<vscode.NotebookDocument, Map<string, number>>();

/**
 * The notebook a cell document belongs to, and the cell's index in it. Looked up in an index per
 * notebook, not by scanning the cells: opening a notebook asks this once per cell, which a scan
 * made quadratic in the cells (issue 16).
 */
export function notebookOf(document: vscode.TextDocument): { notebook: vscode.NotebookDocument; index: number } | undefined {
  if (document.uri.scheme !== 'vscode-notebook-cell') return undefined;
  const key = document.uri.toString();
  // A cell's URI is its notebook's with another scheme and a fragment: look there first.
  const notebooks = vscode.workspace.notebookDocuments;
  for (const notebook of [...notebooks.filter((nb) => nb.uri.path === document.uri.path), ...notebooks.filter((nb) => nb.uri.path !== document.uri.path)]) {
    const index = indexedCell(notebook, key);
    if (index !== undefined) return { notebook, index };
  }
  return undefined;
}

/** The index of the cell whose URI is `key`, from the notebook's index, rebuilt when it no longer holds. */
function indexedCell(notebook: vscode.NotebookDocument, key: string): number | undefined {
  const cached = cellIndexes.get(notebook)?.get(key);
  if (cached !== undefined && cached < notebook.cellCount && notebook.cellAt(cached).document.uri.toString() === key) return cached;
  const index = new Map(notebook.getCells().map((cell, i) => [cell.document.uri.toString(), i]));
  cellIndexes.set(notebook, index);
  return index.get(key);
}

/** The LossLab code cells of a notebook, in order: the cells the checks read. */
export function losslabCells(notebook: vscode.NotebookDocument, end = notebook.cellCount): vscode.NotebookCell[] {
  return notebook.getCells(new vscode.NotebookRange(0, end)).filter((cell) => cell.kind === vscode.NotebookCellKind.Code && isLossLab(cell.document));
}

/** The text of the LossLab code cells above a cell document, in order; none for a plain file. */
export function earlierCellTexts(document: vscode.TextDocument): string[] {
  const found = notebookOf(document);
  if (found === undefined) return [];
  return losslabCells(found.notebook, found.index).map((cell) => cell.document.getText());
}

export function rangeOf(document: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(end));
}
