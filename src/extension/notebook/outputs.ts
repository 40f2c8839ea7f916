import type * as vscode from 'vscode';
import type { CellOutput } from '../../core/language/session';
import { MARKDOWN_MIME, outputItems, textItem, type OutputItemData } from '../../core/notebook/outputs';

/**
 * The VS Code side of a cell's outputs: the items come from the core's one mapping
 * (core/notebook/outputs.ts, shared with `losslab run`); `toNotebookOutput` only applies the
 * `vscode` constructors, which the caller passes in (tests pass a stand-in). Also the two outputs
 * only the editor shows: the untrusted-workspace error and the settings-restart note.
 */

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
