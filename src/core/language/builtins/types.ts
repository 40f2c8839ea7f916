import type { MathJsInstance, MathNode } from 'mathjs';
import type { BinConvention } from '../../distributions';
import type { FigureContext } from '../figures/context';
import type { LossImplementations, QflStreamHost } from '../hosts';
import type { OptionSpec } from '../options';

/**
 * One record per function a cell can call: its name, documentation, options with their defaults,
 * and its implementation. The session, completion, signature help, diagnostics, the hovers'
 * defaults and the reference in docs/language.md all read these records (builtins/index.ts).
 */

/** Where a builtin lives: one file of builtins/ each. */
export type BuiltinRoom = 'losses' | 'heads' | 'margin' | 'mining' | 'metric' | 'helpers' | 'data' | 'figures' | 'detector' | 'embedding';

/** What a builtin may use of the session that runs it. */
export interface BuiltinContext {
  readonly math: MathJsInstance;
  /** Reads an exported file relative to the notebook; provided by the host. */
  readonly load: (path: string) => Record<string, unknown>;
  /** The notebook's default meaning of `reg_max` (setting losslab.dfl.binConvention), if any. */
  readonly binConvention?: BinConvention;
  /** The loss implementations the loss functions call: the core's, or a host's faster drop-ins. */
  readonly losses: LossImplementations;
  /** Streams QFL over .npy files; provided by the host (there is no file access in the core). */
  readonly stream: QflStreamHost;
  /** What the figure functions may read of the session. */
  readonly figures: FigureContext;
}

/** What completion, signature help, hovers, diagnostics and the docs show of a builtin. */
export interface BuiltinDoc {
  readonly name: string;
  readonly room: BuiltinRoom;
  /** One line per form, e.g. `qfl(pred, label, score, {beta})`. */
  readonly signatures: readonly string[];
  readonly summary: string;
  /** Allowed argument counts, as inclusive ranges (heatmap takes 1–2 or 7–8). */
  readonly arities: readonly (readonly [number, number])[];
  readonly options: readonly OptionSpec[];
  /** Argument positions where an object literal is the option object; undefined: the last one. */
  readonly optionPositions?: readonly number[];
  /** A complete example cell line. */
  readonly example: string;
}

/** A builtin that receives its arguments evaluated. */
export interface ValueBuiltin extends BuiltinDoc {
  readonly rawArgs?: undefined;
  readonly call: (args: unknown[], context: BuiltinContext) => unknown;
}

/** A builtin that receives its arguments unevaluated (plot sweeps a variable through its expression). */
export interface RawBuiltin extends BuiltinDoc {
  readonly rawArgs: true;
  readonly call: (args: MathNode[], context: BuiltinContext, scope: Map<string, unknown>) => unknown;
}

export type Builtin = ValueBuiltin | RawBuiltin;
