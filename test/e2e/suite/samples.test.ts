import * as assert from 'node:assert/strict';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, codeCells, FIGURE_MIME, outputTexts, runAll, showNotebook, workspaceRoot } from './util';

/** Cells that call a figure function at the start of a statement draw a figure (an assignment would not). */
const FIGURE_CALL = /^\s*(plot|heatmap|dist|hist|scatter)\s*\(/m;

suite('sample notebooks', function () {
  this.timeout(180_000);
  let samples: vscode.Uri[] = [];

  suiteSetup(async () => {
    await activateExtension();
    samples = (await vscode.workspace.findFiles('samples/*.lossnb')).sort((a, b) => a.path.localeCompare(b.path));
  });

  teardown(closeAllEditors);

  test('the workspace holds the samples, the GFL tour among them', () => {
    assert.ok(samples.length > 0, `no samples/*.lossnb under ${workspaceRoot().fsPath}`);
    assert.ok(
      samples.some((uri) => uri.path.endsWith('/gfl-tour.lossnb')),
      `samples/gfl-tour.lossnb is missing; found ${samples.map((uri) => uri.path).join(', ')}`,
    );
  });

  test('every sample opens as a LossLab notebook and runs every cell without an error output', async () => {
    assert.ok(samples.length > 0);
    const failures: string[] = [];
    for (const uri of samples) {
      const name = uri.path.split('/').pop() ?? uri.path;
      const editor = await showNotebook(uri);
      assert.equal(editor.notebook.notebookType, 'losslab', `${name} did not open as a LossLab notebook`);
      const cells = codeCells(editor.notebook);
      assert.ok(cells.length > 0, `${name} has no code cells`);
      const { problems, ms } = await runAll(editor, 150_000);
      console.log(`[losslab-e2e]   ${name}: ${cells.length} code cells ran in ${(ms / 1000).toFixed(1)} s`);
      failures.push(...problems.map((problem) => `${name} ${problem}`));

      // Every cell that draws must carry a figure under the renderer's mime, and it must parse.
      for (const cell of cells) {
        if (!FIGURE_CALL.test(cell.document.getText())) continue;
        const figures = outputTexts(cell, FIGURE_MIME);
        if (figures.length === 0) failures.push(`${name} cell ${cell.index + 1}: draws but has no ${FIGURE_MIME} output`);
        for (const text of figures) {
          const spec = JSON.parse(text) as { version?: unknown; kind?: unknown };
          if (spec.version !== 1 || typeof spec.kind !== 'string') failures.push(`${name} cell ${cell.index + 1}: figure without version 1 and a kind`);
        }
      }
      await closeAllEditors();
    }
    assert.deepEqual(failures, []);
  });

  test('the GFL tour carries figures of every kind it promises', async () => {
    const tour = samples.find((uri) => uri.path.endsWith('/gfl-tour.lossnb'));
    assert.ok(tour);
    const editor = await showNotebook(tour);
    const { problems } = await runAll(editor, 150_000);
    assert.deepEqual(problems, []);
    const kinds = new Set(
      codeCells(editor.notebook).flatMap((cell) => outputTexts(cell, FIGURE_MIME).map((text) => (JSON.parse(text) as { kind: string }).kind)),
    );
    // QFL against focal loss (curves), the DFL distribution and the bin histogram.
    for (const kind of ['curves', 'distribution', 'histogram']) assert.ok(kinds.has(kind), `no '${kind}' figure; found ${[...kinds].join(', ')}`);
  });
});
