import assert from 'node:assert/strict';
import type { Tensor } from '../../src/core/tensor';

/**
 * Central finite differences of a scalar function of one tensor, element by element. The step is
 * relative to each element's magnitude so that large and small inputs are both probed sensibly.
 */
export function finiteDifference(f: (input: Tensor) => number, input: Tensor, relativeStep = 1e-6): Float64Array {
  const out = new Float64Array(input.data.length);
  const probe = new Float64Array(input.data);
  for (let i = 0; i < probe.length; i++) {
    const original = probe[i];
    const h = relativeStep * Math.max(1, Math.abs(original));
    probe[i] = original + h;
    const plus = f({ shape: input.shape, data: probe });
    probe[i] = original - h;
    const minus = f({ shape: input.shape, data: probe });
    probe[i] = original;
    out[i] = (plus - minus) / (2 * h);
  }
  return out;
}

/** Asserts an analytic gradient matches finite differences within `atol + rtol·|fd|`. */
export function assertGradientMatches(
  label: string,
  analytic: Float64Array,
  numeric: Float64Array,
  { atol = 1e-6, rtol = 1e-5 }: { atol?: number; rtol?: number } = {},
): void {
  assert.equal(analytic.length, numeric.length, `${label}: gradient length`);
  for (let i = 0; i < analytic.length; i++) {
    const tolerance = atol + rtol * Math.abs(numeric[i]);
    if (!(Math.abs(analytic[i] - numeric[i]) <= tolerance)) {
      assert.fail(`${label}: element ${i}: analytic ${analytic[i]} vs finite difference ${numeric[i]} (tolerance ${tolerance})`);
    }
  }
}

/** Asserts two arrays agree elementwise within `atol + rtol·|want|`. */
export function assertClose(
  label: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  { atol = 1e-12, rtol = 1e-10 }: { atol?: number; rtol?: number } = {},
): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < got.length; i++) {
    const tolerance = atol + rtol * Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= tolerance)) {
      assert.fail(`${label}: element ${i}: got ${got[i]}, want ${want[i]} (tolerance ${tolerance})`);
    }
  }
}

export function assertAllFinite(label: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) assert.fail(`${label}: element ${i} is ${values[i]}`);
  }
}
