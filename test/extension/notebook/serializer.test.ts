import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { InputError } from '../../../src/core/errors';
import { LossLabNotebookSerializer, PRESERVED_KEY, type VscodeNotebookApi } from '../../../src/extension/notebook/serializer';
import { brokenRows, fileText, roundTripRows } from '../../helpers/notebook-cases';
import { vscodeStub } from '../../helpers/vscode-stub';

// Compile-time check that the extension can pass the real module: `new LossLabNotebookSerializer(vscode)`.
export type RealModuleFits = typeof vscode extends VscodeNotebookApi ? true : never;
const realModuleFits: RealModuleFits = true;

const serializer = new LossLabNotebookSerializer(vscodeStub);
const { Code, Markup } = vscodeStub.NotebookCellKind;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(data);
const open = (file: string): vscode.NotebookData => serializer.deserializeNotebook(bytes(file));
const row = (name: string): string => {
  const found = roundTripRows.find((r) => r.name === name);
  assert.ok(found, name);
  return found.text;
};

/** What VS Code hands back on save: fresh objects built from what the editor holds, not ours. */
function reopenedByEditor(data: vscode.NotebookData): vscode.NotebookData {
  const copy = new vscodeStub.NotebookData(
    data.cells.map((cell) => {
      const c = new vscodeStub.NotebookCellData(cell.kind, cell.value, cell.languageId);
      c.metadata = structuredClone(cell.metadata ?? {});
      c.outputs = (cell.outputs ?? []).map((o) => new vscodeStub.NotebookCellOutput(o.items.map((i) => new vscodeStub.NotebookCellOutputItem(Buffer.from(i.data), i.mime)), structuredClone(o.metadata)));
      // VS Code reports every field of the summary, undefined when the cell never ran.
      const s = cell.executionSummary;
      c.executionSummary = { executionOrder: s?.executionOrder, success: s?.success, timing: s?.timing && { ...s.timing } };
      return c;
    }),
  );
  data.metadata = data.metadata ?? {};
  copy.metadata = structuredClone(data.metadata);
  return copy;
}

describe('round trip bytes → NotebookData → bytes', () => {
  assert.equal(realModuleFits, true);
  for (const r of roundTripRows) {
    it(`is byte for byte: ${r.name}`, () => {
      const data = open(r.text);
      assert.equal(text(serializer.serializeNotebook(data)), r.text);
      assert.equal(text(serializer.serializeNotebook(reopenedByEditor(data))), r.text);
    });
  }
});

describe('what VS Code sees', () => {
  it('an empty (0-byte) file opens as a new empty notebook', () => {
    const data = serializer.deserializeNotebook(new Uint8Array(0));
    assert.deepStrictEqual(data.cells, []);
  });

  it('cells with their kind, language, source and metadata, and no reserved key when nothing is unknown', () => {
    const data = open(row('a whole notebook'));
    assert.deepStrictEqual(data.metadata, { losslab: { kernel: 'worker' } });
    const [md, code] = data.cells;
    assert.deepStrictEqual([md.kind, md.languageId, md.value], [Markup, 'markdown', '# QFL vs focal\nWith β = 2.']);
    assert.deepStrictEqual([code.kind, code.languageId, code.value], [Code, 'losslab', 'p = sigmoid(linspace(-5, 5, 101))\nplot(qfl(p, 0.5, 2))']);
    assert.deepStrictEqual(code.metadata, { tags: ['figure'] });
    assert.deepStrictEqual(code.executionSummary, { executionOrder: 1, success: true, timing: { startTime: 10, endTime: 25 } });
    assert.equal(md.executionSummary, undefined);
  });

  it('output items in their order with their exact bytes', () => {
    const [output] = open(row('mime order: rich first')).cells[0].outputs ?? [];
    assert.deepStrictEqual(output.items.map((i) => i.mime), ['application/vnd.losslab.figure+json', 'image/png', 'text/markdown', 'text/plain']);
    assert.deepStrictEqual([...output.items[1].data], [137, 80, 78, 71, 13, 10, 26, 10]);
    assert.equal(text(output.items[2].data), '**0.25**');
  });

  it('CRLF source reaches the editor unchanged', () => {
    assert.equal(open(row('CRLF in source')).cells[0].value, 'a\r\nb\r\n\r\nc');
  });

  it('unknown fields travel in metadata under the reserved key', () => {
    const data = open(row('unknown output and item fields'));
    const output = data.cells[0].outputs?.[0];
    assert.deepStrictEqual(output?.metadata, { m: 1, [PRESERVED_KEY]: { fields: { id: 'out-1', future: [null] }, items: [{ note: 'item extra' }, { dpi: 96 }] } });
    assert.deepStrictEqual(open(row('unknown top-level fields')).metadata, { a: 1, [PRESERVED_KEY]: { fields: { zeta: { nested: [1, { deep: true }] }, alpha: 'kept after cells, in file order', empty: {} } } });
  });

  it('a mime in another case is normalised by VS Code and saved lowercase', () => {
    const file = fileText({ version: 1, cells: [{ kind: 'code', language: 'losslab', source: [], outputs: [{ items: [{ mime: 'Text/Plain', data: ['x'] }] }] }] });
    assert.equal(text(serializer.serializeNotebook(open(file))), file.replace('Text/Plain', 'text/plain'));
  });
});

