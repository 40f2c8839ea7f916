import type { AssignmentMapFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { axis, baseConfig, baseLayout, bottomLegend, formatNumber, heightForAspect, seriesColor } from './layout';
import type { FigureSize, PlotlyFigure, PlotlyObject, PlotlyTrace } from './types';

/**
 * One image's assignment in pixels, rows growing downwards: each GT box outlined in its own
 * colour, the positives as filled markers in their GT's colour, and the candidates that stayed
 * negative as open grey markers. The hover names the anchor, its level, its GT and the
 * assigner's facts (ATSS: IoU against the GT's threshold; TAL: the alignment metric, CIoU, rank).
 * Given the cell's width, the figure keeps the image's aspect and fills that width.
 */
export function assignmentMapToPlotly(spec: AssignmentMapFigure, theme: FigureTheme, size?: FigureSize): PlotlyFigure {
  const margin = { l: 60, r: 30, t: spec.title === undefined ? 30 : 60, b: 50 };
  const below = 3 * Math.ceil(theme.fontSize * 1.3);
  const pad = 0.03;
  const hover = (a: AssignmentMapFigure['anchors'][number]): string => {
    const facts = Object.entries(a.facts)
      .map(([name, v]) => `${name} ${formatNumber(v)}`)
      .join(', ');
    const who = a.gt > 0 ? `positive of GT ${a.gt} (label ${spec.gt[a.gt - 1]?.label ?? '?'})` : a.reference > 0 ? `candidate of GT ${a.reference}, negative` : 'candidate, negative';
    return `anchor ${a.anchor}, level ${a.level}<br>${who}<br>${facts}`;
  };
  const positives = spec.anchors.filter((a) => a.gt > 0);
  const negatives = spec.anchors.filter((a) => a.gt === 0);
  const boxes: PlotlyObject[] = spec.gt.map((g, i) => ({
    type: 'rect',
    x0: g.box[0],
    y0: g.box[1],
    x1: g.box[2],
    y1: g.box[3],
    line: { color: seriesColor(theme, i), width: 2 },
    layer: 'below',
  }));
  const markers = (name: string, anchors: AssignmentMapFigure['anchors'], marker: PlotlyObject): PlotlyTrace => ({
    type: 'scatter',
    mode: 'markers',
    name,
    x: anchors.map((a) => a.x),
    y: anchors.map((a) => a.y),
    text: anchors.map(hover),
    marker,
    hovertemplate: '%{text}<extra></extra>',
  });
  const data: PlotlyTrace[] = [
    markers('candidates (negative)', negatives, { symbol: 'circle-open', color: theme.foreground, size: 7, opacity: 0.45 }),
    markers('positives (colour of their GT box)', positives, { color: positives.map((a) => seriesColor(theme, a.gt - 1)), size: 8, line: { color: theme.background, width: 1 } }),
  ];
  const layout = baseLayout(theme, spec.title, {
    margin,
    ...(size !== undefined && spec.width > 0 ? { height: heightForAspect(size.width - margin.l - margin.r, spec.height / spec.width, margin.t + margin.b + below) } : {}),
    legend: bottomLegend(theme),
    shapes: boxes,
    // A little room around the image: mmdetection's anchors sit on the grid corners, some on its edge.
    xaxis: axis(theme, 'x (px)', { range: [-pad * spec.width, (1 + pad) * spec.width], constrain: 'domain', zeroline: false }),
    yaxis: axis(theme, 'y (px)', { range: [(1 + pad) * spec.height, -pad * spec.height], scaleanchor: 'x', scaleratio: 1, constrain: 'domain', zeroline: false }),
    hovermode: 'closest',
  });
  return { data, layout, config: baseConfig() };
}
