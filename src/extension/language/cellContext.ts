import * as vscode from 'vscode';

export const LANGUAGE_ID = 'losslab';

/** Cells of LossLab notebooks, and plain files of the language. */
export const LOSSLAB_SELECTOR: vscode.DocumentSelector = [
  { language: LANGUAGE_ID, scheme: 'vscode-notebook-cell' },
  { language: LANGUAGE_ID },
];

export const isLossLab = (document: vscode.TextDocument): boolean => document.languageId === LANGUAGE_ID;

/** The notebook a cell document belongs to, and the cell's index in it. */
export function notebookOf(document: vscode.TextDocument): { notebook: vscode.NotebookDocument; index: number } | undefined {
  if (document.uri.scheme !== 'vscode-notebook-cell') return undefined;
  const key = document.uri.toString();
  for (const notebook of vscode.workspace.notebookDocuments) {
    const index = notebook.getCells().findIndex((cell) => cell.document.uri.toString() === key);
    if (index >= 0) return { notebook, index };
  }
  return undefined;
}

/** The text of the LossLab code cells above a cell document, in order; none for a plain file. */
export function earlierCellTexts(document: vscode.TextDocument): string[] {
  const found = notebookOf(document);
  if (found === undefined) return [];
  return found.notebook
    .getCells()
    .slice(0, found.index)
    .filter((cell) => cell.kind === vscode.NotebookCellKind.Code && isLossLab(cell.document))
    .map((cell) => cell.document.getText());
}

export function rangeOf(document: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(end));
}
