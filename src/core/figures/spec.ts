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
  /**
   * In a cell with several outputs, the statement that drew the figure (`line 4 · plot(…)`), shown
   * above it: the renderer draws only the spec, so the label travels in it.
   */
  readonly statement?: string;
  readonly sliders?: readonly SliderSpec[];
  readonly source?: RecomputeSource;
}

export interface CurveSeries {
  readonly name: string;
  readonly y: readonly number[];
  /** The exact derivative dy/dx at each x, drawn on a second axis. */
  readonly grad?: readonly number[];
}

/**
 * Curves over a range: one series per expression (or per parameter set), with optional gradients.
 * With `x` and `series` empty and a `source`, the renderer computes them first (awaitsComputation).
 */
export interface CurvesFigure extends FigureBase {
  readonly kind: 'curves';
  readonly x: readonly number[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly CurveSeries[];
  /** Title of the gradient axis, e.g. `∂/∂s` (the plotted variable); `∂/∂` + xLabel when absent. */
  readonly gradLabel?: string;
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
  /** A line of text under the map, e.g. the nearest pairs of class centres. */
  readonly note?: string;
}

export interface HistogramFigure extends FigureBase {
  readonly kind: 'histogram';
  readonly values: readonly number[];
  readonly binEdges: readonly number[];
  readonly counts: readonly number[];
  readonly xLabel: string;
  /** The y-axis title (default `count`): `angle_hist` gives each series as fractions. */
  readonly yLabel?: string;
  /** The legend name of `counts` when there are `series` too. */
  readonly name?: string;
  /** More series over the same bins, drawn overlaid (the non-target angles beside the target ones). */
  readonly series?: readonly { readonly name: string; readonly counts: readonly number[] }[];
  /** Vertical reference lines at x, e.g. the margin m and π − m. */
  readonly marks?: readonly { readonly name: string; readonly x: number }[];
  /** A line of text under the plot, e.g. the samples past π − m. */
  readonly note?: string;
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

/**
 * Mined triplets drawn on a PCA projection of the embeddings (`triplet_projection`): points by
 * class, and each drawn triplet as two segments (anchor–positive, anchor–negative) coloured easy,
 * semi-hard or hard at the current margin by pml's convention (src/core/figures/tripletCategories.ts).
 * Its one slider, `margin`, is recoloured in the renderer from `triplets.ap`/`an`, without the
 * kernel; the counts over every mined triplet (not only the drawn ones) are tabulated per slider step.
 */
export interface ProjectionFigure extends FigureBase {
  readonly kind: 'projection';
  readonly dimensions: 2 | 3;
  /** points[i]: row i's coordinates on the principal axes (2 or 3). */
  readonly points: readonly (readonly number[])[];
  /** The class of each point. */
  readonly labels: readonly number[];
  /** The fraction of the total variance along each axis. */
  readonly explainedVariance: readonly number[];
  /** The miner that chose the triplets, e.g. `every valid triplet` or `TripletMarginMiner(margin 0.2, semihard)`. */
  readonly miner: string;
  /** The distance the triplets were measured in (on the original embeddings), e.g. `LpDistance(p 2, normalised)`. */
  readonly distance: string;
  /** A similarity (cosine): larger is closer, and the signed margin is s_ap − s_an. */
  readonly inverted: boolean;
  /** The margin the colours are drawn at (the slider's value). */
  readonly margin: number;
  /**
   * The drawn triplets: positions of anchor, positive and negative counted from 1 (as cells index),
   * and their distances (or similarities) in the original embedding space, sorted by signed margin (the hardest first).
   */
  readonly triplets: {
    readonly a: readonly number[];
    readonly p: readonly number[];
    readonly n: readonly number[];
    readonly ap: readonly number[];
    readonly an: readonly number[];
  };
  /** Every mined triplet (`triplets` holds `triplets.a.length` of them). */
  readonly total: number;
  /** Which triplets are drawn: the hardest, or a uniform sample of all (`triplets` sorted by signed margin either way). */
  readonly drawn: 'hardest' | 'sample';
  /**
   * The category counts over all `total` triplets at each margin in `margins` (the slider's
   * steps): hard[s], semihard[s] and easy[s] at margins[s].
   */
  readonly counts: {
    readonly margins: readonly number[];
    readonly hard: readonly number[];
    readonly semihard: readonly number[];
    readonly easy: readonly number[];
  };
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
  | ProjectionFigure
  | TableFigure
  | DetectorFigureSpec;

/** Every kind this version draws (the compile-time check below keeps it equal to FigureSpec's kinds). */
export const FIGURE_KINDS = [
  'curves',
  'distribution',
  'heatmap',
  'histogram',
  'scatter',
  'table',
  'distribution-grid',
  'anchor-map',
  'calibration',
  'anchor-map-grid',
  'assignment-map',
  'projection',
] as const satisfies readonly FigureSpec['kind'][];
type Unlisted = Exclude<FigureSpec['kind'], (typeof FIGURE_KINDS)[number]>;
const everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKindListed;

export function isFigureSpec(value: unknown): value is FigureSpec {
  return unsupportedSpec(value) === undefined;
}

/**
 * Why this version cannot draw `value`, in a sentence for the output's place; undefined when it
 * can. A spec of another version (a newer extension's notebook, a newer `losslab` Python
 * package) or of an unknown kind says so, rather than failing silently.
 */
export function unsupportedSpec(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'This output is not a LossLab figure spec: expected a JSON object with a version and a kind.';
  }
  const { version, kind } = value as { version?: unknown; kind?: unknown };
  if (version !== FIGURE_SPEC_VERSION) {
    const which = typeof version === 'number' ? `version ${version}` : 'no version';
    const fix =
      typeof version === 'number' && version > FIGURE_SPEC_VERSION
        ? 'Update the LossLab extension, or make the figure with a losslab Python package of the same version as the extension.'
        : 'Re-run the cell that made it, with a losslab Python package of the same version as the extension.';
    return `LossLab cannot draw this figure: its spec has ${which}, and this LossLab extension draws figure spec version ${FIGURE_SPEC_VERSION}. ${fix}`;
  }
  if (typeof kind !== 'string' || !(FIGURE_KINDS as readonly string[]).includes(kind)) {
    return `LossLab cannot draw this figure: its kind ${JSON.stringify(kind)} is not one this version draws (${FIGURE_KINDS.join(', ')}).`;
  }
  return undefined;
}

/**
 * Whether the renderer must compute the figure from its source before drawing it: a `curves`
 * spec with no series but a recompute source. The Python package writes these, since it cannot
 * run the cell language; the renderer's bundled core computes them as it does on a slider move.
 */
export function awaitsComputation(spec: FigureSpec): boolean {
  return spec.kind === 'curves' && spec.series.length === 0 && spec.source !== undefined;
}

/* ---- Detector-debug figures (issue 4). Appended kinds; the ones above are unchanged. ---- */

/** One side's bin distribution in a DistributionGridFigure: a DistributionFigure's data, named. */
export interface DistributionPanel {
  /** e.g. 'l', or 'l (gt 17.2 → 15.9)' when the ground truth was clamped into the bins. */
  readonly name: string;
  readonly probabilities: readonly number[];
  readonly expectation: number;
  readonly target?: DistributionFigure['target'];
  readonly loss?: number;
  readonly entropyFloor?: number;
}

/**
 * Several bin distributions side by side, `columns` per row: the four sides (l, t, r, b) of one
 * anchor's DFL head, each with its ground-truth distance (in stride units) marked.
 */
export interface DistributionGridFigure extends FigureBase {
  readonly kind: 'distribution-grid';
  readonly panels: readonly DistributionPanel[];
  readonly columns: number;
  readonly xLabel: string;
  /** One label per row of panels, e.g. the anchor its sides belong to (the first column's y-axis title; default 'probability'). */
  readonly rowLabels?: readonly string[];
}

/**
 * A per-anchor value laid out on the feature grid of one level: z[row][col] is the value of the
 * anchor at that cell (summed when several anchors share it), null where no anchor lies. Rows grow
 * downwards, as in the image.
 */
export interface AnchorMapFigure extends FigureBase {
  readonly kind: 'anchor-map';
  readonly z: readonly (readonly (number | null)[])[];
  /** anchors[row][col]: the 1-based position of the (first) anchor at that cell, null where there is none. */
  readonly anchors: readonly (readonly (number | null)[])[];
  /** The level's stride in pixels, when the grid came from the anchor points (for hovers). */
  readonly stride?: number;
  readonly zLabel: string;
}

/**
 * QFL calibration: for each positive anchor, the predicted probability σ of its labelled class
 * against its IoU target; perfect calibration is the diagonal. `reliability` bins the IoU axis
 * and gives the mean σ of each non-empty bin.
 */
export interface CalibrationFigure extends FigureBase {
  readonly kind: 'calibration';
  /** IoU targets (the QFL score), one per positive. */
  readonly x: readonly number[];
  /** Predicted σ of the labelled class, one per positive. */
  readonly y: readonly number[];
  /** The 1-based position of each point's anchor. */
  readonly anchors: readonly number[];
  /** The level of each point, counted from 1 (a raw head's positives over several levels), for colours. */
  readonly levels?: readonly number[];
  readonly reliability?: { readonly x: readonly number[]; readonly y: readonly number[]; readonly counts: readonly number[] };
  readonly xLabel: string;
  readonly yLabel: string;
}

/** One level's map in an AnchorMapGridFigure: an AnchorMapFigure's grid, named. */
export interface AnchorMapPanel {
  /** e.g. 'level 1 (stride 8)'. */
  readonly name: string;
  /** The level, counted from 1. */
  readonly level: number;
  readonly z: readonly (readonly (number | null)[])[];
  /** anchors[row][col]: the 1-based position of the anchor at that cell over all levels. */
  readonly anchors: readonly (readonly (number | null)[])[];
  readonly stride: number;
}

/** Per-level maps of a raw head's per-anchor value, one panel per level, `columns` per row, on one colour scale. */
export interface AnchorMapGridFigure extends FigureBase {
  readonly kind: 'anchor-map-grid';
  readonly panels: readonly AnchorMapPanel[];
  readonly columns: number;
  readonly zLabel: string;
}

/** An anchor of an AssignmentMapFigure: a positive or a candidate of the assigner. */
export interface AssignedAnchor {
  /** The anchor's 1-based position over all levels. */
  readonly anchor: number;
  readonly level: number;
  /** Its centre in pixels. */
  readonly x: number;
  readonly y: number;
  /** The assigned GT, counted from 1; 0 for a candidate that stayed negative. */
  readonly gt: number;
  /** The GT the facts refer to (the assigned one, else the one it was a candidate of), counted from 1. */
  readonly reference: number;
  /** The assigner's facts about it, by name (ATSS: IoU, threshold; TAL: metric, CIoU, rank). */
  readonly facts: Readonly<Record<string, number>>;
}

/**
 * One image's assignment: its GT boxes, the positive anchors (coloured by their GT) and the
 * candidates that stayed negative, in pixels; rows grow downwards, as in the image.
 */
export interface AssignmentMapFigure extends FigureBase {
  readonly kind: 'assignment-map';
  /** 'ATSS' (GFL) or 'TAL' (YOLOv8). */
  readonly assigner: string;
  readonly width: number;
  readonly height: number;
  /** The GT boxes (x1, y1, x2, y2) in pixels, with their labels as exported. */
  readonly gt: readonly { readonly box: readonly number[]; readonly label: number }[];
  readonly anchors: readonly AssignedAnchor[];
}

/** The detector-debug figure kinds (part of FigureSpec). */
export type DetectorFigureSpec = DistributionGridFigure | AnchorMapFigure | CalibrationFigure | AnchorMapGridFigure | AssignmentMapFigure;
