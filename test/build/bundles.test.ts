import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

// `npm test` builds before testing, so dist/ holds the bundles of this very tree.

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('src/core stays portable', () => {
  it('imports neither vscode nor Node built-ins', () => {
    const offenders = sourceFiles('src/core').filter((file) =>
      /from\s+['"](vscode|node:[^'"]+|fs|path|os|worker_threads|child_process)['"]/.test(readFileSync(file, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });
});

describe('bundles', () => {
  it('the core is a browser ES module with no require() and the public API exported', async () => {
    const text = readFileSync('dist/core.mjs', 'utf8');
    assert.doesNotMatch(text, /\brequire\(/);
    const core = (await import(pathToFileURL('dist/core.mjs').href)) as Record<string, unknown>;
    for (const name of ['qualityFocalLoss', 'distributionFocalLoss', 'sigmoidFocalLoss', 'giouLoss', 'gflHeadLoss', 'arcFaceLoss', 'tripletMarginLoss', 'batchHard']) {
      assert.equal(typeof core[name], 'function', `dist/core.mjs should export ${name}`);
    }
    // The pool's and the SIMD paths' shared pieces stay internal: not the library's API.
    const internal = Object.keys(core).filter((name) => /^(prepare|finish|new)[A-Z]|Rows$|Columns$|Into$|^mineTile|^tile|^[A-Z_]+$/.test(name));
    assert.deepEqual(internal, []);
  });

  it('the extension host bundle is CommonJS with vscode left external', () => {
    const text = readFileSync('dist/extension.js', 'utf8');
    assert.match(text, /require\("vscode"\)|module\.exports/);
    assert.doesNotMatch(text, /^export /m);
  });
});
