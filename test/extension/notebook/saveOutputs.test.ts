import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { SAVE_OUTPUTS, type SavePolicy } from '../../../src/core/notebook/savePolicy';
import { LossLabNotebookSerializer } from '../../../src/extension/notebook/serializer';
import { toNotebookOutput } from '../../../src/extension/notebook/outputs';
import { createNodeSession } from '../../../src/node/session';
import { vscodeStub } from '../../helpers/vscode-stub';

/**
 * The editor's route to a clean diff: a notebook is opened, its cells run (the kernel's session
 * and the kernel's output mapping), and VS Code hands the serializer what the editor holds, under
 * each `losslab.notebook.saveOutputs` setting.
 */

const SAMPLES = join(process.cwd(), 'samples');
const { Code } = vscodeStub.NotebookCellKind;
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

/** Opens a file as VS Code does, runs every LossLab cell in a fresh session as Run All does, starting at `clock`. */
function openAndRunAll(file: string, serializer: LossLabNotebookSerializer, clock: number): vscode.NotebookData {
  const data = serializer.deserializeNotebook(readFileSync(file));
  const session = createNodeSession(SAMPLES);
  let order = 0;
  for (const cell of data.cells) {
    if (cell.kind !== Code || cell.languageId !== 'losslab') continue;
    const startTime = clock;
    const outputs = session.runCell(cell.value);
    clock += 13;
    cell.outputs = outputs.map((output) => toNotebookOutput(vscodeStub, output));
    cell.executionSummary = { executionOrder: ++order, success: outputs.every((o) => o.kind !== 'error'), timing: { startTime, endTime: clock } };
  }
  return data;
}

const samples = readdirSync(SAMPLES).filter((name) => name.endsWith('.lossnb'));
const opener = new LossLabNotebookSerializer(vscodeStub);
/** Two Run Alls of each sample, in fresh sessions, 100 000 000 s apart; computed once, saved under every policy. */
const runs = new Map<string, [vscode.NotebookData, vscode.NotebookData]>();
function twoRuns(name: string): [vscode.NotebookData, vscode.NotebookData] {
  let pair = runs.get(name);
  if (pair === undefined) {
    const file = join(SAMPLES, name);
    pair = [openAndRunAll(file, opener, 1_700_000_000_000), openAndRunAll(file, opener, 1_800_000_000_000)];
    runs.set(name, pair);
  }
  return pair;
}
const saveWith = (policy: SavePolicy, data: vscode.NotebookData): string => text(new LossLabNotebookSerializer(vscodeStub, () => policy).serializeNotebook(data));

describe('re-running an unchanged notebook and saving it', () => {
  for (const name of samples) {
    it(`writes the same bytes under every saveOutputs: samples/${name}`, () => {
      const [first, second] = twoRuns(name);
      for (const outputs of SAVE_OUTPUTS) {
        const policy: SavePolicy = { outputs, timings: false };
        const saved = saveWith(policy, first);
        assert.equal(saveWith(policy, second), saved, `saveOutputs ${outputs}`);
        // The saved file opens and saves again unchanged (VS Code reopening what it saved).
        assert.equal(saveWith(policy, opener.deserializeNotebook(new TextEncoder().encode(saved))), saved, `saveOutputs ${outputs}, reopened`);
      }
    });
  }

  it('with saveTimings the runs differ (the times are in the file), so the comparison above can fail', () => {
    const [first, second] = twoRuns('gfl-tour.lossnb');
    const policy: SavePolicy = { outputs: 'all', timings: true };
    assert.notEqual(saveWith(policy, second), saveWith(policy, first));
    assert.match(saveWith(policy, first), /"startTime": 1700000000000/);
  });

  it('saveOutputs decides what the saved file holds of the run', () => {
    const [run] = twoRuns('gfl-tour.lossnb');
    const counts = Object.fromEntries(
      SAVE_OUTPUTS.map((mode) => {
        const saved = JSON.parse(saveWith({ outputs: mode, timings: false }, run)) as { cells: { execution?: object; outputs?: { items: { mime: string }[] }[] }[] };
        const outputs = saved.cells.flatMap((cell) => cell.outputs ?? []);
        const figures = outputs.filter((output) => output.items.some((item) => item.mime === 'application/vnd.losslab.figure+json'));
        return [mode, { outputs: outputs.length, figures: figures.length, summaries: saved.cells.filter((cell) => cell.execution !== undefined).length }];
      }),
    ) as Record<string, { outputs: number; figures: number; summaries: number }>;
    assert.ok(counts.all.figures > 0 && counts.all.outputs > counts.all.figures, JSON.stringify(counts.all));
    assert.deepEqual(counts['figures-only'], { outputs: counts.all.figures, figures: counts.all.figures, summaries: counts.all.summaries });
    assert.deepEqual(counts.none, { outputs: 0, figures: 0, summaries: 0 });
  });
});
