import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, codeCells, hoverMarkdown, showNotebook, sleep } from './util';

/**
 * Run only in a workspace opened without --disable-workspace-trust (index.ts picks this file
 * alone in that mode). VS Code asks for trust before it hands cells to any kernel, so nothing
 * may run: no execution order, no success flag, no output, for as long as trust is not given.
 */
suite('untrusted workspace', function () {
  this.timeout(60_000);
  suiteSetup(activateExtension);
  suiteTeardown(closeAllEditors);

  test('the workspace really is untrusted, and the extension is active in Restricted Mode', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(vscode.extensions.getExtension('losslab.losslab')?.isActive, true);
  });

  test('Run All executes no cell', async () => {
    const data = new vscode.NotebookData([
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'x = 1 + 1\nx', 'losslab'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'plot(sigmoid(t), t, -3, 3)', 'losslab'),
    ]);
    const notebook = await vscode.workspace.openNotebookDocument('losslab', data);
    await showNotebook(notebook);
    // The command waits on the trust prompt, which nobody answers: do not await it.
    void vscode.commands.executeCommand('notebook.execute', notebook.uri);
    await sleep(5_000);
    for (const cell of codeCells(notebook)) {
      const outputs = cell.outputs.flatMap((o) => o.items.map((item) => item.mime));
      const ran = cell.executionSummary?.executionOrder !== undefined || cell.executionSummary?.success === true;
      // If VS Code ever did hand the cells over, the kernel must answer with its own refusal.
      if (ran || outputs.length > 0) {
        assert.equal(cell.executionSummary?.success, false, `cell ${cell.index + 1} ran in an untrusted workspace`);
        const text = cell.outputs.flatMap((o) => o.items.map((item) => new TextDecoder().decode(item.data))).join('\n');
        assert.match(text, /WorkspaceNotTrusted/);
      }
    }
  });

  test('hovers still work in Restricted Mode (they run no code)', async () => {
    const data = new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'qfl(0.3, 0.6)', 'losslab')]);
    const notebook = await vscode.workspace.openNotebookDocument('losslab', data);
    const cell = notebook.cellAt(0).document;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', cell.uri, new vscode.Position(0, 1));
    assert.match(hoverMarkdown(hovers), /data:image\/svg\+xml;base64,/);
  });
});
