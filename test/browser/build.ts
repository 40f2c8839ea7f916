import { build } from 'esbuild';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLOTLY_SCRIPT } from '../../src/core/figures/plotly/script';

/**
 * Bundles the renderer exactly as the extension ships it (ES modules, plotly.js as a classic
 * script beside them that the renderer imports on its first figure), the report bundle (one
 * classic script, which the report inlines after plotly's) and the harness page into a fresh
 * temporary folder, and returns that folder.
 */
export async function buildHarness(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'losslab-renderer-'));
  const common = { bundle: true, platform: 'browser' as const, target: 'es2022', logLevel: 'warning' as const, legalComments: 'none' as const };
  await Promise.all([
    build({ ...common, entryPoints: { index: 'src/renderer/index.ts' }, outdir: join(dir, 'renderer'), format: 'esm', splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
    // Where the renderer's entry imports plotly from, as in dist/ (PLOTLY_SCRIPT).
    build({ ...common, entryPoints: ['src/renderer/plotlyGlobal.ts'], outfile: join(dir, 'renderer', PLOTLY_SCRIPT), format: 'iife', minify: true }),
    build({ ...common, entryPoints: ['src/renderer/report.ts'], outfile: join(dir, 'report.js'), format: 'iife', define: { 'import.meta.url': 'undefined' } }),
    build({ ...common, entryPoints: ['test/browser/harness.ts'], outfile: join(dir, 'harness.js'), format: 'esm' }),
  ]);
  copyFileSync('test/browser/harness.html', join(dir, 'harness.html'));
  return dir;
}
