// Bundles the extension host (CJS, `vscode` external) and the core as a browser ES module.
import { build } from 'esbuild';
import { statSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

const targets = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/extension/notebook/kernelWorker.ts'],
    outfile: 'dist/kernelWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/cli/losslab.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/core/index.ts'],
    outfile: 'dist/core.mjs',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
];

await Promise.all(targets.map((options) => build(options)));
for (const { outfile } of targets) {
  const kib = (statSync(outfile).size / 1024).toFixed(1);
  console.log(`built ${outfile} (${kib} KiB)`);
}
