/**
 * The minimal shapes of what toPlotly returns: plain JSON-like objects, typed just enough to keep
 * `any` out. The renderer passes them to `Plotly.react(el, data, layout, config)` (casting to
 * plotly.js's own types there); the core never imports plotly itself.
 */

/** A value plotly accepts for an attribute. Arrays from the spec are passed through, not copied. */
export type PlotlyValue =
  | string
  | number
  | boolean
  | null
  | readonly PlotlyValue[]
  | readonly (number | null)[]
  | { readonly [key: string]: PlotlyValue | undefined };

export interface PlotlyObject {
  readonly [key: string]: PlotlyValue | undefined;
}

/** One trace: `type` plus its attributes. */
export interface PlotlyTrace extends PlotlyObject {
  readonly type: string;
}

export interface PlotlyFigure {
  readonly data: PlotlyTrace[];
  readonly layout: PlotlyObject;
  readonly config: PlotlyObject;
}

/** What the renderer knows of the place a figure is drawn in: the width of the notebook cell, in px. */
export interface FigureSize {
  readonly width: number;
}
