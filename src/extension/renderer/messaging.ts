import * as vscode from 'vscode';
import { decodeDataUrl, isRendererMessage, RENDERER_ID, type ExportMessage, type HostReply, type WriteBackMessage } from '../../renderer/messages';
import { FIGURE_MIME } from '../../core/figures/spec';
import { writeExport } from '../commands/writeExport';
import { planWriteBack } from './sliderWriteBack';

/**
 * The extension-host side of the figure renderer: saves exported images, copies text, and writes
 * slider values back into the cells that define them. Messages that do not parse are ignored,
 * since any webview script could post them.
 */
export function registerRendererMessaging(context: vscode.ExtensionContext): vscode.NotebookRendererMessaging {
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  const reply = (editor: vscode.NotebookEditor, message: HostReply): void => void messaging.postMessage(message, editor);
  context.subscriptions.push(
    messaging.onDidReceiveMessage(async ({ editor, message }) => {
      if (!isRendererMessage(message)) return;
      try {
        switch (message.type) {
          case 'export':
            reply(editor, await saveExport(editor, message));
            break;
          case 'copy':
            await vscode.env.clipboard.writeText(message.text);
            reply(editor, { type: 'status', ok: true, text: 'Copied the figure JSON.' });
            break;
          case 'writeBack':
            reply(editor, await writeBack(editor, message));
            break;
        }
      } catch (error) {
        reply(editor, { type: 'status', ok: false, text: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  return messaging;
}

async function saveExport(editor: vscode.NotebookEditor, message: ExportMessage): Promise<HostReply> {
  const decoded = decodeDataUrl(message.dataUrl);
  if (decoded === undefined) return { type: 'status', ok: false, text: 'The exported image was not a data URL.' };
  const safeName = message.suggestedName.replace(/[\\/:*?"<>|]/g, '-') || `figure.${message.format}`;
  const folder = vscode.Uri.joinPath(editor.notebook.uri, '..');
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, safeName),
    filters: message.format === 'png' ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
    title: `Save figure as ${message.format.toUpperCase()}`,
  });
  if (target === undefined) return { type: 'status', ok: true, text: 'Export cancelled.' };
  // Written atomically, and never over the notebook itself (a save dialog can name any file).
  await writeExport(target, editor.notebook.uri, decoded.bytes, (bytes) => Promise.resolve(vscode.workspace.fs.writeFile(target, bytes)));
  return { type: 'status', ok: true, text: `Saved ${vscode.workspace.asRelativePath(target)}.` };
}

async function writeBack(editor: vscode.NotebookEditor, message: WriteBackMessage): Promise<HostReply> {
  const cells = editor.notebook.getCells();
  const figureCell = findFigureCell(cells, message.statement);
  if (figureCell < 0) return { type: 'status', ok: false, text: 'The figure no longer belongs to a cell.' };
  const code = cells.filter((cell) => cell.kind === vscode.NotebookCellKind.Code);
  const plan = planWriteBack(code.map((cell) => ({ index: cell.index, source: cell.document.getText() })), figureCell, message.values);
  if (plan.replacements.length > 0) {
    const edit = new vscode.WorkspaceEdit();
    for (const r of plan.replacements) {
      const document = cells[r.cellIndex].document;
      edit.replace(document.uri, new vscode.Range(document.positionAt(r.start), document.positionAt(r.end)), r.text);
    }
    if (!(await vscode.workspace.applyEdit(edit))) return { type: 'status', ok: false, text: 'The cells could not be edited.' };
  }
  const written = plan.replacements.map((r) => `${r.name} = ${r.text}`).join(', ');
  const missing = plan.missing.length > 0 ? ` No plain assignment found for ${plan.missing.join(', ')}.` : '';
  return { type: 'status', ok: plan.missing.length === 0, text: `${written === '' ? 'Nothing written.' : `Wrote ${written}.`}${missing}` };
}

/** The cell whose figure output was drawn by `statement`, else the first cell whose text holds it. */
function findFigureCell(cells: readonly vscode.NotebookCell[], statement: string): number {
  const drew = cells.findIndex((cell) =>
    cell.outputs.some((output) =>
      output.items.some((item) => {
        if (item.mime !== FIGURE_MIME) return false;
        try {
          return (JSON.parse(new TextDecoder().decode(item.data)) as { source?: { statement?: unknown } }).source?.statement === statement;
        } catch {
          return false;
        }
      }),
    ),
  );
  return drew >= 0 ? drew : cells.findIndex((cell) => cell.document.getText().includes(statement));
}
