import { boundedStringify } from './boundedJson';
import type { CellOutput } from '../language/session';
import { FIGURE_MIME } from '../figures/spec';
import type { OutputItemModel, OutputModel } from './format';
import { wrapText } from './wrapText';

/**
 * How a cell's outputs are stored: the one mapping from the session's CellOutput to output items,
 * used by the VS Code kernel (src/extension/notebook/outputs.ts wraps the items in `vscode`
 * objects) and by the headless runner alike, so that a notebook run in either stores, and diffs,
 * the same bytes.
 *
 * - a value: one output, one `text/markdown` item;
 * - a figure: one output with two items, the FIGURE_MIME spec (JSON) and a `text/markdown`
 *   fallback for viewers without the renderer;
 * - an error: one output, one ERROR_MIME item holding `{name, message, stack}` as VS Code's
 *   `NotebookCellOutputItem.error` does (errorPayload).
 */

export const MARKDOWN_MIME = 'text/markdown';
/** VS Code's mime for errors (what `NotebookCellOutputItem.error` produces), drawn by its built-in error renderer. */
export const ERROR_MIME = 'application/vnd.code.notebook.error';

/** One output item as plain data: the mime and its bytes. */
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

/**
 * The error as the notebook shows it. Line 0 marks an error about the whole cell (a stopped kernel,
 * an untrusted workspace), which has no position to name. The stack holds no JavaScript frames
 * (they mean nothing to someone writing a cell): it is `name: message` broken into lines of at most
 * ERROR_WRAP_COLUMNS, because VS Code's error renderer draws the stack unwrapped unless the user
 * turned on `notebook.output.wordWrap` for every notebook; `message` stays one line, for the API.
 */
export function errorPayload(output: Extract<CellOutput, { kind: 'error' }>): ErrorPayload {
  const message = output.line >= 1 ? `line ${output.line}, column ${output.column}: ${output.message}` : output.message;
  return { name: output.name, message, stack: wrapText(`${output.name}: ${message}`) };
}

const encoder = new TextEncoder();
/** A text item: the text as UTF-8. */
export const textItem = (mime: string, text: string): OutputItemData => ({ mime, data: encoder.encode(text) });

/** The items of the one notebook output a CellOutput becomes, richest first. */
export function outputItems(output: CellOutput): OutputItemData[] {
  switch (output.kind) {
    case 'value':
      return [textItem(MARKDOWN_MIME, output.markdown)];
    case 'figure': {
      // A figure reaches here from a kernel or a file: its text is bounded and never throws.
      const json = boundedStringify(output.spec);
      if (!json.ok) return outputItems({ kind: 'error', line: output.line, column: 1, name: 'FigureError', message: `the figure cannot be stored: ${json.reason}` });
      return [textItem(FIGURE_MIME, json.text), textItem(MARKDOWN_MIME, output.markdown)];
    }
    case 'error':
      return [textItem(ERROR_MIME, JSON.stringify(errorPayload(output)))];
  }
}

/** One session output as one notebook output of the file model. */
export function cellOutputToModel(output: CellOutput): OutputModel {
  const items: OutputItemModel[] = outputItems(output).map((item) => ({ mime: item.mime, data: item.data, extra: {} }));
  return { items, metadata: {}, extra: {} };
}

/** A cell's outputs, in order. */
export function cellOutputsToModels(outputs: readonly CellOutput[]): OutputModel[] {
  return outputs.map(cellOutputToModel);
}
