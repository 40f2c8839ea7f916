// Bundles the extension host (CJS, `vscode` external), the kernel, the CLI, the core as a browser
// ES module, the notebook renderer and the report script.
// `--production` minifies and drops source maps; `--outdir DIR` writes the bundles under DIR
// instead of dist/ (the package test builds into a temporary folder).
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const production = process.argv.includes('--production');
const outdirFlag = process.argv.indexOf('--outdir');
const outdir = outdirFlag >= 0 ? process.argv[outdirFlag + 1] : 'dist';
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

// Heavy modules the extension host needs only on first use: each is its own CJS bundle next to
// extension.js, and the host's `import('./module')` of it becomes `require('./bundle.js')`, loaded
// on the first call. Activation then pays neither for parsing them nor for their start-up.
const LAZY_CHUNKS = [
  // MathJax (~1.6 MB minified) renders the hover formulas.
  { source: 'src/extension/language/texToSvg.ts', bundle: 'mathjax.js' },
  // The cell analysis (diagnostics, quick fixes, completion, parameter hints) and its mathjs.
  { source: 'src/extension/language/analysis.ts', bundle: 'analysis.js' },
  // The HTML export's page builder and its markdown-it.
  { source: 'src/extension/commands/htmlReport.ts', bundle: 'htmlReport.js' },
];

/** Marks each lazy chunk's source as an external `./<bundle>` so the importer's bundle requires it at run time. */
const lazyChunks = {
  name: 'lazy-chunks',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const target = resolve(args.resolveDir, args.path).replace(/\.(ts|js)$/, '');
      const chunk = LAZY_CHUNKS.find(({ source }) => resolve(source).replace(/\.ts$/, '') === target);
      return chunk === undefined ? undefined : { path: `./${chunk.bundle}`, external: true };
    });
  },
};

const nodeCjs = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const targets = [
  {
    ...nodeCjs,
    entryPoints: ['src/extension/extension.ts'],
    outfile: join(outdir, 'extension.js'),
    external: ['vscode'],
    plugins: [lazyChunks],
    // import() of a lazy chunk must become require(): the extension host loads CommonJS.
    supported: { 'dynamic-import': false },
  },
  ...LAZY_CHUNKS.map(({ source, bundle }) => ({
    ...nodeCjs,
    entryPoints: [source],
    outfile: join(outdir, bundle),
    external: ['vscode'],
  })),
  {
    ...common,
    entryPoints: ['src/node/kernel/worker.ts'],
    outfile: join(outdir, 'kernelWorker.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  // The parallel pool's worker thread, started by the kernel and the CLI from next to their bundles.
  {
    ...nodeCjs,
    entryPoints: ['src/node/parallel/worker.ts'],
    outfile: join(outdir, 'parallelWorker.js'),
  },
  {
    ...common,
    entryPoints: ['src/cli/losslab.ts'],
    outfile: join(outdir, 'cli.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/core/index.ts'],
    outfile: join(outdir, 'core.mjs'),
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
];

// The notebook renderer runs in a webview as an ES module; the slider recompute is split into a
// chunk it imports on first use, and plotly is loaded by URL on first render, so opening a
// notebook does not parse 4.8 MB up front.
const renderer = {
  ...common,
  entryPoints: { renderer: 'src/renderer/index.ts' },
  outdir,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  splitting: true,
  chunkNames: 'renderer-chunks/[name]-[hash]',
};
// plotly.js, shipped once as a classic script that sets globalThis.Plotly: the renderer imports
// it by URL on its first figure (src/renderer/plotlyApi.ts), the HTML report inlines it before
// report.js (src/node/report/figureScript.ts).
targets.push({
  ...common,
  sourcemap: false,
  minify: true,
  entryPoints: ['src/renderer/plotlyGlobal.ts'],
  outfile: join(outdir, 'renderer-chunks', 'plotly.js'),
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
});
// The HTML report (`losslab run --html`, the editor's export) inlines this script, after plotly's, to draw its figures.
targets.push({
  ...common,
  sourcemap: false,
  minify: true,
  entryPoints: ['src/renderer/report.ts'],
  outfile: join(outdir, 'report.js'),
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  // The report finds Plotly already global; the renderer's by-URL import is never reached there.
  define: { 'import.meta.url': 'undefined' },
});

await Promise.all([...targets.map((options) => build(options)), build(renderer)]);
targets.push({ outfile: join(outdir, 'renderer.js') });
for (const { outfile } of targets) {
  const kib = (statSync(outfile).size / 1024).toFixed(1);
  console.log(`built ${outfile} (${kib} KiB)`);
}
