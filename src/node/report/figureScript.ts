import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLOTLY_SCRIPT } from '../../core/figures/plotly/script';

/**
 * What an HTML report inlines to draw its figures offline: plotly's classic script
 * (renderer-chunks/plotly.js, which sets globalThis.Plotly), then the renderer's report bundle
 * (esbuild entry src/renderer/report.ts → report.js), from next to the running bundle (the CLI's
 * and the extension's are both in dist/), or from dist/ when running from the sources. Undefined
 * when either was never built; the report then shows each figure's markdown fallback.
 */
export function readFigureScript(): string | undefined {
  for (const dist of [__dirname, resolve(__dirname, '../../../dist')]) {
    try {
      const plotly = readFileSync(join(dist, PLOTLY_SCRIPT), 'utf8');
      const report = readFileSync(join(dist, 'report.js'), 'utf8');
      return `${plotly}\n${report}`;
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}
