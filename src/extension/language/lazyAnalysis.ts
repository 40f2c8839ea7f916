import type { DefinitionMemo } from '../../core/language/analysis/notebook';

/** The analysis bundle, required once, on the first check, completion or parameter hint. */
type Analysis = typeof import('./analysis');

let loading: Promise<Analysis> | undefined;

export function analysis(): Promise<Analysis> {
  loading ??= import('./analysis');
  return loading;
}

let memo: DefinitionMemo | undefined;

/**
 * The cells' definitions by text, shared by the checks, completion and parameter hints, so that a
 * request in a long notebook reads again only the cells that changed.
 */
export async function definitionMemo(): Promise<DefinitionMemo> {
  const { DefinitionMemo } = await analysis();
  memo ??= new DefinitionMemo();
  return memo;
}
