// Compiles the extension-host suite (test/e2e/suite/*.ts) to out/e2e/suite/*.js, one CommonJS
// file per entry, with `vscode` and `mocha` left to the extension host's require. Both runners
// call it; it prints nothing unless esbuild warns.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUITE_OUT = join(ROOT, 'out', 'e2e', 'suite');
/** The file that exports run(), for extensionTestsPath. */
export const SUITE_ENTRY = join(SUITE_OUT, 'index.js');

export async function buildSuite() {
  const dir = join(ROOT, 'test', 'e2e', 'suite');
  const entries = readdirSync(dir)
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => join(dir, name));
  rmSync(SUITE_OUT, { recursive: true, force: true });
  await build({
    entryPoints: entries,
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return SUITE_ENTRY;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSuite();
  console.log(`built ${SUITE_OUT}`);
}
