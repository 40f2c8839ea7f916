/**
 * Reducers: how a list of per-element losses becomes one scalar, with pml's semantics
 * (`reducers/mean_reducer.py`, `reducers/threshold_reducer.py`, `reducers/avg_non_zero_reducer.py`).
 *
 * - `mean`: the mean of all losses, zeros included.
 * - `avg_non_zero`: pml `AvgNonZeroReducer` = `ThresholdReducer(low=0)`: the mean of the losses
 *   strictly > 0, or 0 when none is.
 * - `threshold`: the mean of the losses with low < loss < high (both strict, either bound absent),
 *   or 0 when none passes.
 *
 * With nothing to reduce (no triplet, no pair) every reducer gives 0 with a zero gradient: pml
 * returns `zero_loss` (`sum(embeddings · 0)`) before reducing.
 */
import { InputError, describeValue } from '../errors';

export type Reducer =
  | { readonly kind: 'mean' }
  | { readonly kind: 'avg_non_zero' }
  | { readonly kind: 'threshold'; readonly low: number | null; readonly high: number | null };

/** A reduced loss and ∂loss/∂losses[k] (the same for every kept element). */
export interface Reduced {
  readonly loss: number;
  /** (N) the weight of each element in the mean: 1/kept for kept elements, 0 for the others. */
  readonly weights: Float64Array;
  /** Elements the reducer kept (all of them for `mean`). */
  readonly numPastFilter: number;
}

/** Validates a reducer named in options (pml names: `mean`, `avg_non_zero`, `threshold`). */
export function resolveReducer(fn: string, kind: unknown, low: unknown = null, high: unknown = null): Reducer {
  if (kind === 'mean' || kind === 'avg_non_zero') return { kind };
  if (kind !== 'threshold') throw new InputError(fn, 'options.reducer', "one of 'mean', 'avg_non_zero', 'threshold'", describeValue(kind));
  const bound = (name: string, value: unknown): number | null => {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'number' || Number.isNaN(value)) throw new InputError(fn, `options.${name}`, 'a number or null (absent)', describeValue(value));
    return value;
  };
  const lo = bound('reducer_low', low);
  const hi = bound('reducer_high', high);
  if (lo === null && hi === null) throw new InputError(fn, 'options.reducer_low', "a number when reducer is 'threshold' (or give reducer_high)", 'missing with reducer_high missing');
  return { kind: 'threshold', low: lo, high: hi };
}

/** Applies the reducer to `losses` (N), low bound first then high, as pml's ThresholdReducer. */
export function reduceLosses(reducer: Reducer, losses: Float64Array): Reduced {
  const N = losses.length;
  const weights = new Float64Array(N);
  const low = reducer.kind === 'avg_non_zero' ? 0 : reducer.kind === 'threshold' ? reducer.low : null;
  const high = reducer.kind === 'threshold' ? reducer.high : null;
  let kept = 0;
  let sum = 0;
  for (let k = 0; k < N; k++) {
    const v = losses[k];
    if ((low !== null && !(v > low)) || (high !== null && !(v < high))) continue;
    weights[k] = 1;
    kept++;
    sum += v;
  }
  if (kept === 0) return { loss: 0, weights, numPastFilter: 0 };
  const scale = 1 / kept;
  for (let k = 0; k < N; k++) weights[k] *= scale;
  return { loss: sum / kept, weights, numPastFilter: kept };
}

/**
 * The reducer as open bounds low < loss < high (±∞ where absent) for losses reduced in the same
 * pass that computes them; `all` keeps everything, NaN included, as `mean` does in reduceLosses.
 * Every reducer gives each kept element the weight 1/kept. Agrees with reduceLosses on finite
 * losses, which is what the hinge and softplus give from finite distances (a test checks it); an
 * infinite loss would fall outside an absent bound here and inside it there.
 */
export function keptBounds(reducer: Reducer): { readonly all: boolean; readonly low: number; readonly high: number } {
  if (reducer.kind === 'mean') return { all: true, low: -Infinity, high: Infinity };
  if (reducer.kind === 'avg_non_zero') return { all: false, low: 0, high: Infinity };
  return { all: false, low: reducer.low ?? -Infinity, high: reducer.high ?? Infinity };
}
