import type { CellOutput } from '../language/session';
import { FIGURE_MIME } from '../figures/spec';
import type { OutputItemModel, OutputModel } from './format';

/**
 * How a cell's outputs are stored: the one mapping from the session's CellOutput to the notebook's
 * output model, used by the VS Code kernel and the headless runner alike, so a notebook run in
 * either reads (and diffs) the same.
 *
 * - a value: one output, one `text/markdown` item;
 * - a figure: one output with two items, the FIGURE_MIME spec (JSON) and a `text/markdown`
 *   fallback for viewers without the renderer;
 * - an error: one output, one ERROR_MIME item holding `{name, message, stack}` as VS Code's
 *   `NotebookCellOutputItem.error` does, where `stack` locates the error in the cell instead of
 *   in LossLab's own code.
 */

export const MARKDOWN_MIME = 'text/markdown';
/** VS Code's mime for errors, drawn by its built-in error renderer. */
export const ERROR_MIME = 'application/vnd.code.notebook.error';

export interface ErrorPayload {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

/** The JSON an error output stores; `stack` reads `name: message` then `at line L, column C`. */
export function errorPayload(output: Extract<CellOutput, { kind: 'error' }>): ErrorPayload {
  const { name, message, line, column } = output;
  return { name, message, stack: `${name}: ${message}\n    at line ${line}, column ${column}` };
}

/** One session output as one notebook output. */
export function cellOutputToModel(output: CellOutput): OutputModel {
  switch (output.kind) {
    case 'value':
      return outputOf([textItem(MARKDOWN_MIME, output.markdown)]);
    case 'figure':
      return outputOf([textItem(FIGURE_MIME, JSON.stringify(output.spec)), textItem(MARKDOWN_MIME, output.markdown)]);
    case 'error':
      return outputOf([textItem(ERROR_MIME, JSON.stringify(errorPayload(output)))]);
  }
}

/** A cell's outputs, in order. */
export function cellOutputsToModels(outputs: readonly CellOutput[]): OutputModel[] {
  return outputs.map(cellOutputToModel);
}

function outputOf(items: OutputItemModel[]): OutputModel {
  return { items, metadata: {}, extra: {} };
}

function textItem(mime: string, text: string): OutputItemModel {
  return { mime, data: new TextEncoder().encode(text), extra: {} };
}
