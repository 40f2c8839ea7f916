/**
 * The figure value: what a cell's `plot`, `dist`, `heatmap`, `hist`, `scatter` and `table` return
 * and what the notebook stores under FIGURE_MIME. It is plain, versioned, serializable data — never
 * plotly objects — so that the renderer decides how to draw it (and re-themes it), and so that a
 * figure with sliders carries what it needs to be recomputed in the webview without the kernel.
 * docs/figures.md describes every field.
 */
export const FIGURE_MIME = 'application/vnd.losslab.figure+json';
export const FIGURE_SPEC_VERSION = 1;

/** A live parameter: the renderer shows a slider and recomputes the figure as it moves. */
export interface SliderSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly value: number;
}

/**
 * Enough to recompute a figure in the webview, without the kernel: the cell statement that drew
 * it, the definitions of the user functions it calls, and the values of every other name it uses.
 * Slider values replace the bindings of the same names.
 */
export interface RecomputeSource {
  readonly statement: string;
  readonly definitions: readonly string[];
  readonly bindings: Readonly<Record<string, number | readonly number[] | readonly (readonly number[])[]>>;
}

interface FigureBase {
  readonly version: typeof FIGURE_SPEC_VERSION;
  readonly title?: string;
  readonly sliders?: readonly SliderSpec[];
  readonly source?: RecomputeSource;
}

export interface CurveSeries {
  readonly name: string;
  readonly y: readonly number[];
  /** The exact derivative dy/dx at each x, drawn on a second axis. */
  readonly grad?: readonly number[];
}

/** Curves over a range: one series per expression (or per parameter set), with optional gradients. */
export interface CurvesFigure extends FigureBase {
  readonly kind: 'curves';
  readonly x: readonly number[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly CurveSeries[];
}

/** A distribution over bins (DFL): probabilities, expectation and, for a target, its two bins. */
export interface DistributionFigure extends FigureBase {
  readonly kind: 'distribution';
  readonly probabilities: readonly number[];
  readonly expectation: number;
  readonly target?: {
    readonly y: number;
    readonly left: number;
    readonly right: number;
    readonly weightLeft: number;
    readonly weightRight: number;
  };
  readonly loss?: number;
  readonly entropyFloor?: number;
}

export interface HeatmapFigure extends FigureBase {
  readonly kind: 'heatmap';
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** z[j][i] is the value at (x[i], y[j]). */
  readonly z: readonly (readonly number[])[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly zLabel: string;
  /** Reference lines drawn over the map, e.g. the minimum σ = y. */
  readonly lines?: readonly { readonly name: string; readonly x: readonly number[]; readonly y: readonly number[] }[];
}

export interface HistogramFigure extends FigureBase {
  readonly kind: 'histogram';
  readonly values: readonly number[];
  readonly binEdges: readonly number[];
  readonly counts: readonly number[];
  readonly xLabel: string;
}

export interface ScatterFigure extends FigureBase {
  readonly kind: 'scatter';
  readonly dimensions: 2 | 3;
  /** points[i] has 2 or 3 coordinates. */
  readonly points: readonly (readonly number[])[];
  /** A class per point, for colours. */
  readonly labels?: readonly number[];
  /** Draw the unit circle (2-D) or sphere (3-D) behind the points. */
  readonly unitSphere?: boolean;
  /** Class centres, drawn as larger markers, with an ArcFace angular margin (radians) around each. */
  readonly centres?: readonly (readonly number[])[];
  readonly margin?: number;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly zLabel?: string;
}

export interface TableFigure extends FigureBase {
  readonly kind: 'table';
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | string)[])[];
}

export type FigureSpec =
  | CurvesFigure
  | DistributionFigure
  | HeatmapFigure
  | HistogramFigure
  | ScatterFigure
  | TableFigure;

export function isFigureSpec(value: unknown): value is FigureSpec {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { version?: unknown }).version === FIGURE_SPEC_VERSION &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}
