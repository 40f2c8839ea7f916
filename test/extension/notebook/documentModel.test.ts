import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { Session } from '../../../src/core/language/session';
import { documentToModel, type OpenCell, type OpenNotebook } from '../../../src/extension/notebook/documentModel';
import { toNotebookOutput } from '../../../src/extension/notebook/outputs';
import { renderReport, reportTitle } from '../../../src/node/report/html';
import { vscodeStub } from '../../helpers/vscode-stub';

const { Code, Markup } = vscodeStub.NotebookCellKind;
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

function cell(kind: vscode.NotebookCellKind, source: string, languageId: string, extra: Partial<OpenCell> = {}): OpenCell {
  return { kind, document: { getText: () => source, languageId }, metadata: {}, outputs: [], executionSummary: undefined, ...extra };
}

describe('the HTML export reads the open notebook', () => {
  const session = new Session();
  const plotted = session.runCell('plot(s^2, s, 0, 1, {points: 3})').map((o) => toNotebookOutput(vscodeStub, o));
  const failed = session.runCell('nope + 1').map((o) => toNotebookOutput(vscodeStub, o));
  const notebook: OpenNotebook = {
    metadata: { title: 'Sweep <1>' },
    getCells: () => [
      cell(Markup, '# Sweep', 'markdown'),
      // Edited since the last save: the export shows what is on screen.
      cell(Code, 'plot(s^2, s, 0, 1, {points: 3})', 'losslab', { outputs: plotted, executionSummary: { executionOrder: 1, success: true, timing: { startTime: 5, endTime: 9 } }, metadata: { tags: ['fig'] } }),
      cell(Code, 'nope + 1', 'losslab', { outputs: failed, executionSummary: { executionOrder: 2, success: false } }),
    ],
  };

  it('as the file model: sources, metadata, execution summaries and every output, as a save maps them', () => {
    const model = documentToModel(vscodeStub, notebook);
    assert.deepEqual(model.metadata, { title: 'Sweep <1>' });
    assert.deepEqual(model.cells.map((c) => [c.kind, c.language, c.source]), [
      ['markdown', 'markdown', '# Sweep'],
      ['code', 'losslab', 'plot(s^2, s, 0, 1, {points: 3})'],
      ['code', 'losslab', 'nope + 1'],
    ]);
    assert.deepEqual(model.cells[1].metadata, { tags: ['fig'] });
    assert.deepEqual(model.cells[1].execution, { executionOrder: 1, success: true, timing: { startTime: 5, endTime: 9, extra: {} }, extra: {} });
    assert.deepEqual(model.cells[2].execution, { executionOrder: 2, success: false, extra: {} });
    assert.deepEqual(model.cells[1].outputs[0].items.map((i) => i.mime), ['application/vnd.losslab.figure+json', 'text/markdown']);
    assert.deepEqual(JSON.parse(text(model.cells[1].outputs[0].items[0].data)), JSON.parse(text(plotted[0].items[0].data)));
  });

  it('renders the report page: title, each cell, the figure embedded for the inlined script, the error', () => {
    const model = documentToModel(vscodeStub, notebook);
    const html = renderReport(model, reportTitle(model, 'sweep.lossnb'), '/* figure script */');
    assert.match(html, /<title>Sweep &lt;1&gt;<\/title>/);
    assert.match(html, /<h1>Sweep<\/h1>/);
    assert.equal(html.match(/<script type="application\/json" class="losslab-figure">/g)?.length, 1);
    assert.match(html, /<script>\/\* figure script \*\/<\/script>/);
    assert.match(html, /class="cell code failed"/);
    assert.match(html, /Undefined symbol nope/);
  });

  it('a notebook without a title is named after its file', () => {
    assert.equal(reportTitle({ metadata: {}, cells: [], extra: {} }, 'qfl-sweep.lossnb'), 'qfl-sweep');
    assert.equal(reportTitle({ metadata: { title: 3 }, cells: [], extra: {} }, 'Untitled-1.lossnb'), 'Untitled-1');
  });
});
