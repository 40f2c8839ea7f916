import { formatNumber } from '../numberFormat';
import { countsLine } from './projection';
import type { FigureSpec } from './spec';

/*
 * Every figure kind's markdown stand-in in one place: what a viewer without the renderer shows
 * (GitHub, the HTML report's fallback, `losslab run`'s output) and what a diff of the file reads.
 */

/** A plain-text stand-in for a figure, for viewers without the renderer and for diffs. */
export function figureMarkdown(spec: FigureSpec): string {
  const title = spec.title === undefined ? '' : ` — ${spec.title}`;
  switch (spec.kind) {
    case 'curves':
      if (spec.x.length === 0 && spec.source !== undefined) return `*Figure${title}*: curves of \`${spec.source.statement}\`, computed by the LossLab renderer`;
      return `*Figure${title}*: ${spec.series.length} curve(s) of ${spec.yLabel} over ${spec.xLabel} ∈ [${spec.x[0]}, ${spec.x[spec.x.length - 1]}] (${spec.x.length} points)${spec.series.some((s) => s.grad) ? ', with exact gradients' : ''}`;
    case 'distribution':
      return `*Figure${title}*: distribution over ${spec.probabilities.length} bins, expectation ${formatNumber(spec.expectation)}${spec.loss === undefined ? '' : `, DFL ${formatNumber(spec.loss)} (floor ${spec.entropyFloor === undefined ? '?' : formatNumber(spec.entropyFloor)})`}`;
    case 'heatmap':
      return `*Figure${title}*: heatmap of ${spec.zLabel} over ${spec.x.length}×${spec.y.length} points${spec.note === undefined ? '' : `. ${spec.note}`}`;
    case 'histogram': {
      const series = spec.series === undefined || spec.series.length === 0 ? '' : ` (${[spec.name ?? 'count', ...spec.series.map((s) => s.name)].join(', ')})`;
      const marks = spec.marks === undefined || spec.marks.length === 0 ? '' : `, marked at ${spec.marks.map((m) => m.name).join(', ')}`;
      return `*Figure${title}*: histogram of ${spec.values.length} values in ${spec.counts.length} bins${series}${marks}${spec.note === undefined ? '' : `. ${spec.note}`}`;
    }
    case 'scatter':
      return `*Figure${title}*: ${spec.dimensions}-D scatter of ${spec.points.length} points`;
    case 'table':
      return `| ${spec.columns.join(' | ')} |\n| ${spec.columns.map(() => '---').join(' | ')} |\n${spec.rows.map((row) => `| ${row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)).join(' | ')} |`).join('\n')}`;
    case 'distribution-grid':
      return `*Figure${title}*: ${spec.panels.length} distributions (${spec.panels.map((p) => `${p.name}: E ${p.expectation.toPrecision(4)}`).join(', ')})`;
    case 'anchor-map':
      return `*Figure${title}*: ${spec.zLabel} on a ${spec.z.length}×${spec.z[0]?.length ?? 0} anchor grid`;
    case 'anchor-map-grid':
      return `*Figure${title}*: ${spec.zLabel} on ${spec.panels.length} level grids (${spec.panels.map((p) => `${p.z.length}×${p.z[0]?.length ?? 0}`).join(', ')})`;
    case 'assignment-map': {
      const positives = spec.anchors.filter((a) => a.gt > 0).length;
      return `*Figure${title}*: ${spec.assigner} assignment on a ${spec.width}×${spec.height} image: ${spec.gt.length} GT boxes, ${positives} positives, ${spec.anchors.length - positives} other candidates`;
    }
    case 'projection':
      return `*Figure${title}*: ${spec.total} mined triplets (${spec.miner}, ${spec.distance}) over ${spec.points.length} points on ${spec.dimensions} principal axes (${spec.explainedVariance.map((r) => `${formatNumber(100 * r)}%`).join(', ')} of the variance): ${countsLine(spec, formatNumber)}; ${spec.triplets.a.length} drawn, ${spec.drawn === 'sample' ? 'a uniform sample' : 'hardest first'}`;
    case 'calibration':
      return `*Figure${title}*: calibration of ${spec.x.length} positives (σ of the labelled class vs ${spec.levels === undefined ? 'IoU' : spec.xLabel})`;
  }
}
