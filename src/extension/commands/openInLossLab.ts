import * as vscode from 'vscode';
import { entryCells, FORMULA_BY_ID, FORMULA_CATALOG, type FormulaEntry } from '../../core/formulas/catalog';
import { CODE_LANGUAGE, MARKDOWN_LANGUAGE } from '../../core/notebook/format';
import { OPEN_IN_LOSSLAB_COMMAND } from '../language/hoverContent';
import { NOTEBOOK_TYPE } from '../notebook/serializer';

/**
 * `losslab.openInLossLab [entryId]`: adds a markdown cell naming a catalog entry and a code cell
 * that plots it (the entry's `notebookCell`) to the active LossLab notebook, or to a new untitled
 * one. Without an id (from the command palette) it asks which formula.
 */
export function registerOpenInLossLab(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(OPEN_IN_LOSSLAB_COMMAND, (id?: unknown) => openInLossLab(id)));
}

async function pickEntry(): Promise<FormulaEntry | undefined> {
  const items = FORMULA_CATALOG.map((entry) => ({ label: entry.title, description: entry.id, detail: entry.unicode, entry }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Which formula should LossLab plot?', matchOnDescription: true, matchOnDetail: true });
  return picked?.entry;
}

async function openInLossLab(id: unknown): Promise<void> {
  const entry = typeof id === 'string' ? FORMULA_BY_ID.get(id) : await pickEntry();
  if (entry === undefined) {
    if (id !== undefined) void vscode.window.showErrorMessage(`LossLab has no formula named ${JSON.stringify(id)}.`);
    return;
  }
  const cells = entryCells(entry).map((cell) =>
    cell.kind === 'markdown'
      ? new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, cell.source, MARKDOWN_LANGUAGE)
      : new vscode.NotebookCellData(vscode.NotebookCellKind.Code, cell.source, CODE_LANGUAGE),
  );
  const active = vscode.window.activeNotebookEditor;
  if (active !== undefined && active.notebook.notebookType === NOTEBOOK_TYPE) {
    const at = active.notebook.cellCount;
    const edit = new vscode.WorkspaceEdit();
    edit.set(active.notebook.uri, [vscode.NotebookEdit.insertCells(at, cells)]);
    await vscode.workspace.applyEdit(edit);
    const range = new vscode.NotebookRange(at, at + cells.length);
    active.selections = [range];
    active.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
    return;
  }
  const document = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, new vscode.NotebookData(cells));
  await vscode.window.showNotebookDocument(document);
}
