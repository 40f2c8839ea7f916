import type * as vscode from 'vscode';
import { FIGURE_MIME } from '../../core/figures/spec';
import type { CellOutput } from '../../core/language/session';
import { wrapText } from '../../core/notebook/wrapText';

/**
 * How a cell's outputs become notebook outputs. Each CellOutput becomes one NotebookCellOutput:
 * a value is one text/markdown item; a figure is the figure spec as JSON under FIGURE_MIME plus a
 * text/markdown fallback (for viewers without the renderer, and for diffs); an error is one item
 * of VS Code's error mime whose message starts with the cell position ("line 3, column 5: …").
 * The mapping to plain items is pure; `toNotebookOutput` only applies the `vscode` constructors,
 * which the caller passes in (tests pass a stand-in).
 */

export const MARKDOWN_MIME = 'text/markdown';
/** The mime `vscode.NotebookCellOutputItem.error` produces; VS Code renders it as an error. */
export const ERROR_MIME = 'application/vnd.code.notebook.error';

/** One output item before it becomes a `vscode.NotebookCellOutputItem`. */
export interface OutputItemData {
  readonly mime: string;
  readonly data: Uint8Array;
}

/** What VS Code's error renderer reads: the same three fields `NotebookCellOutputItem.error` stores. */
export interface ErrorPayload {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

const encoder = new TextEncoder();
const textItem = (mime: string, text: string): OutputItemData => ({ mime, data: encoder.encode(text) });

/**
 * The error as the notebook shows it. Line 0 marks an error about the whole cell (a stopped kernel,
 * an untrusted workspace), which has no position to name. The stack holds no JavaScript frames
 * (the worker's mean nothing to someone writing a cell): it is `name: message` broken into lines
 * of at most ERROR_WRAP_COLUMNS, while `message` stays one line, for the API.
 */
export function errorPayload(output: Extract<CellOutput, { kind: 'error' }>): ErrorPayload {
  const message = output.line >= 1 ? `line ${output.line}, column ${output.column}: ${output.message}` : output.message;
  // Wrapped here: VS Code's error renderer draws the stack unwrapped unless the user turned on
  // notebook.output.wordWrap for every notebook.
  return { name: output.name, message, stack: wrapText(`${output.name}: ${message}`) };
}

/** The items of the one notebook output a CellOutput becomes, richest first. */
export function outputItems(output: CellOutput): OutputItemData[] {
  switch (output.kind) {
    case 'value':
      return [textItem(MARKDOWN_MIME, output.markdown)];
    case 'figure':
      return [textItem(FIGURE_MIME, JSON.stringify(output.spec)), textItem(MARKDOWN_MIME, output.markdown)];
    case 'error':
      return [textItem(ERROR_MIME, JSON.stringify(errorPayload(output)))];
  }
}

/** The error a cell shows instead of running in an untrusted workspace. */
export function untrustedOutput(): CellOutput {
  return {
    kind: 'error',
    line: 0,
    column: 0,
    name: 'WorkspaceNotTrusted',
    message:
      'LossLab does not run cells in an untrusted workspace (Restricted Mode): a cell can read files. ' +
      'If you trust this folder, run the command "Workspaces: Manage Workspace Trust" (workbench.trust.manage) and trust it, then run the cell again.',
  };
}

/** A note shown above a cell's outputs when its kernel was restarted first to apply new settings. */
export function settingsRestartItems(): OutputItemData[] {
  return [
    textItem(
      MARKDOWN_MIME,
      '*The LossLab kernel was restarted to apply changed `losslab.kernel.memoryLimitMb`, `losslab.kernel.elementCap` or `losslab.dfl.binConvention` settings, so the scope was reset: re-run the cells that define the variables this cell uses.*',
    ),
  ];
}

/** The `vscode` constructors `toNotebookOutput` needs: the module itself, or a test stand-in. */
export interface VscodeOutputApi {
  readonly NotebookCellOutput: new (items: vscode.NotebookCellOutputItem[], metadata?: Record<string, unknown>) => vscode.NotebookCellOutput;
  readonly NotebookCellOutputItem: new (data: Uint8Array, mime: string) => vscode.NotebookCellOutputItem;
}

/** Builds the notebook output for items (from `outputItems` or `settingsRestartItems`). */
export function itemsToNotebookOutput(api: VscodeOutputApi, items: readonly OutputItemData[]): vscode.NotebookCellOutput {
  return new api.NotebookCellOutput(items.map((item) => new api.NotebookCellOutputItem(item.data, item.mime)));
}

/** The one notebook output a CellOutput becomes. */
export function toNotebookOutput(api: VscodeOutputApi, output: CellOutput): vscode.NotebookCellOutput {
  return itemsToNotebookOutput(api, outputItems(output));
}
