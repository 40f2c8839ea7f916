import { dflPoint } from '../losses/dfl';
import { focalPoint } from '../losses/focal';
import { qflPoint } from '../losses/qfl';
import { logSigmoid, sigmoid, softplus } from '../numerics';
import { FOCAL_OPTIONS, QFL_OPTIONS, TRIPLET_OPTIONS } from './builtins/defaults';
import { numberDefault } from './options';

/** The scalar forms' defaults are their batched forms' (builtins/defaults.ts). */
const QFL_BETA = numberDefault(QFL_OPTIONS, 'beta');
const FOCAL_ALPHA = numberDefault(FOCAL_OPTIONS, 'alpha');
const FOCAL_GAMMA = numberDefault(FOCAL_OPTIONS, 'gamma');
const TRIPLET_MARGIN = numberDefault(TRIPLET_OPTIONS, 'margin');

/**
 * A pointwise function with its exact partial derivatives: what both plain evaluation and
 * forward-mode differentiation (`grad`, `plot(..., {grad: true})`) need.
 * A partial of `null` means "not differentiable with respect to this argument" (a vector of bin
 * logits, an integer count): differentiating through it is reported as an error, never as 0.
 */
export interface ScalarFunction {
  readonly name: string;
  /** The documented form, e.g. `triplet_hinge(d_ap, d_an, margin = 1)`: what the editor shows and checks. */
  readonly signature: string;
  readonly summary: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /**
   * The parameters, in order; from position `optionsFrom` on they may be given by name in an option
   * object instead, as the batched form takes them: focal(p, y, {gamma: 2}).
   */
  readonly parameters: readonly string[];
  readonly optionsFrom?: number;
  readonly evaluate: (args: readonly unknown[]) => { value: number; partials: (number | null)[] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The arguments with a trailing option object spread into the positions its keys name
 * (focal(p, y, {gamma: 2}) → p, y, undefined, 2); the object's own position keeps it, so the
 * partials still line up with what the cell wrote (a constant object has no derivative).
 */
function spreadOptions(fn: string, args: readonly unknown[], parameters: readonly string[], optionsFrom: number | undefined): unknown[] {
  const last = args[args.length - 1];
  if (optionsFrom === undefined || args.length <= optionsFrom || !isPlainObject(last)) return [...args];
  const spread: unknown[] = args.slice(0, -1);
  const named = parameters.slice(optionsFrom);
  for (const [key, value] of Object.entries(last)) {
    const at = parameters.indexOf(key);
    if (at < optionsFrom) {
      throw new TypeError(`${fn}: option '${key}' is not one of the scalar form's (${named.join(', ')}); the options of arrays (reduction, weight, precision, …) need pred and target arrays`);
    }
    if (spread[at] !== undefined) throw new TypeError(`${fn}: ${key} is given twice, as argument ${at + 1} and in the options`);
    spread[at] = value;
  }
  return spread;
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

function unary(name: string, summary: string, f: (x: number) => number, df: (x: number) => number): ScalarFunction {
  return {
    name,
    signature: `${name}(x)`,
    summary,
    minArgs: 1,
    maxArgs: 1,
    parameters: ['x'],
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
  unary('sigmoid', '1 / (1 + e^−x) of a number, with its exact derivative.', sigmoid, (x) => sigmoid(x) * sigmoid(-x)),
  unary('softplus', 'log(1 + e^x) of a number, with its exact derivative.', softplus, sigmoid),
  unary('logsigmoid', 'log σ(x) of a number, with its exact derivative.', logSigmoid, (x) => sigmoid(-x)),
  {
    name: 'qfl',
    signature: `qfl(sigma, y, beta = ${QFL_BETA})`,
    summary: 'QFL of one probability σ against a soft target y; differentiable in σ, y and β.',
    minArgs: 2,
    maxArgs: 3,
    parameters: ['sigma', 'y', 'beta'],
    optionsFrom: 2,
    evaluate: (given) => {
      const args = spreadOptions('qfl', given, ['sigma', 'y', 'beta'], 2);
      const sigma = numberAt('qfl', args, 0, 'sigma');
      const y = numberAt('qfl', args, 1, 'y');
      const beta = numberAt('qfl', args, 2, 'beta', QFL_BETA);
      const { value, dSigma } = qflPoint(sigma, y, beta);
      const magnitude = Math.abs(y - sigma);
      const dBeta = magnitude === 0 ? 0 : value * Math.log(magnitude);
      return { value, partials: [dSigma, qflTargetPartial(sigma, y, beta), dBeta] };
    },
  },
  {
    name: 'focal',
    signature: `focal(p, y, alpha = ${FOCAL_ALPHA}, gamma = ${FOCAL_GAMMA})`,
    summary: 'The focal loss of one probability p against a target y; differentiable in p.',
    minArgs: 2,
    maxArgs: 4,
    parameters: ['p', 'y', 'alpha', 'gamma'],
    optionsFrom: 2,
    evaluate: (given) => {
      const args = spreadOptions('focal', given, ['p', 'y', 'alpha', 'gamma'], 2);
      const p = numberAt('focal', args, 0, 'p');
      const y = numberAt('focal', args, 1, 'y');
      const alpha = numberAt('focal', args, 2, 'alpha', FOCAL_ALPHA);
      const gamma = numberAt('focal', args, 3, 'gamma', FOCAL_GAMMA);
      const { value, dP } = focalPoint(p, y, alpha, gamma);
      return { value, partials: [dP, null, null, null] };
    },
  },
  {
    // dfl(z, y): DFL of one vector of bin logits z against a continuous target y.
    name: 'dfl',
    signature: 'dfl(z, y)',
    summary: 'DFL of one vector of bin logits z against a continuous target y; differentiable in y.',
    minArgs: 2,
    maxArgs: 2,
    parameters: ['z', 'y'],
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
    signature: 'arcface_logit(theta, m)',
    summary: 'The ArcFace target logit cos(θ + m) before scaling, with its exact derivative.',
    minArgs: 2,
    maxArgs: 2,
    parameters: ['theta', 'm'],
    evaluate: (args) => {
      const theta = numberAt('arcface_logit', args, 0, 'theta');
      const m = numberAt('arcface_logit', args, 1, 'm');
      const slope = -Math.sin(theta + m);
      return { value: Math.cos(theta + m), partials: [slope, slope] };
    },
  },
  {
    name: 'triplet_hinge',
    signature: `triplet_hinge(d_ap, d_an, margin = ${TRIPLET_MARGIN})`,
    summary: 'max(d_ap − d_an + margin, 0) of two distances.',
    minArgs: 2,
    maxArgs: 3,
    parameters: ['d_ap', 'd_an', 'margin'],
    optionsFrom: 2,
    evaluate: (given) => {
      const args = spreadOptions('triplet_hinge', given, ['d_ap', 'd_an', 'margin'], 2);
      const dap = numberAt('triplet_hinge', args, 0, 'd_ap');
      const dan = numberAt('triplet_hinge', args, 1, 'd_an');
      const margin = numberAt('triplet_hinge', args, 2, 'margin', TRIPLET_MARGIN);
      const inside = dap - dan + margin;
      // PyTorch's clamp_min passes the gradient where its input is ≥ 0.
      return { value: Math.max(inside, 0), partials: inside >= 0 ? [1, -1, 1] : [0, 0, 0] };
    },
  },
];

export const SCALAR_FUNCTIONS_BY_NAME: ReadonlyMap<string, ScalarFunction> = new Map(
  SCALAR_FUNCTIONS.map((f) => [f.name, f]),
);
