import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, hoverMarkdown, scratchUri, waitFor, withTimeout } from './util';

/**
 * The first `data:image/svg+xml;base64,…` image of a hover, decoded; undefined without one. The alt
 * text is the formula in plain text, with Markdown's brackets escaped (`y ∈ \[0, 1\]`).
 */
function formulaImage(markdown: string): string | undefined {
  const match = /!\[(?:\\.|[^\]\\])*\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/.exec(markdown);
  return match === null ? undefined : Buffer.from(match[1], 'base64').toString('utf8');
}

/** An untitled LossLab notebook with the given code cells, shown in an editor. */
async function notebookWith(...sources: string[]): Promise<vscode.NotebookDocument> {
  const data = new vscode.NotebookData(sources.map((source) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, source, 'losslab')));
  const notebook = await withTimeout('creating an untitled LossLab notebook', vscode.workspace.openNotebookDocument('losslab', data), 15_000);
  await vscode.window.showNotebookDocument(notebook);
  return notebook;
}

function positionOf(document: vscode.TextDocument, word: string, offsetInWord = 1): vscode.Position {
  const at = document.getText().indexOf(word);
  assert.ok(at >= 0, `'${word}' is not in the document`);
  return document.positionAt(at + offsetInWord);
}

suite('language features', function () {
  this.timeout(60_000);
  suiteSetup(activateExtension);
  suiteTeardown(closeAllEditors);

  test('hover on qfl in a cell shows the QFL formula as a rendered image', async () => {
    const notebook = await notebookWith('y = 0.6\nqfl(0.3, y)');
    const cell = notebook.cellAt(0).document;
    const hovers = await waitFor(
      'a hover on qfl',
      async () => {
        const result = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', cell.uri, positionOf(cell, 'qfl('));
        return result.length > 0 ? result : undefined;
      },
      20_000,
    );
    const markdown = hoverMarkdown(hovers);
    assert.match(markdown, /Quality Focal Loss/i);
    const svg = formulaImage(markdown);
    assert.ok(svg !== undefined, `no formula image in the hover:\n${markdown.slice(0, 400)}`);
    assert.match(svg, /^<svg[\s>]/);
    assert.match(svg, /<path|<use/, 'the formula image has no glyphs');
  });

  test('hover on QualityFocalLoss in a Python file shows the same formula image', async () => {
    const uri = await scratchUri('head_config.py');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode("loss_cls = dict(type='QualityFocalLoss', use_sigmoid=True, beta=2.0)\n"));
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.languageId, 'python');
    await vscode.window.showTextDocument(document);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, positionOf(document, 'QualityFocalLoss', 3));
    const markdown = hoverMarkdown(hovers);
    assert.match(markdown, /Quality Focal Loss/i);
    assert.match(formulaImage(markdown) ?? '', /^<svg[\s>]/, `no formula image in the Python hover:\n${markdown.slice(0, 400)}`);
  });

  test('hover on a call with literal arguments shows them beside the defaults, in Python and in a cell', async () => {
    const uri = await scratchUri('head_call.py');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('loss = QualityFocalLoss(use_sigmoid=True, beta=3.0)\n'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const python = hoverMarkdown(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, positionOf(document, 'QualityFocalLoss', 3)));
    // mmdetection's QualityFocalLoss defaults to beta = 2.0.
    assert.match(python, /\| `beta` \| `3\.0` \| `2\.0` \|/, python.slice(0, 1200));

    const notebook = await notebookWith('p = 0.3\nqfl(p, 0.5, {beta: 3})');
    const cell = notebook.cellAt(0).document;
    const inCell = hoverMarkdown(
      await waitFor(
        'a hover on qfl',
        async () => {
          const result = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', cell.uri, positionOf(cell, 'qfl('));
          return result.length > 0 ? result : undefined;
        },
        20_000,
      ),
    );
    assert.match(inCell, /\| `beta` \| `3` \| `2` \|/, inCell.slice(0, 1200));
  });

  test('a word that is no loss gets no formula hover', async () => {
    const notebook = await notebookWith('banana = 3');
    const cell = notebook.cellAt(0).document;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', cell.uri, positionOf(cell, 'banana'));
    assert.equal(formulaImage(hoverMarkdown(hovers)), undefined);
  });

  test('completion in a cell offers the loss functions and the variables defined above', async () => {
    const notebook = await notebookWith('beta_soft = 1.5', 'qf');
    const cell = notebook.cellAt(1).document;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', cell.uri, new vscode.Position(0, 2));
    const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(labels.includes('qfl'), `no 'qfl' among ${labels.slice(0, 30).join(', ')}`);

    const second = await notebookWith('beta_soft = 1.5', 'qfl(0.3, 0.6, be');
    const cell2 = second.cellAt(1).document;
    const list2 = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', cell2.uri, cell2.positionAt(cell2.getText().length));
    const labels2 = list2.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(labels2.includes('beta_soft'), `the variable of the cell above is not offered: ${labels2.slice(0, 30).join(', ')}`);
  });

  test('a misspelt function is an error diagnostic on its name; a correct cell has none', async () => {
    const notebook = await notebookWith('y = 0.6\nloss = qfll(0.3, y)', 'ok = qfl(0.3, 0.6)');
    const bad = notebook.cellAt(0).document;
    const good = notebook.cellAt(1).document;
    const diagnostics = await waitFor(
      'a diagnostic for qfll',
      () => {
        const found = vscode.languages.getDiagnostics(bad.uri);
        return found.length > 0 ? found : undefined;
      },
      15_000,
    );
    const error = diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(error, `no error among ${diagnostics.map((d) => d.message).join('; ')}`);
    assert.equal(bad.getText(error.range), 'qfll');
    assert.match(error.message, /qfll/);
    assert.deepEqual(vscode.languages.getDiagnostics(good.uri), []);
  });
});
