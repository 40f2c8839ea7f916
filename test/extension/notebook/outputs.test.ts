import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIGURE_MIME, type FigureSpec } from '../../../src/core/figures/spec';
import type { CellOutput } from '../../../src/core/language/session';
import { ERROR_MIME, MARKDOWN_MIME, errorPayload, outputItems } from '../../../src/core/notebook/outputs';
import { settingsRestartItems, toNotebookOutput, untrustedOutput } from '../../../src/extension/notebook/outputs';
import { vscodeStub } from '../../helpers/vscode-stub';

const decode = (data: Uint8Array): string => new TextDecoder().decode(data);

const spec = { version: 1, kind: 'histogram', title: 'scores', values: [0.5, 1.5, 2], counts: [1, 2], edges: [0, 1, 2] } as unknown as FigureSpec;

describe('outputItems', () => {
  it('a value is one markdown item with the markdown unchanged', () => {
    const markdown = '`x` = tensor (2, 3) float64 · min 0 · mean 1 · max 2 · NaN 0\n\n`[[0, 1, 2], …]`';
    const items = outputItems({ kind: 'value', line: 1, markdown, summary: { kind: 'tensor', shape: [2, 3], preview: '' } });
    assert.deepEqual(items.map((i) => i.mime), [MARKDOWN_MIME]);
    assert.equal(decode(items[0].data), markdown);
  });

  it('a figure is the spec as JSON first, then its markdown fallback', () => {
    const items = outputItems({ kind: 'figure', line: 2, spec, markdown: '*Figure — scores*' });
    assert.deepEqual(items.map((i) => i.mime), [FIGURE_MIME, MARKDOWN_MIME]);
    assert.deepEqual(JSON.parse(decode(items[0].data)), spec);
    assert.equal(decode(items[1].data), '*Figure — scores*');
  });

  it('an error is one error item whose message starts with the cell position', () => {
    const output: CellOutput = { kind: 'error', line: 3, column: 5, name: 'InputError', message: 'qfl: beta should be finite, but is NaN' };
    const items = outputItems(output);
    assert.deepEqual(items.map((i) => i.mime), [ERROR_MIME]);
    const payload = JSON.parse(decode(items[0].data)) as Record<string, unknown>;
    assert.deepEqual(payload, {
      name: 'InputError',
      message: 'line 3, column 5: qfl: beta should be finite, but is NaN',
      stack: 'InputError: line 3, column 5: qfl: beta should be finite, but is NaN',
    });
  });

  it('a long error keeps its message on one line and wraps its stack, which the notebook draws, at 80 columns', () => {
    const message = `load: path should be a readable .npy, .npz, .safetensors, .json or .csv file, but is "data/example-export.npz", which does not exist`;
    const payload = errorPayload({ kind: 'error', line: 1, column: 8, name: 'InputError', message });
    assert.equal(payload.message, `line 1, column 8: ${message}`);
    const lines = payload.stack.split('\n');
    assert.ok(lines.length >= 2, payload.stack);
    for (const line of lines) assert.ok(line.length <= 80, line);
    assert.equal(lines.map((line) => line.trim()).join(' '), `InputError: ${payload.message}`);
  });

  it('an error about the whole cell (line 0) names no position', () => {
    const payload = errorPayload({ kind: 'error', line: 0, column: 0, name: 'KernelInterrupted', message: 'The cell was interrupted.' });
    assert.equal(payload.message, 'The cell was interrupted.');
  });

  it('the untrusted-workspace error says why and how to trust the workspace', () => {
    const output = untrustedOutput();
    assert.equal(output.kind, 'error');
    const { message } = errorPayload(output as Extract<CellOutput, { kind: 'error' }>);
    assert.match(message, /untrusted workspace/);
    assert.match(message, /workbench\.trust\.manage/);
  });

  it('the settings-restart note is markdown naming the settings and the reset', () => {
    const [item] = settingsRestartItems();
    assert.equal(item.mime, MARKDOWN_MIME);
    assert.match(decode(item.data), /losslab\.kernel\.memoryLimitMb.*losslab\.kernel\.elementCap.*scope was reset/);
  });
});

describe('toNotebookOutput', () => {
  it('builds one notebook output per cell output with the items in order', () => {
    const outputs: CellOutput[] = [
      { kind: 'value', line: 1, markdown: '`2`', summary: { kind: 'number', preview: '2' } },
      { kind: 'figure', line: 2, spec, markdown: 'fallback' },
      { kind: 'error', line: 4, column: 1, name: 'Error', message: 'Undefined symbol y' },
    ];
    const notebookOutputs = outputs.map((output) => toNotebookOutput(vscodeStub, output));
    assert.equal(notebookOutputs.length, 3);
    assert.deepEqual(
      notebookOutputs.map((o) => o.items.map((i) => i.mime)),
      [[MARKDOWN_MIME], [FIGURE_MIME, MARKDOWN_MIME], [ERROR_MIME]],
    );
    assert.equal((JSON.parse(decode(notebookOutputs[2].items[0].data)) as { message: string }).message, 'line 4, column 1: Undefined symbol y');
  });
});
