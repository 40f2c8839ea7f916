import { dflPoint } from '../losses/dfl';
import { focalPoint } from '../losses/focal';
import { qflPoint } from '../losses/qfl';
import { logSigmoid, sigmoid, softplus } from '../numerics';

/**
 * A pointwise function with its exact partial derivatives: what both plain evaluation and
 * forward-mode differentiation (`grad`, `plot(..., {grad: true})`) need.
 * A partial of `null` means "not differentiable with respect to this argument" (a vector of bin
 * logits, an integer count): differentiating through it is reported as an error, never as 0.
 */
export interface ScalarFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly evaluate: (args: readonly unknown[]) => { value: number; partials: (number | null)[] };
}

function numberAt(fn: string, args: readonly unknown[], index: number, name: string, fallback?: number): number {
  const value = args[index];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${fn}: argument ${index + 1} (${name}) should be a number`);
  return value;
}

function numericVector(fn: string, value: unknown, name: string): number[] {
  const raw = (value as { valueOf?: () => unknown } | null)?.valueOf?.() ?? value;
  const flat = Array.isArray(raw) && raw.length === 1 && Array.isArray(raw[0]) ? raw[0] : raw;
  if (!Array.isArray(flat) || !flat.every((v) => typeof v === 'number')) {
    throw new TypeError(`${fn}: ${name} should be a vector of numbers`);
  }
  return flat as number[];
}

function unary(name: string, f: (x: number) => number, df: (x: number) => number): ScalarFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    evaluate: (args) => {
      const x = numberAt(name, args, 0, 'x');
      return { value: f(x), partials: [df(x)] };
    },
  };
}

/** ∂/∂y of BCE(σ, y)·|y − σ|^β, with F.binary_cross_entropy's logs clamped at −100. */
function qflTargetPartial(sigma: number, y: number, beta: number): number {
  const logP = Math.max(Math.log(sigma), -100);
  const logQ = Math.max(Math.log1p(-sigma), -100);
  const bce = -y * logP - (1 - y) * logQ;
  const u = y - sigma;
  if (u === 0) return beta === 0 ? logQ - logP : 0;
  const modulator = Math.pow(Math.abs(u), beta);
  return (logQ - logP) * modulator + (bce * beta * modulator) / u;
}

/**
 * LossLab's pointwise functions. The losses here are the scalar forms that draw the paper's
 * curves; the same names called with matrices run the batched losses (`functions.ts`).
 */
export const SCALAR_FUNCTIONS: readonly ScalarFunction[] = [
  unary('sigmoid', sigmoid, (x) => sigmoid(x) * sigmoid(-x)),
  unary('softplus', softplus, sigmoid),
  unary('logsigmoid', logSigmoid, (x) => sigmoid(-x)),
  {
    // qfl(σ, y, β = 2): QFL of a probability σ against a soft target y.
    name: 'qfl',
    minArgs: 2,
    maxArgs: 3,
    evaluate: (args) => {
      const sigma = numberAt('qfl', args, 0, 'sigma');
      const y = numberAt('qfl', args, 1, 'y');
      const beta = numberAt('qfl', args, 2, 'beta', 2);
      const { value, dSigma } = qflPoint(sigma, y, beta);
      const magnitude = Math.abs(y - sigma);
      const dBeta = magnitude === 0 ? 0 : value * Math.log(magnitude);
      return { value, partials: [dSigma, qflTargetPartial(sigma, y, beta), dBeta] };
    },
  },
  {
    // focal(p, y, α = 0.25, γ = 2): focal loss of a probability p against a target y.
    name: 'focal',
    minArgs: 2,
    maxArgs: 4,
    evaluate: (args) => {
      const p = numberAt('focal', args, 0, 'p');
      const y = numberAt('focal', args, 1, 'y');
      const alpha = numberAt('focal', args, 2, 'alpha', 0.25);
      const gamma = numberAt('focal', args, 3, 'gamma', 2);
      const { value, dP } = focalPoint(p, y, alpha, gamma);
      return { value, partials: [dP, null, null, null] };
    },
  },
  {
    // dfl(z, y): DFL of one vector of bin logits z against a continuous target y.
    name: 'dfl',
    minArgs: 2,
    maxArgs: 2,
    evaluate: (args) => {
      const logits = numericVector('dfl', args[0], 'logits');
      const y = numberAt('dfl', args, 1, 'y');
      const point = dflPoint(logits, y);
      // Between two bins the loss is wl·CE(left) + wr·CE(right) with wl = right − y, so
      // ∂/∂y = CE(right) − CE(left) = z_left − z_right; a clamped target does not move it.
      const dy = point.clamped ? 0 : logits[point.left] - logits[point.right];
      return { value: point.value, partials: [null, dy] };
    },
  },
  {
    // arcface_logit(θ, m): the ArcFace target logit cos(θ + m) before scaling (the paper form).
    name: 'arcface_logit',
    minArgs: 2,
    maxArgs: 2,
    evaluate: (args) => {
      const theta = numberAt('arcface_logit', args, 0, 'theta');
      const m = numberAt('arcface_logit', args, 1, 'm');
      const slope = -Math.sin(theta + m);
      return { value: Math.cos(theta + m), partials: [slope, slope] };
    },
  },
  {
    // triplet_hinge(d_ap, d_an, margin = 1) = max(d_ap − d_an + margin, 0).
    name: 'triplet_hinge',
    minArgs: 2,
    maxArgs: 3,
    evaluate: (args) => {
      const dap = numberAt('triplet_hinge', args, 0, 'd_ap');
      const dan = numberAt('triplet_hinge', args, 1, 'd_an');
      const margin = numberAt('triplet_hinge', args, 2, 'margin', 1);
      const inside = dap - dan + margin;
      // PyTorch's clamp_min passes the gradient where its input is ≥ 0.
      return { value: Math.max(inside, 0), partials: inside >= 0 ? [1, -1, 1] : [0, 0, 0] };
    },
  },
];

export const SCALAR_FUNCTIONS_BY_NAME: ReadonlyMap<string, ScalarFunction> = new Map(
  SCALAR_FUNCTIONS.map((f) => [f.name, f]),
);
