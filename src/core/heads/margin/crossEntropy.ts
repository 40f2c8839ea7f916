/**
 * The softmax cross-entropy both libraries put after their margin logits, over rows of (B, N)
 * logits, with its gradient. Computed as log-sum-exp minus the target logit (max-shifted), so any
 * scale is safe.
 */

/**
 * insightface's DistCrossEntropy clamps the target probability at 1e-30 before the log:
 * `loss.clamp_min_(1e-30).log_()`. A row below it costs −log(1e-30) ≈ 69.08, a constant.
 */
export const INSIGHTFACE_PROBABILITY_FLOOR = 1e-30;

export interface CrossEntropyRows {
  /** (B) −log p_target per row (the floor's constant on floored rows). */
  readonly losses: Float64Array;
  /** (B, N) d(mean loss)/d logit: (softmax − onehot)/B, and 0 on floored rows. */
  readonly gradLogits: Float64Array;
  /** The mean of losses over the B rows (0 for B = 0). */
  readonly loss: number;
  /** How many rows the floor replaced. */
  readonly flooredRows: number;
}

/**
 * Mean softmax cross-entropy of (B, N) logits against integer labels. With `floor`, a row whose
 * target probability is below it gets loss −log(floor) and a zero gradient: the clamped loss is
 * constant there, so zero is its true gradient (insightface's backward ignores the clamp and
 * returns softmax − onehot instead).
 */
export function crossEntropyRows(logits: Float64Array, labels: ArrayLike<number>, B: number, N: number, floor?: number): CrossEntropyRows {
  const losses = new Float64Array(B);
  const gradLogits = new Float64Array(B * N);
  const logFloor = floor === undefined ? -Infinity : Math.log(floor);
  let flooredRows = 0;
  let total = 0;
  for (let i = 0; i < B; i++) {
    const o = i * N;
    let max = -Infinity;
    for (let j = 0; j < N; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < N; j++) {
      const e = Math.exp(logits[o + j] - max);
      gradLogits[o + j] = e;
      sum += e;
    }
    const label = labels[i];
    const logP = logits[o + label] - max - Math.log(sum);
    if (logP < logFloor) {
      flooredRows++;
      losses[i] = -logFloor;
      gradLogits.fill(0, o, o + N);
    } else {
      losses[i] = -logP;
      for (let j = 0; j < N; j++) gradLogits[o + j] /= sum * B;
      gradLogits[o + label] -= 1 / B;
    }
    total += losses[i];
  }
  return { losses, gradLogits, loss: B === 0 ? 0 : total / B, flooredRows };
}
