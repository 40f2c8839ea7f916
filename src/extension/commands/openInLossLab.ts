import * as vscode from 'vscode';
import { entryCells, FORMULA_BY_ID, FORMULA_CATALOG, type FormulaEntry } from '../../core/formulas/catalog';
import { CODE_LANGUAGE, emptyNotebook, MARKDOWN_LANGUAGE, serializeNotebook } from '../../core/notebook/format';
import { OPEN_IN_LOSSLAB_COMMAND } from '../language/hoverContent';
import { NOTEBOOK_TYPE } from '../notebook/serializer';
import { lossnbNameBeside } from './besideFile';

/**
 * `losslab.openInLossLab [entryId] [from]`: adds a markdown cell naming a catalog entry and a code
 * cell that plots it (the entry's `notebookCell`) to the active LossLab notebook; when the hover
 * was in a Jupyter notebook's cell or a Python file (`from`, its document URI), to the `.lossnb`
 * beside that file, created if needed; else to a new untitled one. Without an id (from the command
 * palette) it asks which formula.
 */
export function registerOpenInLossLab(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(OPEN_IN_LOSSLAB_COMMAND, (id?: unknown, from?: unknown) => openInLossLab(id, from)));
}

async function pickEntry(): Promise<FormulaEntry | undefined> {
  const items = FORMULA_CATALOG.map((entry) => ({ label: entry.title, description: entry.id, detail: entry.unicode, entry }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Which formula should LossLab plot?', matchOnDescription: true, matchOnDetail: true });
  return picked?.entry;
}

async function openInLossLab(id: unknown, from: unknown): Promise<void> {
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
  const beside = typeof from === 'string' ? await besideHovered(from) : undefined;
  const active = beside ?? vscode.window.activeNotebookEditor;
  if (active !== undefined && active.notebook.notebookType === NOTEBOOK_TYPE) {
    const at = active.notebook.cellCount;
    const edit = new vscode.WorkspaceEdit();
    edit.set(active.notebook.uri, [vscode.NotebookEdit.insertCells(at, cells)]);
    await vscode.workspace.applyEdit(edit);
    const range = new vscode.NotebookRange(at, at + cells.length);
    active.selections = [range];
    active.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
    if (beside !== undefined) await active.notebook.save();
    return;
  }
  const document = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, new vscode.NotebookData(cells));
  await vscode.window.showNotebookDocument(document);
}

/**
 * The `.lossnb` beside the file a hovered document belongs to, opened in an editor (created empty
 * first if it does not exist): a Jupyter cell's notebook, or a Python file. Undefined when the
 * document is not a saved `.ipynb` or `.py` (untitled, or a LossLab cell).
 */
async function besideHovered(from: string): Promise<vscode.NotebookEditor | undefined> {
  const uri = vscode.Uri.parse(from);
  // A cell's URI is its notebook's path with a fragment naming the cell: the notebook with that
  // path owns it. (Compared by path, not by text: the URI's escapes need not survive the trip
  // through the hover's command link as they were.)
  const owner =
    uri.scheme === 'vscode-notebook-cell'
      ? vscode.workspace.notebookDocuments.find((nb) => nb.uri.path === uri.path && nb.getCells().some((cell) => cell.document.uri.path === uri.path))
      : undefined;
  const file = owner?.uri ?? (uri.scheme === 'vscode-notebook-cell' ? undefined : uri);
  if (file === undefined || file.scheme === 'untitled') return undefined;
  const name = lossnbNameBeside(file.path.split('/').pop() ?? '');
  if (name === undefined) return undefined;
  const target = vscode.Uri.joinPath(file, '..', name);
  try {
    await vscode.workspace.fs.stat(target);
  } catch {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(serializeNotebook(emptyNotebook())));
  }
  const document = await vscode.workspace.openNotebookDocument(target);
  return vscode.window.showNotebookDocument(document);
}
