// What `npm run package` promises, shared by scripts/package.mjs and test/build/package.test.ts.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Decimal megabytes, as the issue states its targets. */
export const MB = 1_000_000;

/** The .vsix may hold at most this many bytes. */
export const VSIX_LIMIT = 6 * MB;

/** dist/extension.js, loaded at activation, may hold at most this many bytes. */
export const EXTENSION_HOST_LIMIT = 1.5 * MB;

/** Files (paths relative to the repository) that the .vsix must hold. */
export const REQUIRED_FILES = [
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'language-configuration.json',
  'syntaxes/losslab.tmLanguage.json',
  'media/icon.png',
  'dist/extension.js',
  'dist/mathjax.js',
  'dist/analysis.js',
  'dist/kernelWorker.js',
  'dist/parallelWorker.js',
  'dist/renderer.js',
  'dist/htmlReport.js',
  'dist/report.js',
  'dist/renderer-chunks/plotly.js',
  'samples/gfl-tour.lossnb',
  'samples/arcface-tour.lossnb',
  'samples/triplet-tour.lossnb',
  'samples/debug-detector.lossnb',
  'samples/data/example-export.npz',
];

/** Why a listed file must not be in the .vsix, or undefined when it may be. */
export function forbiddenReason(file) {
  if (/^(src|test|scripts|bench|docs|out|test-artifacts|node_modules)\//.test(file)) return 'sources, tests and tools stay out';
  if (/(^|\/)node_modules\//.test(file)) return 'node_modules are bundled into dist/';
  if (file.endsWith('.map')) return 'source maps stay out';
  if (/\.(ts|mts|cts)$/.test(file)) return 'TypeScript sources stay out';
  if (file.endsWith('.vsix')) return 'an old package';
  return undefined;
}

/** Every file under `dir`, as paths relative to `dir` with forward slashes, with its size in bytes. */
export function filesWithSizes(dir) {
  const walk = (folder) =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? walk(path) : [{ file: relative(dir, path).split('\\').join('/'), bytes: statSync(path).size }];
    });
  return walk(dir).sort((a, b) => a.file.localeCompare(b.file));
}

export const formatBytes = (bytes) => (bytes >= MB ? `${(bytes / MB).toFixed(2)} MB` : `${(bytes / 1000).toFixed(1)} kB`);
