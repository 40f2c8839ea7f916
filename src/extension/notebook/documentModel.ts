import type * as vscode from 'vscode';
import type { NotebookModel } from '../../core/notebook/format';
import { LossLabNotebookSerializer, type VscodeNotebookApi } from './serializer';

/** What is read of an open notebook; `vscode.NotebookDocument` is one. */
export interface OpenNotebook {
  readonly metadata: { readonly [key: string]: unknown };
  getCells(): readonly OpenCell[];
}

export interface OpenCell {
  readonly kind: vscode.NotebookCellKind;
  readonly document: { getText(): string; readonly languageId: string };
  readonly metadata: { readonly [key: string]: unknown };
  readonly outputs: readonly vscode.NotebookCellOutput[];
  readonly executionSummary: vscode.NotebookCellExecutionSummary | undefined;
}

/**
 * An open notebook as the file model, as it is on screen now: unsaved edits and every output
 * included, whatever `losslab.notebook.saveOutputs` leaves out of the file. The same mapping as a
 * save (LossLabNotebookSerializer.toModel), so the export and the file cannot disagree on a cell.
 */
export function documentToModel(api: VscodeNotebookApi, notebook: OpenNotebook): NotebookModel {
  const cells = notebook.getCells().map((cell) => {
    const data = new api.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
    data.metadata = { ...cell.metadata };
    data.outputs = [...cell.outputs];
    if (cell.executionSummary !== undefined) data.executionSummary = cell.executionSummary;
    return data;
  });
  const data = new api.NotebookData(cells);
  data.metadata = { ...notebook.metadata };
  return new LossLabNotebookSerializer(api).toModel(data);
}
