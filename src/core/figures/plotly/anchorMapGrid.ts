import type { AnchorMapGridFigure } from '../spec';
import type { FigureTheme } from '../theme';
import { escapeTemplate } from './curves';
import { axis, baseConfig, baseLayout, font, MAX_SQUARE_HEIGHT, panelTitle } from './layout';
import type { FigureSize, PlotlyFigure, PlotlyObject, PlotlyTrace } from './types';

/** The gap between rows of panels, as a fraction of a row: room for tick labels and the next row's title. */
const Y_GAP = 0.3;
const X_GAP = 0.15;

/** The least step of 1, 2 or 5 × 10^k that is at least `least` (and at least 1). */
function roundStep(least: number): number {
  for (let scale = 1; ; scale *= 10) {
    for (const m of [1, 2, 5]) if (m * scale >= least) return m * scale;
  }
}

/**
 * Per-level anchor maps in a grid of heatmaps (`columns` per row), each on its own axes with
 * square cells and rows growing downwards, all on one colour scale (one colour bar); the hover
 * names the anchor's 1-based position, its level and its grid cell. Given the cell's width, each
 * panel is about as tall as it is wide, up to a screen's height for the whole figure.
 */
export function anchorMapGridToPlotly(spec: AnchorMapGridFigure, theme: FigureTheme, size?: FigureSize): PlotlyFigure {
  const columns = Math.max(1, Math.min(spec.columns, spec.panels.length));
  const rows = Math.max(1, Math.ceil(spec.panels.length / columns));
  const margin = { l: 50, r: 30, t: spec.title === undefined ? 40 : 70, b: 40 };
  const colorbarWidth = 110;
  const panelWidth = size === undefined ? 220 : (size.width - margin.l - margin.r - colorbarWidth) / (columns + (columns - 1) * X_GAP);
  const height = Math.round(Math.min(MAX_SQUARE_HEIGHT * 1.5, Math.max(320, rows * panelWidth * (1 + Y_GAP) + margin.t + margin.b)));
  let zmin = Infinity;
  let zmax = -Infinity;
  for (const panel of spec.panels) {
    for (const row of panel.z) {
      for (const v of row) {
        if (v === null) continue;
        zmin = Math.min(zmin, v);
        zmax = Math.max(zmax, v);
      }
    }
  }
  if (!(zmax >= zmin)) [zmin, zmax] = [0, 1];
  const data: PlotlyTrace[] = [];
  const annotations: PlotlyObject[] = [];
  const axes: Record<string, PlotlyObject> = {};
  spec.panels.forEach((panel, i) => {
    const suffix = i === 0 ? '' : String(i + 1);
    data.push({
      type: 'heatmap',
      z: panel.z,
      customdata: panel.anchors,
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      zmin,
      zmax,
      colorscale: theme.colorscale,
      hoverongaps: false,
      showscale: i === 0,
      ...(i === 0 ? { colorbar: { title: { text: spec.zLabel, font: font(theme), side: 'right' }, tickfont: font(theme, 0.9), outlinecolor: theme.gridColor } } : {}),
      hovertemplate: `anchor %{customdata}<br>level ${panel.level} (stride ${panel.stride}), row %{y}, col %{x}<br>${escapeTemplate(spec.zLabel)} = %{z:.4g}<extra></extra>`,
    });
    const lastRow = Math.floor(i / columns) === rows - 1 || i + columns >= spec.panels.length;
    // Whole cells only, at most about five ticks: a 1×1 level would otherwise get ticks at ±0.5.
    const ticks = (n: number): PlotlyObject => ({ tickmode: 'linear', tick0: 0, dtick: roundStep(n / 5) });
    const cols = panel.z[0]?.length ?? 0;
    axes[`xaxis${suffix}`] = axis(theme, lastRow ? 'column' : '', { showgrid: false, constrain: 'domain', zeroline: false, range: [-0.5, cols - 0.5], ...ticks(cols) });
    axes[`yaxis${suffix}`] = axis(theme, i % columns === 0 ? 'row' : '', {
      showgrid: false,
      range: [panel.z.length - 0.5, -0.5],
      scaleanchor: `x${suffix}`,
      scaleratio: 1,
      constrain: 'domain',
      zeroline: false,
      ...ticks(panel.z.length),
    });
    annotations.push(panelTitle(theme, suffix, `<b>${panel.name}</b>`));
  });
  const layout = baseLayout(theme, spec.title, {
    height,
    margin,
    grid: { rows, columns, pattern: 'independent', ygap: Y_GAP, xgap: X_GAP },
    ...axes,
    annotations,
  });
  return { data, layout, config: baseConfig() };
}
