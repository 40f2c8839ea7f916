import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The renderer's report bundle (esbuild entry src/renderer/report.ts → dist/report.js), which an
 * HTML report inlines to draw its figures offline: next to the running bundle (the CLI's and the
 * extension's are both in dist/), or in dist/ when running from the sources. Undefined when it was
 * never built; the report then shows each figure's markdown fallback.
 */
export function readFigureScript(): string | undefined {
  for (const candidate of [join(__dirname, 'report.js'), resolve(__dirname, '../../../dist/report.js')]) {
    try {
      return readFileSync(candidate, 'utf8');
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}
