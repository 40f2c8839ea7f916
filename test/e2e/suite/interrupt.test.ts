import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, errorOutputs, outputTexts, showNotebook, waitFor, withTimeout } from './util';

/**
 * A cell that never ends in practice: about 2.5·10¹² calls. (Without the base case the brief's
 * `f(n) = f(n - 1) + f(n - 2) + 1` overflows the stack within milliseconds and ends with a
 * RangeError, so it would test nothing.)
 */
const ENDLESS = 'f(n) = n < 2 ? 1 : f(n - 1) + f(n - 2) + 1\nf(60)';
/**
 * Well below the kernel's time limit (60 s by default), so only the interrupt can stop the cell;
 * the error's name tells the cooperative stop from the termination after the 2 s grace period.
 */
const STOP_WITHIN_MS = 10_000;

const runCell = (notebook: vscode.NotebookDocument, index: number): Thenable<unknown> =>
  vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: notebook.uri });

suite('interrupting a cell', function () {
  this.timeout(60_000);
  suiteSetup(activateExtension);
  suiteTeardown(closeAllEditors);

  test('the interrupt command stops an endless recursion, the scope keeps x, and the next cell reads it', async () => {
    const data = new vscode.NotebookData([
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'x = 42', 'losslab'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, `partial = 1\n${ENDLESS}`, 'losslab'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'x + 1', 'losslab'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'partial', 'losslab'),
    ]);
    const notebook = await vscode.workspace.openNotebookDocument('losslab', data);
    await showNotebook(notebook);
    const [define, endless, after, undone] = [0, 1, 2, 3].map((index) => notebook.cellAt(index));

    await withTimeout('running x = 42', runCell(notebook, 0), 30_000);
    await waitFor('x = 42 to end', () => define.executionSummary?.success !== undefined, 30_000);
    assert.equal(define.executionSummary?.success, true, errorOutputs(define).join('; '));

    const running = runCell(notebook, 1);
    // Started (it has an execution order) and not finished (no success flag yet).
    await waitFor('the endless cell to start', () => endless.executionSummary?.executionOrder !== undefined, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(endless.executionSummary?.success, undefined, `the endless cell already ended: ${errorOutputs(endless).join('; ')}`);

    const interruptedAt = Date.now();
    await vscode.commands.executeCommand('losslab.kernel.interrupt');
    await waitFor('the interrupted cell to end', () => endless.executionSummary?.success !== undefined, STOP_WITHIN_MS);
    const stopMs = Date.now() - interruptedAt;
    console.log(`[losslab-e2e]   stopped ${stopMs} ms after the interrupt`);
    await withTimeout('the run command to return after the interrupt', running, 5_000);

    assert.equal(endless.executionSummary?.success, false);
    const errors = errorOutputs(endless);
    assert.equal(errors.length, 1, `expected one error output, got: ${errors.join('; ')}`);
    // The cooperative stop, not the kernel's termination (KernelInterrupted, which resets the scope).
    assert.match(errors[0], /^KeyboardInterrupt: line 3, column 1: .*interrupted/);

    await withTimeout('running a cell after the interrupt', runCell(notebook, 2), 20_000);
    await waitFor('the next cell to end', () => after.executionSummary?.success !== undefined, 20_000);
    assert.deepEqual(errorOutputs(after), []);
    assert.equal(after.executionSummary?.success, true);
    assert.match(outputTexts(after, 'text/markdown').join('\n'), /`43`/, 'x is still 42');

    // What the interrupted cell assigned before its endless statement was undone.
    await withTimeout('reading partial', runCell(notebook, 3), 20_000);
    await waitFor('the partial cell to end', () => undone.executionSummary?.success !== undefined, 20_000);
    assert.match(errorOutputs(undone).join('; '), /Undefined symbol partial/);
  });
});
