// `npm run package`: the production bundles (minified, no source maps), then `vsce package` of the
// installed @vscode/vsce into losslab-<version>.vsix. Prints each bundle's size and the package's,
// and fails when the .vsix exceeds 6 MB or the extension-host bundle 1.5 MB.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXTENSION_HOST_LIMIT, VSIX_LIMIT, filesWithSizes, formatBytes } from './lib/packaging.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

function run(args, what) {
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm run package: ${what} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
  console.log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const vsix = `${manifest.name}-${manifest.version}.vsix`;

// A clean dist/, so that no stale chunk or development source map is packaged.
rmSync('dist', { recursive: true, force: true });
run(['scripts/build.mjs', '--production'], 'production build');

console.log('\nbundles:');
for (const { file, bytes } of filesWithSizes('dist')) console.log(`  dist/${file.padEnd(44)} ${formatBytes(bytes).padStart(10)}`);
const hostBytes = statSync('dist/extension.js').size;
if (hostBytes > EXTENSION_HOST_LIMIT) {
  console.error(`dist/extension.js is ${formatBytes(hostBytes)}, over the ${formatBytes(EXTENSION_HOST_LIMIT)} limit: load heavy modules lazily (LAZY_CHUNKS in scripts/build.mjs)`);
  process.exit(1);
}

// Everything the extension needs is bundled, so vsce must not walk node_modules (--no-dependencies).
const vsceArgs = ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--out', vsix];
if (manifest.repository === undefined) {
  // vsce rewrites the README's relative links and images against the repository; without one it
  // refuses them. Until the manifest has its repository field, point them at the same placeholder.
  console.warn('\nnote: package.json has no "repository"; packaging with a placeholder base URL for README links');
  vsceArgs.push('--allow-missing-repository', '--baseContentUrl', 'https://github.com/losslab/losslab/blob/HEAD', '--baseImagesUrl', 'https://github.com/losslab/losslab/raw/HEAD');
}
rmSync(vsix, { force: true });
run(vsceArgs, '\nvsce package');
if (!existsSync(vsix)) {
  console.error(`npm run package: vsce did not write ${vsix}`);
  process.exit(1);
}
const vsixBytes = statSync(vsix).size;
console.log(`\n${vsix}: ${formatBytes(vsixBytes)} (limit ${formatBytes(VSIX_LIMIT)}); dist/extension.js: ${formatBytes(hostBytes)} (limit ${formatBytes(EXTENSION_HOST_LIMIT)})`);
if (vsixBytes > VSIX_LIMIT) {
  console.error(`${vsix} is over the ${formatBytes(VSIX_LIMIT)} limit`);
  process.exit(1);
}
