import type * as vscode from 'vscode';
import type { VscodeNotebookApi } from '../../src/extension/notebook/serializer';

/**
 * A stand-in for the notebook classes of the `vscode` module, for tests that run in plain Node.
 * It copies the behaviour of VS Code's own classes (extHostTypes.ts) that a serializer can
 * observe: output items normalise their mime (lowercase type/subtype) and reject a malformed one,
 * and an output keeps only the first item of each mime except the stdout/stderr streams.
 */

const MIME = /^(.+)\/(.+?)(;.+)?$/;
const STREAMS = ['application/vnd.code.notebook.stdout', 'application/vnd.code.notebook.stderr'];

class NotebookCellOutputItem {
  readonly mime: string;

  constructor(
    readonly data: Uint8Array,
    mime: string,
  ) {
    const match = MIME.exec(mime);
    if (match === null) throw new Error(`INVALID mime type: ${mime}. Must be in the format "type/subtype[;optionalparameter]"`);
    this.mime = `${match[1].toLowerCase()}/${match[2].toLowerCase()}${match[3] ?? ''}`;
  }
}

class NotebookCellOutput {
  items: vscode.NotebookCellOutputItem[];
  metadata?: { [key: string]: unknown };

  constructor(items: vscode.NotebookCellOutputItem[], metadata?: { [key: string]: unknown }) {
    const seen = new Set<string>();
    this.items = items.filter(({ mime }) => {
      const keep = !seen.has(mime) || STREAMS.includes(mime);
      seen.add(mime);
      return keep;
    });
    this.metadata = metadata;
  }
}

class NotebookCellData {
  outputs?: vscode.NotebookCellOutput[];
  metadata?: { [key: string]: unknown };
  executionSummary?: vscode.NotebookCellExecutionSummary;

  constructor(
    public kind: vscode.NotebookCellKind,
    public value: string,
    public languageId: string,
  ) {}
}

class NotebookData {
  metadata?: { [key: string]: unknown };

  constructor(public cells: vscode.NotebookCellData[]) {}
}

export const vscodeStub: VscodeNotebookApi = {
  NotebookCellKind: { Markup: 1 as vscode.NotebookCellKind.Markup, Code: 2 as vscode.NotebookCellKind.Code },
  NotebookData,
  NotebookCellData,
  NotebookCellOutput,
  NotebookCellOutputItem,
};
