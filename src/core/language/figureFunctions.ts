import type { MathNode } from 'mathjs';
import { grad } from './grad';
import type { FigureContext } from './figures/context';
import { dist, hist } from './figures/dist';
import { anchorMap, calibration, sides, worstAnchors } from './figures/detector';
import { heatmap } from './figures/heatmap';
import { marginsPlot, plot, scatter } from './figures/plot';
import { table } from './figures/tables';

/** The mathjs signature of a function that receives its arguments unevaluated. */
type RawFunction = ((args: MathNode[], math: unknown, scope: Map<string, unknown>) => unknown) & { rawArgs: true };

function raw(fn: (args: MathNode[], math: unknown, scope: Map<string, unknown>) => unknown): RawFunction {
  return Object.assign(fn, { rawArgs: true as const });
}

/** The figure and derivative functions, bound to what they may read of a session. */
export function createFigureFunctions(context: FigureContext): Record<string, unknown> {
  return {
    plot: raw((args, _math, scope) => plot(context, args, scope)),
    heatmap: raw((args, _math, scope) => heatmap(context, args, scope)),
    dist: raw((args, _math, scope) => dist(context, args, scope)),
    grad: raw((args, _math, scope) => grad(context, args, scope)),
    hist: (...args: unknown[]) => hist(args),
    scatter: (...args: unknown[]) => scatter(args),
    table: (...args: unknown[]) => table(args),
    slider: (min: unknown, max: unknown, step?: unknown) => ({ min, max, ...(step === undefined ? {} : { step }) }),
    margins_plot: (...args: unknown[]) => marginsPlot(args),
    anchor_map: (...args: unknown[]) => anchorMap(args),
    worst_anchors: (...args: unknown[]) => worstAnchors(args),
    sides: (...args: unknown[]) => sides(args),
    calibration: (...args: unknown[]) => calibration(args),
  };
}
