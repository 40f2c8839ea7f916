/** The analysis bundle, required once, on the first check, completion or parameter hint. */
type Analysis = typeof import('./analysis');

let loading: Promise<Analysis> | undefined;

export function analysis(): Promise<Analysis> {
  loading ??= import('./analysis');
  return loading;
}
