import type * as vscode from 'vscode';
import type { Definition } from '../../core/language/analysis/definitions';
import type { NotebookMemo } from '../../core/language/analysis/checkMemo';
import { notebookOf } from './cellContext';

/** The analysis bundle, required once, on the first check, completion or parameter hint. */
type Analysis = typeof import('./analysis');

let loading: Promise<Analysis> | undefined;

export function analysis(): Promise<Analysis> {
  loading ??= import('./analysis');
  return loading;
}

const memos = new Map<string, NotebookMemo>();

/**
 * What the checks of a notebook keep from one to the next (its cells' definitions and diagnostics
 * by text), also read by completion and parameter hints in its cells.
 */
export async function notebookMemo(notebookUri: string): Promise<NotebookMemo> {
  const { NotebookMemo } = await analysis();
  let memo = memos.get(notebookUri);
  if (memo === undefined) memos.set(notebookUri, (memo = new NotebookMemo()));
  return memo;
}

/** Forgets a closed notebook's memo. */
export function forgetNotebookMemo(notebookUri: string): void {
  memos.delete(notebookUri);
}

/**
 * `definitionsIn` for the cells above a cell document, remembered from its notebook's last check;
 * undefined (read afresh) for a plain file, which has no cells above.
 */
export async function rememberedDefinitions(document: vscode.TextDocument): Promise<((text: string, cell: number) => Definition[]) | undefined> {
  const notebook = notebookOf(document)?.notebook;
  return notebook === undefined ? undefined : (await notebookMemo(notebook.uri.toString())).definitions.of;
}
