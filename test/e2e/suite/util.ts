/**
 * Shared steps of the extension-host suite: it runs inside a real VS Code extension host (through
 * @vscode/test-electron or code-server's extensionTestsPath), so everything here talks to the real
 * `vscode` API. Every wait is bounded and names what it was waiting for when it gives up.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** `publisher.name` of package.json. */
export const EXTENSION_ID = 'losslab.losslab';
/** The id the extension gives its NotebookController. */
export const CONTROLLER_ID = 'losslab-kernel';
/** Written out rather than imported: the suite checks the product against the documented names. */
export const FIGURE_MIME = 'application/vnd.losslab.figure+json';
export const ERROR_MIME = 'application/vnd.code.notebook.error';
export const NOTEBOOK_TYPE = 'losslab';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`
 * with a message that says what never happened (and the last thing seen, if `describe` is given).
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  describe?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const seen = describe === undefined ? '' : ` (last seen: ${describe()})`;
      throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${what}${seen}`);
    }
    await sleep(100);
  }
}

/** Rejects with a clear message if `promise` has not settled after `timeoutMs`. */
export async function withTimeout<T>(what: string, promise: Thenable<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${(timeoutMs / 1000).toFixed(1)} s: ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in this extension host`);
  await withTimeout('activating the extension', extension.activate(), 30_000);
  return extension;
}

/** The folder the run opened; the runners put copies of samples/ in it, never the repository's own. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder (the runners open one)');
  return folder.uri;
}

/** Opens a notebook in an editor, with the LossLab kernel selected for it. */
export async function showNotebook(notebookOrUri: vscode.NotebookDocument | vscode.Uri): Promise<vscode.NotebookEditor> {
  const notebook =
    notebookOrUri instanceof vscode.Uri ? await withTimeout(`opening ${notebookOrUri.path}`, vscode.workspace.openNotebookDocument(notebookOrUri), 30_000) : notebookOrUri;
  const editor = await withTimeout(`showing ${notebook.uri.path}`, vscode.window.showNotebookDocument(notebook), 30_000);
  // A single matching controller is usually picked automatically; selecting it makes that certain.
  await withTimeout(
    'selecting the LossLab kernel',
    vscode.commands.executeCommand('_notebook.selectKernel', { id: CONTROLLER_ID, extension: EXTENSION_ID }),
    15_000,
  );
  return editor;
}

export const codeCells = (notebook: vscode.NotebookDocument): vscode.NotebookCell[] =>
  notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code);

const decoder = new TextDecoder();

/** The error outputs of a cell, as "name: message" lines. */
export function errorOutputs(cell: vscode.NotebookCell): string[] {
  return cell.outputs.flatMap((output) =>
    output.items
      .filter((item) => item.mime === ERROR_MIME)
      .map((item) => {
        try {
          const parsed = JSON.parse(decoder.decode(item.data)) as { name?: string; message?: string };
          return `${parsed.name ?? 'Error'}: ${parsed.message ?? ''}`;
        } catch {
          return decoder.decode(item.data);
        }
      }),
  );
}

/** The items of a cell's outputs with the given mime, decoded as text. */
export function outputTexts(cell: vscode.NotebookCell, mime: string): string[] {
  return cell.outputs.flatMap((output) => output.items.filter((item) => item.mime === mime).map((item) => decoder.decode(item.data)));
}

/** Whether the cell ran (started and ended) since `since` (ms since the epoch). */
const ranSince = (cell: vscode.NotebookCell, since: number): boolean => {
  const summary = cell.executionSummary;
  return summary?.timing !== undefined && summary.timing.startTime >= since && summary.success !== undefined;
};

export interface RunAllResult {
  /** "cell 3: RangeError: …" for every code cell that failed, did not run, or has an error output. */
  readonly problems: string[];
  readonly ms: number;
}

/**
 * Runs every cell of the notebook in `editor` through VS Code's own "Run All" command and waits
 * until every code cell ran, or one failed (the kernel stops a run-all at the first error, so the
 * cells below it never run and waiting for them would only time out).
 */
export async function runAll(editor: vscode.NotebookEditor, timeoutMs: number): Promise<RunAllResult> {
  const notebook = editor.notebook;
  const started = Date.now() - 1;
  const cells = codeCells(notebook);
  await withTimeout(`running all cells of ${notebook.uri.path}`, vscode.commands.executeCommand('notebook.execute', notebook.uri), timeoutMs);
  await waitFor(
    `every code cell of ${notebook.uri.path} to finish`,
    () => cells.every((cell) => ranSince(cell, started)) || cells.some((cell) => ranSince(cell, started) && cell.executionSummary?.success === false),
    Math.max(5_000, timeoutMs - (Date.now() - started)),
    () => cells.map((cell) => `#${cell.index}:${cell.executionSummary?.success ?? '-'}`).join(' '),
  );
  const problems = cells.flatMap((cell) => {
    const errors = errorOutputs(cell).map((error) => `cell ${cell.index + 1}: ${error}`);
    if (errors.length > 0) return errors;
    if (!ranSince(cell, started)) return [`cell ${cell.index + 1}: did not run`];
    if (cell.executionSummary?.success !== true) return [`cell ${cell.index + 1}: ended without success`];
    return [];
  });
  return { problems, ms: Date.now() - started };
}

/** Closes every editor without saving, so that no test leaves a modified file or a dialog behind. */
export async function closeAllEditors(): Promise<void> {
  const open = (): number => vscode.window.tabGroups.all.reduce((n, group) => n + group.tabs.length, 0);
  for (let attempt = 0; attempt < 50 && open() > 0; attempt++) {
    const before = open();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    // Never "close all": a dirty editor would ask to be saved in a modal nobody answers.
    if (open() === before) await vscode.commands.executeCommand('workbench.action.nextEditor');
  }
}

/** The Markdown text of hover results, joined. */
export function hoverMarkdown(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n\n');
}

/** A fresh notebook file in the workspace's scratch folder, written through the real serializer. */
export async function scratchUri(name: string): Promise<vscode.Uri> {
  const folder = vscode.Uri.joinPath(workspaceRoot(), '.e2e-scratch');
  await vscode.workspace.fs.createDirectory(folder);
  return vscode.Uri.joinPath(folder, name);
}
