import type { NotebookMemo } from '../../core/language/analysis/notebook';

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
