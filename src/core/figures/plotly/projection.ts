import { formatNumber } from '../../numberFormat';
import { CATEGORY_NAMES, countsLine, drawnCategories, drawnCounts, totalCounts } from '../projection';
import type { ProjectionFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { TRIPLET_CATEGORIES, type TripletCategory } from '../tripletCategories';
import { axis, baseConfig, baseLayout, escapeMarkup, font, formatNumber as compact, sceneAxis } from './layout';
import { classColor, groupByLabel, SCENE_HEIGHT } from './scatter';
import type { PlotlyFigure, PlotlyTrace } from './types';

/** Each category's colour: hard red, semi-hard orange, easy green (traffic lights: what carries loss stands out). */
export function categoryColor(theme: FigureTheme, category: TripletCategory): string {
  return category === 'hard' ? theme.red : category === 'semihard' ? theme.orange : theme.green;
}

/**
 * Mined triplets on the principal axes: the points by class (scatter.ts's colours), and one line
 * trace per category holding its drawn triplets' two segments each (anchor → positive,
 * anchor → negative; null between segments). The three traces always exist, so a slider move
 * restyles the same traces; their legend names and the title carry the counts over all mined
 * triplets. scatter3d in 3-D.
 */
export function projectionToPlotly(spec: ProjectionFigure, theme: FigureTheme): PlotlyFigure {
  const three = spec.dimensions === 3;
  const type = three ? 'scatter3d' : 'scatter';
  const coordinate = (axisIndex: number) => (rows: readonly number[]) => rows.map((i) => spec.points[i][axisIndex]);
  const data: PlotlyTrace[] = [];
  const categories = drawnCategories(spec);
  const drawn = drawnCounts(spec);
  const totals = totalCounts(spec);
  const distanceName = spec.inverted ? 's' : 'd';
  for (const category of TRIPLET_CATEGORIES) {
    const x: (number | null)[] = [];
    const y: (number | null)[] = [];
    const z: (number | null)[] = [];
    const text: string[] = [];
    categories.forEach((c, k) => {
      if (c !== category) return;
      const [a, p, n] = [spec.triplets.a[k] - 1, spec.triplets.p[k] - 1, spec.triplets.n[k] - 1];
      const label = `triplet (${a + 1}, ${p + 1}, ${n + 1}): ${distanceName}_ap ${formatNumber(spec.triplets.ap[k])}, ${distanceName}_an ${formatNumber(spec.triplets.an[k])}`;
      for (const [from, to] of [[a, p], [a, n]]) {
        x.push(spec.points[from][0], spec.points[to][0], null);
        y.push(spec.points[from][1], spec.points[to][1], null);
        if (three) z.push(spec.points[from][2], spec.points[to][2], null);
        text.push(label, label, '');
      }
    });
    // An empty category keeps one null point: plotly leaves a trace without data out of the
    // legend, and the legend is where its count over all triplets shows.
    if (x.length === 0) {
      x.push(null);
      y.push(null);
      if (three) z.push(null);
      text.push('');
    }
    data.push({
      type,
      mode: 'lines',
      name: `${CATEGORY_NAMES[category]}: ${totals[category]} (${drawn[category]} drawn)`,
      x,
      y,
      ...(three ? { z } : {}),
      text,
      line: { color: categoryColor(theme, category), width: three ? 3 : 1.5 },
      opacity: three ? 1 : 0.7,
      hovertemplate: '%{text}<extra></extra>',
      meta: category,
    });
  }
  for (const group of groupByLabel(spec)) {
    data.push({
      type,
      mode: 'markers',
      name: `class ${group.label}`,
      x: coordinate(0)(group.rows),
      y: coordinate(1)(group.rows),
      ...(three ? { z: coordinate(2)(group.rows) } : {}),
      customdata: group.rows.map((i) => i + 1),
      marker: { color: classColor(theme, group.label), size: three ? 3.5 : 7, opacity: 0.9 },
      hovertemplate: 'point %{customdata}<extra>%{fullData.name}</extra>',
    });
  }
  // Short titles: a 3-D scene draws them beside its tick labels, where a long one ran into them.
  const axisTitle = (j: number): string => `PC${j + 1} (${compact(100 * (spec.explainedVariance[j] ?? 0), 3)}% var.)`;
  const title = `${escapeMarkup(spec.title ?? `Mined triplets on the principal axes`)}<br><sub>${escapeMarkup(countsLine(spec, formatNumber))} · ${spec.triplets.a.length} drawn, ${spec.drawn === 'sample' ? 'a uniform sample' : 'hardest first'}</sub>`;
  const layout = three
    ? baseLayout(theme, title, {
        scene: { xaxis: sceneAxis(theme, axisTitle(0)), yaxis: sceneAxis(theme, axisTitle(1)), zaxis: sceneAxis(theme, axisTitle(2)), bgcolor: theme.background, aspectmode: 'data' },
        legend: { font: font(theme), bgcolor: theme.background },
        height: SCENE_HEIGHT,
        margin: { l: 0, r: 0, t: 70, b: 0 },
      })
    : baseLayout(theme, title, {
        xaxis: axis(theme, axisTitle(0)),
        yaxis: axis(theme, axisTitle(1), { scaleanchor: 'x', scaleratio: 1 }),
        hovermode: 'closest',
        margin: { l: 60, r: 30, t: 70, b: 50 },
      });
  return { data, layout, config: baseConfig() };
}
