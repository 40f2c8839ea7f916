import * as vscode from 'vscode';
import { documentToModel } from '../notebook/documentModel';
import { isSameFile, writeExport } from './writeExport';
import { NOTEBOOK_TYPE } from '../notebook/serializer';

/**
 * `losslab.exportHtml` (LossLab: Export as HTML Report, on the notebook toolbar): writes the open
 * notebook, with the outputs on screen, as the same standalone HTML page as `losslab run --html`,
 * figures drawn offline by the inlined report bundle. It asks where to write, next to the notebook
 * by default, and offers to open the page.
 */
export const EXPORT_HTML_COMMAND = 'losslab.exportHtml';

export function registerExportHtml(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(EXPORT_HTML_COMMAND, (arg?: unknown) => exportHtml(arg)));
}

/** The toolbar passes `{notebookEditor: {notebookUri}}`, the explorer a Uri; the palette nothing (the active notebook). */
function notebookOf(arg: unknown): vscode.NotebookDocument | undefined {
  const uri = arg instanceof vscode.Uri ? arg : (arg as { notebookEditor?: { notebookUri?: unknown } } | undefined)?.notebookEditor?.notebookUri;
  const notebook =
    uri instanceof vscode.Uri ? vscode.workspace.notebookDocuments.find((nb) => nb.uri.toString() === uri.toString()) : vscode.window.activeNotebookEditor?.notebook;
  return notebook?.notebookType === NOTEBOOK_TYPE ? notebook : undefined;
}

/** `notes.lossnb` → `notes.html` beside it; an untitled notebook's page goes to the first workspace folder. */
function defaultTarget(notebook: vscode.NotebookDocument): vscode.Uri | undefined {
  const name = `${fileName(notebook).replace(/\.lossnb$/i, '')}.html`;
  if (notebook.uri.scheme !== 'untitled') return vscode.Uri.joinPath(notebook.uri, '..', name);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder === undefined ? undefined : vscode.Uri.joinPath(folder, name);
}

function fileName(notebook: vscode.NotebookDocument): string {
  return notebook.uri.path.split('/').pop() ?? 'notebook';
}

async function exportHtml(arg: unknown): Promise<void> {
  const notebook = notebookOf(arg);
  if (notebook === undefined) {
    void vscode.window.showErrorMessage('LossLab: open a LossLab notebook (.lossnb) to export it as an HTML report.');
    return;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: defaultTarget(notebook),
    filters: { 'HTML report': ['html'] },
    saveLabel: 'Export',
    title: 'Export the notebook as an HTML report',
  });
  if (target === undefined) return;
  if (isSameFile(target, notebook.uri)) {
    void vscode.window.showErrorMessage(`LossLab: the report would replace the notebook ${target.fsPath} itself; choose another file.`);
    return;
  }
  const model = documentToModel(vscode, notebook);
  const { notebookReport } = await import('./htmlReport');
  const { html, figuresDrawn } = notebookReport(model, fileName(notebook));
  try {
    await writeExport(target, notebook.uri, html, (bytes) => Promise.resolve(vscode.workspace.fs.writeFile(target, bytes)));
  } catch (error) {
    void vscode.window.showErrorMessage(`LossLab: could not write ${target.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const name = target.path.split('/').pop() ?? target.fsPath;
  const note = figuresDrawn ? 'its figures draw offline' : 'its figures show as text: the report bundle (dist/report.js) is missing from this installation';
  const open = 'Open in Browser';
  const choice = await vscode.window.showInformationMessage(`LossLab: exported ${name}; ${note}.`, open);
  if (choice === open) await vscode.env.openExternal(target);
}