describe('saving what the editor made', () => {
  it('writes new cells, never-run summaries and default languages canonically', () => {
    const md = new vscodeStub.NotebookCellData(Markup, '# Notes\r\n', 'markdown');
    const code = new vscodeStub.NotebookCellData(Code, 'qfl(p, y)', 'losslab');
    code.executionSummary = { executionOrder: undefined, success: undefined, timing: undefined };
    const ran = new vscodeStub.NotebookCellData(Code, '', '');
    ran.executionSummary = { executionOrder: 2, success: true };
    ran.outputs = [
      new vscodeStub.NotebookCellOutput([
        new vscodeStub.NotebookCellOutputItem(bytes('{"name":"Error","message":"boom"}'), 'application/vnd.code.notebook.error'),
        new vscodeStub.NotebookCellOutputItem(new Uint8Array([0, 255]), 'image/png'),
      ]),
    ];
    const expected = fileText({
      version: 1,
      cells: [
        { kind: 'markdown', language: 'markdown', source: ['# Notes\r\n'] },
        { kind: 'code', language: 'losslab', source: ['qfl(p, y)'] },
        {
          kind: 'code',
          language: 'losslab',
          execution: { executionOrder: 2, success: true },
          source: [],
          outputs: [{ items: [{ mime: 'application/vnd.code.notebook.error', data: ['{"name":"Error","message":"boom"}'] }, { mime: 'image/png', encoding: 'base64', data: 'AP8=' }] }],
        },
      ],
    });
    assert.equal(text(serializer.serializeNotebook(new vscodeStub.NotebookData([md, code, ran]))), expected);
  });

  it('stores metadata as JSON would (undefined dropped, dates as strings)', () => {
    const cell = new vscodeStub.NotebookCellData(Code, '1', 'losslab');
    cell.metadata = { gone: undefined, when: new Date(0), list: [1, undefined] };
    const expected = fileText({ version: 1, cells: [{ kind: 'code', language: 'losslab', metadata: { when: '1970-01-01T00:00:00.000Z', list: [1, null] }, source: ['1'] }] });
    assert.equal(text(serializer.serializeNotebook(new vscodeStub.NotebookData([cell]))), expected);
  });

  it('keeps edits to metadata and source while keeping unknown fields', () => {
    const data = open(row('unknown cell fields'));
    const cell = data.cells[0];
    cell.value = '2';
    cell.metadata = { ...cell.metadata, m: 2 };
    const expected = fileText({
      version: 1,
      cells: [{ kind: 'code', language: 'losslab', metadata: { m: 2 }, execution: { executionOrder: 1 }, source: ['2'], outputs: [{ items: [{ mime: 'text/plain', data: ['1'] }] }], id: 'cell-7', attachments: { 'a.png': 'x' } }],
    });
    assert.equal(text(serializer.serializeNotebook(reopenedByEditor(data))), expected);
  });

  it('ignores a reserved entry that is not an object', () => {
    const cell = new vscodeStub.NotebookCellData(Code, '', 'losslab');
    cell.metadata = { [PRESERVED_KEY]: 'mangled', keep: 1 };
    const expected = fileText({ version: 1, cells: [{ kind: 'code', language: 'losslab', metadata: { keep: 1 }, source: [] }] });
    assert.equal(text(serializer.serializeNotebook(new vscodeStub.NotebookData([cell]))), expected);
  });
});

describe('broken files fail to open (so they can never be saved over as an empty notebook)', () => {
  for (const r of brokenRows) {
    it(`refuses ${r.name}`, () => {
      assert.throws(() => open(r.text), (error: unknown) => error instanceof InputError && r.message.test(error.message) && error.argument === r.argument);
    });
  }

  it('refuses bytes that are not UTF-8', () => {
    assert.throws(() => serializer.deserializeNotebook(new Uint8Array([0x7b, 0xff, 0x7d])), /deserializeNotebook: the file should be UTF-8 text/);
  });

  it('refuses a file whose own metadata uses the reserved key', () => {
    const file = fileText({ version: 1, cells: [{ kind: 'code', metadata: { [PRESERVED_KEY]: {} } }] });
    assert.throws(() => open(file), (error: unknown) => error instanceof InputError && error.argument === `cells[0].metadata["${PRESERVED_KEY}"]`);
  });

  it('opens a file that starts with a byte-order mark', () => {
    const file = row('a whole notebook');
    const data = serializer.deserializeNotebook(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(file)]));
    assert.equal(text(serializer.serializeNotebook(data)), file);
  });
});
