import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, FIGURE_MIME, runAll, scratchUri, showNotebook, waitFor, withTimeout } from './util';

/**
 * Clean diffs through the real editor: Run All and save twice gives the same bytes, and the
 * setting losslab.notebook.saveOutputs decides what the file keeps while the editor keeps showing
 * every output.
 */

const read = async (uri: vscode.Uri): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));

/** Saves the notebook if it is dirty (re-running replaces every output, so it is). */
async function save(notebook: vscode.NotebookDocument): Promise<void> {
  if (notebook.isDirty) assert.equal(await withTimeout(`saving ${notebook.uri.path}`, notebook.save(), 15_000), true);
  assert.equal(notebook.isDirty, false);
}

suite('clean diffs: what a save keeps', function () {
  this.timeout(180_000);
  suiteSetup(activateExtension);
  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('losslab.notebook').update('saveOutputs', undefined, vscode.ConfigurationTarget.Workspace);
    await closeAllEditors();
  });

  test('Run All and save, twice: the file is the same bytes, with its figures one field per line and no run times', async () => {
    const uri = await scratchUri('clean-diff.lossnb');
    const samples = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'samples');
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(samples, 'gfl-tour.lossnb'), uri, { overwrite: true });
    // The tour loads data/example-export.npz beside it.
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(samples, 'data'), vscode.Uri.joinPath(uri, '..', 'data'), { overwrite: true });
    const editor = await showNotebook(uri);
    assert.deepEqual((await runAll(editor, 120_000)).problems, []);
    await save(editor.notebook);
    const first = await read(uri);
    assert.deepEqual((await runAll(editor, 120_000)).problems, []);
    await save(editor.notebook);
    const second = await read(uri);
    assert.equal(second, first, 're-running the unchanged notebook changed the saved file');
    assert.doesNotMatch(first, /"startTime"/, 'run times are left out by default');
    const figures = (JSON.parse(first) as { cells: { outputs?: { items: { mime: string; data: string[] }[] }[] }[] }).cells
      .flatMap((cell) => cell.outputs ?? [])
      .flatMap((output) => output.items)
      .filter((item) => item.mime === FIGURE_MIME);
    assert.ok(figures.length > 0, 'the tour saves its figures');
    for (const figure of figures) assert.deepEqual(figure.data.slice(0, 2), ['{\n', '  "version": 1,\n']);
  });

  test('saveOutputs none: the file keeps only the sources, the editor still shows the outputs', async () => {
    await vscode.workspace.getConfiguration('losslab.notebook').update('saveOutputs', 'none', vscode.ConfigurationTarget.Workspace);
    const uri = await scratchUri('sources-only.lossnb');
    const cells = [{ kind: 'code', language: 'losslab', source: ['y = qfl(0.3, 0.5)'] }, { kind: 'code', language: 'losslab', source: ['plot(qfl(s, 0.5), s, 0.01, 0.99)'] }];
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${JSON.stringify({ version: 1, cells }, null, 2)}\n`));
    const editor = await showNotebook(uri);
    assert.deepEqual((await runAll(editor, 60_000)).problems, []);
    await save(editor.notebook);
    const saved = JSON.parse(await read(uri)) as { cells: { outputs?: unknown; execution?: unknown; source: string[] }[] };
    assert.deepEqual(saved.cells, cells, 'the file holds the cells as written, without outputs or run summaries');
    await waitFor('the outputs to stay on screen', () => editor.notebook.getCells().every((cell) => cell.outputs.length > 0), 5_000);
  });
});
